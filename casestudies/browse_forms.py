"""GET forms for browsing case studies and interventions.

They read and check the filters in the URL; the templates draw the facets themselves
(with counts from casestudies.selectors). A value that names nothing, such as
borough=atlantis or age=old, becomes a GOV.UK error message on its field and is dropped,
while the valid filters beside it still apply: a shared link never fails.

The valid values are the filters of the list's Listing (casestudies/api/filters.py, as
the API reads them): several values of one facet may be ticked, and a case study
matching any of them counts (borough=redbridge&borough=lambeth).

A saved search is the valid part of such a URL (criteria_query), named by its owner
(SavedSearchForm).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.db.models import Model
from django.http import QueryDict

from boroughs.models import Borough, Region
from core.api.filters import includes_unstated_ages
from funding.models import FundingStream

from .cost import CostBand
from .evidence import EvaluationDesign
from .models import Approach, Intervention, Outcome, SavedSearch, Setting
from .selectors import (
    CASE_STUDY_SORTS,
    EVIDENCE_LEVEL_LABELS,
    INTERVENTION_SORTS,
    RELEVANCE,
    CaseStudyCriteria,
    Choice,
    InterventionCriteria,
)

#: No facet takes more values than this; more is a crafted URL, not a person ticking boxes.
MAX_VALUES = 50
SEARCH_MAX_LENGTH = 200


class MultipleValuesField(forms.Field):
    """Every value of a repeated GET parameter, stripped, without blanks or repeats.

    Whether a value names anything is checked by the form, which knows the facet.
    """

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        values = []
        for item in value:
            item = str(item).strip()
            if item and item not in values:
                values.append(item)
        return values[:MAX_VALUES]


def search_field(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": f"Search words must be {SEARCH_MAX_LENGTH} characters or fewer"
        },
    )


def sort_field(sorts: Mapping[str, tuple[str, Any]]) -> forms.ChoiceField:
    """The sort orders a page offers, by key: {key: (label, ordering)}."""
    return forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in sorts.items()],
        error_messages={"invalid_choice": "Choose how to sort from the list"},
    )


#: How to find the labels of a facet's values: a model looked up by slug, a dict of
#: choices, or a function of the values.
LabelLookup = type[Model] | Mapping[Any, str] | Callable[[list[str]], dict[str, str]]


class FacetForm(forms.Form):
    """Checks each facet's values against what exists and keeps the ones that do."""

    #: facet name -> (noun for messages, how to find labels for values: a model looked
    #: up by slug, a dict of choices, or a function of the values)
    facets: dict[str, tuple[str, LabelLookup]] = {}

    def __init__(self, data=None):
        super().__init__(data, auto_id="%s")

    def clean(self):
        cleaned = super().clean()
        for name, (noun, lookup) in self.facets.items():
            values = cleaned.get(name)
            if not values:
                continue
            labels = self._labels(lookup, values)
            unknown = [value for value in values if value not in labels]
            if unknown:
                # add_error drops the field from cleaned_data: put the known values back.
                self.add_error(
                    name,
                    [
                        f"There is no {noun} ‘{value[:60]}’ – choose from the list"
                        for value in unknown
                    ],
                )
            cleaned[name] = tuple(
                Choice(value, labels[value]) for value in values if value in labels
            )
        return cleaned

    @staticmethod
    def _labels(lookup, values):
        if isinstance(lookup, dict):
            return {value: lookup[value] for value in values if value in lookup}
        if not isinstance(lookup, type):
            return lookup(values)
        return dict(lookup._default_manager.filter(slug__in=values).values_list("slug", "name"))

    def active_filters(self):
        """(facet label, Choice, parameter name) for every value in use."""
        self.is_valid()
        active = []
        for name in self.facets:
            for choice in self.cleaned_data.get(name) or ():
                active.append((self.fields[name].label, choice, name))
        return active


