"""Reads of history: an item's changes, a plan's timeline of its own and its items', and
plans and items as they stood on a day."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from django.db.models import QuerySet

from boroughs.models import Borough
from core.api.filters import Listing

from .api.filters import ActionItemFilter, ActionPlanFilter, FrameworkFilter
from .history import items_as_at, plans_as_at
from .models import ActionItem, ActionPlan, Framework, PlanChange, StatusUpdate, Theme
from .panels import ItemChange, item_changes
from .querysets import ActionItemQuerySet, ActionPlanQuerySet


def item_history(item: ActionItem) -> list[StatusUpdate | ItemChange]:
    """Every change to the item, newest first: its status updates, and the changes the
    apps above record (the interventions it delivers). One query each."""
    changes: list[StatusUpdate | ItemChange] = list(item.updates.select_related("changed_by"))
    changes.extend(item_changes(ActionItem.objects.filter(pk=item.pk)))
    return sorted(
        changes,
        key=lambda change: (change.changed_at, change.pk),
        reverse=True,
    )


class TimelineEntry(TypedDict):
    """A change in a plan's timeline: to the plan itself, or to one of its items."""

    kind: Literal["plan", "item"]
    record: PlanChange | StatusUpdate | ItemChange


def plan_timeline(plan: ActionPlan) -> list[TimelineEntry]:
    """Every change to the plan and its items, newest first: the plan's changes, its
    items' status updates, and the changes the apps above record for its items. One
    query each."""
    plan_changes: list[TimelineEntry] = [
        {"kind": "plan", "record": change}
        for change in PlanChange.objects.filter(plan=plan).select_related("changed_by")
    ]
    item_updates: list[TimelineEntry] = [
        {"kind": "item", "record": update}
        for update in StatusUpdate.objects.filter(item__plan=plan).select_related(
            "changed_by", "item"
        )
    ]
    from_above: list[TimelineEntry] = [
        {"kind": "item", "record": change}
        for change in item_changes(ActionItem.objects.filter(plan=plan))
    ]
    return sorted(
        plan_changes + item_updates + from_above,
        key=lambda entry: (entry["record"].changed_at, entry["record"].pk),
        reverse=True,
    )


# --- Plans as they stood on a day (docs/decisions/0010) ------------------------------------


@dataclass
class PlanAsAt:
    """A plan as it stood at the end of ``day``, with its items then and its themes."""

    day: dt.date
    plan: ActionPlan | None
    items: list[ActionItem]
    themes: list[Theme]


def plans_for_history() -> ActionPlanQuerySet:
    """Plans with everything the history's rebuild and its messages read."""
    return ActionPlan.objects.select_related("borough", "partnership", "framework", "source")


def items_for_history() -> ActionItemQuerySet:
    return ActionItem.objects.select_related("source", "last_updated_by")


def borough_plan_as_at(borough: Borough, day: dt.date, *, user: Any) -> PlanAsAt:
    """The borough's plan that was active at the end of ``day``, as it stood then, or None,
    among the plans ``user`` may read (another borough's drafts are left out).

    Raises AsAtError for a day before the portal's record of any of the borough's plans.
    Five queries at any size: plans, their history, items, the items' history, themes."""
    state = plans_as_at(plans_for_history().visible_to(user).filter(borough=borough), day)
    state.check_recorded()
    active = state.active
    if not active:
        return PlanAsAt(day=day, plan=None, items=[], themes=[])
    plan = active[0]
    items = items_as_at([plan], items_for_history().filter(plan=plan), day)
    return PlanAsAt(
        day=day, plan=plan, items=items.items, themes=items.themes.get(plan.framework_id, [])
    )


def plan_as_at(plan: ActionPlan, day: dt.date) -> PlanAsAt:
    """One plan as it stood at the end of ``day``, with its items then. Raises AsAtError
    for a day before the portal's record of the plan. Four queries: the plan's history,
    its items, their history, its themes."""
    state = plans_as_at([plan], day)
    state.check_recorded()
    items = items_as_at([plan], items_for_history().filter(plan=plan), day)
    return PlanAsAt(
        day=day, plan=plan, items=items.items, themes=items.themes.get(plan.framework_id, [])
    )


def items_of_plans_as_at(plans: ActionPlanQuerySet, day: dt.date) -> list[ActionItem]:
    """Every item of ``plans`` (a queryset) as it stood at the end of ``day``, among those
    that existed then. Raises AsAtError for a day before the portal's record of these
    plans. Five queries at any size: plans, their history, items, items' history, themes."""
    state = plans_as_at(plans.select_related("borough", "partnership", "framework", "source"), day)
    state.check_recorded()
    return items_as_at(state.plans, items_for_history().filter(plan__in=plans), day).items


# --- The items list (the API, its CSV and the exports) -------------------------------------

#: What the list filters by, what `q` looks in, what `ordering` may name, and the order
#: without one.
ACTION_ITEM_LISTING = Listing(
    filterset_class=ActionItemFilter,
    search_fields=["title", "description", "lead_agency", "partners"],
    ordering_fields=[
        "due_date",
        "status",
        "progress",
        "title",
        "last_updated_at",
        "modified_at",
    ],
    ordering=["plan__slug", "theme__order", "order", "id"],
    # Hundreds of plans against a hundred thousand items: page 200 reads its own plan's
    # items, not the 10,000 before it.
    seek_by=["plan__slug"],
)


def action_item_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[ActionItem]:
    """The items ``user`` may read (another borough's draft plans' items are not), with
    the list's filters, `q` and `ordering` from ``filters`` applied; a value that is wrong
    is a ValidationError naming its filter."""
    return ACTION_ITEM_LISTING.apply(
        ActionItem.objects.for_listing().select_related("source").visible_to(user),
        filters,
        user=user,
    )


# --- The plans and frameworks lists --------------------------------------------------------

ACTION_PLAN_LISTING = Listing(
    filterset_class=ActionPlanFilter,
    search_fields=["title", "borough__name", "overseen_by"],
    ordering_fields=["title", "last_refreshed_on", "status", "modified_at"],
    ordering=["borough__name", "title"],
)


def action_plan_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[ActionPlan]:
    """The plans ``user`` may read (another borough's drafts are not), each with its item
    count, with the list's filters, `q` and `ordering` from ``filters`` applied."""
    return ACTION_PLAN_LISTING.apply(
        ActionPlan.objects.select_related("borough", "partnership", "framework", "source")
        .with_item_count()
        .visible_to(user),
        filters,
        user=user,
    )


FRAMEWORK_LISTING = Listing(
    filterset_class=FrameworkFilter,
    search_fields=["name", "description"],
    ordering_fields=["name", "modified_at"],
    ordering=["name"],
)


def framework_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Framework]:
    """Frameworks with their themes, with the list's filters, `q` and `ordering` applied."""
    return FRAMEWORK_LISTING.apply(
        Framework.objects.select_related("owner", "source").prefetch_related("themes"),
        filters,
        user=user,
    )
