"""Reads for the case-study and intervention pages: search, facets with counts, related.

Search is a plain case-insensitive containment match (icontains), the same on SQLite
and PostgreSQL: every word must appear somewhere among the fields searched.

Facet counts are "disjunctive": the count beside a value is how many case studies
match the search and every *other* active facet, plus that value. So the count beside
Redbridge does not fall to zero because Lambeth is ticked, and ticking a value with
count n in an otherwise unfiltered facet shows n results.

Every filter is a `pk IN (subquery)` rather than a join, so results and counts have no
duplicates whatever the facets and need no DISTINCT.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce

from boroughs.models import Region
from funding.models import Award

from .models import CaseStudy, Intervention, Outcome

SEARCH_MAX_WORDS = 12
#: The ages the age facet offers; an age outside them can still be asked for in the URL.
AGES = tuple(range(5, 26))
RELATED_LIMIT = 3

CaseStudyBoroughs = CaseStudy.boroughs.through
CaseStudyApproaches = CaseStudy.approaches.through
CaseStudyInterventions = CaseStudy.interventions.through
CaseStudyAwards = CaseStudy.awards.through
InterventionSettings = Intervention.settings.through
InterventionProviders = Intervention.providers.through

#: sort key -> (label, ordering)
CASE_STUDY_SORTS = {
    "title": ("Title (A to Z)", ("title", "pk")),
    "newest": ("Newest year first", (F("year").desc(nulls_last=True), "title", "pk")),
    "published": (
        "Recently published",
        (F("published_at").desc(nulls_last=True), "title", "pk"),
    ),
}


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
    options: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # the form's messages for this parameter

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


def search_words(q):
    return q.split()[:SEARCH_MAX_WORDS]


def age_includes(age):
    """Target age range includes `age`, open ends fitting — the API's AgeFilter as a Q."""
    return (
        (Q(min_age__isnull=True) | Q(min_age__lte=age))
        & (Q(max_age__isnull=True) | Q(max_age__gte=age))
        & ~Q(min_age__isnull=True, max_age__isnull=True)
    )


def _values(choices):
    return [choice.value for choice in choices]


def _build_facet(name, legend, rows, selected, order=None):
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
    boroughs: tuple = ()  # of Choice(slug, name)
    regions: tuple = ()
    approaches: tuple = ()
    categories: tuple = ()
    age: int | None = None
    funding_streams: tuple = ()
    years: tuple = ()  # of Choice("2019", "2019")
    sort: str = "title"


def _case_study_word(word):
    return (
        Q(title__icontains=word)
        | Q(summary__icontains=word)
        | Q(challenge__icontains=word)
        | Q(solution__icontains=word)
        | Q(impact__icontains=word)
        | Q(lessons_learned__icontains=word)
        | Q(sustainability__icontains=word)
        | Q(
            pk__in=CaseStudyBoroughs.objects.filter(borough__name__icontains=word).values(
                "casestudy_id"
            )
        )
        | Q(
            pk__in=CaseStudyInterventions.objects.filter(intervention__name__icontains=word).values(
                "casestudy_id"
            )
        )
        | Q(pk__in=Outcome.objects.filter(metric__icontains=word).values("case_study_id"))
    )


def _case_study_filters(criteria):
    """facet name -> Q, for each active facet."""
    filters = {}
    if criteria.boroughs:
        filters["borough"] = Q(
            pk__in=CaseStudyBoroughs.objects.filter(
                borough__slug__in=_values(criteria.boroughs)
            ).values("casestudy_id")
        )
    if criteria.regions:
        filters["region"] = Q(
            pk__in=CaseStudyBoroughs.objects.filter(
                borough__region__in=_values(criteria.regions)
            ).values("casestudy_id")
        )
    if criteria.approaches:
        filters["approach"] = Q(
            pk__in=CaseStudyApproaches.objects.filter(
                approach__slug__in=_values(criteria.approaches)
            ).values("casestudy_id")
        )
    if criteria.categories:
        filters["category"] = Q(
            pk__in=CaseStudyInterventions.objects.filter(
                intervention__category__in=_values(criteria.categories)
            ).values("casestudy_id")
        )
    if criteria.age is not None:
        filters["age"] = age_includes(criteria.age)
    if criteria.funding_streams:
        filters["funding_stream"] = Q(
            pk__in=CaseStudyAwards.objects.filter(
                award__stream__slug__in=_values(criteria.funding_streams)
            ).values("casestudy_id")
        )
    if criteria.years:
        filters["year"] = Q(year__in=[int(choice.value) for choice in criteria.years])
    return filters


