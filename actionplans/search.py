"""What plan-item search covers, and keeping the items' documents fresh.

How a query is read, widened by synonyms, matched and ranked is core.search, the same for
every search in the portal (docs/decisions/0012-one-search.md); an item's document holds
its title (A) above its description (B), who leads and partners it and its theme (C), and
its plan's borough or partnership (D). Not the plan's title: "Knife Crime Action Plan"
would make every item of such a plan a match for "knife".

The receivers below keep the stored documents (a cache of this text) fresh however an item
or what it names changes: the services, the CSV upload, the admin, the loader.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from boroughs.models import Borough, Partnership
from core.search import SearchIndex

from .models import ActionItem, ActionPlan, Theme


def _joined(*texts):
    return "\n".join(text for text in texts if text)


def action_item_documents(queryset):
    records = queryset.defer("search_vector").select_related(
        "theme", "plan__borough", "plan__partnership"
    )
    for item in records:
        plan = item.plan
        yield (
            item.pk,
            {
                "A": item.title,
                "B": item.description,
                "C": _joined(item.lead_agency, item.partners, item.theme.name),
                "D": _joined(
                    plan.borough.name if plan.borough else "",
                    plan.partnership.name if plan.partnership else "",
                ),
            },
        )


ACTION_ITEMS = SearchIndex(
    model=ActionItem,
    documents=action_item_documents,
    snippet_fields=("description", "partners", "lead_agency"),
    postings="search_postings",
)


# --- Keeping the documents fresh --------------------------------------------------------------

ACTION_ITEMS.follow_own_records()


def _items_of_plans(plans):
    return ActionItem.objects.filter(plan__in=plans).values_list("pk", flat=True)


@receiver(post_save, sender=ActionPlan)
def _plan_saved(sender, instance, created=False, **kwargs):
    if not created:  # it may have moved to another borough or partnership
        ACTION_ITEMS.refresh(_items_of_plans([instance.pk]))


ACTION_ITEMS.follow_names(Theme, through="items")  # an item's document names its theme


@receiver(post_save, sender=Borough)
@receiver(post_save, sender=Partnership)
def _plan_owner_saved(sender, instance, created=False, **kwargs):
    if not created:
        ACTION_ITEMS.refresh(_items_of_plans(instance.action_plans.all()))
