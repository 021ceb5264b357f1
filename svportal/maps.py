"""The maps of figures that span apps — knife crime action plans, published case studies
and overdue plan items per area, on England or London — drawn here; boroughs.maps and
core.maps do the drawing. A page reads its areas once (boroughs.maps.map_areas) and, where
two maps need them, the plan states once, and hands them to each map."""

from collections import defaultdict

from django.db.models import Exists, OuterRef
from django.utils import timezone

from actionplans.figures import overdue_items_on, plans_with_figures
from actionplans.models import ActionPlan
from boroughs.maps import (
    covering_words,
    map_areas,
    map_areas_with,
    map_figure,
    own_records,
    through_covering,
)
from boroughs.models import StockTakeAnswer
from casestudies.models import CaseStudy
from core.maps import Category

from .selectors import PLAN_QUESTION_SLUG, PlanState, plan_state_of

PLAN_CATEGORIES = [
    Category(PlanState.ACTIVE, "Active plan recorded", "#00703c"),
    Category(PlanState.NONE, "No plan, as recorded", "#d4351c"),
    Category(PlanState.NOT_RECORDED, "Not recorded", "#dcdcdc"),
]


def plan_states(boroughs, *, reported=None):
    """Each borough's plan state: two queries (active plans, stock-take plan answers), one
    where ``reported``, the option slug of each borough's latest plan answer, is given.
    Every area's plans and answers are read, one row per plan or answer, rather than
    naming a map's hundreds of areas in the queries, which took longer to build and plan
    than to read them all."""
    ids = [borough.pk for borough in boroughs]
    active = set(ActionPlan.objects.active().order_by().values_list("borough_id", flat=True))
    if reported is None:
        reported = reported_plans()
    return {pk: plan_state_of(pk in active, reported.get(pk)) for pk in ids}


def reported_plans():
    """The option slug of each area's latest recorded stock-take answer on having a plan:
    one query of every such answer, which asked of each area in a subquery took longer."""
    return dict(
        StockTakeAnswer.objects.filter(question__slug=PLAN_QUESTION_SLUG)
        .order_by("question__stock_take__conducted_on", "pk")
        .values_list("borough_id", "option__slug")
    )


def place_of(areas):
    return "London" if areas.view == "london" else "England"


def plan_map(areas, *, states=None, highlight=(), map_id=None):
    """Knife crime action plans by area: two queries (plans, answers) unless ``states``
    (from plan_states, for these areas or more) are given."""
    if states is None:
        states = plan_states(areas.districts)
    words = {c.key: c.label for c in PLAN_CATEGORIES}
    return map_figure(
        map_id or f"plan-map-{areas.view}",
        areas,
        f"Knife crime action plans recorded in the portal, {place_of(areas)}",
        PLAN_CATEGORIES,
        [(b, states[b.pk], words[states[b.pk]]) for b in areas.districts],
        highlight=highlight,
    )


def home_maps():
    """England's and London's plan maps: four queries for both (England's areas, source,
    plans, answers); London's are read out of England's."""
    england = map_areas("england")
    states = plan_states(england.districts)
    return [plan_map(england, states=states), plan_map(england.london(), states=states)]


def table_map(view, chosen, *, shown=None, states=None, reported=None):
    """The boroughs table's map of ``view`` the reader chose (svportal.forms.TABLE_MAPS):
    plans (four queries: areas, source, plans, answers), case studies (four: areas,
    source, each district's own and the covering areas') or overdue items (five: areas,
    source, plans, answers, and the plans with their overdue counts).

    What the table has read already saves some where it holds every district of the map:
    ``shown``, its areas by name (the areas' query); ``states``, their plan states as they
    stand by borough pk (plans and answers); ``reported``, the option slug of each one's
    latest plan answer, where its states are those of another day (answers)."""
    areas = map_areas(view, shown)
    ids = areas.ids
    if states is not None and any(pk not in states for pk in ids):
        states = None
    if reported is not None and shown is None:
        reported = None
    if chosen == "case-studies":
        return case_study_map(areas)
    if states is None and chosen in ("plans", "overdue"):
        states = plan_states(areas.districts, reported=reported)
    if chosen == "overdue":
        return overdue_map(areas, timezone.localdate(), states=states)
    return plan_map(areas, states=states)


