"""What the apps above add to the plan pages, named in settings.PLAN_PANELS.

actionplans sits below the apps that know more about a plan — casestudies knows which
interventions its items deliver and how well each is evidenced — and imports none of
them (docs/decisions/0017). As the user model is named in AUTH_USER_MODEL, the plan
pages name in settings the functions that add to them (docs/decisions/0028): each takes
keyword arguments (the plan page: plan, items, as_at, user; the item page and the
item's edit page: item, user, editing) and returns a Panel, or None to add nothing.

Likewise PLAN_ITEM_CHANGES names the functions that give the changes to items that an
app above records (the interventions an item delivers), so that an item's history and
its plan's show them beside the status updates.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from .models import ActionItem


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


@dataclass(frozen=True)
class ItemChange:
    """A change to an item recorded by an app above: who, when, and each field's old and
    new value as shown to people, as a StatusUpdate says. It moves neither status nor
    progress, so those are None."""

    pk: int
    item: ActionItem
    changed_at: dt.datetime
    # The user model lives above every app (docs/decisions/0023).
    changed_by: Any
    changes: dict[str, dict[str, Any]]
    note: str = ""
    from_status: None = None
    to_status: None = None
    from_progress: None = None
    to_progress: None = None


def item_changes(items: QuerySet[ActionItem]) -> list[ItemChange]:
    """The changes to these items that the functions in settings.PLAN_ITEM_CHANGES give,
    each called with ``items``."""
    found: list[ItemChange] = []
    for path in settings.PLAN_ITEM_CHANGES:
        found.extend(import_string(path)(items=items))
    return found
