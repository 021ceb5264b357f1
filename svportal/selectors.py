"""Portal-wide reads that span apps: home figures, borough summaries, compare."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from django.db.models import Count, F, FilteredRelation, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from actionplans.dated_figures import FIGURES_THEN_COLUMNS, figures_then, figures_then_columns
from actionplans.figures import overdue_items_on, plans_with_figures
from actionplans.history import (
    PlanFields,
    items_as_at,
    local_date,
    plan_fields_as_at,
    plans_as_at,
)
from actionplans.models import ActionItem, ActionPlan, ItemStatus, Theme
from actionplans.selectors import items_for_history, plans_for_history
from boroughs.models import (
    AreaRow,
    Borough,
    PublishedTotal,
    StockTake,
    StockTakeAnswer,
    StockTakeQuestion,
)
from boroughs.querysets import BoroughQuerySet
from casestudies.figures import (
    borough_practice_figures,
    borough_practice_figures_read,
    in_use_counts,
    practice_figures_columns,
)
from casestudies.models import Approach, CaseStudy
from casestudies.plan_items import (
    InUse,
    InUseCounts,
    described_in_case_studies,
    interventions_in_use,
    plan_interventions_as_at,
)
from casestudies.querysets import CaseStudyQuerySet
from funding.figures import (
    award_figures_columns,
    borough_award_figures,
    borough_award_figures_read,
)
from funding.models import Award
from funding.querysets import AwardQuerySet

FUNDING_ENDING_SOON_DAYS = 90
#: A borough's awards shown on "my portal" where none ends soon.
LATEST_DESK_AWARDS = 3


@dataclass(frozen=True)
class HomeFigures:
    boroughs_with_active_plan: int
    published_case_studies: int
    awards: int
    total_funding: Decimal
    total_funding_is_minimum: bool
    #: What the latest stock-take published on boroughs having a plan ("22 of 33").
    plan_total: PublishedTotal | None = None


def latest_plan_total() -> PublishedTotal | None:
    """The latest round's published total of boroughs reporting a knife crime action plan."""
    return (
        PublishedTotal.objects.filter(question__slug=PLAN_QUESTION_SLUG, option__slug="yes")
        .select_related("question__stock_take")
        .order_by(F("question__stock_take__conducted_on").desc(nulls_last=True), "-pk")
        .first()
    )


def home_figures() -> HomeFigures:
    """The headline figures in four queries, whatever the size of the data."""
    # Counted over columns of the awards' amounts index alone (funding migration 0007),
    # not the table: at national scale 3 ms against 56.
    awards = Award.objects.aggregate(
        count=Count("amount_is_minimum"),
        total=Sum("amount"),
        floors=Count(
            "amount_is_minimum", filter=Q(amount_is_minimum=True) | Q(amount__isnull=True)
        ),
    )
    return HomeFigures(
        boroughs_with_active_plan=ActionPlan.objects.active()
        .filter(borough__isnull=False)
        .values("borough")
        .distinct()
        .count(),
        published_case_studies=CaseStudy.objects.published().count(),
        awards=awards["count"],
        total_funding=awards["total"] or Decimal("0"),
        # An "over £…" award, or one whose amount is not stated, makes the sum a floor.
        total_funding_is_minimum=awards["floors"] > 0,
        plan_total=latest_plan_total(),
    )


def latest_case_studies(limit: int = 5) -> CaseStudyQuerySet:
    """The latest published, with what the home page shows of each (title, boroughs, year,
    summary, source) and no more: not their approaches, nor their long texts and search
    documents. Two queries (the case studies, their boroughs)."""
    return (
        CaseStudy.objects.published()
        .select_related("source")
        .only("slug", "title", "summary", "year", "source__title", "source__publisher")
        .prefetch_related(Prefetch("boroughs", Borough.objects.only("name")))
        .order_by("-published_at", "-year", "title")[:limit]
    )


def funding_ending_soon(
    today: dt.date | None = None, days: int = FUNDING_ENDING_SOON_DAYS
) -> AwardQuerySet:
    today = today or timezone.localdate()
    # What the home page's table of awards shows of each (templates/funding/
    # _award_table.html with their recipients) and no more: not their funders, sources,
    # partnerships, organisations and long texts.
    return (
        Award.objects.select_related("stream")
        .only("title", "amount", "amount_is_minimum", "ends_on", "stream__slug", "stream__name")
        .prefetch_related(Prefetch("recipient_boroughs", Borough.objects.only("name")))
        .ending_between(today, today + dt.timedelta(days=days))
        .order_by("ends_on")
    )


