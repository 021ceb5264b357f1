"""What the apps above add to the plan pages, named in settings.PLAN_PANELS.

actionplans sits below the apps that know more about a plan — casestudies knows which
interventions its items deliver and how well each is evidenced — and imports none of
them (docs/decisions/0017). As the user model is named in AUTH_USER_MODEL, the plan
pages name in settings the functions that add to them (docs/decisions/0028): each takes
keyword arguments (the plan page: plan, items, as_at, user; the item page and the
item's edit page: item, user, editing) and returns a Panel, or None to add nothing.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Panel:
    """A template to include and the context it reads as ``panel``."""

    template: str
    context: dict[str, Any]


def panels(page: str, **kwargs: Any) -> list[Panel]:
    """The panels settings.PLAN_PANELS names for this page ('plan' or 'item')."""
    found = []
    for path in settings.PLAN_PANELS.get(page, ()):
        panel = import_string(path)(**kwargs)
        if panel is not None:
            found.append(panel)
    return found
