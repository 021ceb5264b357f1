import django_filters

from boroughs.models import Borough
from core.api.filters import ExistingSlugFilter, PortalFilterSet
from funding.models import Award, Funder, FundingStream


class FunderFilter(PortalFilterSet):
    kind = django_filters.ChoiceFilter(choices=Funder.Kind.choices)

    class Meta:
        model = Funder
        fields = ["kind"]


class FundingStreamFilter(PortalFilterSet):
    funder = ExistingSlugFilter(field_name="funder__slug", model=Funder, label="Funder slug.")
    active_on = django_filters.DateFilter(
        method="filter_active_on", label="Streams running on this date (YYYY-MM-DD)."
    )

    class Meta:
        model = FundingStream
        fields = ["funder", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)


class AwardFilter(PortalFilterSet):
    stream = ExistingSlugFilter(
        field_name="stream__slug", model=FundingStream, label="Stream slug."
    )
    borough = ExistingSlugFilter(
        field_name="recipient_boroughs__slug", model=Borough, label="Recipient borough slug."
    )
    funder = ExistingSlugFilter(
        field_name="stream__funder__slug", model=Funder, label="Funder slug."
    )
    awarded_after = django_filters.DateFilter(field_name="awarded_on", lookup_expr="gte")
    awarded_before = django_filters.DateFilter(field_name="awarded_on", lookup_expr="lte")
    ending_before = django_filters.DateFilter(field_name="ends_on", lookup_expr="lte")

    class Meta:
        model = Award
        fields = ["stream", "borough", "funder", "awarded_after", "awarded_before", "ending_before"]
