"""Reads of history: an item's changes, and a plan's timeline of its own and its items'."""

from .models import PlanChange, StatusUpdate


def item_history(item):
    return item.updates.select_related("changed_by").order_by("-changed_at", "-id")


def plan_timeline(plan):
    """Every change to the plan and its items, newest first, in two queries."""
    plan_changes = [
        {"kind": "plan", "record": change}
        for change in PlanChange.objects.filter(plan=plan).select_related("changed_by")
    ]
    item_changes = [
        {"kind": "item", "record": update}
        for update in StatusUpdate.objects.filter(item__plan=plan).select_related(
            "changed_by", "item"
        )
    ]
    return sorted(
        plan_changes + item_changes,
        key=lambda entry: (entry["record"].changed_at, entry["record"].pk),
        reverse=True,
    )
