import datetime as dt
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.db.models import F

from core.querysets import rows_pointing_here

if TYPE_CHECKING:
    from boroughs.models import Borough

    from .history import PlanFields

    # Named (as strings) in the type arguments of the querysets below.
    from .models import ActionItem, ActionPlan  # noqa: F401

_Rows = TypeVar("_Rows", bound=models.QuerySet[Any])


#: Which of a borough's active plans is its active plan: the most recently refreshed (one
#: never refreshed comes last, on every database), then the most recently changed.
CURRENT_FIRST = (F("last_refreshed_on").desc(nulls_last=True), F("modified_at").desc())


def current_first_key(plan: "ActionPlan | PlanFields") -> tuple[bool, dt.date, dt.datetime]:
    """CURRENT_FIRST for plans already in memory: sort with ``reverse=True``."""
    return (
        plan.last_refreshed_on is not None,
        plan.last_refreshed_on or dt.date.min,
        plan.modified_at,
    )


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    def active(self) -> Self:
        return self.filter(status=self.model.Status.ACTIVE)

    def current_first(self, *before: str) -> Self:
        """Ordered by ``before`` (e.g. "borough_id"), then CURRENT_FIRST."""
        return self.order_by(*before, *CURRENT_FIRST)

    def public(self) -> Self:
        """Plans anyone may read: every plan but drafts."""
        return self.filter(_public_plans(""))

    def visible_to(self, user: Any) -> Self:
        """Plans the user may read: drafts only for their borough's officers and leads (or,
        for a partnership's plan, its member boroughs'), analysts and editors."""
        return self.filter(_visible_plans(user, ""))

    def for_borough(self, borough: "Borough") -> Self:
        return self.filter(borough=borough)

    def editable_by(self, user: Any) -> Self:
        return editable_by(self, user, "borough")

    def with_item_count(self) -> Self:
        """Each plan's ``item_count``: counted by the items' plan index for the plans read
        (a page's), not a join of every item grouped by plan, which counting the list's
        plans would then read too."""
        from .models import ActionItem

        return self.annotate(item_count=rows_pointing_here(ActionItem, "plan"))


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def overdue(self, today: dt.date) -> Self:
        """Past due and neither complete nor cancelled."""
        return self.filter(due_date__lt=today).exclude(
            status__in=[self.model.Status.COMPLETE, self.model.Status.CANCELLED]
        )

    def for_listing(self) -> Self:
        return self.select_related("plan__borough", "theme", "last_updated_by")

    def public(self) -> Self:
        """Items anyone may read: those of every plan but drafts."""
        return self.filter(_public_plans("plan__"))

    def visible_to(self, user: Any) -> Self:
        """Items the user may read: those of the plans they may read."""
        return self.filter(_visible_plans(user, "plan__"))

    def editable_by(self, user: Any) -> Self:
        return editable_by(self, user, "plan__borough")


def editable_by(queryset: _Rows, user: Any, borough_path: str) -> _Rows:
    """Rows the user may change: all for editors, their lead boroughs' rows for leads."""
    from boroughs.roles import LEAD, is_editor

    if not user.is_authenticated:
        return queryset.none()
    if is_editor(user):
        return queryset
    return queryset.filter(
        **{f"{borough_path}__roles__user": user, f"{borough_path}__roles__role": LEAD}
    )


def _public_plans(prefix: str) -> models.Q:
    from .models import ActionPlan

    return ~models.Q(**{f"{prefix}status": ActionPlan.Status.DRAFT})


def _visible_plans(user: Any, prefix: str) -> models.Q:
    """The condition for plans (at ``prefix``) the user may read; see visible_to."""
    from boroughs.models import Partnership
    from boroughs.roles import boroughs_of, is_analyst, is_editor

    if user is not None and (is_editor(user) or is_analyst(user)):
        return models.Q()
    public = _public_plans(prefix)
    own = boroughs_of(user) if user is not None else set()
    if not own:
        return public
    return (
        public
        | models.Q(**{f"{prefix}borough__in": own})
        | models.Q(**{f"{prefix}partnership__in": Partnership.objects.filter(members__in=own)})
    )
