"""Filters, search and ordering for the case-study and intervention lists.

Every filter of a case study's links is a `pk IN (subquery)` rather than a join, as on
the pages (casestudies.selectors): results have no duplicates and need no DISTINCT, so
PostgreSQL can rank and cut snippets for one page of results only.

`q` is full-text search (casestudies/search.py) in web-search syntax; with `q` and no
`ordering`, the most relevant come first (core.api.filters.Listing, with its `searchable`).
"""

from collections.abc import Mapping, Sequence

import django_filters
from django import forms
from django.db.models import Q

from boroughs.models import Borough, Organisation, Partnership, Region
from casestudies import search
from casestudies.cost import CostBand
from casestudies.evidence import EvaluationDesign
from casestudies.models import Approach, CaseStudy, Intervention, Outcome, Setting
from core.api.filters import (
    AgeFilter,
    PortalFilterSet,
    PortalSearchFilter,
    UnstatedAgesFilter,
    age_includes,
    includes_unstated_ages,
    refuse_unknown,
)
from funding.models import FundingStream

CaseStudyBoroughs = CaseStudy.boroughs.through
CaseStudyInterventions = CaseStudy.interventions.through


class ValuesField(forms.Field):
    """Every value of a repeated parameter (borough=a&borough=b), stripped, without blanks
    or repeats, each checked by ``item`` (a form field) when given."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, item=None, **kwargs):
        self.item = item
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return []
        values = []
        for text in [value] if isinstance(value, str) else value:
            text = str(text).strip()
            if text and text not in values:
                values.append(text)
        return values

    def validate(self, value):
        super().validate(value)
        if self.item is None:
            return
        errors = []
        for text in value:
            try:
                self.item.clean(text)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)


REPEATED_HELP = "Give it more than once for any of several."


class AnyOfFilter(django_filters.Filter):
    """Records matching any of the parameter's values, however many are given: the
    condition ``condition(values)`` (a Q), which the list filters by and the facets count
    with (casestudies.selectors). ``item`` checks each value; with ``model``, each must
    also name one of its records by slug (one query for them all), unless the filter set
    was told its values are known to (PortalFilterSet.checked: a page's form has looked
    them up for their names already)."""

    field_class = ValuesField

    def __init__(self, *args, condition, model=None, **kwargs):
        self.condition = condition
        self.related_model = model
        item = kwargs.get("item")
        # A value checked by a field has a type: given empty, it is a 400 (as a choice's).
        self.typed = item is not None
        super().__init__(*args, **kwargs)
        # The schema of one value (the parameter may be repeated), as drf-spectacular
        # reads it from a filter's annotation.
        schema = {"type": "integer" if isinstance(item, forms.IntegerField) else "string"}
        description = " ".join(filter(None, [self.label, REPEATED_HELP]))
        if isinstance(item, forms.ChoiceField):
            schema["enum"] = [value for value, _ in item.choices]
            description += "\n\n" + "\n".join(
                f"* `{value}` - {label}" for value, label in item.choices
            )
        schema["description"] = description
        self._spectacular_annotation = {"field": schema}

    def filter(self, queryset, value):
        if not value:
            return queryset
        if self.related_model is not None and not getattr(self.parent, "checked", False):
            refuse_unknown(self.field_name, value, self.related_model._default_manager.all())
        return queryset.filter(self.condition(value))


def linked_any(link, value_path, record_id="casestudy_id"):
    """Condition: records with a row of ``link`` (a many-to-many's table, or another
    naming the record in its column ``record_id``) whose ``value_path`` is any of the
    values, as `pk IN (subquery)`: no duplicates, no DISTINCT."""

    def condition(values):
        linked = link._default_manager.filter(**{f"{value_path}__in": values})
        return Q(pk__in=linked.values(record_id))

    return condition


def column_any(name):
    """Condition: records whose own column ``name`` holds any of the values."""

    def condition(values):
        return Q(**{f"{name}__in": values})

    return condition


def choices_any(name, choices, **kwargs):
    """A filter by any of ``choices`` of the column ``name``."""
    return AnyOfFilter(
        field_name=name,
        condition=column_any(name),
        item=forms.ChoiceField(choices=choices),
        **kwargs,
    )


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
    evidence_level = AnyOfFilter(
        condition=column_any("evidence_level"),
        item=forms.IntegerField(min_value=0, max_value=5),
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
    evaluation_design = choices_any(
        "evaluation_design",
        EvaluationDesign.choices,
        label="Evaluated with this design, as the source says.",
    )
    cost_band = choices_any(
        "cost_band",
        CostBand.choices,
        label="Cost per participant in this band (see /methodology/), or not_stated.",
    )

    @classmethod
    def conditions(cls, values: Mapping[str, Sequence[str]]) -> dict[str, Q]:
        """{filter: Q} for each of ``values`` ({parameter: [values]}, already checked, as a
        page's form gives them) that filters by any of its values, and for the age
        (AgeFilter's rule): what the list filters by, each apart so that the facets can
        count with every filter but their own."""
        conditions = {
            name: cls.base_filters[name].condition(chosen)
            for name, chosen in values.items()
            if chosen and isinstance(cls.base_filters.get(name), AnyOfFilter)
        }
        if values.get("age"):
            conditions["age"] = age_includes(
                int(values["age"][-1]),
                include_unstated=includes_unstated_ages(
                    (values.get(UnstatedAgesFilter.param) or [""])[-1]
                ),
            )
        return conditions


class CaseStudyFilter(EvidenceAndAgeFilterSet):
    borough = AnyOfFilter(
        condition=linked_any(CaseStudyBoroughs, "borough__slug"),
        model=Borough,
        label="Borough slug.",
    )
    region = AnyOfFilter(
        condition=linked_any(CaseStudyBoroughs, "borough__region"),
        item=forms.ChoiceField(choices=Region.choices),
        label="Case studies of a borough in this region.",
    )
    partnership = AnyOfFilter(
        condition=linked_any(CaseStudy, "partnership__slug", "pk"),
        model=Partnership,
        label="Partnership slug.",
    )
    approach = AnyOfFilter(
        condition=linked_any(CaseStudy.approaches.through, "approach__slug"),
        model=Approach,
        label="Approach slug.",
    )
    intervention = AnyOfFilter(
        condition=linked_any(CaseStudyInterventions, "intervention__slug"),
        model=Intervention,
        label="Intervention slug.",
    )
    category = AnyOfFilter(
        condition=linked_any(CaseStudyInterventions, "intervention__category"),
        item=forms.ChoiceField(choices=Intervention.Category.choices),
        label="Case studies using an intervention of this category.",
    )
    outcome_type = AnyOfFilter(
        condition=linked_any(Outcome, "outcome_type", "case_study_id"),
        item=forms.ChoiceField(choices=Outcome.Type.choices),
        label="Case studies reporting an outcome of this type.",
    )
    setting = AnyOfFilter(
        condition=linked_any(CaseStudy.settings.through, "setting__slug"),
        model=Setting,
        label="Setting slug.",
    )
    funding_stream = AnyOfFilter(
        condition=linked_any(CaseStudy.awards.through, "award__stream__slug"),
        model=FundingStream,
        label="Funding stream slug.",
    )
    year = AnyOfFilter(
        condition=column_any("year"), item=forms.IntegerField(), label="Year, e.g. 2019."
    )
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
    category = choices_any("category", Intervention.Category.choices)
    prevention_level = choices_any("prevention_level", Intervention.PreventionLevel.choices)
    outcome_type = AnyOfFilter(
        condition=lambda values: Q(pk__in=interventions_with_outcomes(values)),
        item=forms.ChoiceField(choices=Outcome.Type.choices),
        label="Interventions used by a published case study reporting an outcome of this type.",
    )
    setting = AnyOfFilter(
        condition=linked_any(Intervention.settings.through, "setting__slug", "intervention_id"),
        model=Setting,
        label="Setting slug.",
    )
    provider = AnyOfFilter(
        condition=linked_any(
            Intervention.providers.through, "organisation__slug", "intervention_id"
        ),
        model=Organisation,
        label="Provider organisation slug.",
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


def interventions_with_outcomes(outcome_types):
    """Ids of interventions used by a published case study reporting an outcome of any of
    those types."""
    return CaseStudyInterventions.objects.filter(
        casestudy__status=CaseStudy.Status.PUBLISHED,
        casestudy__in=Outcome.objects.filter(outcome_type__in=outcome_types).values(
            "case_study_id"
        ),
    ).values("intervention_id")


# --- Search ----------------------------------------------------------------------------------


def parsed_query(request):
    """What `q` asks for (casestudies.search.parse_query)."""
    return search.parse_query(request.query_params.get(PortalSearchFilter.search_param, ""))
