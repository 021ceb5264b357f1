"""Each plan's item figures on every day, stored and kept right on write
(docs/decisions/0038).

The borough summary and the boroughs table as at a day (docs/decisions/0010) show, for
each plan active that day, its items by status then, its overdue items then and its latest
item update then. Rebuilding these from the history on each request read every item of
every active plan and the history of each changed since: seconds at national scale.

A plan's figures change only on a few days: when an item is added or changed, or when an
open item falls past due. So they are stored as a timeline, ``DatedPlanFigures``: a row
for each day on which they differ from the day before, holding them from that day until
the plan's next row. The figures on a day are those of the plan's latest row dated that
day or earlier: one index lookup per plan.

The timeline is worked out by the rules by which actionplans.history rebuilds items
(``items_as_at``), evaluated on each day an item's state can change. Each plan's first
row, dated 1 January of year 1, holds no items and says that the rows after it are
those of the plan's history as it stands: any write of an item or of its history
removes it (one query, by every path that sends signals: the services behind the pages,
the API and the CSV upload, the admin and the loader), and the next read works the
timeline out afresh and writes the rows that differ, usually those from the day of the
write on. A plan's timeline is thus worked out once however many of its items a write
changes (a CSV upload of a hundred rows), and only when it is read. Paths that write
without signals call ``dated_figures_refresh`` (generate_synthetic).
"""

import bisect
import datetime as dt
import heapq
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from boroughs.models import Source

from .history import CREATED, local_date
from .models import (
    CLOSED_STATUSES,
    ActionItem,
    ActionPlan,
    DatedPlanFigures,
    StatusUpdate,
)

#: The day of each plan's first row, which holds no items.
BEFORE_ANY_ITEM = dt.date.min
#: Plans whose timelines are rebuilt together: their items and history are held at once.
PLANS_AT_ONCE = 20


@dataclass(frozen=True)
class FiguresThen:
    """A plan's item figures as they stood on a day."""

    items_by_status: dict[str, int]
    overdue_items: int
    last_item_update: dt.datetime | None


NO_ITEMS = FiguresThen(items_by_status={}, overdue_items=0, last_item_update=None)


# --- Reading -------------------------------------------------------------------------------


#: The columns figures_then_columns annotates a query of plans with.
FIGURES_THEN = "figures_then"
FOLLOWS_HISTORY = "figures_follow_history"
FIGURES_THEN_COLUMNS = (FIGURES_THEN, FOLLOWS_HISTORY)


def figures_then_columns(day: dt.date) -> dict[str, Any]:
    """What to annotate a query of plans with to read their figures as they stood at the
    end of ``day`` in the same query (FIGURES_THEN_COLUMNS): each plan's latest row dated
    that day or earlier, and whether its timeline follows its history (its first row is
    there). figures_then reads them."""
    rows = DatedPlanFigures.objects.filter(plan=OuterRef("pk"))
    # The latest row's figures are read as one JSON value of each plan, so that the
    # database looks the row up once per plan (read as the row itself, by its pk, the
    # lookup ran twice: once to choose the rows and once to find each).
    latest = (
        rows.filter(since__lte=day)
        .order_by("-since")
        .values(
            figures=JSONObject(
                items_by_status="items_by_status",
                overdue_items="overdue_items",
                last_item_update="last_item_update",
            )
        )[:1]
    )
    return {
        FIGURES_THEN: Subquery(latest, output_field=JSONField()),
        FOLLOWS_HISTORY: Exists(rows.filter(since=BEFORE_ANY_ITEM)),
    }


def figures_then(
    plans: Iterable[int], read: Mapping[int, Sequence[Any]], day: dt.date
) -> dict[int, FiguresThen]:
    """The figures of these plans at the end of ``day``, by plan, from the columns of
    figures_then_columns read for them (``read``: plan pk -> its values of
    FIGURES_THEN_COLUMNS). The timelines of plans written since they were worked out, or
    not read, are worked out now, in a few more queries for every PLANS_AT_ONCE of them."""
    ids = list(plans)
    found = {}
    for pk in ids:
        figures, follows = read.get(pk, (None, False))
        if follows and figures is not None:
            found[pk] = _figures(figures)
    for pk, timeline in dated_figures_refresh(pk for pk in ids if pk not in found).items():
        days = [since for since, _ in timeline]
        found[pk] = timeline[bisect.bisect_right(days, day) - 1][1]
    return found