def age_fields(records: str) -> tuple[forms.IntegerField, forms.ChoiceField]:
    """The age of young people, and whether to include the records that state no ages."""
    age = forms.IntegerField(
        label="Age of young people",
        required=False,
        min_value=0,
        max_value=99,
        error_messages={
            "invalid": "Age must be a whole number, like 14",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 99 or less",
        },
    )
    include_unstated_ages = forms.ChoiceField(
        label=f"Include {records} that do not state ages",
        required=False,
        choices=[("true", "Yes"), ("false", "No")],
        error_messages={"invalid_choice": f"Choose whether to include {records} without ages"},
    )
    return age, include_unstated_ages


class AgeFacetForm(FacetForm):
    """Facets and an age (from age_fields), which the active filters name with whether
    the records that state no ages are included."""

    records: str  # what the form lists, in words: "case studies"

    def active_filters(self):
        active = super().active_filters()
        self.is_valid()
        age = self.cleaned_data.get("age")
        if age is not None:
            unstated = includes_unstated_ages(self.cleaned_data.get("include_unstated_ages"))
            label = f"Age {age}" + (f" (and {self.records} not stating ages)" if unstated else "")
            active.append((self.fields["age"].label, Choice(str(age), label), "age"))
        return active


class CaseStudyBrowseForm(AgeFacetForm):
    records = "case studies"
    q = search_field("Search case studies")
    borough = MultipleValuesField(label="Borough", required=False)
    region = MultipleValuesField(label="Region", required=False)
    approach = MultipleValuesField(label="Approach", required=False)
    category = MultipleValuesField(label="Intervention category", required=False)
    age, include_unstated_ages = age_fields(records)
    funding_stream = MultipleValuesField(label="Funding stream", required=False)
    year = MultipleValuesField(label="Year", required=False)
    evidence_level = MultipleValuesField(label="Strength of evidence", required=False)
    evaluation_design = MultipleValuesField(label="Evaluation design", required=False)
    outcome_type = MultipleValuesField(label="Outcome", required=False)
    setting = MultipleValuesField(label="Setting", required=False)
    cost_band = MultipleValuesField(label="Cost", required=False)
    sort = sort_field(CASE_STUDY_SORTS)

    facets = {
        "borough": ("borough", Borough),
        "region": ("region", dict(Region.choices)),
        "approach": ("approach", Approach),
        "category": ("intervention category", dict(Intervention.Category.choices)),
        "funding_stream": ("funding stream", FundingStream),
        "year": ("year", lambda values: {v: v for v in values if v.isdigit() and len(v) == 4}),
        "evidence_level": ("strength of evidence level", EVIDENCE_LEVEL_LABELS),
        "evaluation_design": ("evaluation design", dict(EvaluationDesign.choices)),
        "outcome_type": ("type of outcome", dict(Outcome.Type.choices)),
        "setting": ("setting", Setting),
        "cost_band": ("cost band", dict(CostBand.choices)),
    }

    def criteria(self):
        """What to search for: the valid part of the URL."""
        self.is_valid()
        data = self.cleaned_data
        q = data.get("q") or ""
        return CaseStudyCriteria(
            q=q,
            boroughs=data.get("borough") or (),
            regions=data.get("region") or (),
            approaches=data.get("approach") or (),
            categories=data.get("category") or (),
            age=data.get("age"),
            funding_streams=data.get("funding_stream") or (),
            years=data.get("year") or (),
            evidence_levels=data.get("evidence_level") or (),
            designs=data.get("evaluation_design") or (),
            outcome_types=data.get("outcome_type") or (),
            settings=data.get("setting") or (),
            cost_bands=data.get("cost_band") or (),
            include_unstated_ages=includes_unstated_ages(data.get("include_unstated_ages")),
            # With search words the most relevant come first, unless asked otherwise.
            sort=data.get("sort") or (RELEVANCE if q.strip() else "title"),
        )


