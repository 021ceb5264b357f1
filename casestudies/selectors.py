"""Reads for the case-study and intervention pages: search, facets with counts, related.

Search is core.search, with what each record's document holds in casestudies/search.py:
the same query language, synonyms, matching and snippets on PostgreSQL and SQLite. With
search words the results come most relevant first unless another order is asked for.

Facet counts are "disjunctive": the count beside a value is how many case studies
match the search and every *other* active facet, plus that value. So the count beside
Redbridge does not fall to zero because Lambeth is ticked, and ticking a value with
count n in an otherwise unfiltered facet shows n results.

Every filter is a `pk IN (subquery)` rather than a join, so results and counts have no
duplicates whatever the facets and need no DISTINCT.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.functions import Coalesce, Lower
from django.http import QueryDict
from django.utils.safestring import SafeString

from boroughs.models import Borough, Organisation, Region
from core.api.filters import Listing
from core.response_cache import kept_under_data_version
from core.search import SearchIndex, SearchQuery
from funding.models import Award
from funding.querysets import AwardQuerySet

from . import search
from .api.filters import CaseStudyFilter, InterventionFilter
from .cost import CostBand
from .evidence import LEVEL_BY_NUMBER, LEVELS, EvaluationDesign
from .facet_figures import (
    AGE_RANGES,
    COLUMN_FACETS,
    LINKED_FACETS,
    TOTAL,
    FacetCountRow,
    published_counts_matching,
    published_facet_counts,
)
from .models import (
    Approach,
    CaseStudy,
    ExternalRating,
    Intervention,
    Outcome,
    ReviewNotice,
    ReviewStep,
    SavedSearch,
    SavedSearchMatch,
    Setting,
)
from .querysets import CaseStudyQuerySet, InterventionQuerySet, sees_drafts

SEARCH_MAX_WORDS = search.MAX_TERMS
#: The ages the age facet offers; an age outside them can still be asked for in the URL.
AGES = tuple(range(5, 26))
RELATED_LIMIT = 3

CaseStudyBoroughs = CaseStudy.boroughs.through
CaseStudyApproaches = CaseStudy.approaches.through
CaseStudyInterventions = CaseStudy.interventions.through
CaseStudyAwards = CaseStudy.awards.through
CaseStudySettings = CaseStudy.settings.through
InterventionSettings = Intervention.settings.through
InterventionProviders = Intervention.providers.through

#: sort key -> (label, ordering); relevance needs search words.
RELEVANCE = "relevance"
CASE_STUDY_SORTS = {
    RELEVANCE: ("Most relevant", (F("search_rank").desc(), "title", "pk")),
    "title": ("Title (A to Z)", ("title", "pk")),
    "evidence": ("Strongest evidence first", (F("evidence_level").desc(), "title", "pk")),
    "newest": ("Newest year first", (F("year").desc(nulls_last=True), "title", "pk")),
    "published": (
        "Recently published",
        (F("published_at").desc(nulls_last=True), "title", "pk"),
    ),
}


class PkRow(TypedDict):
    """A row of ``queryset.values("pk")``: a subquery of ids."""

    pk: int


class Choice(NamedTuple):
    value: str
    label: str


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str  # the GET parameter
    legend: str
    options: list[FacetOption] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the form's messages for this parameter

    @property
    def selected(self) -> list[FacetOption]:
        return [option for option in self.options if option.selected]


def search_words(q: str) -> list[str]:
    """The words and phrases of a query, as the search reads them."""
    parsed = search.parse_query(q).parsed
    return [term.text for term in (*parsed.terms, *parsed.excluded)]


def level_label(number: int | str) -> str:
    level = LEVEL_BY_NUMBER[int(number)]
    return f"Level {level.number}: {level.name}"


#: The labels of the evidence facets' values.
EVIDENCE_LEVEL_LABELS = {str(level.number): level_label(level.number) for level in LEVELS}


def _values(choices: Iterable[Choice]) -> list[str]:
    return [choice.value for choice in choices]


#: A facet's row: (value, label, count).
FacetRow = tuple[str, str, int]
#: The rows of one facet's counts: (facet, value, label, count).
FacetRows = QuerySet[Any, tuple[str, str, str, int]]


def _build_facet(
    name: str,
    legend: str,
    rows: Iterable[FacetRow],
    selected: Iterable[Choice],
    order: Callable[[FacetOption], Any] | None = None,
) -> Facet:
    """Options with a count, plus any selected value no case study now matches."""
    counts = {value: (label, count) for value, label, count in rows}
    for choice in selected:
        counts.setdefault(choice.value, (choice.label, 0))
    chosen = set(_values(selected))
    options = [
        FacetOption(value, label, count, value in chosen)
        for value, (label, count) in counts.items()
        if count or value in chosen
    ]
    options.sort(key=order or (lambda option: option.label.lower()))
    return Facet(name, legend, options)


# --- Case studies ----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseStudyCriteria:
    q: str = ""
    boroughs: tuple[Choice, ...] = ()  # of Choice(slug, name)
    regions: tuple[Choice, ...] = ()
    approaches: tuple[Choice, ...] = ()
    categories: tuple[Choice, ...] = ()
    age: int | None = None
    funding_streams: tuple[Choice, ...] = ()
    years: tuple[Choice, ...] = ()  # of Choice("2019", "2019")
    evidence_levels: tuple[Choice, ...] = ()  # of Choice("3", "Level 3: …")
    designs: tuple[Choice, ...] = ()
    outcome_types: tuple[Choice, ...] = ()
    settings: tuple[Choice, ...] = ()
    cost_bands: tuple[Choice, ...] = ()
    #: With an age: whether case studies that state no ages are listed too.
    include_unstated_ages: bool = True
    sort: str = "title"

    @property
    def ranked(self) -> bool:
        return bool(self.q.strip()) and self.sort == RELEVANCE

    def chosen(self, facet: str) -> tuple[Choice, ...]:
        """The choices made in one of FACETS."""
        choices: tuple[Choice, ...] = getattr(self, _CRITERIA_FIELDS[facet])
        return choices

    def facet_values(self) -> dict[str, list[str]]:
        """{parameter: [values]} of every facet in use, as the page's URL spells them."""
        values = {name: _values(self.chosen(name)) for name, _legend in FACETS}
        if self.age is not None:
            values["age"] = [str(self.age)]
            if not self.include_unstated_ages:
                values["include_unstated_ages"] = ["false"]
        return {name: chosen for name, chosen in values.items() if chosen}

    def filters(self) -> QueryDict:
        """The criteria as the list's filters and `q` (CASE_STUDY_LISTING)."""
        return _as_filters(self.q, self.facet_values())