# --- Borough summary and compare -------------------------------------------------------

ITEM_STATUSES = [status.value for status in ItemStatus]

#: The stock-take question that asks whether a borough has a knife crime action plan.
PLAN_QUESTION_SLUG = "knife-crime-action-plan"


class PlanState(StrEnum):
    """What the portal knows about a borough's knife crime action plan."""

    ACTIVE = "active"  # an active plan is recorded in the portal
    NONE = "none"  # a source records that the borough has no plan
    NOT_RECORDED = "not_recorded"  # the portal has no record either way


def plan_state_of(has_active_plan: bool, reported_option: str | None) -> PlanState:
    """The state from whether an active plan is recorded and the slug of the latest
    recorded stock-take answer on having one (None when there is none)."""
    if has_active_plan:
        return PlanState.ACTIVE
    if reported_option == "no":
        return PlanState.NONE
    return PlanState.NOT_RECORDED


#: Borough pk -> its summary, filled in by the figures below.
Summaries = dict[int, "BoroughSummary"]
#: Borough pk -> the items of its active plan as they stood on a day.
ItemsByBorough = defaultdict[int, list[ActionItem]]


class NotRecorded(StrEnum):
    """Why a figure the portal cannot know is null: named by a short code in the API (a
    reason repeated for five fields of hundreds of rows was most of the summary's bytes),
    explained in its schema and written out in the spreadsheets."""

    NO_PLAN = "no_plan"
    NO_INTERVENTIONS = "no_interventions"
    NO_AWARD = "no_award"
    NO_AMOUNT = "no_amount"


#: Each code's reason in words.
NOT_RECORDED_REASONS = {
    NotRecorded.NO_PLAN: "No action plan is recorded for this borough, so its items are not known.",
    NotRecorded.NO_INTERVENTIONS: "No action plan is recorded for this borough and no "
    "published case study names an intervention, so the interventions in use are not known.",
    NotRecorded.NO_AWARD: "No award to this borough is recorded, so the amount it received is "
    "not known.",
    NotRecorded.NO_AMOUNT: "No amount is stated for the awards to this borough that are "
    "recorded, so the amount it received is not known.",
}


#: The figures that are null, as NotRecorded.NO_PLAN, when a borough has no plan recorded.
_UNKNOWN_WITHOUT_A_PLAN = (
    "items",
    "item_count",
    "overdue_items",
    "percent_complete",
    "interventions_in_plan",
)


class ActivePlan(NamedTuple):
    """What a summary shows of a borough's active plan as it stands, read as values: a
    table of every council reads hundreds of plans (as at a day, the plans rebuilt from
    their history are model instances with the same fields)."""

    pk: int
    slug: str
    title: str
    last_refreshed_on: dt.date | None


