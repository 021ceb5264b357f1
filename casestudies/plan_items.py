"""Plans count as use: the interventions plan items deliver (docs/decisions/0028).

An item names the interventions it delivers — a lead picks them, or the loader links
those its source document names. A borough then uses an intervention if its active plan
delivers it or a published case study of the borough describes it, and the figures say
which. Each plan has an evidence profile: its items by the strongest evidence behind
the interventions they deliver, and the items that rest on none.

The relation lives here because casestudies sits above actionplans; the plan pages show
what this module adds through the panels named in settings.PLAN_PANELS.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Value

from actionplans.models import ActionItem, ActionPlan
from actionplans.panels import Panel

from .evidence import LEVELS
from .models import CaseStudy, Intervention, PlanItemIntervention

#: Where a borough's use of an intervention is recorded.
FROM_PLAN = "plan"
FROM_CASE_STUDY = "case_study"


# --- Reads -------------------------------------------------------------------------------


@dataclass
class InUse:
    """The interventions a borough uses, by where that is recorded: slug -> name."""

    from_plan: dict[str, str] = field(default_factory=dict)
    from_case_studies: dict[str, str] = field(default_factory=dict)

    @property
    def all(self) -> dict[str, str]:
        return {**self.from_case_studies, **self.from_plan}

    def where(self, slug: str) -> list[str]:
        """'plan', 'case_study' or both, in that order."""
        return [
            name
            for name, found in (
                (FROM_PLAN, self.from_plan),
                (FROM_CASE_STUDY, self.from_case_studies),
            )
            if slug in found
        ]


def interventions_in_use(borough_ids: Iterable[int]) -> dict[int, InUse]:
    """borough pk -> InUse, for every borough given: the interventions the items of its
    active plans deliver and those its published case studies describe. One query (a
    UNION, so each borough and intervention comes once from each place)."""
    from_case_studies = (
        Intervention.objects.filter(
            case_studies__status=CaseStudy.Status.PUBLISHED, case_studies__boroughs__in=borough_ids
        )
        .annotate(place=Value(FROM_CASE_STUDY, output_field=CharField()))
        .values_list("case_studies__boroughs", "slug", "name", "place")
        .order_by()
    )
    from_plans = (
        Intervention.objects.filter(
            plan_items__plan__status=ActionPlan.Status.ACTIVE,
            plan_items__plan__borough__in=borough_ids,
        )
        .annotate(place=Value(FROM_PLAN, output_field=CharField()))
        .values_list("plan_items__plan__borough", "slug", "name", "place")
        .order_by()
    )
    borough_ids = list(borough_ids)
    found = {pk: InUse() for pk in borough_ids}
    for borough_id, slug, name, place in from_case_studies.union(from_plans):
        in_use = found[borough_id]
        (in_use.from_plan if place == FROM_PLAN else in_use.from_case_studies)[slug] = name
    return found


def delivered_interventions(items):
    """item pk -> its interventions (with their evidence levels), by name: one query."""
    delivered = defaultdict(list)
    for link in (
        PlanItemIntervention.objects.filter(item__in=items)
        .select_related("intervention")
        .order_by("intervention__name")
    ):
        delivered[link.item_id].append(link.intervention)
    return delivered


def plan_items_delivering(intervention, *, user):
    """The items of active plans the user may read that deliver the intervention, with
    their plan and borough, by borough and title: one query."""
    return (
        ActionItem.objects.visible_to(user)
        .filter(
            plan__status=ActionPlan.Status.ACTIVE, intervention_links__intervention=intervention
        )
        .select_related("plan__borough")
        .order_by("plan__borough__name", "title", "pk")
    )


@dataclass
class EvidenceProfile:
    """A plan's items by the strongest evidence behind the interventions they deliver."""

    rows: list  # {"level": Level, "items": [(item, its interventions), …]}, strongest first
    resting_on_none: list  # items that name no intervention
    item_count: int

    @property
    def delivering_count(self):
        return self.item_count - len(self.resting_on_none)


def plan_evidence_profile(items, delivered):
    """The profile of these items, given delivered_interventions(items)."""
    by_level = defaultdict(list)
    none = []
    for item in items:
        interventions = delivered.get(item.pk)
        if not interventions:
            none.append(item)
            continue
        strongest = max(intervention.evidence_level for intervention in interventions)
        by_level[strongest].append((item, interventions))
    rows = [{"level": level, "items": by_level[level.number]} for level in reversed(LEVELS)]
    return EvidenceProfile(rows=rows, resting_on_none=none, item_count=len(items))


# --- Writes ------------------------------------------------------------------------------


@transaction.atomic
def plan_item_interventions_set(*, item, interventions, acting_user):
    """Make the item deliver exactly these interventions. Links that stay keep their
    source and quote; new ones record who picked them. Returns the interventions."""
    if not acting_user.has_perm("actionplans.change_actionitem", item):
        raise PermissionDenied("Only the borough's lead can change this item.")
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    wanted = {intervention.pk: intervention for intervention in interventions}
    current = set(item.intervention_links.values_list("intervention_id", flat=True))
    item.intervention_links.exclude(intervention__in=list(wanted)).delete()
    for pk in wanted.keys() - current:
        link = PlanItemIntervention(item=item, intervention=wanted[pk], added_by=acting_user)
        link.full_clean()
        link.save()
    return sorted(wanted.values(), key=lambda intervention: intervention.name.lower())


def interventions_named(slugs):
    """The interventions with these slugs; a ValidationError naming any that do not exist."""
    slugs = list(dict.fromkeys(slugs))
    found = {
        intervention.slug: intervention
        for intervention in Intervention.objects.filter(slug__in=slugs)
    }
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ValidationError(
            {"interventions": [f"No intervention has the slug “{slug}”." for slug in missing]}
        )
    return [found[slug] for slug in slugs]


# --- Panels on the plan pages (settings.PLAN_PANELS) ----------------------------------


def plan_evidence_panel(*, plan, items, as_at, user):
    """The plan's evidence profile. Links have no history, so a plan as it stood on an
    earlier day shows none rather than today's links as if they were then's."""
    if plan is None or as_at is not None:
        return None
    delivered = delivered_interventions(items)
    return Panel(
        "casestudies/panels/plan_evidence.html",
        {"profile": plan_evidence_profile(items, delivered)},
    )


def item_interventions_panel(*, item, user, editing=False):
    """The interventions the item delivers, with their evidence; a link to change them."""
    delivered = delivered_interventions([item])[item.pk]
    return Panel(
        "casestudies/panels/item_interventions.html",
        {
            "item": item,
            "interventions": delivered,
            "can_change": user.has_perm("actionplans.change_actionitem", item),
            "editing": editing,
        },
    )
