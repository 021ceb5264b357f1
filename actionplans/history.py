"""Plans and items as they stood at the end of a day, rebuilt from their history.

What the portal knows (docs/decisions/0010-plans-as-at-a-date.md):

- a record loaded from a source document stood as that document published it, from the
  document's publication date (``source.published_on``);
- a record added in the portal has a "created" history entry and exists from then;
- every later change is a history entry — StatusUpdate for items, PlanChange for plans —
  with when it was made and each field's old and new value as shown to people.

So the state at the end of day D (Europe/London) is the state of the records that existed
on D, with every change made after D undone, newest first. History is loaded in one query
per kind whatever the number of plans, items or changes.

The records rebuilt here are the loaded model instances with their fields set back; they
are for reading only and refuse to be saved.
"""

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NoReturn, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    Q,
    QuerySet,
    TextField,
    When,
)
from django.db.models.functions import Cast
from django.utils import dateformat

from boroughs.models import Borough, Partnership

from .models import ActionItem, ActionPlan, PlanChange, StatusUpdate, Theme
from .querysets import current_first_key
from .services import ITEM_FIELDS, PLAN_FIELDS

LONDON = ZoneInfo("Europe/London")
CREATED = "created"

#: Fields whose history keeps an ISO date string ("2020-03-31") or None.
DATE_FIELDS = frozenset({"due_date", "period_start", "period_end", "last_refreshed_on"})
#: The keys of an item's change that rebuilding it reads from the change itself: every
#: field a change records but status and progress, which StatusUpdate keeps in columns.
ITEM_RESTORED_KEYS = sorted(set(ITEM_FIELDS) - {"status", "progress"})
#: Item fields restored from a change's "from" value as they are; theme by name (see
#: _restore_item).
ITEM_TEXT_FIELDS = frozenset(ITEM_RESTORED_KEYS) - {"theme"}


class AsAtError(ValueError):
    """A day that cannot be shown, with the message that says why."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INVALID_MESSAGE = "Enter a real date as YYYY-MM-DD, for example 2020-06-01"
FUTURE_MESSAGE = "Choose a date today or earlier"


def long_date(day: dt.date) -> str:
    return dateformat.format(day, "j F Y")


def parse_as_at(raw: str | None) -> dt.date | None:
    """The day named by ``as_at=YYYY-MM-DD``; None when it is absent or blank."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not ISO_DAY.match(raw):
        raise AsAtError(INVALID_MESSAGE, "invalid")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise AsAtError(INVALID_MESSAGE, "invalid") from None