@dataclass
class BoroughSummary:
    #: An area of a table of every council is read as values, as that table shows it.
    borough: Borough | AreaRow
    active_plan: ActionPlan | ActivePlan | None = None
    items_by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ITEM_STATUSES, 0))
    overdue_items: int = 0
    last_item_update: dt.datetime | None = None
    case_studies: int = 0
    awards: int = 0
    awards_total: Decimal = Decimal("0")
    awards_total_is_minimum: bool = False
    awards_amount_not_stated: int = 0
    #: The interventions its active plan's items deliver and its published case studies
    #: describe, by where that is recorded (casestudies.plan_items, docs/decisions/0028):
    #: named only where a page names them (a profile, compare), else only counted.
    in_use: InUse = field(default_factory=InUse)
    in_use_counts: InUseCounts = field(default_factory=InUseCounts)
    #: The day whose plans these are (docs/decisions/0010); None for plans as they stand.
    as_at: dt.date | None = None
    #: The borough's latest recorded stock-take answer on having a plan, if any.
    plan_reported: StockTakeAnswer | None = None

    @property
    def plan_state(self) -> PlanState:
        reported = self.plan_reported.option.slug if self.plan_reported else None
        return plan_state_of(bool(self.active_plan), reported)

    @property
    def interventions_in_use(self) -> int:
        """Distinct interventions in use, from its plan and its case studies together."""
        return self.in_use_counts.all

    @property
    def recorded_interventions_in_use(self) -> int | None:
        """None when neither a plan nor a case study records any: not known, not none."""
        if not self.active_plan and not self.in_use_counts.all:
            return None
        return self.interventions_in_use

    @property
    def interventions_in_case_studies(self) -> int:
        return self.in_use_counts.in_case_studies

    @property
    def interventions_in_plan(self) -> int | None:
        """Interventions its active plan's items deliver; None when no plan is recorded."""
        return self.in_use_counts.in_plan if self.active_plan else None

    @property
    def not_recorded(self) -> dict[str, NotRecorded]:
        """Why figures the portal cannot know are null, by field."""
        # Built once a row for tables of every council: the plan is looked at once, and the
        # five fields a missing plan leaves unknown are one constant.
        reasons: dict[str, NotRecorded]
        if self.active_plan:
            reasons = {}
        else:
            reasons = dict.fromkeys(_UNKNOWN_WITHOUT_A_PLAN, NotRecorded.NO_PLAN)
            if self.recorded_interventions_in_use is None:
                reasons["interventions_in_use"] = NotRecorded.NO_INTERVENTIONS
        if not self.awards:
            reasons["awards_total"] = NotRecorded.NO_AWARD
        elif self.awards_amount_not_stated == self.awards:
            reasons["awards_total"] = NotRecorded.NO_AMOUNT
        return reasons

    @property
    def recorded_items_by_status(self) -> dict[str, int] | None:
        return self.items_by_status if self.active_plan else None

    @property
    def recorded_item_count(self) -> int | None:
        return self.item_count if self.active_plan else None

    @property
    def recorded_overdue_items(self) -> int | None:
        return self.overdue_items if self.active_plan else None

    @property
    def recorded_awards_total(self) -> Decimal | None:
        """The total of the amounts stated; None without an award, or when no award's amount
        is stated (a total of nothing stated is not a floor of £0)."""
        if not self.awards or self.awards_amount_not_stated == self.awards:
            return None
        return self.awards_total

    @property
    def item_count(self) -> int:
        return sum(self.items_by_status.values())

    @property
    def percent_complete(self) -> float | None:
        """Complete items as a share of those not cancelled; None when the plan has none."""
        live = self.item_count - self.items_by_status[ItemStatus.CANCELLED]
        if not live:
            return None
        return round(100 * self.items_by_status[ItemStatus.COMPLETE] / live, 1)

    @property
    def last_plan_update(self) -> dt.date | None:
        """The latest of an item update (its day in London, as the portal's days are) and
        the plan's own refresh."""
        dates: list[dt.date] = []
        if self.last_item_update:
            # Not timezone.localdate: its lookup of the active time zone cost ten times the
            # conversion, for each of hundreds of rows.
            dates.append(local_date(self.last_item_update))
        if self.active_plan and self.active_plan.last_refreshed_on:
            dates.append(self.active_plan.last_refreshed_on)
        return max(dates) if dates else None


def borough_summaries(
    boroughs: Iterable[Borough],
    today: dt.date | None = None,
    as_at: dt.date | None = None,
    *,
    named_interventions: bool = False,
) -> list[BoroughSummary]:
    """A summary per borough in a fixed number of queries (four; for a query of areas,
    two fewer: their stored figures are read with them), whatever the count: the figures
    of plans and areas are stored as they are written (actionplans.figures,
    casestudies.figures, funding.figures). With ``named_interventions`` (a page that lists
    them), the interventions in use are read by name, in one more.

    With ``as_at`` (a day), the plans and items are as they stood at the end of that day:
    the plans rebuilt from their history, the items' figures then read with them from
    their stored timelines and the interventions their items delivered then read from the
    links' history (eight queries, six for a query of areas); case studies and awards
    have no history and are as they stand now. Raises actionplans.history.AsAtError for a
    day before the portal's record of these boroughs' plans."""
    return _summaries(
        boroughs,
        today=today,
        as_at=as_at,
        with_items=False,
        named_interventions=named_interventions,
    )[0]


