from boroughs.models import Borough, Organisation, Partnership, StockTake

from .analysis import StockTakeAnalysisMixin
from .conventions.views import PortalReadOnlyViewSet
from .filters import BoroughFilter, OrganisationFilter, PartnershipFilter, StockTakeFilter
from .serializers import (
    BoroughSerializer,
    OrganisationSerializer,
    PartnershipSerializer,
    StockTakeSerializer,
)


class BoroughViewSet(PortalReadOnlyViewSet):
    """English and Welsh local authorities, with ONS GSS codes."""

    queryset = Borough.objects.select_related("source")
    serializer_class = BoroughSerializer
    filterset_class = BoroughFilter
    search_fields = ["name", "gss_code"]
    ordering_fields = ["name", "gss_code", "region", "kind", "modified_at"]
    ordering = ["name"]


class PartnershipViewSet(PortalReadOnlyViewSet):
    """Community safety partnerships, violence reduction units and other multi-agency bodies."""

    queryset = Partnership.objects.for_listing().select_related("source")
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "kind", "modified_at"]
    ordering = ["name"]


class OrganisationViewSet(PortalReadOnlyViewSet):
    """Providers and partners: charities, social enterprises, police forces, NHS bodies."""

    queryset = Organisation.objects.select_related("source")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "kind", "modified_at"]
    ordering = ["name"]


class StockTakeViewSet(StockTakeAnalysisMixin, PortalReadOnlyViewSet):
    """Survey rounds of borough activity, with their questions, summary and matrix."""

    queryset = StockTake.objects.select_related("source").prefetch_related("questions__options")
    serializer_class = StockTakeSerializer
    filterset_class = StockTakeFilter
    search_fields = ["title", "publisher"]
    ordering_fields = ["title", "conducted_on", "modified_at"]
    ordering = ["-conducted_on"]

    def get_queryset(self):
        if self.action in ("summary", "matrix"):
            # The analyses fetch questions themselves, in the shape they need.
            return StockTake.objects.select_related("source")
        return super().get_queryset()