def _as_filters(q: str, values: Mapping[str, list[str]]) -> QueryDict:
    filters = QueryDict(mutable=True)
    for name, chosen in values.items():
        filters.setlist(name, chosen)
    if q:
        filters["q"] = q
    return filters


def _case_study_filters(criteria: CaseStudyCriteria) -> dict[str, Q]:
    """facet name -> the list's condition (CaseStudyFilter), for each facet in use and the
    age."""
    conditions: dict[str, Q] = CaseStudyFilter.conditions(criteria.facet_values())
    return conditions


@dataclass
class CaseStudySearch:
    results: CaseStudyQuerySet  # ordered, ready to paginate
    facets: list[Facet]  # in the order the page shows them
    age_facet: Facet
    parsed: SearchQuery = field(default_factory=SearchQuery)
    #: How many results there are (counted with the facets), or None to count them.
    count: int | None = None
    #: With an age and unstated ages included: how many of the results state no ages.
    unstated_ages: int = 0

    def snippet(self, case_study: CaseStudy) -> SafeString | str:
        """The case study's snippet for this search (safe HTML), or "" without one."""
        return _snippet(case_study, search.CASE_STUDIES, self.parsed)


def _snippet(record: Any, index: SearchIndex, parsed: SearchQuery) -> SafeString | str:
    """A result's snippet for the search words (safe HTML), or "" without words."""
    return search.snippet(record, index, parsed) if parsed else ""


def case_study_matching(queryset: CaseStudyQuerySet, q: str) -> CaseStudyQuerySet:
    """The case studies of `queryset` that match the search words (all when there are none)."""
    return search.matching(queryset, search.CASE_STUDIES, search.parse_query(q))


#: The facets of the page and the API, in the order they show them: (name, legend).
FACETS = (
    ("borough", "Borough"),
    ("region", "Region"),
    ("approach", "Approach"),
    ("category", "Intervention category"),
    ("funding_stream", "Funding stream"),
    ("year", "Year"),
    ("evidence_level", "Strength of evidence"),
    ("evaluation_design", "Evaluation design"),
    ("outcome_type", "Outcome"),
    ("setting", "Setting"),
    ("cost_band", "Cost"),
)


#: The field of CaseStudyCriteria that holds each facet's choices.
_CRITERIA_FIELDS = {
    "borough": "boroughs",
    "region": "regions",
    "approach": "approaches",
    "category": "categories",
    "funding_stream": "funding_streams",
    "year": "years",
    "evidence_level": "evidence_levels",
    "evaluation_design": "designs",
    "outcome_type": "outcome_types",
    "setting": "settings",
    "cost_band": "cost_bands",
}

#: The linked facets whose table holds a case study and a value once at most (a
#: many-to-many's own table): counted by rows, without DISTINCT.
_ONCE_PER_CASE_STUDY = ("borough", "approach", "setting")


def _facet_counts(name: str, matching: RawSQL) -> FacetRows:
    """(facet, value, label, count) rows of one facet counted through another table over
    the case studies `matching` (a subquery of ids), as a queryset. Regions and
    categories are labelled later."""
    link, value_path, label_path, case_study = LINKED_FACETS[name]
    queryset: QuerySet[Any] = link._default_manager.filter(**{f"{case_study}__in": matching})
    if name == "outcome_type":
        queryset = queryset.exclude(outcome_type="")
    distinct = name not in _ONCE_PER_CASE_STUDY
    rows: FacetRows = (
        # Not "value" and "label": an outcome has a field named value.
        queryset.annotate(facet=Value(name), facet_value=F(value_path), facet_label=F(label_path))
        .values_list("facet", "facet_value", "facet_label")
        .annotate(count=Count(f"{case_study}_id", distinct=distinct))
        .order_by()
    )
    return rows


def _facets_from_rows(
    rows: Iterable[tuple[str, str, str, int]], criteria: CaseStudyCriteria
) -> list[Facet]:
    """Facet objects from (facet, value, label, count) rows, every facet present."""
    regions = dict(Region.choices)
    categories = dict(Intervention.Category.choices)
    region_order = list(regions)
    labels = {
        "region": regions,
        "category": categories,
        "evidence_level": EVIDENCE_LEVEL_LABELS,
        "evaluation_design": dict(EvaluationDesign.choices),
        "outcome_type": dict(Outcome.Type.choices),
        "cost_band": dict(CostBand.choices),
    }
    by_facet: dict[str, list[FacetRow]] = {name: [] for name, _ in FACETS}
    for facet, value, label, count in rows:
        if facet in by_facet:
            by_facet[facet].append((value, labels.get(facet, {}).get(value, label), count))
    band_order = list(CostBand.values)
    design_order = list(EvaluationDesign.values)
    type_order = list(Outcome.Type.values)
    orders: dict[str, Callable[[FacetOption], Any]] = {
        "region": lambda option: (
            region_order.index(option.value) if option.value in region_order else 99
        ),
        "year": lambda option: -int(option.value),
        "evidence_level": lambda option: -int(option.value),
        "evaluation_design": lambda option: design_order.index(option.value),
        "outcome_type": lambda option: type_order.index(option.value),
        "cost_band": lambda option: band_order.index(option.value),
    }
    return [
        _build_facet(name, legend, by_facet[name], criteria.chosen(name), order=orders.get(name))
        for name, legend in FACETS
    ]


#: The name under which the facets' one query holds the case studies it counts.
_MATCHED = "facet_matched"
#: The case study's own columns the facets' query keeps beside each id: the column facets
#: and the age range, counted from it without reading the case studies again.
_MATCHED_COLUMNS = (*COLUMN_FACETS, "min_age", "max_age")


def _matched_by_facet(
    searched: CaseStudyQuerySet, filters: dict[str, Q], using: str
) -> tuple[str, tuple[Any, ...]]:
    """The case studies `searched` matches, once, with the columns the facets count and a
    flag per active facet saying whether each matches that facet's filter: (SQL, params)
    of the common table expression every count reads, so the search runs once, not once
    a facet."""
    flags = {
        f"facet_{name}": ExpressionWrapper(condition, output_field=BooleanField())
        for name, condition in filters.items()
    }
    matched = (
        searched.order_by()
        .annotate(facet_id=F("pk"), **flags)
        .values("facet_id", *_MATCHED_COLUMNS, *flags)
    )
    sql, params = matched.query.get_compiler(using=using).as_sql()
    return sql, tuple(params)