def dated_figures_at(
    plans: Iterable[int], day: dt.date, *, within: QuerySet[Any, Any] | None = None
) -> dict[int, FiguresThen]:
    """The figures of these plans as they stood at the end of ``day``, by plan: one query
    (the latest row of each plan dated that day or earlier), and more for timelines to
    work out (figures_then).

    ``within``, a query of plans that holds them all (those of the areas a summary
    shows), selects them in the database rather than by a list of hundreds of ids; the
    others it holds are read and left out. A reader that reads the plans anyway reads
    their figures with them (figures_then_columns)."""
    ids = list(plans)
    if not ids:
        return {}
    read = {
        pk: columns
        for pk, *columns in ActionPlan.objects.filter(pk__in=ids if within is None else within)
        .order_by()  # a dict: not joined to the boroughs for the plans' default order
        .annotate(**figures_then_columns(day))
        .values_list("pk", *FIGURES_THEN_COLUMNS)
    }
    return figures_then(ids, read, day)


def _figures(stored: dict[str, Any]) -> FiguresThen:
    """A row's figures as the database wrote them in JSON: a timestamp as text, and on
    SQLite the items by status as JSON text too."""
    items_by_status = stored["items_by_status"]
    if isinstance(items_by_status, str):
        items_by_status = json.loads(items_by_status)
    last_item_update = stored["last_item_update"]
    if last_item_update is not None:
        # ISO 8601, as both databases write it: read as such, for hundreds of plans.
        last_item_update = dt.datetime.fromisoformat(last_item_update)
        if last_item_update.tzinfo is None:  # SQLite's, in UTC
            last_item_update = last_item_update.replace(tzinfo=dt.UTC)
    return FiguresThen(
        items_by_status=items_by_status,
        overdue_items=stored["overdue_items"],
        last_item_update=last_item_update,
    )


# --- Writing -------------------------------------------------------------------------------

Timeline = list[tuple[dt.date, FiguresThen]]


def dated_figures_refresh(plan_ids: Iterable[int]) -> dict[int, Timeline]:
    """Work out the timelines of these plans afresh from their items and history, and
    store the rows that differ from those stored. Six queries for up to PLANS_AT_ONCE
    plans (first rows, items, history, stored rows, rows gone, rows new or changed).
    Returns the timelines by plan."""
    ids = sorted(set(plan_ids))
    timelines: dict[int, Timeline] = {}
    for start in range(0, len(ids), PLANS_AT_ONCE):
        timelines.update(_refresh(ids[start : start + PLANS_AT_ONCE]))
    return timelines


def _refresh(ids: list[int]) -> dict[int, Timeline]:
    # The first rows go in before the history is read: a write made while it is read
    # removes them again, and the next read works the timeline out once more.
    DatedPlanFigures.objects.bulk_create(
        [DatedPlanFigures(plan_id=pk, since=BEFORE_ANY_ITEM) for pk in ids],
        ignore_conflicts=True,
    )
    items = list(
        ActionItem.objects.filter(plan__in=ids)
        .order_by()
        .values_list(
            "pk",
            "plan_id",
            "status",
            "due_date",
            "last_updated_at",
            "created_at",
            "source__published_on",
        )
    )
    history: defaultdict[int, list[_Change]] = defaultdict(list)
    for item_id, changed_at, from_status, created, due_changed, due_date in (
        StatusUpdate.objects.filter(item__plan__in=ids)
        .order_by("item_id", "changed_at", "id")
        .values_list(
            "item_id",
            "changed_at",
            "from_status",
            ExpressionWrapper(Q(changes__has_key=CREATED), output_field=BooleanField()),
            ExpressionWrapper(Q(changes__has_key="due_date"), output_field=BooleanField()),
            "changes__due_date",
        )
    ):
        history[item_id].append(
            _Change(
                changed_at=changed_at,
                from_status=from_status,
                created=bool(created),
                due_changed=bool(due_changed),
                due_from=_from_day(due_date["from"]) if due_changed else None,
            )
        )
    by_plan: defaultdict[int, list[tuple[dt.date, int, _State | None]]] = defaultdict(list)
    for pk, plan_id, status, due_date, last_updated_at, created_at, published_on in items:
        item = _Item(
            status=status,
            due_date=due_date,
            last_updated_at=last_updated_at,
            recorded_from=_recorded_from(history[pk], published_on, created_at),
        )
        by_plan[plan_id].extend((day, pk, state) for day, state in _item_states(item, history[pk]))
    timelines = {pk: _plan_timeline(by_plan[pk]) for pk in ids}
    _store(timelines)
    return timelines