def _summaries(
    boroughs: Iterable[Borough],
    *,
    today: dt.date | None,
    as_at: dt.date | None,
    with_items: bool = True,
    named_interventions: bool = True,
) -> tuple[list[BoroughSummary], ItemsByBorough | None]:
    """The summaries, and (with as_at and with_items) the items of each borough's active
    plans then; without with_items, the figures then are counted in the database."""
    today = today or timezone.localdate()
    shown: Iterable[Borough | AreaRow] = boroughs
    stored: _StoredFigures | None = None
    if isinstance(boroughs, BoroughQuerySet) and not boroughs.query.is_sliced:
        shown, stored = _areas_with_figures(boroughs)
    summaries = {borough.pk: BoroughSummary(borough=borough, as_at=as_at) for borough in shown}
    areas = _chosen_areas(boroughs, list(summaries))
    items_then = None
    if as_at is None:
        _plan_figures(summaries, areas, today)
        _practice_figures(summaries, areas, named_interventions=named_interventions, stored=stored)
    else:
        active_then: Sequence[ActionPlan | PlanFields]
        if with_items:
            whole = _active_plans_then(summaries, areas, as_at)
            items_then = _plan_figures_as_at(summaries, whole, as_at)
            active_then = whole
        else:
            fields_then = _active_plan_fields_then(summaries, areas, as_at)
            _plan_figures_then(summaries, fields_then, as_at)
            active_then = fields_then
        _practice_figures(summaries, areas, named_interventions=named_interventions, stored=stored)
        if named_interventions:
            _interventions_then(summaries, areas, active_then, as_at)
        else:
            _intervention_counts_then(summaries, areas, active_then, as_at)
    _reported_plans(summaries, areas.selection)
    return list(summaries.values()), items_then


class _StoredFigures(NamedTuple):
    """The areas' stored practice and award figures (casestudies.figures,
    funding.figures), by area pk, as borough_practice_figures and borough_award_figures
    read them."""

    practice: dict[int, Any]
    awards: dict[int, Any]


def _areas_with_figures(boroughs: BoroughQuerySet) -> tuple[list[AreaRow], _StoredFigures]:
    """The areas as rows (BoroughQuerySet.summary_rows) and their stored figures, read in
    the same query, joined by area: each table holds a row per area, keyed by it. For
    every council the two queries of their own cost more than the joins."""
    practice, awards = practice_figures_columns(), award_figures_columns()
    rows = boroughs.summary_rows_with(*practice, *awards)
    split = len(practice)
    return [area for area, _ in rows], _StoredFigures(
        practice=borough_practice_figures_read({area.pk: also[:split] for area, also in rows}),
        awards=borough_award_figures_read({area.pk: also[split:] for area, also in rows}),
    )


@dataclass(frozen=True)
class _Areas:
    """The areas summarised, as the figures' queries select them: ``selection`` is the
    query that chose them where there is one (the database runs it as a subquery), else
    their ids. For every council a list of ids is hundreds of parameters for Django to
    prepare and the database to match, in each of the summary's queries."""

    ids: list[int]
    selection: QuerySet[Any, Any] | list[int]

    @property
    def query(self) -> QuerySet[Any, Any] | None:
        return self.selection if isinstance(self.selection, QuerySet) else None

    @property
    def plans(self) -> QuerySet[Any, Any] | None:
        """Their plans anyone may read (those a summary as at a day chooses from), by the
        query that chose the areas; None where the areas are a list."""
        if self.query is None:
            return None
        return ActionPlan.objects.public().filter(borough__in=self.query).values("pk")


def _chosen_areas(boroughs: Iterable[Borough], ids: list[int]) -> _Areas:
    if isinstance(boroughs, QuerySet) and not boroughs.query.is_sliced:
        return _Areas(ids=ids, selection=boroughs.values("pk"))
    return _Areas(ids=ids, selection=ids)


def _borough_of(plan: ActionPlan | PlanFields) -> int:
    """The pk of the borough whose plan this is; these plans were chosen by borough."""
    if plan.borough_id is None:
        raise ValueError(f"Plan {plan.pk} is a partnership's, not a borough's")
    return plan.borough_id


def _reported_plans(summaries: Summaries, areas: QuerySet[Any, Any] | list[int]) -> None:
    """Each borough's latest recorded stock-take answer on having a plan: one query."""
    for answer in (
        StockTakeAnswer.objects.filter(borough__in=areas, question__slug=PLAN_QUESTION_SLUG)
        .select_related("option", "question__stock_take")
        .order_by("question__stock_take__conducted_on", "pk")
    ):
        summaries[answer.borough_id].plan_reported = answer