def check_not_future(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise AsAtError(FUTURE_MESSAGE, "future")


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in London: a change made at or after it is undone."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)


def _from_value(name: str, value: Any) -> Any:
    if name in DATE_FIELDS and value:
        return dt.date.fromisoformat(value)
    return value


def _refuse_save(*args: Any, **kwargs: Any) -> NoReturn:
    raise RuntimeError("A plan or item as it stood on an earlier day cannot be saved.")


def _read_only(record: "ActionPlan | ActionItem | PlanFields") -> None:
    """Make a rebuilt record refuse to be saved."""
    # An attribute of the instance shadows the model's save(); mypy sees a method replaced.
    record.save = _refuse_save  # type: ignore[method-assign, union-attr]


def _recorded_from(
    record: "ActionPlan | ActionItem | PlanFields", created_at: dt.datetime | None
) -> dt.date:
    """The day the portal's record of ``record`` begins: its "created" entry (made at
    ``created_at``), else its source's publication date, else the day its row was made
    (admin or a script)."""
    if created_at is not None:
        return local_date(created_at)
    if isinstance(record, PlanFields):
        published = record.source_published_on
    else:
        published = record.source.published_on if record.source is not None else None
    if published is not None:
        return published
    return local_date(record.created_at)


# --- Plans -------------------------------------------------------------------------------


@dataclass
class PlanFields:
    """A plan's own fields read as values (``READ``), for rebuilding hundreds of plans as
    they stood on a day, as a summary of every council does, without building each plan
    and its source as model instances. Rebuilt, it carries ``as_at`` and
    ``recorded_from`` as a plan does; ``also``, the values of the columns the reader
    asked for beside its fields (plan_fields_as_at)."""

    pk: int
    borough_id: int | None
    partnership_id: int | None
    slug: str
    title: str
    period_start: dt.date | None
    period_end: dt.date | None
    status: str
    scope: str
    overseen_by: str
    last_refreshed_on: dt.date | None
    version: int
    modified_at: dt.datetime
    created_at: dt.datetime
    source_published_on: dt.date | None
    as_at: dt.date = dt.date.min
    recorded_from: dt.date = dt.date.min
    also: tuple[Any, ...] = ()

    READ = (
        "pk",
        "borough",
        "partnership",
        "slug",
        "title",
        "period_start",
        "period_end",
        "status",
        "scope",
        "overseen_by",
        "last_refreshed_on",
        "version",
        "modified_at",
        "created_at",
        "source__published_on",
    )


#: A plan as the rebuild takes it: a model instance, or its fields read as values.
Plan = TypeVar("Plan", ActionPlan, PlanFields)


def whose_plan(plans: Iterable[Plan], name_of: Callable[[Plan], str] | None = None) -> str:
    """Whose plan it is, in words ("Westminster's plan"), for the message about a day
    before the portal's record begins; ``name_of`` a plan's borough or partnership's
    name, where the plans were read without them (as PlanFields)."""
    names = {name_of(plan) if name_of else _owner(plan).name for plan in plans}
    return f"{names.pop()}'s plan" if len(names) == 1 else "any borough's plan"


def _owner(plan: ActionPlan | PlanFields) -> Borough | Partnership:
    if isinstance(plan, PlanFields):
        raise TypeError("A plan read as values names its owner through name_of")
    owner = plan.borough if plan.borough_id else plan.partnership
    if owner is None:  # the plan_belongs_to_borough_or_partnership constraint forbids it
        raise ValueError(f"Plan {plan.pk} belongs to no borough and no partnership")
    return owner


@dataclass
class PlansAsAt(Generic[Plan]):
    """Some plans as they stood at the end of ``day``.

    ``plans`` holds every plan asked about, each with ``recorded_from``; those that
    existed on the day have their fields set back to that day's values.
    """

    day: dt.date
    plans: list[Plan]

    @property
    def recorded_from(self) -> dt.date | None:
        """The earliest day the portal has a record of any of these plans."""
        return min((plan.recorded_from for plan in self.plans), default=None)

    @property
    def existing(self) -> list[Plan]:
        return [plan for plan in self.plans if plan.recorded_from <= self.day]

    @property
    def active(self) -> list[Plan]:
        """Plans active on the day, the most recently refreshed first."""
        active = [plan for plan in self.existing if plan.status == ActionPlan.Status.ACTIVE]
        return sorted(active, key=current_first_key, reverse=True)

    def check_recorded(self, name_of: Callable[[Plan], str] | None = None) -> None:
        """Refuse a day before the portal's record of these plans begins (whose_plan says
        what ``name_of`` is)."""
        start = self.recorded_from
        if start is not None and self.day < start:
            first = [plan for plan in self.plans if plan.recorded_from == start]
            raise AsAtError(
                f"The portal has no record of {whose_plan(first, name_of)} before "
                f"{long_date(start)}",
                "no_record",
            )


def plans_as_at(plans: Iterable[ActionPlan], day: dt.date) -> PlansAsAt[ActionPlan]:
    """``plans`` (loaded with borough, partnership, framework and source) as they stood at
    the end of ``day``. One query: the plans' history."""
    # Their history is selected by the query that chose them, where there is one: for
    # every council's plans a list of their ids is hundreds of parameters.
    chosen = plans if isinstance(plans, QuerySet) and not plans.query.is_sliced else None
    return _rebuilt(list(plans), chosen, day)


def plan_fields_as_at(
    plans: QuerySet[ActionPlan], day: dt.date, *, also: Sequence[str] = ()
) -> PlansAsAt[PlanFields]:
    """As plans_as_at, the plans read as PlanFields: two queries (the plans, their
    history). ``also`` names columns of ``plans`` (annotations) read with each plan's
    fields, into its ``also``: what a reader needs of each plan comes in the same query."""
    count = len(PlanFields.READ)
    read = []
    for row in plans.values_list(*PlanFields.READ, *also):
        plan = PlanFields(*row[:count])
        plan.also = row[count:]
        read.append(plan)
    return _rebuilt(read, plans, day)


def _rebuilt(
    plans: list[Plan], chosen: QuerySet[ActionPlan] | None, day: dt.date
) -> PlansAsAt[Plan]:
    """``plans`` as they stood at the end of ``day``, their history selected by
    ``chosen``, the query that read them (None: by a list of their pks)."""
    cutoff = end_of_day(day)
    created: dict[int, dt.datetime] = {}
    undone: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)  # newest first
    if plans:
        of_plans: Any = [plan.pk for plan in plans] if chosen is None else chosen.values("pk")
        # Read as values, and only what the day needs: the "created" entries, which date
        # the record, and the changes made after the day, which are undone. A table of
        # every council's plans read hundreds of entries, each built as a model instance.
        # A "created" entry is known by its key alone: only the changes undone come as
        # text to decode (a JSON column is decoded row by row, every plan's entry).
        is_created = Q(changes__has_key=CREATED)
        for plan_id, changed_at, undone_changes in (
            PlanChange.objects.filter(plan__in=of_plans)
            .filter(Q(changed_at__gte=cutoff) | is_created)
            .order_by("-changed_at", "-id")
            .values_list(
                "plan_id",
                "changed_at",
                Case(
                    When(~is_created, then=Cast("changes", TextField())),
                    output_field=TextField(),
                ),
            )
        ):
            if undone_changes is None:
                created[plan_id] = changed_at  # the earliest, read last
            else:
                undone[plan_id].append(json.loads(undone_changes))
    for plan in plans:
        plan.recorded_from = _recorded_from(plan, created.get(plan.pk))
        plan.as_at = day
        _read_only(plan)
        if plan.recorded_from > day:
            continue
        for changes in undone.get(plan.pk, ()):
            for name, values in changes.items():
                if name in PLAN_FIELDS:
                    setattr(plan, name, _from_value(name, values.get("from")))
            plan.version = max(1, plan.version - 1)
    return PlansAsAt(day=day, plans=plans)


