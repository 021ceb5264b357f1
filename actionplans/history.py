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
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    JSONField,
    Q,
    QuerySet,
    When,
)
from django.utils import dateformat

from boroughs.models import Borough, Partnership

from .models import ActionItem, ActionPlan, PlanChange, StatusUpdate, Theme
from .querysets import current_first_key

LONDON = ZoneInfo("Europe/London")
CREATED = "created"

#: Fields whose history keeps an ISO date string ("2020-03-31") or None.
DATE_FIELDS = frozenset({"due_date", "period_start", "period_end", "last_refreshed_on"})
#: Item fields restored from a change's "from" value; status and progress come from
#: StatusUpdate's own columns, theme by name (see _restore_item).
ITEM_TEXT_FIELDS = frozenset({"title", "description", "lead_agency", "partners", "due_date"})
PLAN_FIELDS = frozenset(
    {"title", "period_start", "period_end", "status", "scope", "overseen_by", "last_refreshed_on"}
)


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


def _read_only(record: ActionPlan | ActionItem) -> None:
    """Make a rebuilt record refuse to be saved."""
    # An attribute of the instance shadows the model's save(); mypy sees a method replaced.
    record.save = _refuse_save  # type: ignore[method-assign]


def _recorded_from(record: ActionPlan | ActionItem, created_at: dt.datetime | None) -> dt.date:
    """The day the portal's record of ``record`` begins: its "created" entry (made at
    ``created_at``), else its source's publication date, else the day its row was made
    (admin or a script)."""
    if created_at is not None:
        return local_date(created_at)
    if record.source is not None and record.source.published_on is not None:
        return record.source.published_on
    return local_date(record.created_at)


# --- Plans -------------------------------------------------------------------------------


def whose_plan(plans: Iterable[ActionPlan]) -> str:
    """Whose plan it is, in words ("Westminster's plan"), for the message about a day
    before the portal's record begins."""
    names = {_owner(plan).name for plan in plans}
    return f"{names.pop()}'s plan" if len(names) == 1 else "any borough's plan"


def _owner(plan: ActionPlan) -> Borough | Partnership:
    owner = plan.borough if plan.borough_id else plan.partnership
    if owner is None:  # the plan_belongs_to_borough_or_partnership constraint forbids it
        raise ValueError(f"Plan {plan.pk} belongs to no borough and no partnership")
    return owner


@dataclass
class PlansAsAt:
    """Some plans as they stood at the end of ``day``.

    ``plans`` holds every plan asked about, each with ``recorded_from``; those that
    existed on the day have their fields set back to that day's values.
    """

    day: dt.date
    plans: list[ActionPlan]

    @property
    def recorded_from(self) -> dt.date | None:
        """The earliest day the portal has a record of any of these plans."""
        return min((plan.recorded_from for plan in self.plans), default=None)

    @property
    def existing(self) -> list[ActionPlan]:
        return [plan for plan in self.plans if plan.recorded_from <= self.day]

    @property
    def active(self) -> list[ActionPlan]:
        """Plans active on the day, the most recently refreshed first."""
        active = [plan for plan in self.existing if plan.status == ActionPlan.Status.ACTIVE]
        return sorted(active, key=current_first_key, reverse=True)

    def check_recorded(self) -> None:
        """Refuse a day before the portal's record of these plans begins."""
        start = self.recorded_from
        if start is not None and self.day < start:
            first = [plan for plan in self.plans if plan.recorded_from == start]
            raise AsAtError(
                f"The portal has no record of {whose_plan(first)} before {long_date(start)}",
                "no_record",
            )


def plans_as_at(plans: Iterable[ActionPlan], day: dt.date) -> PlansAsAt:
    """``plans`` (loaded with borough, partnership, framework and source) as they stood at
    the end of ``day``. One query: the plans' history."""
    # Their history is selected by the query that chose them, where there is one: for
    # every council's plans a list of their ids is hundreds of parameters.
    chosen: Any = (
        plans.values("pk") if isinstance(plans, QuerySet) and not plans.query.is_sliced else None
    )
    plans = list(plans)
    history: defaultdict[int, list[PlanChange]] = defaultdict(list)
    if plans:
        if chosen is None:
            chosen = [plan.pk for plan in plans]
        for change in PlanChange.objects.filter(plan__in=chosen).order_by("changed_at", "id"):
            history[change.plan_id].append(change)
    for plan in plans:
        plan.recorded_from = _recorded_from(
            plan,
            next(
                (entry.changed_at for entry in history[plan.pk] if CREATED in entry.changes), None
            ),
        )
        plan.as_at = day
        _read_only(plan)
        if plan.recorded_from > day:
            continue
        for change in reversed(history[plan.pk]):
            if change.changed_at < end_of_day(day) or CREATED in change.changes:
                continue
            for name, values in change.changes.items():
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
    after the day is undone, so only those carry their changes; who made one is kept as
    the user's id and username, all that a rebuilt item shows of its last updater."""

    item_id: int
    changed_at: dt.datetime
    created: bool
    from_status: str
    from_progress: int | None
    changes: dict[str, Any] | None  # None for an update made on or before the day
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
    those made at or after ``cutoff``. One query."""
    rows = (
        StatusUpdate.objects.filter(item__plan__in=plans)
        .order_by("changed_at", "id")
        .annotate(
            created=ExpressionWrapper(Q(changes__has_key=CREATED), output_field=BooleanField()),
            undone_changes=Case(
                When(changed_at__gte=cutoff, then=F("changes")), output_field=JSONField()
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
    return (_Update(*row) for row in rows)


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
