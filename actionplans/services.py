"""Writes to plans and items. Each service owns its transaction, checks permission and the
version the editor read, keeps the history, and validates before saving.

A stale edit — made from a version someone else has since changed — is refused with
StaleEdit, never silently applied over the other person's change.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify

from boroughs.models import Borough
from boroughs.roles import may_lead
from core.concurrency import locked_at_version, save_at_next_version

from .models import (
    ActionItem,
    ActionPlan,
    Framework,
    ItemStatus,
    PlanChange,
    StatusUpdate,
    Theme,
)

#: What history keeps of a change: field name -> {"from": value, "to": value}.
Changes = dict[str, dict[str, object]]

# The fields of an item and of a plan that a change may set, and so that history records
# and the rebuild of an earlier day (history.py) sets back. Their order is the order of
# the keys of a recorded change.
ITEM_FIELDS = (
    "theme",
    "title",
    "description",
    "lead_agency",
    "partners",
    "due_date",
    "status",
    "progress",
)
PLAN_FIELDS = (
    "title",
    "period_start",
    "period_end",
    "status",
    "scope",
    "overseen_by",
    "last_refreshed_on",
)


def _require(user: Any, permission: str, obj: Model) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied("You cannot change this: it belongs to another borough.")


def _shown(value: object) -> object:
    """A value as history keeps it: JSON-friendly and readable."""
    if isinstance(value, Theme):
        return value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _apply(instance: Model, changes: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    before = {name: getattr(instance, name) for name in allowed}
    for name, value in changes.items():
        setattr(instance, name, value)
    return before


def _differences(instance: Model, before: Mapping[str, Any]) -> Changes:
    return {
        name: {"from": _shown(old), "to": _shown(getattr(instance, name))}
        for name, old in before.items()
        if getattr(instance, name) != old
    }


def _complete_means_done(item: ActionItem, changes: Mapping[str, Any]) -> None:
    """Completing an item sets its progress to 100; any other figure is refused."""
    if item.status != ItemStatus.COMPLETE:
        return
    if changes.get("progress") not in (None, 100):
        raise ValidationError(
            {"progress": "A complete item is 100% done. Change its status to change its progress."}
        )
    item.progress = 100


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    acting_user: Any,
    expected_version: int,
    changes: Mapping[str, Any],
    note: str | None = "",
) -> ActionItem:
    """Change an item's fields in one step; returns the item as saved."""
    _require(acting_user, "actionplans.change_actionitem", item)
    current = locked_at_version(
        ActionItem.objects.select_related("plan"), item.pk, expected_version
    )
    before = _apply(current, changes, ITEM_FIELDS)
    _complete_means_done(current, changes)
    differences = _differences(current, before)
    note = (note or "").strip()
    if not differences:
        if note:
            raise ValidationError({"note": "Change something before adding a note."})
        return current
    if current.status != before["status"]:
        # The lead now states the status; it no longer rests on the source's narrative.
        current.status_inferred_from = ""
    now = timezone.now()
    update = StatusUpdate(
        item=current,
        changed_by=acting_user,
        changed_at=now,
        from_status=before["status"],
        to_status=current.status,
        from_progress=before["progress"],
        to_progress=current.progress,
        changes=differences,
        note=note,
    )
    update.full_clean(exclude=["item"])
    current.last_updated_by, current.last_updated_at = acting_user, now
    current.full_clean()
    save_at_next_version(current, expected_version)
    update.save()
    return current


@transaction.atomic
def action_item_create(
    *, plan: ActionPlan, acting_user: Any, fields: dict[str, Any], note: str | None = ""
) -> ActionItem:
    """Add an item to a plan; its first history entry records who added it."""
    _require(acting_user, "actionplans.add_actionitem", plan)
    item = ActionItem(plan=plan, **fields)
    _complete_means_done(item, fields)
    item.slug = _unique_item_slug(plan, item.title)
    item.order = (plan.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    now = timezone.now()
    item.last_updated_by, item.last_updated_at = acting_user, now
    item.full_clean()
    update = StatusUpdate(
        changed_by=acting_user,
        changed_at=now,
        from_status="",
        to_status=item.status,
        to_progress=item.progress,
        changes={"created": {"from": None, "to": item.title}},
        note=(note or "").strip(),
    )
    update.full_clean(exclude=["item"])
    item.save()
    update.item = item
    update.save()
    return item


def _unique_item_slug(plan: ActionPlan, title: str) -> str:
    base = slugify(title)[:180] or "item"
    slug, n = base, 2
    taken = set(plan.items.filter(slug__startswith=base).values_list("slug", flat=True))
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def action_plan_update(
    *,
    plan: ActionPlan,
    acting_user: Any,
    expected_version: int,
    changes: Mapping[str, Any],
    note: str | None = "",
) -> ActionPlan:
    _require(acting_user, "actionplans.change_actionplan", plan)
    current = locked_at_version(ActionPlan.objects.all(), plan.pk, expected_version)
    before = _apply(current, changes, PLAN_FIELDS)
    differences = _differences(current, before)
    if not differences:
        return current
    current.full_clean()
    save_at_next_version(current, expected_version)
    PlanChange.objects.create(
        plan=current,
        changed_by=acting_user,
        changed_at=timezone.now(),
        changes=differences,
        note=(note or "").strip(),
    )
    return current


@transaction.atomic
def action_plan_create(
    *, acting_user: Any, borough: Borough, framework: Framework, title: str, **fields: Any
) -> ActionPlan:
    if not may_lead(acting_user, borough):
        raise PermissionDenied("You can create plans only for a borough you lead.")
    plan = ActionPlan(borough=borough, framework=framework, title=title, **fields)
    base = slugify(f"{borough.slug} {title}")[:190]
    slug, n = base, 2
    while ActionPlan.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    plan.slug = slug
    plan.full_clean()
    plan.save()
    PlanChange.objects.create(
        plan=plan,
        changed_by=acting_user,
        changed_at=timezone.now(),
        changes={"created": {"from": None, "to": plan.title}},
    )
    return plan
