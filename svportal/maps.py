"""The plan maps: knife crime action plans recorded per area, on England or London (the
plan state spans apps, so it is drawn here; boroughs.maps and core.maps do the drawing)."""

from actionplans.models import ActionPlan
from boroughs.maps import map_districts, map_figure
from boroughs.models import StockTakeAnswer
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