@dataclass
class CaseStudySearch:
    results: object  # a queryset, ordered, ready to paginate
    facets: list  # of Facet, in the order the page shows them
    age_facet: Facet


def case_study_search(*, user, criteria):
    """Case studies the user may see that match the criteria, and the facets with counts.

    Queries: the results are lazy (the page counts and fetches them); the facets take
    seven, one per facet, whatever the number of case studies.
    """
    searched = CaseStudy.objects.visible_to(user)
    for word in search_words(criteria.q):
        searched = searched.filter(_case_study_word(word))
    filters = _case_study_filters(criteria)

    def without(name):
        """What the search and every facet but `name` match, as a subquery of ids."""
        return searched.filter(*[q for key, q in filters.items() if key != name]).values("pk")

    results = searched.filter(*filters.values()).for_listing()
    results = results.order_by(*CASE_STUDY_SORTS.get(criteria.sort, CASE_STUDY_SORTS["title"])[1])

    regions = dict(Region.choices)
    categories = dict(Intervention.Category.choices)
    region_order = list(regions)
    facets = [
        _build_facet(
            "borough",
            "Borough",
            CaseStudyBoroughs.objects.filter(casestudy__in=without("borough"))
            .values_list("borough__slug", "borough__name")
            .annotate(count=Count("casestudy_id", distinct=True))
            .order_by(),
            criteria.boroughs,
        ),
        _build_facet(
            "region",
            "Region",
            [
                (region, regions.get(region, region), count)
                for region, count in CaseStudyBoroughs.objects.filter(
                    casestudy__in=without("region")
                )
                .values_list("borough__region")
                .annotate(count=Count("casestudy_id", distinct=True))
                .order_by()
            ],
            criteria.regions,
            order=lambda option: region_order.index(option.value),
        ),
        _build_facet(
            "approach",
            "Approach",
            CaseStudyApproaches.objects.filter(casestudy__in=without("approach"))
            .values_list("approach__slug", "approach__name")
            .annotate(count=Count("casestudy_id", distinct=True))
            .order_by(),
            criteria.approaches,
        ),
        _build_facet(
            "category",
            "Intervention category",
            [
                (category, categories.get(category, category), count)
                for category, count in CaseStudyInterventions.objects.filter(
                    casestudy__in=without("category")
                )
                .values_list("intervention__category")
                .annotate(count=Count("casestudy_id", distinct=True))
                .order_by()
            ],
            criteria.categories,
        ),
        _build_facet(
            "funding_stream",
            "Funding stream",
            CaseStudyAwards.objects.filter(casestudy__in=without("funding_stream"))
            .values_list("award__stream__slug", "award__stream__name")
            .annotate(count=Count("casestudy_id", distinct=True))
            .order_by(),
            criteria.funding_streams,
        ),
        _build_facet(
            "year",
            "Year",
            [
                (str(year), str(year), count)
                for year, count in CaseStudy.objects.filter(pk__in=without("year"))
                .exclude(year__isnull=True)
                .values_list("year")
                .annotate(count=Count("pk"))
                .order_by()
            ],
            criteria.years,
            order=lambda option: -int(option.value),
        ),
    ]
    age_counts = CaseStudy.objects.filter(pk__in=without("age")).aggregate(
        **{f"age_{age}": Count("pk", filter=age_includes(age)) for age in AGES}
    )
    selected_age = () if criteria.age is None else (Choice(str(criteria.age), str(criteria.age)),)
    age_facet = _build_facet(
        "age",
        "Age of young people",
        [(str(age), str(age), age_counts[f"age_{age}"]) for age in AGES],
        selected_age,
        order=lambda option: int(option.value),
    )
    return CaseStudySearch(results=results, facets=facets, age_facet=age_facet)


def case_study_detail(*, user, slug):
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