def _passing(filters: dict[str, Q], name: str | None, connection: BaseDatabaseWrapper) -> str:
    """SQL conditions on the matched rows: every active facet but `name` passed ("" for
    none), each starting with AND."""
    quote = connection.ops.quote_name
    return "".join(f" AND {quote(f'facet_{key}')}" for key in filters if key != name)


def _matched_ids(filters: dict[str, Q], name: str, connection: BaseDatabaseWrapper) -> RawSQL:
    """The ids of the matched case studies that pass every active facet but `name`."""
    quote = connection.ops.quote_name
    # Names only: the flags are named in code, never from the request.
    sql = f"SELECT {quote('facet_id')} FROM {quote(_MATCHED)} WHERE 1 = 1"  # noqa: S608
    return RawSQL(sql + _passing(filters, name, connection), ())  # noqa: S611


def _matched_counts(
    filters: dict[str, Q], connection: BaseDatabaseWrapper
) -> list[tuple[str, tuple[Any, ...]]]:
    """(facet, value, label, count) rows read from the matched rows alone, as (SQL,
    params) each: the column facets; the age ranges (value the lowest age, label the
    highest, either "" when open); and the total passing every facet."""
    quote = connection.ops.quote_name
    matched = quote(_MATCHED)
    parts = []
    for name in COLUMN_FACETS:
        column = quote(name)
        blank = f" AND {column} <> ''" if name == "evaluation_design" else ""
        # Names only (the facets' columns, named in code); the facet's name is a parameter.
        sql = (
            f"SELECT %s, CAST({column} AS TEXT), CAST({column} AS TEXT), COUNT(*) "  # noqa: S608
            f"FROM {matched} WHERE {column} IS NOT NULL{blank}"
            f"{_passing(filters, name, connection)} GROUP BY {column}"
        )
        parts.append((sql, (name,)))
    low, high = quote("min_age"), quote("max_age")
    parts.append(
        (
            f"SELECT %s, COALESCE(CAST({low} AS TEXT), ''), COALESCE(CAST({high} AS TEXT), ''), "  # noqa: S608
            f"COUNT(*) FROM {matched} WHERE 1 = 1{_passing(filters, 'age', connection)} "
            f"GROUP BY {low}, {high}",
            (AGE_RANGES,),
        )
    )
    parts.append(
        (
            f"SELECT %s, '', '', COUNT(*) FROM {matched} WHERE 1 = 1"  # noqa: S608
            f"{_passing(filters, None, connection)}",
            (TOTAL,),
        )
    )
    return parts


def _age_counts(
    ranges: Iterable[tuple[str, str, int]], *, include_unstated: bool
) -> tuple[dict[int, int], int]:
    """({age: how many include it}, how many state no ages) from (lowest, highest, count)
    rows of the age ranges, as age_includes counts them."""
    counts = dict.fromkeys(AGES, 0)
    unstated = 0
    for low_text, high_text, count in ranges:
        low = int(low_text) if low_text else None
        high = int(high_text) if high_text else None
        if low is None and high is None:
            unstated += count
            if not include_unstated:
                continue
        for age in AGES:
            if (low is None or low <= age) and (high is None or high >= age):
                counts[age] += count
    return counts, unstated


@dataclass
class FacetCounts:
    """What the facets' one query counts."""

    facets: list[Facet]
    #: How many case studies match the search and every facet: the results' count.
    total: int
    #: {age: count} and how many state no ages, with every facet but the age applied.
    ages: dict[int, int]
    unstated_ages: int


def _counted_over(
    searched: CaseStudyQuerySet, filters: dict[str, Q], using: str
) -> list[FacetCountRow]:
    """Every facet's counts over `searched`, with every *other* facet's filter applied to
    each, the age ranges' and the total with all of them: ONE query (a common table
    expression of the case studies with the columns counted and flagged with which
    facets each passes, then a UNION ALL of one aggregate per facet). The case study's
    own columns are counted from the expression alone; the facets through another table
    join it. Raises EmptyResultSet when nothing can match."""
    connection = connections[using]
    matched_sql, matched_params = _matched_by_facet(searched, filters, using)
    parts = [
        (sql, tuple(params))
        for name in LINKED_FACETS
        for sql, params in [
            _facet_counts(name, _matched_ids(filters, name, connection))
            .query.get_compiler(using=using)
            .as_sql()
        ]
    ]
    parts += _matched_counts(filters, connection)
    union_sql = " UNION ALL ".join(sql for sql, _ in parts)
    union_params = tuple(param for _, params in parts for param in params)
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    matched = connection.ops.quote_name(_MATCHED)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {matched} AS {materialized}({matched_sql}) {union_sql}",
            (*matched_params, *union_params),
        )
        return [tuple(row) for row in cursor.fetchall()]


def _counted_from_published(
    searched: CaseStudyQuerySet,
    using: str,
    *,
    drafts_visible: bool,
    query: SearchQuery | None = None,
) -> list[FacetCountRow]:
    """The counts over `searched`, every case study a reader may see matching the words of
    `query` (all of them without words): those of the published plus those of the drafts
    the reader may see (few; one more query when `drafts_visible`), exactly as counting
    them all gives.

    Without words, the published are counted by the counts stored over them all
    (casestudies.facet_figures): one query. With words, whichever side of the published is
    the smaller is counted from what each case study counts under: those that match, or,
    for a word most case studies use, those that do not, taken from the stored counts;
    one query (published_counts_matching), reading the rows of about half the published
    case studies at most."""
    if query:
        matching = search.CASE_STUDIES.matching_ids(query, using)
        counts = {
            (facet, value, label): count
            for facet, value, label, count in published_counts_matching(matching)
        }
    else:
        counts = {
            (facet, value, label): count for facet, value, label, count in published_facet_counts()
        }
    if drafts_visible:
        drafts = searched.exclude(status=CaseStudy.Status.PUBLISHED)
        for facet, value, label, count in _counted_over(drafts, {}, using):
            counts[facet, value, label] = counts.get((facet, value, label), 0) + count
    return [(*key, count) for key, count in counts.items() if count > 0]