def _store(timelines: dict[int, Timeline]) -> None:
    """Write the rows of these timelines that differ from those stored, and remove those
    no longer in them. The first rows are left as they are (see _refresh)."""
    wanted = {
        (plan_id, since): figures
        for plan_id, timeline in timelines.items()
        for since, figures in timeline
        if since != BEFORE_ANY_ITEM
    }
    gone = []
    for pk, plan_id, since, items_by_status, overdue_items, last_item_update in (
        DatedPlanFigures.objects.filter(plan__in=list(timelines))
        .exclude(since=BEFORE_ANY_ITEM)
        .values_list("pk", "plan", "since", "items_by_status", "overdue_items", "last_item_update")
    ):
        key = (plan_id, since)
        if key not in wanted:
            gone.append(pk)
        elif wanted[key] == FiguresThen(items_by_status, overdue_items, last_item_update):
            del wanted[key]
    if gone:
        DatedPlanFigures.objects.filter(pk__in=gone).delete()
    if wanted:
        DatedPlanFigures.objects.bulk_create(
            [
                DatedPlanFigures(
                    plan_id=plan_id,
                    since=since,
                    items_by_status=figures.items_by_status,
                    overdue_items=figures.overdue_items,
                    last_item_update=figures.last_item_update,
                )
                for (plan_id, since), figures in wanted.items()
            ],
            update_conflicts=True,
            unique_fields=["plan", "since"],
            update_fields=["items_by_status", "overdue_items", "last_item_update"],
        )


# --- Working out a timeline ----------------------------------------------------------------


def _from_day(value: str | None) -> dt.date | None:
    """A due date as history keeps it (an ISO date, or None for none)."""
    return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class _Change:
    """What the figures need of a history entry."""

    changed_at: dt.datetime
    from_status: str
    created: bool
    due_changed: bool
    due_from: dt.date | None


@dataclass(frozen=True)
class _Item:
    """An item as it stands now, and the day the portal's record of it begins."""

    status: str
    due_date: dt.date | None
    last_updated_at: dt.datetime | None
    recorded_from: dt.date


@dataclass(frozen=True)
class _State:
    """What an item adds to its plan's figures on a day."""

    status: str
    overdue: bool
    last_updated_at: dt.datetime | None


def _recorded_from(
    history: Sequence[_Change], published_on: dt.date | None, created_at: dt.datetime
) -> dt.date:
    """As actionplans.history._recorded_from: the "created" entry, else the source's
    publication, else the day the row was made."""
    created = next((change for change in history if change.created), None)
    if created is not None:
        return local_date(created.changed_at)
    if published_on is not None:
        return published_on
    return local_date(created_at)


