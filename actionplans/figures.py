"""Each plan's item figures, kept current on every write (docs/decisions/0032, 0036).

The borough summary, the boroughs table, a borough's profile and compare read a plan's
items by status, its latest item update and its overdue items from PlanFigures instead
of counting every item of every active plan on each request. Overdue items depend on the
day too: they are stored with the day they were counted on and the next due date of an
open item, and counted again only once that date has passed (overdue_items_on).

The receivers below count a plan afresh whenever one of its items is saved or deleted, by
any path that sends signals: the services (page forms, API, CSV upload), the admin and
the loader. Paths that write
without signals (bulk_create: the synthetic data generator) call plan_figures_refresh
themselves, as they call bump_data_version for the response cache.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import CLOSED_STATUSES, ActionItem, ActionPlan, PlanFigures

OVERDUE_FIELDS = ["overdue_items", "overdue_on", "next_due_on"]


def _overdue_counts(day: dt.date) -> tuple[Count, Min]:
    """What to count, per group of items, for their overdue figures on ``day``: those
    past due, and the earliest due date from the day on (to know when to count again)."""
    return Count("id", filter=Q(due_date__lt=day)), Min("due_date", filter=Q(due_date__gte=day))


def _count_overdue(figures: PlanFigures, overdue: int, next_due: dt.date | None) -> None:
    """Add one group's overdue figures to the plan's."""
    figures.overdue_items += overdue
    if next_due is not None and (figures.next_due_on is None or next_due < figures.next_due_on):
        figures.next_due_on = next_due


def plan_figures_refresh(plan_ids: Iterable[int]) -> dict[int, PlanFigures]:
    """Count the items of these plans afresh and store the figures: two queries (the
    count, and one insert that updates the rows already there). Returns them by plan."""
    today = timezone.localdate()
    figures = {
        pk: PlanFigures(plan_id=pk, items_by_status={}, overdue_on=today) for pk in set(plan_ids)
    }
    if not figures:
        return figures
    overdue, next_due = _overdue_counts(today)
    for row in (
        ActionItem.objects.filter(plan__in=list(figures))
        .order_by()
        .values("plan_id", "status")
        .annotate(
            count=Count("id"), latest=Max("last_updated_at"), overdue=overdue, next_due=next_due
        )
    ):
        found = figures[row["plan_id"]]
        found.items_by_status[row["status"]] = row["count"]
        latest = row["latest"]
        if latest is not None and (
            found.last_item_update is None or latest > found.last_item_update
        ):
            found.last_item_update = latest
        if row["status"] not in CLOSED_STATUSES:
            _count_overdue(found, row["overdue"], row["next_due"])
    PlanFigures.objects.bulk_create(
        list(figures.values()),
        update_conflicts=True,
        unique_fields=["plan"],
        update_fields=["items_by_status", "last_item_update", *OVERDUE_FIELDS],
    )
    return figures


class StoredFigures(NamedTuple):
    """A plan's stored figures (PlanFigures' fields), read as values with the plan's row:
    a table of every council reads hundreds of plans, and building a plan and its
    figures as model instances for each cost more than the query."""

    plan_id: int
    items_by_status: dict[str, int]
    last_item_update: dt.datetime | None
    overdue_items: int
    overdue_on: dt.date | None
    next_due_on: dt.date | None


#: The plans' columns that hold StoredFigures, in its order.
_STORED = [f"figures__{name}" for name in StoredFigures._fields]


def plans_with_figures(
    plans: QuerySet[ActionPlan], *fields: str
) -> list[tuple[tuple[Any, ...], StoredFigures]]:
    """``fields`` of each of ``plans`` (the first its pk), as values, with its stored
    figures, in the plans' order: one query, and two more, however many they are, for
    plans that have none (bulk-created without signals), counted and stored now."""
    rows = [
        (row[: len(fields)], row[len(fields) :]) for row in plans.values_list(*fields, *_STORED)
    ]
    missing = [plan[0] for plan, stored in rows if stored[0] is None]
    counted: dict[int, PlanFigures] = plan_figures_refresh(missing) if missing else {}
    return [
        (plan, StoredFigures(*stored) if stored[0] is not None else _stored(counted[plan[0]]))
        for plan, stored in rows
    ]


def _stored(figures: PlanFigures) -> StoredFigures:
    return StoredFigures(*(getattr(figures, name) for name in StoredFigures._fields))


def _overdue_holds(figures: PlanFigures | StoredFigures, day: dt.date) -> bool:
    """Whether the stored overdue count is the count on ``day``: it was counted on that
    day, or on an earlier one and no open item has fallen due since."""
    counted_on = figures.overdue_on
    if counted_on is None or counted_on > day:
        return False
    return counted_on == day or figures.next_due_on is None or figures.next_due_on >= day


def overdue_items_on(
    figures: Mapping[int, PlanFigures | StoredFigures], day: dt.date
) -> dict[int, int]:
    """plan pk -> its open items past due on ``day``, from the plans' stored figures. No
    query while each count holds (until an open item falls due); the plans whose count
    no longer does are counted again in one query on the index of open items' due dates,
    and, on today, stored in one more."""
    found = {}
    stale = []
    for pk, stored in figures.items():
        if _overdue_holds(stored, day):
            found[pk] = stored.overdue_items
        else:
            stale.append(PlanFigures(plan_id=pk, overdue_items=0, overdue_on=day))
            found[pk] = 0
    if not stale:
        return found
    by_plan = {recounted.plan_id: recounted for recounted in stale}
    overdue, next_due = _overdue_counts(day)
    for row in (
        ActionItem.objects.filter(plan__in=list(by_plan))
        .exclude(status__in=CLOSED_STATUSES)
        .order_by()
        .values("plan_id")
        .annotate(overdue=overdue, next_due=next_due)
    ):
        _count_overdue(by_plan[row["plan_id"]], row["overdue"], row["next_due"])
        found[row["plan_id"]] = row["overdue"]
    if day == timezone.localdate():
        # Not over a count an item's write stored meanwhile: that one is newer.
        PlanFigures.objects.filter(Q(overdue_on__lt=day) | Q(overdue_on__isnull=True)).bulk_update(
            stale, OVERDUE_FIELDS
        )
    return found


@receiver(post_save, sender=ActionItem)
@receiver(post_delete, sender=ActionItem)
def _item_written(sender, instance, **kwargs):
    plan_figures_refresh([instance.plan_id])


@receiver(post_save, sender=ActionPlan)
def _plan_saved(sender, instance, created=False, **kwargs):
    if created:  # a plan has figures from the start, with no items
        plan_figures_refresh([instance.pk])


@receiver(post_delete, sender=ActionPlan)
def _plan_deleted(sender, instance, **kwargs):
    PlanFigures.objects.filter(plan_id=instance.pk).delete()
