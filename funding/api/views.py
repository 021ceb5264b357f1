from core.api.views import PortalReadOnlyViewSet
from funding.models import Award, Funder, FundingStream
from funding.selectors import (
    AWARD_ORDERING,
    AWARD_ORDERING_FIELDS,
    AWARD_SEARCH_FIELDS,
    FUNDER_ORDERING,
    FUNDER_ORDERING_FIELDS,
    FUNDER_SEARCH_FIELDS,
    FUNDING_STREAM_ORDERING,
    FUNDING_STREAM_ORDERING_FIELDS,
    FUNDING_STREAM_SEARCH_FIELDS,
    award_list,
    funder_list,
    funding_stream_list,
    recipient_boroughs_by_award,
)

from .filters import AwardFilter, FunderFilter, FundingStreamFilter
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
    filterset_class = FunderFilter
    list_selector = funder_list
    search_fields = FUNDER_SEARCH_FIELDS
    ordering_fields = FUNDER_ORDERING_FIELDS
    ordering = FUNDER_ORDERING


class FundingStreamViewSet(PortalReadOnlyViewSet):
    """Funds and programmes, with their totals as stated and their dates."""

    queryset = FundingStream.objects.select_related("funder", "source")
    serializer_class = FundingStreamSerializer
    filterset_class = FundingStreamFilter
    list_selector = funding_stream_list
    search_fields = FUNDING_STREAM_SEARCH_FIELDS
    ordering_fields = FUNDING_STREAM_ORDERING_FIELDS
    ordering = FUNDING_STREAM_ORDERING


class AwardViewSet(PortalReadOnlyViewSet):
    """Awards to named recipients; an amount "over £…" keeps amount_is_minimum."""

    queryset = Award.objects.for_listing()
    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    list_selector = award_list
    search_fields = AWARD_SEARCH_FIELDS
    ordering_fields = AWARD_ORDERING_FIELDS
    ordering = AWARD_ORDERING

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