def profile_map(borough, districts):
    """London's map for a London borough, else England's, with the place outlined: the
    borough itself, or the ``districts`` an area such as a county council covers."""
    codes = [borough.gss_code] if borough.is_district else [d.gss_code for d in districts]
    view = "london" if borough.region == "london" and borough.is_district else "england"
    # The areas with whether each has an active plan, and the attribution, in one query
    # (and the plan answers in another), not four: a profile draws one map.
    areas, figures = map_areas_with(
        view, has_active_plan=Exists(ActionPlan.objects.active().filter(borough=OuterRef("pk")))
    )
    reported = reported_plans()
    states = {
        pk: plan_state_of(bool(active), reported.get(pk)) for pk, (active,) in figures.items()
    }
    return plan_map(areas, states=states, highlight=codes, map_id="profile-map")


CASE_STUDY_CATEGORIES = [
    Category("none", "No published case study in the portal", "#dcdcdc"),
    Category(
        "covering", "Published only for a county or combined authority covering it", "#f3d19b"
    ),
    Category("one", "1 published case study", "#9ecae1"),
    Category("several", "2 or more published case studies", "#1d70b8"),
]


def case_study_map(areas):
    """Published case studies per area: two queries (each district's own, and those of the
    areas covering it, such as Suffolk's for Ipswich, named as such). An area the portal
    holds none for says so: the portal's collection, not the area's practice."""
    published = CaseStudy.objects.published()
    own = own_records(published.filter(boroughs__in=areas.ids).values_list("boroughs", "pk"))
    covering = through_covering(
        areas,
        own,
        published.filter(boroughs__districts__in=areas.ids).values_list(
            "boroughs__districts", "pk", "boroughs__name"
        ),
    )
    labelled = []
    for borough in areas.districts:
        count = len(own.get(borough.pk, ()))
        key = "none" if count == 0 else "one" if count == 1 else "several"
        figure = "No published case study" if count == 0 else f"{count} published"
        if borough.pk in covering:
            words = covering_words(*covering[borough.pk], "published for")
            if count:
                figure = f"{figure}; and {words}"
            else:
                key, figure = "covering", f"No published case study of its own; {words}"
        labelled.append((borough, key, figure))
    return map_figure(
        f"case-study-map-{areas.view}",
        areas,
        f"Published case studies per area in the portal, {place_of(areas)}",
        CASE_STUDY_CATEGORIES,
        labelled,
    )


OVERDUE_CATEGORIES = [
    Category("none", "No item overdue", "#00703c"),
    Category("some", "1 to 4 items overdue", "#f47738"),
    Category("many", "5 or more items overdue", "#d4351c"),
    Category("no-plan", "No active plan recorded", "#dcdcdc"),
]


def overdue_map(areas, today, *, states=None):
    """Items past due and not done in each area's active plan: one query (active plans
    with their stored figures: actionplans.figures), and two more (plans, answers) unless
    ``states`` are given. An area with no active plan
    recorded has no figure, not a zero."""
    ids = areas.ids
    if states is None:
        states = plan_states(areas.districts)
    with_plan = {pk for pk, state in states.items() if state == PlanState.ACTIVE}
    plans = plans_with_figures(ActionPlan.objects.active().filter(borough__in=ids), "pk", "borough")
    overdue_by_plan = overdue_items_on({plan[0]: figures for plan, figures in plans}, today)
    overdue: defaultdict[int, int] = defaultdict(int)
    for (pk, borough_id), _ in plans:
        overdue[borough_id] += overdue_by_plan[pk]
    labelled = []
    for borough in areas.districts:
        if borough.pk not in with_plan:
            labelled.append((borough, "no-plan", "No active plan recorded"))
            continue
        count = overdue.get(borough.pk, 0)
        key = "none" if count == 0 else "some" if count < 5 else "many"
        labelled.append((borough, key, f"{count} overdue"))
    return map_figure(
        f"overdue-map-{areas.view}",
        areas,
        f"Action plan items overdue on {today:%-d %B %Y}, {place_of(areas)}",
        OVERDUE_CATEGORIES,
        labelled,
    )