# --- Items -------------------------------------------------------------------------------


@dataclass
class ItemsAsAt:
    """The items of some plans as they stood at the end of ``day``, in plan order."""

    day: dt.date
    items: list[ActionItem]
    themes: dict[int, list[Theme]]  # framework pk -> its themes, in order


@dataclass(frozen=True, slots=True)
class _Update:
    """A status update as the rebuild reads it, from a row rather than a model instance
    (a plan's thousand or so updates cost a third as much read so). Only an update made
    after the day is undone, and its status and progress come from its own columns, so
    only such an update that changed another field carries its changes; who made one is
    kept as the user's id and username, all that a rebuilt item shows of its last
    updater."""

    item_id: int
    changed_at: dt.datetime
    created: bool
    from_status: str
    from_progress: int | None
    # None for an update made on or before the day, or one that moved only status and
    # progress.
    changes: dict[str, Any] | None
    changed_by_id: int | None
    changed_by_username: str | None

    def changed_by(self) -> Any:
        """Who made the update, as a user holding its id and username (any other field
        is read from the database if asked for), or None."""
        if self.changed_by_id is None:
            return None
        return get_user_model().from_db(
            None, ["id", "username"], [self.changed_by_id, self.changed_by_username]
        )


def _updates_of_plans(plans: list[int], cutoff: dt.datetime) -> Iterable[_Update]:
    """The status updates of the items of ``plans``, oldest first, with the changes of
    those made at or after ``cutoff`` that changed a field other than status and
    progress. One query. The changes come as text, decoded here for those few: a JSON
    column is decoded row by row, and most updates only move an item's status."""
    rows = (
        StatusUpdate.objects.filter(item__plan__in=plans)
        .order_by("changed_at", "id")
        .annotate(
            created=ExpressionWrapper(Q(changes__has_key=CREATED), output_field=BooleanField()),
            undone_changes=Case(
                When(
                    changed_at__gte=cutoff,
                    changes__has_any_keys=ITEM_RESTORED_KEYS,
                    then=Cast("changes", TextField()),
                ),
                output_field=TextField(),
            ),
        )
        .values_list(
            "item_id",
            "changed_at",
            "created",
            "from_status",
            "from_progress",
            "undone_changes",
            "changed_by_id",
            "changed_by__username",
        )
    )
    for item_id, changed_at, created, status, progress, changes, by_id, by_name in rows:
        yield _Update(
            item_id,
            changed_at,
            created,
            status,
            progress,
            json.loads(changes) if changes is not None else None,
            by_id,
            by_name,
        )


