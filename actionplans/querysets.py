import datetime as dt
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, NullIf

if TYPE_CHECKING:
    from boroughs.models import Borough

    # Named (as strings) in the type arguments of the querysets below.
    from .models import ActionItem, ActionPlan  # noqa: F401

_Rows = TypeVar("_Rows", bound=models.QuerySet[Any])


#: Which of a borough's active plans is its active plan: the most recently refreshed (one
#: never refreshed comes last, on every database), then the most recently changed.
CURRENT_FIRST = (F("last_refreshed_on").desc(nulls_last=True), F("modified_at").desc())


def current_first_key(plan: "ActionPlan") -> tuple[bool, dt.date, dt.datetime]:
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

        per_plan = (
            ActionItem.objects.filter(plan=OuterRef("pk"))
            .order_by()
            .values("plan")
            # The plan column, not the id: counted from the plan index alone.
            .annotate(count=models.Count("plan"))
            .values("count")
        )
        return self.annotate(item_count=Coalesce(Subquery(per_plan), 0))


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

    def as_at(self, day: dt.date) -> Self:
        """The items that existed at the end of ``day``, each annotated with its
        ``status_then``, ``due_date_then`` (an ISO date string, or null) and
        ``last_updated_then`` as they stood then — the figures of actionplans.history's
        items_as_at, worked out in the database rather than by loading every item and its
        history.

        Only an item changed after the day differs from how it stands now, so the
        history is read (on the index of item and time) for those alone: the others'
        columns are their values then. Which items existed is read from the index of
        "created" entries."""
        from .history import CREATED, end_of_day
        from .models import StatusUpdate

        cutoff = end_of_day(day)
        history = StatusUpdate.objects.filter(item=OuterRef("pk"))
        # The changes undone to go back to the day, earliest first ("created" undoes none).
        undone = (
            history.filter(changed_at__gte=cutoff)
            .exclude(changes__has_key=CREATED)
            .order_by("changed_at", "id")
        )
        kept = history.filter(changed_at__lt=cutoff).order_by("-changed_at", "-id")
        due_changed = undone.filter(changes__has_key="due_date")
        created = StatusUpdate.objects.filter(changes__has_key=CREATED)
        existed = models.Q(pk__in=created.filter(changed_at__lt=cutoff).values("item")) | (
            ~models.Q(pk__in=created.values("item"))
            & (
                models.Q(source__published_on__isnull=False, source__published_on__lte=day)
                | models.Q(source__published_on__isnull=True, created_at__lt=cutoff)
            )
        )
        # One set of the items changed since, looked up per item (a hash in PostgreSQL).
        changed_since = models.Q(
            pk__in=StatusUpdate.objects.filter(changed_at__gte=cutoff).values("item")
        )
        due_now = Cast("due_date", CharField())
        return self.filter(existed).annotate(
            status_then=Case(
                When(
                    changed_since,
                    then=Coalesce(
                        Subquery(undone.exclude(from_status="").values("from_status")[:1]),
                        F("status"),
                    ),
                ),
                default=F("status"),
            ),
            # The due date before the first change to it since; "" stands for none (a
            # blank due date then) in the subquery, so that a null there means no change.
            due_date_then=NullIf(
                Case(
                    When(
                        changed_since,
                        then=Coalesce(
                            Subquery(
                                due_changed.values(
                                    due_from=Coalesce(
                                        KT("changes__due_date__from"),
                                        Value(""),
                                        output_field=CharField(),
                                    )
                                )[:1]
                            ),
                            due_now,
                        ),
                    ),
                    default=due_now,
                    output_field=CharField(),
                ),
                Value(""),
            ),
            last_updated_then=Case(
                When(
                    changed_since | models.Q(last_updated_at__gte=cutoff),
                    then=Subquery(kept.values("changed_at")[:1]),
                ),
                default=F("last_updated_at"),
            ),
        )

    def figures_as_at(self, day: dt.date) -> models.QuerySet[Any]:
        """The items (of some plans) as they stood at the end of ``day`` (as_at), counted
        in the database in one pass: a row per plan and status then, with ``count``,
        ``overdue`` (past due on the day and neither complete nor cancelled) and
        ``latest`` (the latest update then)."""
        closed = [self.model.Status.COMPLETE, self.model.Status.CANCELLED]
        return (
            self.as_at(day)
            .order_by()
            .values("plan_id", "status_then")
            .annotate(
                count=models.Count("pk"),
                overdue=models.Count(
                    "pk",
                    filter=models.Q(due_date_then__lt=day.isoformat())
                    & ~models.Q(status_then__in=closed),
                ),
                latest=models.Max("last_updated_then"),
            )
        )


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