def _plan_figures(summaries: Summaries, areas: _Areas, today: dt.date) -> None:
    """The active plans with their stored figures (actionplans.figures), overdue items
    included: one query, and two more when a plan's overdue count no longer holds on
    ``today`` (actionplans.figures.overdue_items_on)."""
    plans = plans_with_figures(
        ActionPlan.objects.active().filter(borough__in=areas.selection).current_first("borough_id"),
        "pk",
        "borough",
        *ActivePlan._fields[1:],
    )
    overdue = overdue_items_on({plan[0]: figures for plan, figures in plans}, today)
    for (pk, borough_id, *shown), figures in plans:
        summary = summaries[borough_id]
        summary.active_plan = summary.active_plan or ActivePlan(pk, *shown)
        summary.overdue_items += overdue[pk]
        for status, count in figures.items_by_status.items():
            summary.items_by_status[status] += count
        latest = figures.last_item_update
        if latest is not None and (
            summary.last_item_update is None or latest > summary.last_item_update
        ):
            summary.last_item_update = latest


def _active_plans_then(summaries: Summaries, areas: _Areas, day: dt.date) -> list[ActionPlan]:
    """The boroughs' plans active at the end of ``day``, as they stood then, each borough's
    most recently refreshed first and its summary's active plan: two queries (plans,
    their history). Raises AsAtError for a day before the record of these plans."""
    # Summaries are the same for everyone: a plan that is a draft now counts for nobody.
    state = plans_as_at(plans_for_history().public().filter(borough__in=areas.selection), day)
    state.check_recorded()
    active = state.active  # most recently refreshed first
    for plan in active:
        summary = summaries[_borough_of(plan)]
        summary.active_plan = summary.active_plan or plan
    return active


def _active_plan_fields_then(summaries: Summaries, areas: _Areas, day: dt.date) -> list[PlanFields]:
    """As _active_plans_then, for summaries whose plans' items are not rebuilt: each plan
    read as its fields alone (actionplans.history.PlanFields), and a refusal naming its
    borough from the summaries."""
    # Each plan's figures then (actionplans.dated_figures) come with it, for
    # _plan_figures_then.
    plans = ActionPlan.objects.public().filter(borough__in=areas.selection)
    state = plan_fields_as_at(
        plans.annotate(**figures_then_columns(day)), day, also=FIGURES_THEN_COLUMNS
    )
    state.check_recorded(name_of=lambda plan: summaries[_borough_of(plan)].borough.name)
    active = state.active  # most recently refreshed first
    for plan in active:
        summary = summaries[_borough_of(plan)]
        summary.active_plan = summary.active_plan or ActivePlan(
            plan.pk, plan.slug, plan.title, plan.last_refreshed_on
        )
    return active


def _plan_figures_as_at(
    summaries: Summaries, active: list[ActionPlan], day: dt.date
) -> ItemsByBorough:
    """The items of the plans ``active`` on ``day`` as they stood then: three queries
    (items, the items' history, themes). Returns borough pk -> its items then."""
    items = items_as_at(
        active, items_for_history().filter(plan__in=[plan.pk for plan in active]), day
    ).items
    by_borough: ItemsByBorough = defaultdict(list)
    for item in items:
        summary = summaries[_borough_of(item.plan)]
        by_borough[_borough_of(item.plan)].append(item)
        summary.items_by_status[item.status] += 1
        summary.overdue_items += item.is_overdue(day)
        if item.last_updated_at and (
            summary.last_item_update is None or item.last_updated_at > summary.last_item_update
        ):
            summary.last_item_update = item.last_updated_at
    return by_borough


def _plan_figures_then(summaries: Summaries, active: Sequence[PlanFields], day: dt.date) -> None:
    """As _plan_figures_as_at, without loading the items: each plan's figures then, from
    its stored timeline (actionplans.dated_figures), read with the plan by
    _active_plan_fields_then: no query while the timelines follow the history."""
    read = {plan.pk: plan.also for plan in active}
    borough_of = {plan.pk: summaries[_borough_of(plan)] for plan in active}
    for plan_id, figures in figures_then(list(read), read, day).items():
        summary = borough_of[plan_id]
        for status, count in figures.items_by_status.items():
            summary.items_by_status[status] += count
        summary.overdue_items += figures.overdue_items
        latest = figures.last_item_update
        if latest is not None and (
            summary.last_item_update is None or latest > summary.last_item_update
        ):
            summary.last_item_update = latest