def case_study_facet_counts(
    *,
    searched: CaseStudyQuerySet,
    criteria: CaseStudyCriteria,
    everything_visible: bool = False,
    drafts_visible: bool = True,
    query: SearchQuery | None = None,
) -> FacetCounts:
    """Every facet's counts, the ages' and the total of the results.

    `searched` is the case studies matching everything but the facets (search words and
    any other filters); each facet counts them with every *other* facet applied, and the
    total with all of them: in one query (_counted_over), unless `everything_visible`
    says `searched` is every case study the reader may see matching the words of `query`
    (all of them without words; no other filter, and words whose matches are counted
    cheaply: one, or any of a few, on PostgreSQL) and no facet is chosen: then the
    published from what each case study counts under, kept current on write, and the
    drafts the reader may see if `drafts_visible` (querysets.sees_drafts) says there may
    be any (_counted_from_published). The counts are kept under the data version (none
    are read again until a write).
    """
    filters = _case_study_filters(criteria)
    using = searched.db
    connection = connections[using]
    try:
        matched_sql, matched_params = _matched_by_facet(searched, filters, using)
    except EmptyResultSet:  # nothing can match (a search of no words): nothing to count
        return FacetCounts(_facets_from_rows([], criteria), 0, dict.fromkeys(AGES, 0), 0)

    def counted() -> list[FacetCountRow]:
        # Words matched through the GIN index are counted in one query over the matches:
        # counting how many match first would read them all twice.
        cheap = search.CASE_STUDIES.matches_counted_cheaply(query, using)
        if everything_visible and not filters and cheap:
            return _counted_from_published(
                searched, using, drafts_visible=drafts_visible, query=query
            )
        return _counted_over(searched, filters, using)

    # What the counts depend on: the studies counted (the reader's drafts, the words, any
    # other filter) and which facets are filtered, each flagged in that query; the counts
    # of each facet follow from them. Every page and sort of a search shares one count
    # until the next write, without even building the counting query again.
    key = repr((connection.vendor, matched_sql, matched_params, tuple(filters), everything_visible))
    rows = kept_under_data_version(
        key, counted, using=using, seconds=settings.SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS
    )
    total = next((count for facet, _, _, count in rows if facet == TOTAL), 0)
    ages, unstated = _age_counts(
        [(low, high, count) for facet, low, high, count in rows if facet == AGE_RANGES],
        include_unstated=criteria.include_unstated_ages,
    )
    return FacetCounts(_facets_from_rows(rows, criteria), total, ages, unstated)


def case_study_facets(
    *,
    searched: CaseStudyQuerySet,
    criteria: CaseStudyCriteria,
    everything_visible: bool = False,
    drafts_visible: bool = True,
    query: SearchQuery | None = None,
) -> tuple[list[Facet], int]:
    """Every facet's counts and how many results there are (case_study_facet_counts)."""
    counts = case_study_facet_counts(
        searched=searched,
        criteria=criteria,
        everything_visible=everything_visible,
        drafts_visible=drafts_visible,
        query=query,
    )
    return counts.facets, counts.total


def case_study_search(*, user: Any, criteria: CaseStudyCriteria) -> CaseStudySearch:
    """Case studies the user may see that match the criteria, the facets with counts and
    how many results there are. The results are the list's (case_study_list: its
    filters, `q` and relevance), in the page's sort.

    Queries: the results are lazy (the page fetches them, with their headline outcomes);
    the facets, the ages and the count take one with a facet chosen (a UNION of one count
    per facet), or with no words and no facet one or two (the stored counts, and the
    reader's drafts counted if they may see any), whatever the number of case studies.
    """
    parsed = search.parse_query(criteria.q)
    searched = search.matching(CaseStudy.objects.visible_to(user), search.CASE_STUDIES, parsed)
    # With words and no other order, the list's own: the most relevant first.
    sort = criteria.sort if criteria.ranked or criteria.sort != RELEVANCE else "title"
    order = None if sort == RELEVANCE else CASE_STUDY_SORTS.get(sort, CASE_STUDY_SORTS["title"])[1]
    results = (
        case_study_list(filters=criteria.filters(), user=user, checked=True, order=order)
        .for_listing()
        .prefetch_related(headline_outcomes())
        .defer("search_vector")
    )

    counts = case_study_facet_counts(
        searched=searched,
        criteria=criteria,
        everything_visible=True,
        drafts_visible=sees_drafts(user),
        query=parsed,
    )
    selected_age: tuple[Choice, ...] = (
        () if criteria.age is None else (Choice(str(criteria.age), str(criteria.age)),)
    )
    age_facet = _build_facet(
        "age",
        "Age of young people",
        [(str(age), str(age), counts.ages[age]) for age in AGES],
        selected_age,
        order=lambda option: int(option.value),
    )
    return CaseStudySearch(
        results=results,
        facets=counts.facets,
        age_facet=age_facet,
        parsed=parsed,
        count=counts.total,
        unstated_ages=counts.unstated_ages
        if criteria.age is not None and criteria.include_unstated_ages
        else 0,
    )


def headline_outcomes() -> "Prefetch[str, QuerySet[Outcome], str]":
    """Each case study's results (outcomes of a type, not counts of activity), in order,
    as `headline_outcomes`: one query for a page."""
    return Prefetch("outcomes", queryset=_headline_outcomes(), to_attr="headline_outcomes")


def _headline_outcomes() -> QuerySet[Outcome]:
    return Outcome.objects.exclude(outcome_type="").order_by(
        # By id, not by the case study's own order (its title): each case study's
        # outcomes are grouped as they are read, and the id needs no join.
        "case_study_id",
        # Results first, then counts of engagement or referrals.
        Case(When(outcome_type=Outcome.Type.ENGAGEMENT, then=Value(1)), default=Value(0)),
        "order",
        "pk",
    )


def case_study_detail(*, user: Any, slug: str) -> CaseStudy | None:
    """One case study the user may see, with everything its page shows; None otherwise."""
    return (
        CaseStudy.objects.visible_to(user)
        .filter(slug=slug)
        .select_related("partnership", "source")
        .prefetch_related(
            "boroughs",
            "approaches",
            "settings",
            "outcomes",
            "interventions",
            Prefetch(
                "awards",
                queryset=Award.objects.select_related("stream__funder").order_by(
                    "-awarded_on", "title"
                ),
            ),
        )
        .first()
    )


