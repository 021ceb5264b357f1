"""Plans count as use: the interventions plan items deliver (docs/decisions/0028).

An item names the interventions it delivers — a lead picks them, or the loader links
those its source document names. A borough then uses an intervention if its active plan
delivers it or a published case study of the borough describes it, and the figures say
which. Each plan has an evidence profile: its items by the strongest evidence behind
the interventions they deliver, and the items that rest on none.

The relation lives here because casestudies sits above actionplans; the plan pages show
what this module adds through the panels named in settings.PLAN_PANELS, and an item's
history the links made and removed through settings.PLAN_ITEM_CHANGES.

Every link made or removed is kept by django-simple-history (docs/decisions/0020), with
who and when, by whatever path; the item's history and the plan as it stood on a day are
read from it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from actionplans.history import end_of_day
from actionplans.models import ActionItem, ActionPlan
from actionplans.panels import ItemChange, Panel
from core.fragments import rendered_once
from core.links import address_per_pk, address_per_slug

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

    @property
    def counts(self) -> "InUseCounts":
        return InUseCounts(
            in_plan=len(self.from_plan),
            in_case_studies=len(self.from_case_studies),
            in_both=len(self.from_plan.keys() & self.from_case_studies.keys()),
        )


@dataclass(frozen=True)
class InUseCounts:
    """How many interventions a borough uses, by where that is recorded, without naming them."""

    in_plan: int = 0
    in_case_studies: int = 0
    in_both: int = 0  # recorded in both places, so counted once in ``all``

    @property
    def all(self) -> int:
        return self.in_plan + self.in_case_studies - self.in_both


def practice_counts(borough_ids: Iterable[int]) -> tuple[dict[int, int], dict[int, InUseCounts]]:
    """Per borough that has any: its published case studies, and the interventions it uses
    as interventions_in_use finds them, counted in the database, not named (a table of
    every borough names none of them). Two queries: the published case studies with the
    interventions they describe; the interventions the items of the active plans deliver,
    with those of them the borough's published case studies also describe."""
    borough_ids = list(borough_ids)
    published = CaseStudy.Status.PUBLISHED
    case_studies: dict[int, int] = {}
    described: dict[int, int] = {}
    for row in (
        CaseStudy.boroughs.through.objects.filter(
            casestudy__status=published, borough__in=borough_ids
        )
        .values("borough")
        .annotate(
            studies=Count("casestudy", distinct=True),
            interventions=Count("casestudy__interventions", distinct=True),
        )
        .order_by()
    ):
        case_studies[row["borough"]] = row["studies"]
        described[row["borough"]] = row["interventions"]
    # Joined rather than asked per link (EXISTS): the planner would hash every published
    # case study's interventions to answer the few links plans have.
    also_described = Q(
        intervention__case_studies__status=published,
        intervention__case_studies__boroughs=F("item__plan__borough"),
    )
    delivered = {
        row["item__plan__borough"]: (row["count"], row["both"])
        for row in PlanItemIntervention.objects.filter(
            item__plan__status=ActionPlan.Status.ACTIVE, item__plan__borough__in=borough_ids
        )
        .values("item__plan__borough")
        .annotate(
            count=Count("intervention", distinct=True),
            both=Count("intervention", distinct=True, filter=also_described),
        )
        .order_by()
    }
    in_use = {
        pk: InUseCounts(
            in_plan=delivered.get(pk, (0, 0))[0],
            in_case_studies=described.get(pk, 0),
            in_both=delivered.get(pk, (0, 0))[1],
        )
        for pk in delivered.keys() | described.keys()
    }
    return case_studies, in_use


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
    source and quote; new ones record who picked them. Returns the interventions.

    The links made and removed are kept in their history at one moment, so the item's
    history shows them as one change."""
    if not acting_user.has_perm("actionplans.change_actionitem", item):
        raise PermissionDenied("Only the borough's lead can change this item.")
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    wanted = {intervention.pk: intervention for intervention in interventions}
    current = set(item.intervention_links.values_list("intervention_id", flat=True))
    now = timezone.now()
    for link in item.intervention_links.exclude(intervention__in=list(wanted)):
        link._history_date = now
        link.delete()
    for pk in wanted.keys() - current:
        link = PlanItemIntervention(item=item, intervention=wanted[pk], added_by=acting_user)
        link.full_clean()
        link._history_date = now
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
    """The plan's evidence profile; as it stood on an earlier day, from the links its
    items had at the end of that day."""
    if plan is None:
        return None
    delivered = delivered_interventions(items) if as_at is None else links_as_at(items, as_at)
    profile = plan_evidence_profile(items, delivered)
    return Panel(
        "casestudies/panels/plan_evidence.html",
        {"profile": profile, "as_at": as_at, "html": evidence_profile_html(profile, as_at=as_at)},
    )


def evidence_profile_html(profile, *, as_at):
    """The profile's table, from what it shows as plain values (each item's and each
    intervention's address reversed once per page, not once per record), kept once per set
    of those values (core.fragments): a plan's hundreds of items cost more to write out
    than to read."""
    item_address = address_per_pk(lambda pk: reverse("actionplans:item", args=[pk]))
    intervention_address = address_per_slug(
        lambda slug: reverse("casestudies:intervention-detail", args=[slug])
    )

    def shown_item(item):
        return {"href": item_address(item.pk), "title": item.title}

    shown = {
        "profile": {
            "item_count": profile.item_count,
            "delivering_count": profile.delivering_count,
            "rows": [
                {
                    "level": {"number": row["level"].number, "name": row["level"].name},
                    "items": [
                        (
                            shown_item(item),
                            [
                                {
                                    "href": intervention_address(intervention.slug),
                                    "name": intervention.name,
                                    "evidence_level": intervention.evidence_level,
                                }
                                for intervention in interventions
                            ],
                        )
                        for item, interventions in row["items"]
                    ],
                }
                for row in profile.rows
            ],
            "resting_on_none": [shown_item(item) for item in profile.resting_on_none],
        },
        "as_at": as_at,
    }
    return rendered_once("casestudies/panels/_plan_evidence_table.html", {"panel": shown})


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


# --- The links' history (settings.PLAN_ITEM_CHANGES; a plan as it stood on a day) ----------

ADDED, REMOVED = "+", "-"
#: The name shown for a link's intervention that has since been deleted.
GONE = "an intervention no longer in the portal"


#: What the links' history reads with each row: its item and who made it, for the
#: changes it lists; its intervention and source, for the links standing on a day.
LINK_HISTORY_RELATED = ("item", "intervention", "source", "history_user")


def _link_history(items: Any, related: Iterable[str] = LINK_HISTORY_RELATED) -> QuerySet[Any]:
    """The history of the links of these items, oldest first, an item's rows of one moment
    together, with the ``related`` records of each: one query."""
    return (
        PlanItemIntervention.history.filter(item__in=items)
        .select_related(*related)
        .order_by("history_date", "item_id", "history_id")
    )


def _name(row: Any) -> str:
    return row.intervention.name if row.intervention is not None else GONE


def _by_name(names: Iterable[str]) -> list[str]:
    return sorted(names, key=str.lower)


def item_link_changes(*, items: QuerySet[ActionItem]) -> list[ItemChange]:
    """The interventions these items deliver, as changed in the portal: one change a
    moment an item's links were made or removed, with who did it, the interventions it
    delivered before and after. Links loaded from a document stood as it published them
    (docs/decisions/0010), so loading one is no change. One query."""
    delivered: defaultdict[int, dict[int, str]] = defaultdict(dict)  # item -> link -> name
    changes = []
    for (item_id, when), moment in groupby(
        _link_history(items), key=lambda row: (row.item_id, row.history_date)
    ):
        rows = list(moment)
        links = delivered[item_id]
        before = _by_name(links.values())
        for row in rows:
            if row.history_type == REMOVED:
                links.pop(row.id, None)
            else:
                links[row.id] = _name(row)
        after = _by_name(links.values())
        from_document = all(
            row.history_type != REMOVED and row.source_id is not None for row in rows
        )
        if before != after and not from_document:
            changes.append(
                ItemChange(
                    pk=rows[-1].history_id,
                    item=rows[-1].item,
                    changed_at=when,
                    changed_by=rows[-1].history_user,
                    changes={"interventions": {"from": before, "to": after}},
                )
            )
    return changes


def links_as_at(items: Iterable[ActionItem], day: dt.date) -> dict[int, list[Intervention]]:
    """item pk -> the interventions it delivered at the end of ``day`` (Europe/London), by
    name, as delivered_interventions gives them today, for each of ``items`` that
    delivered any then. One query.

    The links' history is selected by the items' plans, not by a list of the items: a
    plan's hundreds of ids, each a parameter, cost more to build and send than the query
    took to run; the other items of those plans are left out here."""
    items = list(items)
    wanted = {item.pk for item in items}
    plans = {item.plan_id for item in items}
    history = _link_history(
        ActionItem.objects.filter(plan__in=plans).values("pk"), related=("intervention", "source")
    ).annotate(published_on=F("source__published_on"))
    present = _links_then(history.order_by("id", "history_id"), day)
    return {
        item_id: sorted((row.intervention for row in rows.values()), key=lambda i: i.name)
        for item_id, rows in present.items()
        if rows and item_id in wanted
    }


def plan_interventions_as_at(
    plans: Iterable[int], day: dt.date, *, within: QuerySet[Any, Any] | None = None
) -> dict[int, dict[str, str]]:
    """plan pk -> the interventions its items delivered at the end of ``day``, slug ->
    name, for each of these plans whose items delivered any then. One query.

    ``within``, a query of plans that holds them all, selects them in the database
    rather than by a list of hundreds of ids; the others it holds are left out."""
    wanted = set(plans)
    chosen = list(wanted) if within is None else within
    # Read as values, only what the plans' interventions need: each row built as a model
    # instance with its item, intervention, source and user (every column of each) cost
    # more to ask for and to build than the few rows there are.
    history = (
        PlanItemIntervention.history.filter(
            item__in=ActionItem.objects.filter(plan__in=chosen).values("pk")
        )
        .order_by("id", "history_id")
        .values_list(*_LINK_THEN_COLUMNS)
    )
    delivered: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for rows in _links_then(map(_LinkThen._make, history), day).values():
        for row in rows.values():
            if row.plan_id in wanted:
                delivered[row.plan_id][row.slug] = row.name
    return dict(delivered)


class _LinkThen(NamedTuple):
    """A row of the links' history as a plan's interventions then need it, read as values
    (_links_then reads a model instance of the history the same way)."""

    id: int
    item_id: int
    history_type: str
    history_date: dt.datetime
    published_on: dt.date | None  # its source's publication, if it was loaded from one
    plan_id: int
    slug: str | None  # None where the intervention is gone
    name: str | None

    @property
    def intervention(self) -> str | None:
        return self.slug


#: _LinkThen's columns in the links' history, in its order.
_LINK_THEN_COLUMNS = (
    "id",
    "item_id",
    "history_type",
    "history_date",
    "source__published_on",
    "item__plan_id",
    "intervention__slug",
    "intervention__name",
)


def described_in_case_studies(delivered: dict[int, set[str]]) -> dict[int, set[str]]:
    """borough pk -> those of the interventions given for it (by slug) that its published
    case studies describe, for each borough with any. One query, over the interventions
    given alone rather than every one the case studies describe."""
    # Only the boroughs given any: a table of every council gives each borough with an
    # active plan, most of them none, and each borough named is a parameter to prepare.
    given = [borough_id for borough_id, slugs in delivered.items() if slugs]
    if not given:
        return {}
    described: defaultdict[int, set[str]] = defaultdict(set)
    for borough_id, slug in (
        CaseStudy.interventions.through.objects.filter(
            casestudy__status=CaseStudy.Status.PUBLISHED,
            casestudy__boroughs__in=given,
            intervention__slug__in=set().union(*delivered.values()),
        )
        .values_list("casestudy__boroughs", "intervention__slug")
        .distinct()
    ):
        if slug in delivered[borough_id]:
            described[borough_id].add(slug)
    return dict(described)


def _links_then(history: Iterable[Any], day: dt.date) -> dict[int, dict[int, Any]]:
    """item pk -> link pk -> the link's history row that stood at the end of ``day`` (with
    its intervention), from the links' ``history`` by link, in the order its history was
    written (made, changed, then removed), each row with its source's ``published_on``. A
    link loaded from a document stood from the document's publication, as its item did
    (docs/decisions/0010); one made in the portal from the moment it was made, until it
    was removed. The history begins with every link (casestudies migration 0017 started it
    with the links made before), so it answers for any day."""
    cutoff = end_of_day(day)
    present: defaultdict[int, dict[int, Any]] = defaultdict(dict)
    for row in history:
        links = present[row.item_id]
        if row.history_type == REMOVED:
            if row.history_date < cutoff:
                links.pop(row.id, None)
            continue
        published = row.published_on
        began = row.history_date < cutoff or (published is not None and published <= day)
        if began and row.intervention is not None:
            links[row.id] = row
    return present