def items_as_at(
    plans: Iterable[ActionPlan], items: Iterable[ActionItem], day: dt.date
) -> ItemsAsAt:
    """The ``items`` of ``plans`` (as rebuilt by plans_as_at for the same day) that existed
    at the end of ``day``, each with its fields set back to that day. ``items`` are loaded
    with source and last_updated_by. Two queries: the items' history, and their
    frameworks' themes."""
    by_pk = {plan.pk: plan for plan in plans if plan.recorded_from <= day}
    items = [item for item in items if item.plan_id in by_pk]
    updates: defaultdict[int, list[_Update]] = defaultdict(list)
    themes: defaultdict[int, list[Theme]] = defaultdict(list)
    if by_pk:
        for update in _updates_of_plans(list(by_pk), end_of_day(day)):
            updates[update.item_id].append(update)
        frameworks = {plan.framework_id: plan.framework for plan in by_pk.values()}
        for theme in Theme.objects.filter(framework__in=list(frameworks)).order_by("order", "id"):
            theme.framework = frameworks[theme.framework_id]
            themes[theme.framework_id].append(theme)
    themes_by_id = {theme.pk: theme for found in themes.values() for theme in found}
    rebuilt = []
    for item in items:
        history = updates[item.pk]
        created_at = next((update.changed_at for update in history if update.created), None)
        if _recorded_from(item, created_at) > day:
            continue
        item.plan = by_pk[item.plan_id]
        item.theme = themes_by_id.get(item.theme_id) or item.theme
        _restore_item(item, history, themes[item.plan.framework_id], day)
        item.as_at = day
        _read_only(item)
        rebuilt.append(item)
    rebuilt.sort(key=lambda item: (item.plan_id, item.theme.order, item.order, item.pk))
    return ItemsAsAt(day=day, items=rebuilt, themes=dict(themes))


def _restore_item(
    item: ActionItem, history: list[_Update], themes: list[Theme], day: dt.date
) -> None:
    """Undo, newest first, every change to ``item`` made after ``day``."""
    cutoff = end_of_day(day)
    kept = [update for update in history if update.changed_at < cutoff]
    undone = [update for update in history if update.changed_at >= cutoff]
    for update in reversed(undone):
        if update.created:
            continue
        item.status = update.from_status or item.status
        item.progress = update.from_progress
        for name, values in (update.changes or {}).items():
            if name in ITEM_TEXT_FIELDS:
                setattr(item, name, _from_value(name, values.get("from")))
            elif name == "theme":
                # History keeps the theme's name; a theme renamed since keeps the current one.
                named = next((theme for theme in themes if theme.name == values.get("from")), None)
                item.theme = named or item.theme
        item.version = max(1, item.version - 1)
    if undone or (item.last_updated_at is not None and item.last_updated_at >= cutoff):
        latest = kept[-1] if kept else None
        item.last_updated_at = latest.changed_at if latest else None
        item.last_updated_by = latest.changed_by() if latest else None


# --- The day a reader asks for -------------------------------------------------------------