class InterventionBrowseForm(AgeFacetForm):
    records = "interventions"
    q = search_field("Search interventions")
    category = MultipleValuesField(label="Category", required=False)
    prevention_level = MultipleValuesField(label="Prevention level", required=False)
    setting = MultipleValuesField(label="Setting", required=False)
    evidence_level = MultipleValuesField(label="Strength of evidence", required=False)
    evaluation_design = MultipleValuesField(label="Evaluation design", required=False)
    outcome_type = MultipleValuesField(label="Outcome", required=False)
    cost_band = MultipleValuesField(label="Cost", required=False)
    age, include_unstated_ages = age_fields(records)
    sort = sort_field(INTERVENTION_SORTS)

    facets = {
        "category": ("category", dict(Intervention.Category.choices)),
        "prevention_level": ("prevention level", dict(Intervention.PreventionLevel.choices)),
        "setting": ("setting", Setting),
        "evidence_level": ("strength of evidence level", EVIDENCE_LEVEL_LABELS),
        "evaluation_design": ("evaluation design", dict(EvaluationDesign.choices)),
        "outcome_type": ("type of outcome", dict(Outcome.Type.choices)),
        "cost_band": ("cost band", dict(CostBand.choices)),
    }

    def criteria(self):
        self.is_valid()
        data = self.cleaned_data
        return InterventionCriteria(
            q=data.get("q") or "",
            categories=data.get("category") or (),
            prevention_levels=data.get("prevention_level") or (),
            settings=data.get("setting") or (),
            evidence_levels=data.get("evidence_level") or (),
            designs=data.get("evaluation_design") or (),
            outcome_types=data.get("outcome_type") or (),
            cost_bands=data.get("cost_band") or (),
            age=data.get("age"),
            include_unstated_ages=includes_unstated_ages(data.get("include_unstated_ages")),
            sort=data.get("sort") or "name",
        )


# --- Saved searches ----------------------------------------------------------------------

#: What a saved search keeps: the search words and the filters, not the sort or the page.
SAVED_PARAMETERS = ("q", *CaseStudyBrowseForm.facets, "age", "include_unstated_ages")


def criteria_query(criteria):
    """The criteria as the case-studies page's query string: what a saved search keeps."""
    query = QueryDict(mutable=True)
    if criteria.q.strip():
        query["q"] = criteria.q.strip()
    for name, values in criteria.facet_values().items():
        query.setlist(name, values)
    return query.urlencode()


def saved_criteria(query: str | None) -> tuple[CaseStudyCriteria, list[str]]:
    """(criteria, [messages for what was left out]) for a query string such as a saved
    search's: values that name nothing (or no longer do) are dropped, as the page drops
    them."""
    form = CaseStudyBrowseForm(QueryDict(query or ""))
    criteria = form.criteria()  # the sort and page are not kept, so play no part
    left_out = [str(error) for name in SAVED_PARAMETERS for error in form.errors.get(name, ())]
    return criteria, left_out


def describe_queries(queries):
    """For each query string, what it searches for in words: [(label, text)], with the
    facets' names looked up together — at most one query each for boroughs, approaches
    and funding streams, however many queries are described."""
    parsed = [QueryDict(query or "") for query in queries]
    labels = {}
    for name, (_, lookup) in CaseStudyBrowseForm.facets.items():
        values = sorted({value for query in parsed for value in query.getlist(name)})
        labels[name] = FacetForm._labels(lookup, values) if values else {}
    described = []
    for query in parsed:
        rows = []
        if query.get("q", "").strip():
            rows.append(("Search words", query["q"].strip()))
        for name, field in CaseStudyBrowseForm.base_fields.items():
            if name not in CaseStudyBrowseForm.facets or not query.getlist(name):
                continue
            names = [labels[name].get(value) for value in query.getlist(name)]
            names = [label for label in names if label]
            if names:
                rows.append((field.label, ", ".join(names)))
        if query.get("age", "").isdigit():
            rows.append(("Age of young people", query["age"]))
        described.append(rows or [("Search words", "Every new case study")])
    return described


class SavedSearchForm(forms.Form):
    """Name a search and choose how often to hear of new matches."""

    name = forms.CharField(
        label="Name this search",
        max_length=100,
        error_messages={
            "required": "Enter a name for this search",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    frequency = forms.ChoiceField(
        label="How often do you want an email about new case studies?",
        choices=SavedSearch.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how often you want an email",
            "invalid_choice": "Select how often you want an email",
        },
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, with_query=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_query:
            del self.fields["query"]
