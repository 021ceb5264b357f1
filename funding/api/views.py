from core.api.views import PortalReadOnlyViewSet
from funding.models import Award, Funder, FundingStream
from funding.selectors import (
    AWARD_LISTING,
    FUNDER_LISTING,
    FUNDING_STREAM_LISTING,
    award_list,
    funder_list,
    funding_stream_list,
    recipient_boroughs_by_award,
)

from .serializers import (
    AWARD_BOROUGH_COLUMNS,
    AWARD_COLUMNS,
    AwardSerializer,
    FunderSerializer,
    FundingStreamSerializer,
    award_summaries,
)


class FunderViewSet(PortalReadOnlyViewSet):
    """Who gives the money: the Home Office, MOPAC, police and crime commissioners …"""

    queryset = Funder.objects.select_related("source")
    serializer_class = FunderSerializer
    list_selector = funder_list
    listing = FUNDER_LISTING


class FundingStreamViewSet(PortalReadOnlyViewSet):
    """Funds and programmes, with their totals as stated and their dates."""

    queryset = FundingStream.objects.select_related("funder", "source")
    serializer_class = FundingStreamSerializer
    list_selector = funding_stream_list
    listing = FUNDING_STREAM_LISTING


class AwardViewSet(PortalReadOnlyViewSet):
    """Awards to named recipients; an amount "over £…" keeps amount_is_minimum."""

    queryset = Award.objects.for_listing()
    serializer_class = AwardSerializer
    list_selector = award_list
    listing = AWARD_LISTING

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            return super().list(request, *args, **kwargs)
        # A page of values() and its awards' boroughs as values: AwardSerializer's JSON
        # without a model instance per award, stream, funder, recipient and borough.
        listed = award_list(filters=request.query_params, user=request.user)
        page = self.paginate_queryset(listed.prefetch_related(None).values(*AWARD_COLUMNS))
        boroughs = recipient_boroughs_by_award(
            [row["pk"] for row in page], columns=AWARD_BOROUGH_COLUMNS
        )
        return self.get_paginated_response(award_summaries(page, boroughs))