def _interventions_then(
    summaries: Summaries, areas: _Areas, active: Sequence[ActionPlan | PlanFields], day: dt.date
) -> None:
    """The interventions the items of the plans ``active`` on ``day`` delivered then, from
    the links' history, in place of those of the plans active now: one query. Case
    studies keep no history, so theirs are as they stand now (docs/decisions/0028)."""
    delivered = plan_interventions_as_at([plan.pk for plan in active], day, within=areas.plans)
    for summary in summaries.values():
        summary.in_use.from_plan = {}
    for plan in active:
        summaries[_borough_of(plan)].in_use.from_plan.update(delivered.get(plan.pk, {}))
    for summary in summaries.values():
        summary.in_use_counts = summary.in_use.counts


def _intervention_counts_then(
    summaries: Summaries, areas: _Areas, active: Sequence[ActionPlan | PlanFields], day: dt.date
) -> None:
    """As _interventions_then, counted without naming them: the interventions the plans
    ``active`` on ``day`` delivered then (one query), and which of those the borough's
    published case studies describe (one query over those alone), beside the count of
    those the case studies describe that _practice_figures found."""
    delivered = plan_interventions_as_at([plan.pk for plan in active], day, within=areas.plans)
    in_plan: defaultdict[int, set[str]] = defaultdict(set)
    for plan in active:
        in_plan[_borough_of(plan)].update(delivered.get(plan.pk, {}))
    described = described_in_case_studies(in_plan)
    for borough_id, summary in summaries.items():
        counts = summary.in_use_counts
        then = len(in_plan.get(borough_id, ())), len(described.get(borough_id, ()))
        if then != (counts.in_plan, counts.in_both):  # most areas have no plan either day
            summary.in_use_counts = InUseCounts(
                in_plan=then[0], in_case_studies=counts.in_case_studies, in_both=then[1]
            )


def _practice_figures(
    summaries: Summaries,
    areas: _Areas,
    *,
    named_interventions: bool,
    stored: _StoredFigures | None = None,
) -> None:
    """Published case studies, awards and interventions in use (from the active plans'
    items and the published case studies), as stored for each area (casestudies.figures,
    funding.figures): two queries, none where they were read with the areas (``stored``:
    _areas_with_figures); with ``named_interventions``, one more that reads the
    interventions by name."""
    if stored is None:
        stored = _StoredFigures(
            practice=borough_practice_figures(areas.ids, within=areas.query),
            awards=borough_award_figures(areas.ids, within=areas.query),
        )
    for borough_id, figures in stored.practice.items():
        summaries[borough_id].case_studies = figures.published_case_studies
        summaries[borough_id].in_use_counts = in_use_counts(figures)
    if named_interventions:
        for borough_id, in_use in interventions_in_use(areas.ids).items():
            summaries[borough_id].in_use = in_use
            summaries[borough_id].in_use_counts = in_use.counts
    for borough_id, awards in stored.awards.items():
        summary = summaries[borough_id]
        summary.awards = awards.awards
        summary.awards_total = awards.total
        # The total is a floor when an amount is "over £…" or not stated at all.
        summary.awards_total_is_minimum = bool(awards.amounts_at_least or awards.amounts_not_stated)
        summary.awards_amount_not_stated = awards.amounts_not_stated


@dataclass
class Comparison:
    summaries: list[BoroughSummary]
    themes_covered: dict[int, list[str]]  # borough pk -> [theme names] in framework order
    approaches: dict[int, list[str]]  # borough pk -> [approach names]
    interventions: dict[int, dict[str, str]]  # borough pk -> {slug: name}
    as_at: dt.date | None = None

    @property
    def interventions_in_common(self) -> list[str]:
        sets = [set(found) for found in self.interventions.values()]
        common = set.intersection(*sets) if sets else set()
        names = {
            slug: name for found in self.interventions.values() for slug, name in found.items()
        }
        return sorted((names[slug] for slug in common), key=str.lower)

    def unique_interventions(self, borough_pk: int) -> list[str]:
        others: set[str] = set().union(
            *(set(found) for pk, found in self.interventions.items() if pk != borough_pk)
        )
        mine = self.interventions[borough_pk]
        return sorted((name for slug, name in mine.items() if slug not in others), key=str.lower)


