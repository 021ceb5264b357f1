"""The maps of figures that span apps — knife crime action plans, published case studies
and overdue plan items per area, on England or London — drawn here; boroughs.maps and
core.maps do the drawing."""

from django.db.models import Count

from actionplans.models import ActionItem, ActionPlan
from boroughs.maps import map_districts, map_figure
from boroughs.models import StockTakeAnswer
from casestudies.models import CaseStudy
from core.maps import Category

from .selectors import PLAN_QUESTION_SLUG, PlanState, plan_state_of

PLAN_CATEGORIES = [
    Category(PlanState.ACTIVE, "Active plan recorded", "#00703c"),
    Category(PlanState.NONE, "No plan, as recorded", "#d4351c"),
    Category(PlanState.NOT_RECORDED, "Not recorded", "#dcdcdc"),
]


def plan_states(boroughs):
    """Each borough's plan state: two queries (active plans, stock-take plan answers)."""
    ids = [borough.pk for borough in boroughs]
    active = set(
        ActionPlan.objects.active().filter(borough__in=ids).values_list("borough_id", flat=True)
    )
    reported = dict(
        StockTakeAnswer.objects.filter(borough__in=ids, question__slug=PLAN_QUESTION_SLUG)
        .order_by("question__stock_take__conducted_on", "pk")
        .values_list("borough_id", "option__slug")
    )
    return {pk: plan_state_of(pk in active, reported.get(pk)) for pk in ids}


def plan_map(view, *, highlight=(), map_id=None):
    """Knife crime action plans by area: four queries (areas, plans, answers, source)."""
    districts = map_districts(view)
    states = plan_states(districts)
    words = {c.key: c.label for c in PLAN_CATEGORIES}
    place = "London" if view == "london" else "England"
    return map_figure(
        map_id or f"plan-map-{view}",
        view,
        f"Knife crime action plans recorded in the portal, {place}",
        PLAN_CATEGORIES,
        [(b, states[b.pk], words[states[b.pk]]) for b in districts],
        highlight=highlight,
    )


CASE_STUDY_CATEGORIES = [
    Category("none", "No published case study in the portal", "#dcdcdc"),
    Category("one", "1 published case study", "#9ecae1"),
    Category("several", "2 or more published case studies", "#1d70b8"),
]


def case_study_map(view):
    """Published case studies per area: three queries (areas, counts, source). An area the
    portal holds none for says so: the portal's collection, not the area's practice."""
    districts = map_districts(view)
    counts = dict(
        CaseStudy.objects.published()
        .filter(boroughs__in=[borough.pk for borough in districts])
        .values("boroughs")
        .annotate(count=Count("pk", distinct=True))
        .values_list("boroughs", "count")
    )
    labelled = []
    for borough in districts:
        count = counts.get(borough.pk, 0)
        key = "none" if count == 0 else "one" if count == 1 else "several"
        figure = "No published case study" if count == 0 else f"{count} published"
        labelled.append((borough, key, figure))
    place = "London" if view == "london" else "England"
    return map_figure(
        f"case-study-map-{view}",
        view,
        f"Published case studies per area in the portal, {place}",
        CASE_STUDY_CATEGORIES,
        labelled,
    )


OVERDUE_CATEGORIES = [
    Category("none", "No item overdue", "#00703c"),
    Category("some", "1 to 4 items overdue", "#f47738"),
    Category("many", "5 or more items overdue", "#d4351c"),
    Category("no-plan", "No active plan recorded", "#dcdcdc"),
]


def overdue_map(view, today):
    """Items past due and not done in each area's active plan: four queries (areas, active
    plans, overdue counts, source). An area with no active plan recorded has no figure,
    not a zero."""
    districts = map_districts(view)
    ids = [borough.pk for borough in districts]
    with_plan = set(
        ActionPlan.objects.active().filter(borough__in=ids).values_list("borough_id", flat=True)
    )
    overdue = dict(
        ActionItem.objects.filter(plan__in=ActionPlan.objects.active(), plan__borough__in=ids)
        .overdue(today)
        .values("plan__borough")
        .annotate(count=Count("pk"))
        .values_list("plan__borough", "count")
    )
    labelled = []
    for borough in districts:
        if borough.pk not in with_plan:
            labelled.append((borough, "no-plan", "No active plan recorded"))
            continue
        count = overdue.get(borough.pk, 0)
        key = "none" if count == 0 else "some" if count < 5 else "many"
        labelled.append((borough, key, f"{count} overdue"))
    place = "London" if view == "london" else "England"
    return map_figure(
        f"overdue-map-{view}",
        view,
        f"Action plan items overdue on {today:%-d %B %Y}, {place}",
        OVERDUE_CATEGORIES,
        labelled,
    )
