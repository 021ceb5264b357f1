"""/api/v1/action-items/{id}/interventions/: the interventions a plan item delivers
(casestudies.plan_items, docs/decisions/0028). Anyone who may read the item reads them;
the borough's lead and editors replace them with PUT."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from actionplans.models import ActionItem
from casestudies.evidence import LEVEL_BY_NUMBER
from casestudies.models import PlanItemIntervention
from casestudies.plan_items import interventions_named, plan_item_interventions_set
from core.api.answers import SignedInAnswersMixin
from core.api.filters import check_known_parameters


class DeliveredSourceSerializer(serializers.Serializer):
    title = serializers.CharField()
    publisher = serializers.CharField()
    document = serializers.CharField()
    section = serializers.CharField()


class DeliveredInterventionSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="intervention.slug")
    name = serializers.CharField(source="intervention.name")
    evidence_level = serializers.IntegerField(
        source="intervention.evidence_level",
        help_text="0–5 on the portal's strength-of-evidence scale (/methodology/).",
    )
    evidence_level_name = serializers.SerializerMethodField()
    quote = serializers.CharField(
        help_text="The sentence from the source that names the intervention; empty where a "
        "lead picked it."
    )
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    picked_by_lead = serializers.SerializerMethodField()

    def get_evidence_level_name(self, link) -> str:
        return LEVEL_BY_NUMBER[link.intervention.evidence_level].name

    def get_picked_by_lead(self, link) -> bool:
        return link.source_id is None

    @extend_schema_field(DeliveredSourceSerializer(allow_null=True))
    def get_source(self, link) -> dict | None:
        if link.source is None:
            return None
        return {
            "title": link.source.title,
            "publisher": link.source.publisher,
            "document": link.source.document,
            "section": link.source_section,
        }


class DeliveredWriteSerializer(serializers.Serializer):
    interventions = serializers.ListField(
        child=serializers.SlugField(max_length=200),
        allow_empty=True,
        help_text="The slugs of every intervention the item delivers; an empty list for none.",
    )

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise ValidationError(
                    {name: ["Unknown field. Send only: interventions."] for name in unknown}
                )
        return super().to_internal_value(data)


class PlanItemInterventionsView(SignedInAnswersMixin, APIView):
    """The interventions a plan item delivers, each with its strength of evidence and,
    where the link comes from a document, the sentence that names it."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_known_parameters(request, self)

    def item(self, request, pk):
        return get_object_or_404(
            ActionItem.objects.visible_to(request.user).select_related("plan__borough"), pk=pk
        )

    def links(self, item):
        return (
            PlanItemIntervention.objects.filter(item=item)
            .select_related("intervention", "source")
            .order_by("intervention__name")
        )

    @extend_schema(
        operation_id="action_items_interventions_list",
        responses=DeliveredInterventionSerializer(many=True),
    )
    def get(self, request, pk):
        item = self.item(request, pk)
        return Response(DeliveredInterventionSerializer(self.links(item), many=True).data)

    @extend_schema(
        operation_id="action_items_interventions_update",
        request=DeliveredWriteSerializer,
        responses=DeliveredInterventionSerializer(many=True),
    )
    def put(self, request, pk):
        item = self.item(request, pk)
        if not request.user.has_perm("actionplans.change_actionitem", item):
            raise PermissionDenied("Only the borough's lead can change this item.")
        body = DeliveredWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            interventions = interventions_named(body.validated_data["interventions"])
            plan_item_interventions_set(
                item=item, interventions=interventions, acting_user=request.user
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response(DeliveredInterventionSerializer(self.links(item), many=True).data)