def compare_boroughs(
    boroughs: Iterable[Borough], today: dt.date | None = None, as_at: dt.date | None = None
) -> Comparison:
    """Borough summaries side by side, with what their plans and practice have in common.

    With ``as_at``, the plans, their items and so the themes covered are as they stood at
    the end of that day (borough_summaries says what that means)."""
    summaries, items_then = _summaries(boroughs, today=today, as_at=as_at)
    ids = [summary.borough.pk for summary in summaries]
    themes: defaultdict[int, list[str]] = defaultdict(list)
    if items_then is None:  # the plans as they stand
        for borough_id, theme_name in (
            Theme.objects.filter(
                items__plan__status=ActionPlan.Status.ACTIVE, items__plan__borough__in=ids
            )
            .values_list("items__plan__borough", "name")
            .order_by("items__plan__borough", "framework__name", "order")
            .distinct()
        ):
            themes[borough_id].append(theme_name)
    else:
        for borough_id, items in items_then.items():
            covered = sorted(
                {(item.theme.framework.name, item.theme.order, item.theme.name) for item in items}
            )
            themes[borough_id] = list(dict.fromkeys(name for _, _, name in covered))
    approaches: defaultdict[int, list[str]] = defaultdict(list)
    for borough_id, name in (
        Approach.objects.filter(
            case_studies__status=CaseStudy.Status.PUBLISHED, case_studies__boroughs__in=ids
        )
        .values_list("case_studies__boroughs", "name")
        .order_by("case_studies__boroughs", "name")
        .distinct()
    ):
        approaches[borough_id].append(name)
    # In use now, from the plans and the case studies (no history: docs/decisions/0028).
    interventions = {summary.borough.pk: summary.in_use.all for summary in summaries}
    return Comparison(
        as_at=as_at,
        summaries=summaries,
        themes_covered={pk: themes[pk] for pk in ids},
        approaches={pk: approaches[pk] for pk in ids},
        interventions=interventions,
    )


# --- Pages: borough profile and "my portal" ----------------------------------------------


@dataclass
class RoundAnswers:
    """One stock-take round as a borough answered it: a QuestionAnswer per question."""

    stock_take: StockTake
    answers: list["QuestionAnswer"]


@dataclass
class QuestionAnswer:
    """A borough's recorded answer to one question, else what the source published for all
    the boroughs it covers: a total that counts every one of them (“All boroughs and the
    City of London said …”) is the borough's answer too; other totals are context."""

    question: StockTakeQuestion
    answer: StockTakeAnswer | None = None
    said_of_all: PublishedTotal | None = None  # a total that counts every covered borough
    totals: list[PublishedTotal] = field(default_factory=list)  # the question's other totals


def borough_stock_take_answers(borough: Borough) -> list[RoundAnswers]:
    """Every round that covers the borough, or that recorded an answer from it, with the
    borough's answer to each question or what the source published for all boroughs.
    Three queries at any size (rounds; their questions with the borough's answers; their
    published totals), each reading what the profile shows and grouped here: a borough
    is covered by several rounds of several questions each, and prefetching them made a
    queryset per round and per question."""
    # The rounds it answered, found from its answers by their borough index: a join of
    # every round's answers under the OR read them all (13,000 at national scale, 40 ms).
    answered = StockTakeAnswer.objects.filter(borough=borough).values("question__stock_take")
    rounds = list(
        StockTake.objects.filter(Q(coverage_region=borough.region) | Q(pk__in=answered)).only(
            "title",
            "slug",
            "publisher",
            "conducted_on",
            "conducted_on_precision",
            "coverage_region",
        )
    )
    if not rounds:
        return []
    round_ids = [round_.pk for round_ in rounds]
    questions: defaultdict[int, list[StockTakeQuestion]] = defaultdict(list)
    answers: dict[int, StockTakeAnswer] = {}
    # Each question with the borough's answer to it, if any (one at most, by the answers'
    # unique question and borough), read in the same query by a join on that index.
    for asked in (
        StockTakeQuestion.objects.filter(stock_take__in=round_ids)
        .annotate(own_answer=FilteredRelation("answers", condition=Q(answers__borough=borough)))
        # The stubs know no relation an annotation names.
        .select_related("own_answer__option")  # type: ignore[misc]
        .order_by("number")
    ):
        questions[asked.stock_take_id].append(asked)
        # Set only where the borough answered.
        own_answer = getattr(asked, "own_answer", None)
        if own_answer is not None:
            answers[asked.pk] = own_answer
    totals: defaultdict[int, list[PublishedTotal]] = defaultdict(list)
    for total in (
        PublishedTotal.objects.filter(question__stock_take__in=round_ids)
        .select_related("option")
        .only(
            "question_id",
            "label",
            "count",
            "quantity",
            "denominator",
            "quote",
            "option__label",
        )
        .order_by("pk")
    ):
        totals[total.question_id].append(total)
    result: list[RoundAnswers] = []
    for round_ in rounds:
        covered = round_.coverage_region == borough.region
        entries = []
        for question in questions[round_.pk]:
            found = totals[question.pk]
            everyone = next((t for t in found if covered and t.is_everyone and t.option), None)
            entries.append(
                QuestionAnswer(
                    question=question,
                    answer=answers.get(question.pk),
                    said_of_all=everyone,
                    totals=[t for t in found if t is not everyone],
                )
            )
        result.append(RoundAnswers(stock_take=round_, answers=entries))
    return result