def _item_states(item: _Item, history: Sequence[_Change]) -> list[tuple[dt.date, _State]]:
    """What the item adds to its plan's figures from each day its state changes on: the
    day its record begins, each day a change of it was made on, the day of its last update,
    and the day after it falls due while open.

    On a day D the item stands as actionplans.history._restore_item leaves it: every
    change made after D undone, newest first (``history`` is in the order it was made).
    Those are the changes from the first made after D on, so each day's state is read
    from what is known of every such tail of the history, worked out once from the end."""
    count = len(history)
    made_on = [local_date(change.changed_at) for change in history]
    # For the tail from each change on: the status and the due date its undoing restores
    # (those before its earliest change of them, skipping "created" entries), if any.
    status_before: list[str | None] = [None] * (count + 1)
    due_before: list[tuple[dt.date | None] | None] = [None] * (count + 1)
    for index in range(count - 1, -1, -1):
        change = history[index]
        status_before[index] = status_before[index + 1]
        due_before[index] = due_before[index + 1]
        if not change.created:
            if change.from_status:
                status_before[index] = change.from_status
            if change.due_changed:
                due_before[index] = (change.due_from,)
    last_update_day = local_date(item.last_updated_at) if item.last_updated_at is not None else None
    later = [day for day in [*made_on, last_update_day] if day and day > item.recorded_from]
    days = sorted({item.recorded_from, *later})
    states: list[tuple[dt.date, _State]] = []
    kept = 0  # the changes made on or before the day
    for index, day in enumerate(days):
        while kept < count and made_on[kept] <= day:
            kept += 1
        status = status_before[kept] or item.status
        restored_due = due_before[kept]
        due_date = restored_due[0] if restored_due is not None else item.due_date
        last_updated_at = item.last_updated_at
        if kept < count or (last_update_day is not None and last_update_day > day):
            last_updated_at = history[kept - 1].changed_at if kept else None
        # Overdue on every day after its due date ("past due on the day") while open.
        overdue_from = (
            due_date + dt.timedelta(days=1)
            if due_date is not None and status not in CLOSED_STATUSES
            else None
        )
        overdue = overdue_from is not None and overdue_from <= day
        states.append((day, _State(status, overdue, last_updated_at)))
        following = days[index + 1] if index + 1 < len(days) else None
        if (
            overdue_from is not None
            and not overdue
            and (following is None or overdue_from < following)
        ):
            states.append((overdue_from, _State(status, True, last_updated_at)))
    return states


def _plan_timeline(states: list[tuple[dt.date, int, Any]]) -> Timeline:
    """A plan's rows from its items' states by day: one for each day its figures differ
    from the day before, after the first row that holds no items."""
    timeline: Timeline = [(BEFORE_ANY_ITEM, NO_ITEMS)]
    current: dict[int, _State] = {}
    by_status: Counter[str] = Counter()
    overdue = 0
    updates: Counter[dt.datetime] = Counter()
    latest: list[tuple[float, dt.datetime]] = []  # a heap, newest first; stale tops skipped
    states.sort(key=lambda entry: entry[0])
    for index, (day, item_id, state) in enumerate(states):
        before = current.get(item_id)
        if before is not None:
            by_status[before.status] -= 1
            overdue -= before.overdue
            if before.last_updated_at is not None:
                updates[before.last_updated_at] -= 1
        current[item_id] = state
        by_status[state.status] += 1
        overdue += state.overdue
        if state.last_updated_at is not None:
            if not updates[state.last_updated_at]:
                heapq.heappush(latest, (-state.last_updated_at.timestamp(), state.last_updated_at))
            updates[state.last_updated_at] += 1
        if index + 1 < len(states) and states[index + 1][0] == day:
            continue  # the day's other changes first
        while latest and not updates[latest[0][1]]:
            heapq.heappop(latest)
        figures = FiguresThen(
            items_by_status={status: count for status, count in by_status.items() if count},
            overdue_items=overdue,
            last_item_update=latest[0][1] if latest else None,
        )
        if figures != timeline[-1][1]:
            timeline.append((day, figures))
    return timeline


# --- Keeping them right -------------------------------------------------------------------


def dated_figures_outdate(plans: Any) -> None:
    """Say that the timelines of these plans (pks, or a queryset of them) no longer follow
    their history: one query."""
    DatedPlanFigures.objects.filter(plan__in=plans, since=BEFORE_ANY_ITEM).delete()


@receiver(post_save, sender=ActionItem)
@receiver(post_delete, sender=ActionItem)
def _item_written(sender: Any, instance: ActionItem, **kwargs: Any) -> None:
    dated_figures_outdate([instance.plan_id])


@receiver(post_save, sender=StatusUpdate)
def _history_written(sender: Any, instance: StatusUpdate, **kwargs: Any) -> None:
    dated_figures_outdate(ActionItem.objects.filter(pk=instance.item_id).values("plan"))


@receiver(post_save, sender=Source)
def _source_saved(sender: Any, instance: Source, created: bool = False, **kwargs: Any) -> None:
    # A loaded item's record begins on its source's publication date.
    if not created:
        dated_figures_outdate(ActionItem.objects.filter(source=instance).values("plan"))


@receiver(post_delete, sender=ActionPlan)
def _plan_deleted(sender: Any, instance: ActionPlan, **kwargs: Any) -> None:
    DatedPlanFigures.objects.filter(plan_id=instance.pk).delete()
