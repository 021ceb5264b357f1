import django_filters

from boroughs.api.conventions.filters import AgeFilter, ExistingSlugFilter, PortalFilterSet
from boroughs.models import Borough, Organisation, Partnership
from casestudies.models import Approach, CaseStudy, Intervention, Setting
from funding.models import FundingStream


class CaseStudyFilter(PortalFilterSet):
    borough = ExistingSlugFilter(field_name="boroughs__slug", model=Borough, label="Borough slug.")
    partnership = ExistingSlugFilter(
        field_name="partnership__slug", model=Partnership, label="Partnership slug."
    )
    approach = ExistingSlugFilter(
        field_name="approaches__slug", model=Approach, label="Approach slug."
    )
    intervention = ExistingSlugFilter(
        field_name="interventions__slug", model=Intervention, label="Intervention slug."
    )
    category = django_filters.ChoiceFilter(
        field_name="interventions__category",
        choices=Intervention.Category.choices,
        distinct=True,
        label="Case studies using an intervention of this category.",
    )
    age = AgeFilter(label="Case studies whose target age range includes this age.")
    funding_stream = ExistingSlugFilter(
        field_name="awards__stream__slug", model=FundingStream, label="Funding stream slug."
    )
    year = django_filters.NumberFilter()
    status = django_filters.ChoiceFilter(
        choices=CaseStudy.Status.choices,
        label="Drafts and case studies in review are visible to analysts, editors and "
        "their own borough's officers and leads.",
    )

    class Meta:
        model = CaseStudy
        fields = [
            "borough",
            "partnership",
            "approach",
            "intervention",
            "category",
            "age",
            "funding_stream",
            "year",
            "status",
        ]


class InterventionFilter(PortalFilterSet):
    category = django_filters.ChoiceFilter(choices=Intervention.Category.choices)
    prevention_level = django_filters.ChoiceFilter(choices=Intervention.PreventionLevel.choices)
    age = AgeFilter(label="Interventions whose age range includes this age.")
    setting = ExistingSlugFilter(field_name="settings__slug", model=Setting, label="Setting slug.")
    provider = ExistingSlugFilter(
        field_name="providers__slug", model=Organisation, label="Provider organisation slug."
    )

    class Meta:
        model = Intervention
        fields = ["category", "prevention_level", "age", "setting", "provider"]
