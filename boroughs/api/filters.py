import django_filters

from boroughs.models import Borough, Organisation, Partnership, Region, StockTake
from core.api.filters import ExistingSlugFilter, PortalFilterSet


class BoroughFilter(PortalFilterSet):
    region = django_filters.ChoiceFilter(choices=Region.choices)
    kind = django_filters.ChoiceFilter(choices=Borough.Kind.choices)
    gss_code = ExistingSlugFilter(
        field_name="gss_code",
        model=Borough,
        to_field="gss_code",
        distinct=False,
        label="ONS GSS code, e.g. E09000033.",
    )

    class Meta:
        model = Borough
        fields = ["region", "kind", "gss_code"]


class PartnershipFilter(PortalFilterSet):
    kind = django_filters.ChoiceFilter(choices=Partnership.Kind.choices)
    borough = ExistingSlugFilter(
        field_name="members__slug", model=Borough, label="Member borough slug."
    )

    class Meta:
        model = Partnership
        fields = ["kind", "borough"]


class OrganisationFilter(PortalFilterSet):
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["kind"]


class StockTakeFilter(PortalFilterSet):
    coverage_region = django_filters.ChoiceFilter(choices=Region.choices)

    class Meta:
        model = StockTake
        fields = ["coverage_region"]
