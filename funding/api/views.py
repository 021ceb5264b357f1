from core.api.views import PortalReadOnlyViewSet
from funding.models import Award, Funder, FundingStream

from .filters import AwardFilter, FunderFilter, FundingStreamFilter
from .serializers import AwardSerializer, FunderSerializer, FundingStreamSerializer


class FunderViewSet(PortalReadOnlyViewSet):
    """Who gives the money: the Home Office, MOPAC, police and crime commissioners …"""

    queryset = Funder.objects.select_related("source")
    serializer_class = FunderSerializer
    filterset_class = FunderFilter
    search_fields = ["name"]
    ordering_fields = ["name", "modified_at"]
    ordering = ["name"]


class FundingStreamViewSet(PortalReadOnlyViewSet):
    """Funds and programmes, with their totals as stated and their dates."""

    queryset = FundingStream.objects.select_related("funder", "source")
    serializer_class = FundingStreamSerializer
    filterset_class = FundingStreamFilter
    search_fields = ["name", "description", "funder__name"]
    ordering_fields = ["name", "total_amount", "starts_on", "ends_on", "modified_at"]
    ordering = ["name"]


class AwardViewSet(PortalReadOnlyViewSet):
    """Awards to named recipients; an amount "over £…" keeps amount_is_minimum."""

    queryset = Award.objects.for_listing()
    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    search_fields = ["title", "purpose", "recipient_boroughs__name", "stream__name"]
    ordering_fields = ["title", "amount", "awarded_on", "ends_on", "modified_at"]
    ordering = ["-awarded_on", "title"]