def _shared(through: type[Model], column: str, ids: Sequence[int]) -> Combinable:
    """How many of `ids` the outer case study shares through `through`, as a subquery."""
    if not ids:
        return Value(0, output_field=IntegerField())
    return Coalesce(
        Subquery(
            through._default_manager.filter(casestudy=OuterRef("pk"), **{f"{column}__in": ids})
            .values("casestudy")
            .annotate(count=Count("pk"))
            .values("count")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _most_shared(
    case_study: CaseStudy, links: Sequence[tuple[type[Model], str, Sequence[int]]], user: Any
) -> RawSQL:
    """The ids of the `RELATED_LIMIT` case studies the user may see that share the most of
    the (table, column, ids) `links` with `case_study`, in the related order.

    The links' rows naming those ids are read through their tables' indexes and counted
    per case study, so only the case studies sharing something are ever looked at. Only
    those sharing at least as much as the `RELATED_LIMIT`-th most are then ordered by
    year and title: an approach most case studies take made ten thousand of them share
    something at national scale, and reading each one's year and title to order them all
    cost 110-140 ms, where the few sharing most are all the order needs."""
    using = router.db_for_read(CaseStudy)
    connection = connections[using]
    quote = connection.ops.quote_name
    parts, params = [], []
    for through, column, ids in links:
        if ids:
            # Names only (tables and columns named in code); the ids are parameters.
            parts.append(
                f"SELECT {quote('casestudy_id')} AS {quote('related_id')} "  # noqa: S608
                f"FROM {quote(through._meta.db_table)} "
                f"WHERE {quote(column + '_id')} IN ({', '.join('%s' for _ in ids)})"
            )
            params += list(ids)
    visible_sql, visible_params = (
        CaseStudy.objects.visible_to(user)
        .order_by()
        .values("pk")
        .query.get_compiler(using=using)
        .as_sql()
    )
    table, related = quote(CaseStudy._meta.db_table), quote("related_id")
    shared, counted = quote("shared"), quote("related_counted")
    year, title, pk = (f"{table}.{quote(name)}" for name in ("year", "title", "id"))
    sql = (
        f"WITH {counted} AS ("  # noqa: S608
        f"SELECT {related}, COUNT(*) AS {shared} "
        f"FROM ({' UNION ALL '.join(parts)}) {quote('links')} "
        f"WHERE {related} <> %s AND {related} IN ({visible_sql}) "
        f"GROUP BY {related}) "
        f"SELECT {related} FROM {counted} INNER JOIN {table} ON {pk} = {related} "
        f"WHERE {shared} >= COALESCE((SELECT {shared} FROM {counted} "
        f"ORDER BY {shared} DESC LIMIT 1 OFFSET {RELATED_LIMIT - 1:d}), 0) "
        f"ORDER BY {shared} DESC, {year} IS NULL, {year} DESC, {title}, {related} "
        f"LIMIT {RELATED_LIMIT:d}"
    )
    return RawSQL(sql, (*params, case_study.pk, *visible_params))  # noqa: S611


def related_case_studies(case_study: CaseStudy, *, user: Any) -> CaseStudyQuerySet:
    """Up to RELATED_LIMIT case studies sharing the most approaches, interventions and
    boroughs: the most recent first among equals, then by title.

    Uses the case study's prefetched relations, so it costs one query (the case studies
    sharing most, found from the links' indexes rather than by counting for every case
    study) and one for the related studies' boroughs.
    """
    approaches = [approach.pk for approach in case_study.approaches.all()]
    interventions = [intervention.pk for intervention in case_study.interventions.all()]
    boroughs = [borough.pk for borough in case_study.boroughs.all()]
    links = (
        (CaseStudyApproaches, "approach", approaches),
        (CaseStudyInterventions, "intervention", interventions),
        (CaseStudyBoroughs, "borough", boroughs),
    )
    if not any(ids for _, _, ids in links):
        return CaseStudy.objects.none()
    return (
        CaseStudy.objects.filter(pk__in=_most_shared(case_study, links, user))
        .annotate(
            shared=sum(
                (_shared(through, column, ids) for through, column, ids in links),
                start=Value(0, output_field=IntegerField()),
            )
        )
        .order_by("-shared", F("year").desc(nulls_last=True), "title", "pk")
        # What the page shows of each (its title, status, boroughs and year), not its
        # long texts and search document.
        .only("slug", "title", "status", "year")
        .prefetch_related(Prefetch("boroughs", Borough.objects.only("name")))
    )


# --- Interventions ---------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionCriteria:
    q: str = ""
    categories: tuple[Choice, ...] = ()
    prevention_levels: tuple[Choice, ...] = ()
    settings: tuple[Choice, ...] = ()
    evidence_levels: tuple[Choice, ...] = ()
    designs: tuple[Choice, ...] = ()
    outcome_types: tuple[Choice, ...] = ()
    cost_bands: tuple[Choice, ...] = ()
    age: int | None = None
    include_unstated_ages: bool = True
    sort: str = "name"

    def facet_values(self) -> dict[str, list[str]]:
        """{parameter: [values]} of every filter in use, as the page's URL spells them."""
        values = {
            "category": _values(self.categories),
            "prevention_level": _values(self.prevention_levels),
            "setting": _values(self.settings),
            "evidence_level": _values(self.evidence_levels),
            "evaluation_design": _values(self.designs),
            "outcome_type": _values(self.outcome_types),
            "cost_band": _values(self.cost_bands),
        }
        if self.age is not None:
            values["age"] = [str(self.age)]
            if not self.include_unstated_ages:
                values["include_unstated_ages"] = ["false"]
        return {name: chosen for name, chosen in values.items() if chosen}


#: sort key -> (label, ordering) of the interventions page.
INTERVENTION_SORTS = {
    "name": ("Name (A to Z)", ("name", "pk")),
    "evidence": ("Strongest evidence first", (F("evidence_level").desc(), "name", "pk")),
}


def _published_uses() -> Coalesce:
    """How many published case studies use the outer intervention, as a subquery."""
    return Coalesce(
        Subquery(
            CaseStudyInterventions.objects.filter(
                intervention=OuterRef("pk"), casestudy__status=CaseStudy.Status.PUBLISHED
            )
            .values("intervention")
            .annotate(count=Count("pk"))
            # The plugin does not follow an annotation made after values().
            .values("count")[:1],  # type: ignore[misc]
            output_field=IntegerField(),
        ),
        0,
    )


@dataclass
class InterventionSearch:
    results: InterventionQuerySet
    facets: list[Facet]
    parsed: SearchQuery = field(default_factory=SearchQuery)

    def snippet(self, intervention: Intervention) -> SafeString | str:
        return _snippet(intervention, search.INTERVENTIONS, self.parsed)


def intervention_search(*, criteria: InterventionCriteria) -> InterventionSearch:
    """Interventions matching the criteria, and the facets with counts (seven queries, none
    when the same criteria were counted since the last write). With search words, the most
    relevant come first, unless sorted by evidence."""
    parsed = search.parse_query(criteria.q)
    searched = search.matching(Intervention.objects.all(), search.INTERVENTIONS, parsed)
    values = criteria.facet_values()
    filters: dict[str, Q] = InterventionFilter.conditions(values)

    def without(name: str) -> QuerySet[Intervention, PkRow]:
        return searched.filter(*[q for key, q in filters.items() if key != name]).values("pk")

    # With words, the most relevant first, unless sorted by evidence.
    sort = "evidence" if criteria.sort == "evidence" else "name"
    order = None if parsed and sort == "name" else INTERVENTION_SORTS[sort][1]
    results = (
        INTERVENTION_LISTING.apply(
            Intervention.objects.all(),
            _as_filters(criteria.q, values),
            user=None,
            checked=True,
            order=order,
        )
        .for_listing()
        .annotate(case_study_count=_published_uses())
    )

    def by_column(
        name: str,
        legend: str,
        labels: Mapping[str, str],
        selected: tuple[Choice, ...],
        *,
        by_label: bool = False,
        blank: bool = True,
    ) -> Facet:
        """A facet of one of the intervention's own columns (the facet's name): its options
        in the order of ``labels``, or by label."""
        narrowed = parsed or any(key != name for key in filters)
        # Without words or another filter, every intervention: counted from the table
        # alone, not from a subquery naming each of them (at national scale a millisecond
        # or two for each of five facets).
        matching = (
            Intervention.objects.filter(pk__in=without(name))
            if narrowed
            else Intervention.objects.all()
        )
        if not blank:
            matching = matching.exclude(**{name: ""})
        order = list(labels)
        return _build_facet(
            name,
            legend,
            [
                (str(value), labels.get(str(value), str(value)), count)
                for value, count in matching.values_list(name)
                .annotate(count=Count("pk"))
                .order_by()
            ],
            selected,
            order=None if by_label else (lambda option: order.index(option.value)),
        )

    def counted() -> list[Facet]:
        return _intervention_facets(criteria, without, by_column)

    # The counts depend on the criteria alone (not the order; interventions are public and
    # outcomes count published case studies only): kept until the next write.
    facets = kept_under_data_version(
        repr(("interventions", dataclasses.replace(criteria, sort=""))),
        counted,
        using=router.db_for_read(Intervention),
        seconds=settings.SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS,
    )
    return InterventionSearch(results=results, facets=facets, parsed=parsed)


def _intervention_facets(
    criteria: InterventionCriteria,
    without: Callable[[str], QuerySet[Intervention, PkRow]],
    by_column: Callable[..., Facet],
) -> list[Facet]:
    """The interventions' facets with their counts: seven queries."""
    outcome_types = dict(Outcome.Type.choices)
    type_order = list(outcome_types)
    return [
        by_column(
            "category",
            "Category",
            dict(Intervention.Category.choices),
            criteria.categories,
            by_label=True,
        ),
        by_column(
            "prevention_level",
            "Prevention level",
            dict(Intervention.PreventionLevel.choices),
            criteria.prevention_levels,
        ),
        _build_facet(
            "setting",
            "Setting",
            InterventionSettings.objects.filter(intervention__in=without("setting"))
            .values_list("setting__slug", "setting__name")
            .annotate(count=Count("intervention_id", distinct=True))
            .order_by(),
            criteria.settings,
        ),
        # Strongest first.
        by_column(
            "evidence_level",
            "Strength of evidence",
            dict(reversed(EVIDENCE_LEVEL_LABELS.items())),
            criteria.evidence_levels,
        ),
        by_column(
            "evaluation_design",
            "Evaluation design",
            dict(EvaluationDesign.choices),
            criteria.designs,
            blank=False,
        ),
        _build_facet(
            "outcome_type",
            "Outcome reported by a case study using it",
            [
                (outcome_type, outcome_types.get(outcome_type, outcome_type), count)
                for outcome_type, count in CaseStudyInterventions.objects.filter(
                    intervention__in=without("outcome_type"),
                    casestudy__status=CaseStudy.Status.PUBLISHED,
                    casestudy__outcomes__outcome_type__in=type_order,
                )
                .values_list("casestudy__outcomes__outcome_type")
                .annotate(count=Count("intervention_id", distinct=True))
                .order_by()
            ],
            criteria.outcome_types,
            order=lambda option: type_order.index(option.value),
        ),
        by_column("cost_band", "Cost", dict(CostBand.choices), criteria.cost_bands),
    ]


def intervention_detail(slug: str) -> Intervention | None:
    return (
        Intervention.objects.filter(slug=slug)
        .select_related("source")
        .prefetch_related("settings", "providers", "external_ratings")
        .first()
    )


def intervention_uses(
    intervention: Intervention, *, user: Any
) -> tuple[CaseStudyQuerySet, AwardQuerySet]:
    """The case studies (that the user may see) using the intervention, with their
    boroughs, and the awards that funded those case studies. Four queries."""
    case_studies = (
        CaseStudy.objects.visible_to(user)
        .filter(
            pk__in=CaseStudyInterventions.objects.filter(intervention=intervention).values(
                "casestudy_id"
            )
        )
        .prefetch_related("boroughs")
        .order_by("title")
    )
    awards = (
        Award.objects.for_listing()
        .filter(
            pk__in=CaseStudyAwards.objects.filter(casestudy__in=case_studies.values("pk")).values(
                "award_id"
            )
        )
        .order_by("stream__name", "-awarded_on", "title")
    )
    return case_studies, awards


#: How many of the published case studies that use an intervention and report results
#: its headline outcomes come from (the best evidenced first): a page of interventions
#: reads the same few rows whatever the number of case studies using each.
REPORTING_CASE_STUDIES_SHOWN = 5


def reported_outcomes() -> "Prefetch[str, QuerySet[CaseStudy], str]":
    """The published case studies that use each intervention and report results (outcomes
    of a type), as `reporting_case_studies`, each with its source and its headline outcomes
    (with theirs): at most REPORTING_CASE_STUDIES_SHOWN an intervention, the best evidenced
    first. Two queries for any number of interventions.

    No outcome is recorded against an intervention itself: a case study's outcomes are
    those of the whole work it describes, so each is shown with the case study and the
    source it comes from (intervention_headline_outcomes), never summed across them."""
    case_studies = (
        CaseStudy.objects.published()
        .filter(pk__in=Outcome.objects.exclude(outcome_type="").values("case_study_id"))
        .select_related("source")
        .only("slug", "title", "evidence_level", "source", "source_section")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=_headline_outcomes().select_related("source"),
                to_attr="headline_outcomes",
            )
        )
        .order_by("-evidence_level", "title", "pk")
    )
    return Prefetch(
        "case_studies",
        queryset=case_studies[:REPORTING_CASE_STUDIES_SHOWN],
        to_attr="reporting_case_studies",
    )


