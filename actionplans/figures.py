"""Each plan's item figures, kept current on every write (docs/decisions/0032).

The borough summary, the boroughs table, a borough's profile and compare read a plan's
items by status and its latest item update from PlanFigures instead of counting every
item of every active plan on each request. The receivers below count a plan afresh
whenever one of its items is saved or deleted, by any path that sends signals: the
services (page forms, API, CSV upload), the admin and the loader. Paths that write
without signals (bulk_create: the synthetic data generator) call plan_figures_refresh
themselves, as they call bump_data_version for the response cache.
"""

from collections.abc import Iterable

from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ActionItem, ActionPlan, PlanFigures


def plan_figures_refresh(plan_ids: Iterable[int]) -> dict[int, PlanFigures]:
    """Count the items of these plans afresh and store the figures: two queries (the
    count, and one insert that updates the rows already there). Returns them by plan."""
    figures = {pk: PlanFigures(plan_id=pk, items_by_status={}) for pk in set(plan_ids)}
    if not figures:
        return figures
    for row in (
        ActionItem.objects.filter(plan__in=list(figures))
        .order_by()
        .values("plan_id", "status")
        .annotate(count=Count("id"), latest=Max("last_updated_at"))
    ):
        found = figures[row["plan_id"]]
        found.items_by_status[row["status"]] = row["count"]
        latest = row["latest"]
        if latest is not None and (
            found.last_item_update is None or latest > found.last_item_update
        ):
            found.last_item_update = latest
    PlanFigures.objects.bulk_create(
        list(figures.values()),
        update_conflicts=True,
        unique_fields=["plan"],
        update_fields=["items_by_status", "last_item_update"],
    )
    return figures


def plan_figures_for(plans: Iterable[ActionPlan]) -> dict[int, PlanFigures]:
    """The stored figures of plans loaded with select_related("figures"), by plan; those
    of plans that have none (bulk-created without signals) are counted and stored now, in
    two more queries however many they are."""
    found: dict[int, PlanFigures] = {}
    missing = []
    for plan in plans:
        try:
            found[plan.pk] = plan.figures
        except PlanFigures.DoesNotExist:
            missing.append(plan.pk)
    if missing:
        found.update(plan_figures_refresh(missing))
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
