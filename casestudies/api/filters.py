"""Filters, search and ordering for the case-study and intervention lists.

Every filter of a case study's links is a `pk IN (subquery)` rather than a join, as on
the pages (casestudies.selectors): results have no duplicates and need no DISTINCT, so
PostgreSQL can rank and cut snippets for one page of results only.

`q` is full-text search (casestudies/search.py) in web-search syntax; with `q` and no
`ordering`, the most relevant come first (core.api.filters.Listing, with its `searchable`).
"""

import django_filters
from django import forms
from rest_framework.exceptions import ValidationError

from boroughs.models import Borough, Organisation, Partnership, Region
from casestudies import search
from casestudies.cost import CostBand
from casestudies.evidence import EvaluationDesign
from casestudies.models import Approach, CaseStudy, Intervention, Outcome, Setting
from core.api.filters import (
    AgeFilter,
    ExistingSlugFilter,
    PortalFilterSet,
    PortalSearchFilter,
    UnstatedAgesFilter,
)
from funding.models import FundingStream


class LinkedSlugFilter(ExistingSlugFilter):
    """ExistingSlugFilter (a slug that names nothing is a 400) through `pk IN (subquery)`."""

    def __init__(self, *args, **kwargs):
        kwargs["distinct"] = False
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        if not self.related_model._default_manager.filter(**{self.to_field: value}).exists():
            name = self.related_model._meta.verbose_name
            raise ValidationError({self.field_name_for_errors: [f"There is no {name} “{value}”."]})
        linked = queryset.model._default_manager.filter(**{self.field_name: value})
        return queryset.filter(pk__in=linked.values("pk"))


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


LEVELS_HELP = "0 (no outcome evidence) to 5 (randomised), on the scale of /methodology/"


class EvidenceAndAgeFilterSet(PortalFilterSet):
    """The filters case studies and interventions share: evidence and ages."""

    age = AgeFilter(
        label="Those whose target age range includes this age (a whole number, 0 to 99), and "
        "those that state no ages, unless include_unstated_ages=false.",
        min_value=0,
        max_value=99,
    )
    include_unstated_ages = UnstatedAgesFilter(
        label="With age: true (the default) also lists those that state no ages; false "
        "leaves them out."
    )
    evidence_level = WholeNumberFilter(
        field_name="evidence_level",
        min_value=0,
        max_value=5,
        label=f"At this strength-of-evidence level, {LEVELS_HELP}.",
    )
    evidence_level__gte = WholeNumberFilter(
        field_name="evidence_level",
        lookup_expr="gte",
        min_value=0,
        max_value=5,
        label=f"At this strength-of-evidence level or stronger, {LEVELS_HELP}; 3 is a "
        "comparison group or better.",
    )
    evaluation_design = django_filters.ChoiceFilter(
        choices=EvaluationDesign.choices, label="Evaluated with this design, as the source says."
    )
    cost_band = django_filters.ChoiceFilter(
        choices=CostBand.choices,
        label="Cost per participant in this band (see /methodology/), or not_stated.",
    )


def _linked(field_name):
    """Filter method: records linked through `field_name` to the value, as a subquery."""

    def method(queryset, name, value):
        if value in (None, ""):
            return queryset
        linked = queryset.model._default_manager.filter(**{field_name: value})
        return queryset.filter(pk__in=linked.values("pk"))

    return method


class CaseStudyFilter(EvidenceAndAgeFilterSet):
    borough = LinkedSlugFilter(field_name="boroughs__slug", model=Borough, label="Borough slug.")
    region = django_filters.ChoiceFilter(
        choices=Region.choices,
        method=_linked("boroughs__region"),
        label="Case studies of a borough in this region.",
    )
    partnership = LinkedSlugFilter(
        field_name="partnership__slug", model=Partnership, label="Partnership slug."
    )
    approach = LinkedSlugFilter(
        field_name="approaches__slug", model=Approach, label="Approach slug."
    )
    intervention = LinkedSlugFilter(
        field_name="interventions__slug", model=Intervention, label="Intervention slug."
    )
    category = django_filters.ChoiceFilter(
        choices=Intervention.Category.choices,
        method=_linked("interventions__category"),
        label="Case studies using an intervention of this category.",
    )
    outcome_type = django_filters.ChoiceFilter(
        choices=Outcome.Type.choices,
        method=_linked("outcomes__outcome_type"),
        label="Case studies reporting an outcome of this type.",
    )
    setting = LinkedSlugFilter(field_name="settings__slug", model=Setting, label="Setting slug.")
    funding_stream = LinkedSlugFilter(
        field_name="awards__stream__slug", model=FundingStream, label="Funding stream slug."
    )
    year = WholeNumberFilter(label="Year, e.g. 2019.")
    status = django_filters.ChoiceFilter(
        choices=CaseStudy.Status.choices,
        label="Drafts and case studies in review are visible to analysts, editors and "
        "their own borough's officers and leads.",
    )

    #: The filters that are facets: the list counts the case studies for each value.
    FACETS = (
        "borough",
        "region",
        "approach",
        "category",
        "funding_stream",
        "year",
        "evidence_level",
        "evaluation_design",
        "outcome_type",
        "setting",
        "cost_band",
    )

    class Meta:
        model = CaseStudy
        fields = [
            "borough",
            "region",
            "partnership",
            "approach",
            "intervention",
            "category",
            "age",
            "include_unstated_ages",
            "evidence_level",
            "evidence_level__gte",
            "evaluation_design",
            "outcome_type",
            "setting",
            "cost_band",
            "funding_stream",
            "year",
            "status",
        ]


class InterventionFilter(EvidenceAndAgeFilterSet):
    category = django_filters.ChoiceFilter(choices=Intervention.Category.choices)
    prevention_level = django_filters.ChoiceFilter(choices=Intervention.PreventionLevel.choices)
    outcome_type = django_filters.ChoiceFilter(
        choices=Outcome.Type.choices,
        method="filter_outcome_type",
        label="Interventions used by a published case study reporting an outcome of this type.",
    )
    setting = ExistingSlugFilter(field_name="settings__slug", model=Setting, label="Setting slug.")
    provider = ExistingSlugFilter(
        field_name="providers__slug", model=Organisation, label="Provider organisation slug."
    )

    class Meta:
        model = Intervention
        fields = [
            "category",
            "prevention_level",
            "age",
            "include_unstated_ages",
            "evidence_level",
            "evidence_level__gte",
            "evaluation_design",
            "outcome_type",
            "setting",
            "cost_band",
            "provider",
        ]

    def filter_outcome_type(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=interventions_with_outcomes(value))


def interventions_with_outcomes(outcome_type):
    """Ids of interventions used by a published case study reporting that type of outcome."""
    return CaseStudy.interventions.through.objects.filter(
        casestudy__status=CaseStudy.Status.PUBLISHED,
        casestudy__in=Outcome.objects.filter(outcome_type=outcome_type).values("case_study_id"),
    ).values("intervention_id")


# --- Search ----------------------------------------------------------------------------------


def parsed_query(request):
    """What `q` asks for (casestudies.search.parse_query)."""
    return search.parse_query(request.query_params.get(PortalSearchFilter.search_param, ""))