def intervention_headline_outcomes(intervention: Intervention) -> list[Outcome]:
    """The headline outcomes read by reported_outcomes, in the order shown, each with its
    `case_study` (whose source stands for the outcome's where it names none)."""
    return [
        outcome
        for case_study in getattr(intervention, "reporting_case_studies", ())
        for outcome in case_study.headline_outcomes
    ]


# --- Saved searches --------------------------------------------------------------------


def saved_searches_of(user: Any) -> QuerySet[SavedSearch]:
    """The user's saved searches, by name."""
    searches: QuerySet[SavedSearch] = user.saved_searches.order_by(Lower("name"), "pk")
    return searches


def saved_search_new_matches(
    *, saved_search: SavedSearch, criteria: CaseStudyCriteria, now: dt.datetime
) -> CaseStudyQuerySet:
    """Published case studies matching the saved search's criteria that were published
    after it was saved (and by `now`) and not yet sent to its owner: oldest first, with
    their boroughs. Two queries."""
    searched = case_study_matching(CaseStudy.objects.published(), criteria.q)
    return (
        searched.filter(*_case_study_filters(criteria).values())
        .filter(published_at__gt=saved_search.created_at, published_at__lte=now)
        .exclude(
            pk__in=SavedSearchMatch.objects.filter(saved_search=saved_search).values(
                "case_study_id"
            )
        )
        .defer("search_vector")
        .prefetch_related("boroughs")
        .order_by("published_at", "title", "pk")
    )