@dataclass
class BoroughDesk:
    """What a member of one borough needs to act on."""

    borough: Borough
    role: str
    active_plan: ActionPlan | None = None
    overdue_items: list[ActionItem] = field(default_factory=list)
    awards_ending: list[Award] = field(default_factory=list)
    #: Where nothing ends soon: the borough's awards that ended last.
    latest_awards: list[Award] = field(default_factory=list)


def boroughs_desk(
    user: Any, today: dt.date | None = None, days: int = FUNDING_ENDING_SOON_DAYS
) -> list[BoroughDesk]:
    """For each borough the user has a role in: the role, the active plan, the plan's
    overdue items (past due, neither complete nor cancelled) and the awards to the
    borough that end within ``days`` (else its awards that ended last). Five queries at
    any size (roles, active plans, overdue items, awards ending, latest awards)."""
    today = today or timezone.localdate()
    desks = {
        role.borough_id: BoroughDesk(borough=role.borough, role=role.get_role_display())
        for role in user.borough_roles.select_related("borough").order_by("borough__name")
    }
    if not desks:
        return []
    for plan in (
        ActionPlan.objects.active().filter(borough__in=list(desks)).current_first("borough_id")
    ):
        desks[plan.borough_id].active_plan = desks[plan.borough_id].active_plan or plan
    for item in (
        ActionItem.objects.filter(
            plan__status=ActionPlan.Status.ACTIVE, plan__borough__in=list(desks)
        )
        .overdue(today)
        .select_related("plan", "theme")
        .order_by("due_date", "title")
    ):
        desks[item.plan.borough_id].overdue_items.append(item)
    ending = Award.recipient_boroughs.through.objects.filter(
        borough__in=list(desks),
        award__ends_on__gte=today,
        award__ends_on__lte=today + dt.timedelta(days=days),
    )
    for recipient in ending.select_related("award__stream").order_by("award__ends_on"):
        desks[recipient.borough_id].awards_ending.append(recipient.award)
    quiet = [pk for pk, desk in desks.items() if not desk.awards_ending]
    if quiet:
        for recipient in (
            Award.recipient_boroughs.through.objects.filter(borough__in=quiet)
            .select_related("award__stream")
            .order_by(F("award__ends_on").desc(nulls_last=True), "award__title")
        ):
            latest = desks[recipient.borough_id].latest_awards
            if len(latest) < LATEST_DESK_AWARDS:
                latest.append(recipient.award)
    return list(desks.values())


def borough_summary_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Borough]:
    """The areas the borough summary has a row for, by name, with its filters (region,
    kind) from ``filters`` applied; a value that is wrong is a ValidationError naming its
    filter. Every area is public, whoever asks."""
    from svportal.api.filters import BoroughSummaryFilter

    filterset = BoroughSummaryFilter(filters, queryset=Borough.objects.for_summary())
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    boroughs: QuerySet[Borough] = filterset.qs.order_by("name")
    return boroughs