def _shared(through, column, ids):
    """How many of `ids` the outer case study shares through `through`, as a subquery."""
    if not ids:
        return Value(0, output_field=IntegerField())
    return Coalesce(
        Subquery(
            through.objects.filter(casestudy=OuterRef("pk"), **{f"{column}__in": ids})
            .values("casestudy")
            .annotate(count=Count("pk"))
            .values("count")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def related_case_studies(case_study, *, user, limit=RELATED_LIMIT):
    """Up to `limit` case studies sharing the most approaches, interventions and boroughs.

    Uses the case study's prefetched relations, so it costs one query and one for the
    related studies' boroughs.
    """
    approaches = [approach.pk for approach in case_study.approaches.all()]
    interventions = [intervention.pk for intervention in case_study.interventions.all()]
    boroughs = [borough.pk for borough in case_study.boroughs.all()]
    return (
        CaseStudy.objects.visible_to(user)
        .exclude(pk=case_study.pk)
        .annotate(
            shared=_shared(CaseStudyApproaches, "approach", approaches)
            + _shared(CaseStudyInterventions, "intervention", interventions)
            + _shared(CaseStudyBoroughs, "borough", boroughs)
        )
        .filter(shared__gt=0)
        .order_by("-shared", F("year").desc(nulls_last=True), "title")
        .prefetch_related("boroughs")[:limit]
    )


# --- Interventions ---------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionCriteria:
    q: str = ""
    categories: tuple = ()
    prevention_levels: tuple = ()
    settings: tuple = ()


def _intervention_word(word):
    return (
        Q(name__icontains=word)
        | Q(description__icontains=word)
        | Q(
            pk__in=InterventionProviders.objects.filter(organisation__name__icontains=word).values(
                "intervention_id"
            )
        )
    )


def _published_uses():
    """How many published case studies use the outer intervention, as a subquery."""
    return Coalesce(
        Subquery(
            CaseStudyInterventions.objects.filter(
                intervention=OuterRef("pk"), casestudy__status=CaseStudy.Status.PUBLISHED
            )
            .values("intervention")
            .annotate(count=Count("pk"))
            .values("count")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


@dataclass
class InterventionSearch:
    results: object
    facets: list


def intervention_search(*, criteria):
    """Interventions matching the criteria, and the facets with counts (three queries)."""
    searched = Intervention.objects.all()
    for word in search_words(criteria.q):
        searched = searched.filter(_intervention_word(word))
    filters = {}
    if criteria.categories:
        filters["category"] = Q(category__in=_values(criteria.categories))
    if criteria.prevention_levels:
        filters["prevention_level"] = Q(prevention_level__in=_values(criteria.prevention_levels))
    if criteria.settings:
        filters["setting"] = Q(
            pk__in=InterventionSettings.objects.filter(
                setting__slug__in=_values(criteria.settings)
            ).values("intervention_id")
        )

    def without(name):
        return searched.filter(*[q for key, q in filters.items() if key != name]).values("pk")

    results = (
        searched.filter(*filters.values())
        .for_listing()
        .annotate(case_study_count=_published_uses())
        .order_by("name", "pk")
    )
    categories = dict(Intervention.Category.choices)
    levels = dict(Intervention.PreventionLevel.choices)
    level_order = list(levels)
    facets = [
        _build_facet(
            "category",
            "Category",
            [
                (category, categories.get(category, category), count)
                for category, count in Intervention.objects.filter(pk__in=without("category"))
                .values_list("category")
                .annotate(count=Count("pk"))
                .order_by()
            ],
            criteria.categories,
        ),
        _build_facet(
            "prevention_level",
            "Prevention level",
            [
                (level, levels.get(level, level), count)
                for level, count in Intervention.objects.filter(pk__in=without("prevention_level"))
                .values_list("prevention_level")
                .annotate(count=Count("pk"))
                .order_by()
            ],
            criteria.prevention_levels,
            order=lambda option: level_order.index(option.value),
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
    ]
    return InterventionSearch(results=results, facets=facets)


def intervention_detail(slug):
    return (
        Intervention.objects.filter(slug=slug)
        .select_related("source")
        .prefetch_related("settings", "providers")
        .first()
    )


def intervention_uses(intervention, *, user):
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