def evidence_level_counts() -> dict[int, dict[str, int]]:
    """How many published case studies and interventions there are at each level: two
    grouped counts."""
    counts = {level.number: {"case_studies": 0, "interventions": 0} for level in LEVELS}
    for kind, queryset in (
        ("case_studies", CaseStudy.objects.published()),
        ("interventions", Intervention.objects.all()),
    ):
        for row in queryset.order_by().values("evidence_level").annotate(n=Count("pk")):
            counts[row["evidence_level"]][kind] = row["n"]
    return counts


# --- Review ------------------------------------------------------------------------------

#: Notices a /my/ page lists, newest first.
NOTICES_LISTED = 20


def review_queue() -> CaseStudyQuerySet:
    """Case studies waiting for an editor, longest waiting first, each with
    ``submitted_at`` (when it was last submitted) and its boroughs. Two queries."""
    last_submitted = (
        ReviewStep.objects.filter(case_study=OuterRef("pk"), kind=ReviewStep.Kind.SUBMITTED)
        .order_by("-at")
        .values("at")[:1]
    )
    return (
        CaseStudy.objects.filter(status=CaseStudy.Status.IN_REVIEW)
        .annotate(submitted_at=Coalesce(Subquery(last_submitted), F("modified_at")))
        .prefetch_related("boroughs")
        .defer("search_vector")
        .order_by("submitted_at", "pk")
    )


def review_notices_of(user: Any, *, limit: int = NOTICES_LISTED) -> QuerySet[ReviewNotice]:
    """The user's latest review notices, newest first, with their steps: one query."""
    return ReviewNotice.objects.filter(recipient=user).select_related(
        "step__case_study", "step__actor"
    )[:limit]


def review_steps_of(case_study: CaseStudy) -> QuerySet[ReviewStep]:
    """The case study's review history, oldest first, with who took each step."""
    return ReviewStep.objects.filter(case_study=case_study).select_related("actor")


def last_review_step(case_study: CaseStudy, *kinds: str) -> ReviewStep | None:
    """The case study's latest review step (of the given kinds), or None."""
    steps = ReviewStep.objects.filter(case_study=case_study)
    if kinds:
        steps = steps.filter(kind__in=kinds)
    return steps.select_related("actor").order_by("-at", "-pk").first()


# --- The case-study list (the API, its CSV, the exports and the page) ---------------------

#: What the list filters by, what `q` searches (full text, each result with its
#: `search_rank`), what `ordering` may name, and the order without one (nor q).
CASE_STUDY_LISTING = Listing(
    filterset_class=CaseStudyFilter,
    searchable=search.CASE_STUDIES,
    ordering_fields=["title", "year", "published_at", "modified_at", "evidence_level"],
    ordering=["title"],
)


def case_study_list(
    *,
    filters: Mapping[str, Any],
    user: Any,
    checked: bool = False,
    order: Sequence[Any] | None = None,
) -> CaseStudyQuerySet:
    """The case studies ``user`` may read (drafts only for those allowed), with the list's
    filters applied; `q` is full-text search (each result with its `search_rank`, the most
    relevant first unless `ordering`, or a page's ``order``, says otherwise). A value that
    is wrong is a ValidationError naming its filter; ``checked`` says the values naming
    records were looked up already. Nothing related is read: add what is shown
    (``for_record()``, or case_study_summaries for a page, or for_listing())."""
    return CASE_STUDY_LISTING.apply(
        CaseStudy.objects.visible_to(user), filters, user=user, checked=checked, order=order
    )


