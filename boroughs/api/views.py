from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from boroughs.models import Borough, Organisation, Partnership, StockTake
from boroughs.selectors import (
    BOROUGH_LISTING,
    ORGANISATION_LISTING,
    PARTNERSHIP_LISTING,
    STOCK_TAKE_LISTING,
    borough_list,
    organisation_list,
    partnership_list,
    stock_take_list,
    stock_take_questions,
)
from boroughs.services import stock_take_answer_record
from core.api.views import PortalReadOnlyViewSet

from .analysis import StockTakeAnalysisMixin
from .geojson import (
    FEATURE,
    FEATURE_COLLECTION,
    GEOJSON_LIST_DESCRIPTION,
    GEOJSON_PROPERTIES,
    GeoJSONRenderer,
    feature,
    feature_collection,
    geojson_responses,
)
from .serializers import (
    STOCK_TAKE_COLUMNS,
    BoroughSerializer,
    OrganisationSerializer,
    PartnershipSerializer,
    StockTakeAnswerSerializer,
    StockTakeAnswerWriteSerializer,
    StockTakeSerializer,
    stock_take_summaries,
)


class BoroughViewSet(PortalReadOnlyViewSet):
    """English and Welsh local authorities, with ONS GSS codes."""

    queryset = Borough.objects.select_related("source")
    serializer_class = BoroughSerializer
    list_selector = borough_list
    listing = BOROUGH_LISTING
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, GeoJSONRenderer]  # type: ignore[list-item]

    @extend_schema(
        description="English and Welsh local authorities, with ONS GSS codes. "
        + GEOJSON_LIST_DESCRIPTION,
        responses=geojson_responses(BoroughSerializer(many=True), FEATURE_COLLECTION),
    )
    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == GeoJSONRenderer.format:
            # The whole filtered list, like CSV: analysts want every area on their map.
            # Only the properties a feature carries are read, without a serializer per area.
            areas = self.filter_queryset(self.get_queryset())
            return Response(feature_collection(areas.values(*GEOJSON_PROPERTIES)))
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=geojson_responses(BoroughSerializer, FEATURE))
    def retrieve(self, request, *args, **kwargs):
        if request.accepted_renderer.format == GeoJSONRenderer.format:
            return Response(feature(self.get_serializer(self.get_object()).data))
        return super().retrieve(request, *args, **kwargs)


class PartnershipViewSet(PortalReadOnlyViewSet):
    """Community safety partnerships, violence reduction units and other multi-agency bodies."""

    queryset = Partnership.objects.for_listing().select_related("source")
    serializer_class = PartnershipSerializer
    list_selector = partnership_list
    listing = PARTNERSHIP_LISTING


class OrganisationViewSet(PortalReadOnlyViewSet):
    """Providers and partners: charities, social enterprises, police forces, NHS bodies."""

    queryset = Organisation.objects.select_related("source")
    serializer_class = OrganisationSerializer
    list_selector = organisation_list
    listing = ORGANISATION_LISTING


class StockTakeViewSet(StockTakeAnalysisMixin, PortalReadOnlyViewSet):
    """Survey rounds of borough activity, with their questions, summary and matrix."""

    queryset = StockTake.objects.select_related("source").prefetch_related("questions__options")
    serializer_class = StockTakeSerializer
    list_selector = stock_take_list
    listing = STOCK_TAKE_LISTING

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            return super().list(request, *args, **kwargs)
        # A page of values() and its rounds' questions as values: StockTakeSerializer's
        # JSON without a model instance per round, question and option.
        listed = stock_take_list(filters=request.query_params, user=request.user)
        page = self.paginate_queryset(listed.values(*STOCK_TAKE_COLUMNS))
        questions = stock_take_questions([row["pk"] for row in page])
        return self.get_paginated_response(stock_take_summaries(page, questions))

    @extend_schema(
        summary="A lead records their borough's answer to a question of the current round",
        request=StockTakeAnswerWriteSerializer,
        responses={201: StockTakeAnswerSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        pagination_class=None,
        filterset_class=None,
        permission_classes=[permissions.IsAuthenticated],
    )
    def answers(self, request, slug=None):
        stock_take = self.get_object()
        incoming = StockTakeAnswerWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        borough = Borough.objects.filter(slug=values["borough"]).first()
        question = stock_take.questions.filter(slug=values["question"]).first()
        errors = {}
        if borough is None:
            errors["borough"] = [f"There is no borough “{values['borough']}”."]
        if question is None:
            errors["question"] = [f"{stock_take.title} has no question “{values['question']}”."]
        if errors:
            raise ValidationError(errors)
        answer = stock_take_answer_record(
            question=question,
            borough=borough,
            option=question.options.filter(slug=values["option"]).first(),
            evidence=values["evidence"],
            acting_user=request.user,
        )
        return Response(StockTakeAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)

    def get_queryset(self):
        if self.action in ("summary", "matrix"):
            # The analyses fetch questions themselves, in the shape they need.
            return StockTake.objects.select_related("source")
        return super().get_queryset()