#: The columns of a case study's summary in a list, read with values(): its own, its
#: partnership's and its source's (None where it has none).
SUMMARY_COLUMNS = (
    "pk", "slug", "title", "summary", "status", "year", "min_age", "max_age",
    "evidence_level", "evaluation_status", "evaluation_design", "evaluated_by",
    "evidence_quote", "evidence_section", "cost_band", "cost_per_participant", "cost_quote",
    "cost_benefit_ratio", "cost_benefit_quote", "published_at", "version", "source_section",
    "modified_at", "partnership_id", "partnership__slug", "partnership__name", "source_id",
    "source__key", "source__title", "source__publisher", "source__published_on",
    "source__document", "source__url",
)  # fmt: skip
#: With q, the text a snippet is cut from too.
SNIPPET_COLUMNS = search.CASE_STUDIES.snippet_fields


@dataclass(frozen=True)
class SummaryLinks:
    """What a page of case-study summaries links to, each list by case-study id (by
    intervention id for ratings), in the order the summary shows it."""

    boroughs: dict[int, list[dict[str, Any]]]
    approaches: dict[int, list[str]]
    settings: dict[int, list[str]]
    interventions: dict[int, list[dict[str, Any]]]
    ratings: dict[int, list[dict[str, Any]]]
    headline_outcomes: dict[int, list[dict[str, Any]]]


def _grouped(rows: Iterable[Mapping[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    """``rows`` by their ``key``, each without it."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        shown = dict(row)
        grouped.setdefault(shown.pop(key), []).append(shown)
    return grouped


def case_study_summary_links(
    ids: Sequence[int], *, outcome_fields: Sequence[str], rating_fields: Sequence[str]
) -> SummaryLinks:
    """The boroughs, approaches, settings, interventions (with their external ratings) and
    headline outcomes of the case studies ``ids``, read as values (the outcomes' and the
    ratings' fields named): three queries for a page (the links, the ratings, the
    outcomes), and no model instances. They are the same for every reader of the page (who
    may see it was decided in picking the ids), so they are kept under the data version
    until the next write."""
    return kept_under_data_version(
        repr(("summary-links", sorted(ids), tuple(outcome_fields), tuple(rating_fields))),
        lambda: _summary_links(ids, outcome_fields=outcome_fields, rating_fields=rating_fields),
        using=router.db_for_read(CaseStudy),
        seconds=settings.SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS,
    )


#: The links of a case study read by _linked_rows: (kind, link table, what it links to).
_LINK_KINDS: tuple[tuple[str, type[Model], type[Model]], ...] = (
    ("borough", CaseStudyBoroughs, Borough),
    ("approach", CaseStudyApproaches, Approach),
    ("setting", CaseStudySettings, Setting),
    ("intervention", CaseStudyInterventions, Intervention),
)


def _linked_rows(ids: Sequence[int]) -> Iterable[tuple[str, int, int, str, str, str]]:
    """(kind, case study, linked record, slug, name, GSS code or "") of the boroughs,
    approaches, settings and interventions of the case studies ``ids``: one query (a UNION
    of the four link tables, each joined to what it links to), each kind's rows by name
    and id as each list shows them.

    Written as SQL rather than four querysets combined: building and compiling those cost
    about 3 ms a page, ten times what the database takes to answer."""
    if not ids:
        return []
    connection = connections[router.db_for_read(CaseStudy)]
    quote = connection.ops.quote_name
    listed = ", ".join(["%s"] * len(ids))
    parts = []
    for kind, through, linked_model in _LINK_KINDS:
        link = quote(through._meta.db_table)
        target = quote(linked_model._meta.db_table)
        study, linked = f"{link}.{quote('casestudy_id')}", f"{link}.{quote(kind + '_id')}"
        code = f"{target}.{quote('gss_code')}" if kind == "borough" else "''"
        # Names only (tables and columns named in code); the ids are parameters.
        parts.append(
            f"SELECT '{kind}', {study}, {linked}, {target}.{quote('slug')}, "  # noqa: S608
            f"{target}.{quote('name')}, {code} FROM {link} INNER JOIN {target} "
            f"ON {linked} = {target}.{quote('id')} WHERE {study} IN ({listed})"
        )
    with connection.cursor() as cursor:
        # By kind, then each kind's rows by name and id.
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 5, 3", [*ids] * len(parts))
        return [tuple(row) for row in cursor.fetchall()]


def _summary_links(
    ids: Sequence[int], *, outcome_fields: Sequence[str], rating_fields: Sequence[str]
) -> SummaryLinks:
    links: dict[str, dict[int, list[Any]]] = {kind: {} for kind, *_ in _LINK_KINDS}
    for kind, case_study, linked, slug, name, code in _linked_rows(ids):
        if kind == "borough":
            shown: Any = {"slug": slug, "name": name, "gss_code": code}
        elif kind == "intervention":
            shown = {"intervention_id": linked, "slug": slug, "name": name}
        else:
            shown = slug
        links[kind].setdefault(case_study, []).append(shown)
    ratings = ExternalRating.objects.filter(
        intervention__in=CaseStudyInterventions.objects.filter(casestudy_id__in=ids).values(
            "intervention_id"
        )
    ).order_by("intervention_id", "scheme", "-rated_on", "pk")
    outcomes = _headline_outcomes().filter(case_study_id__in=ids)
    return SummaryLinks(
        boroughs=links["borough"],
        approaches=links["approach"],
        settings=links["setting"],
        interventions=links["intervention"],
        ratings=_grouped(
            ratings.values("intervention_id", *rating_fields),
            "intervention_id",
        ),
        headline_outcomes=_grouped(
            outcomes.values("case_study_id", *outcome_fields),
            "case_study_id",
        ),
    )


# --- The interventions list (the API, its CSV and the page) -------------------------------

INTERVENTION_LISTING = Listing(
    filterset_class=InterventionFilter,
    searchable=search.INTERVENTIONS,
    ordering_fields=["name", "category", "prevention_level", "modified_at", "evidence_level"],
    ordering=["name"],
)


def intervention_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Intervention]:
    """Interventions with their providers, settings and external ratings, the list's
    filters applied; `q` is full-text search (each result with its `search_rank`, the most
    relevant first unless `ordering` says otherwise). A value that is wrong is a
    ValidationError naming its filter."""
    return INTERVENTION_LISTING.apply(
        Intervention.objects.select_related("source").prefetch_related(
            "settings",
            # A provider is named by its slug and name: its description is not read.
            Prefetch("providers", queryset=Organisation.objects.only("slug", "name")),
            "external_ratings",
        ),
        filters,
        user=user,
    )
