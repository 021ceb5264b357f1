from django.db.models import Count
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from actionplans import services
from actionplans.bulk import BulkUploadError, action_items_upload, template_csv
from actionplans.models import ActionItem, ActionPlan, Framework, Theme
from actionplans.selectors import item_history, plan_timeline
from boroughs.api.conventions.concurrency import (
    ETagMixin,
    PreconditionFailed,
    etag_for,
    expected_version,
)
from boroughs.api.conventions.views import PortalReadOnlyViewSet

from .filters import ActionItemFilter, ActionPlanFilter, FrameworkFilter
from .serializers import (
    ActionItemSerializer,
    ActionItemWriteSerializer,
    ActionPlanSerializer,
    ActionPlanWriteSerializer,
    FrameworkSerializer,
    ItemChangeSerializer,
    TimelineEntrySerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The ETag from your last GET of this record.",
)


class FrameworkViewSet(PortalReadOnlyViewSet):
    """Frameworks of ordered themes that plans are organised under."""

    queryset = Framework.objects.select_related("owner", "source").prefetch_related("themes")
    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "modified_at"]
    ordering = ["name"]


class VersionedWriteMixin(ETagMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create, and change with If-Match; reads stay public, writes need a signed-in user."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    write_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return super().get_serializer_class()

    def written(self, instance, status_code=status.HTTP_200_OK):
        instance = self.get_queryset().get(pk=instance.pk)
        data = self.serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": etag_for(instance)})

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        if not request.user.has_perm(self.change_permission, instance):
            raise PermissionDenied("You cannot change this: it belongs to another borough.")
        version = expected_version(request, instance)
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        note = values.pop("note", "")
        try:
            saved = self.perform_change(instance, version, values, note)
        except services.StaleEdit as stale:
            current = self.get_queryset().get(pk=stale.current.pk)
            raise PreconditionFailed(
                current=self.serializer_class(current, context=self.get_serializer_context()).data,
                etag=etag_for(current),
            ) from stale
        return self.written(saved)


class ActionPlanViewSet(VersionedWriteMixin, PortalReadOnlyViewSet):
    """Boroughs' and partnerships' knife-crime action plans. Leads create and change their
    own borough's plans; a change needs If-Match with the plan's ETag."""

    queryset = ActionPlan.objects.select_related(
        "borough", "partnership", "framework", "source"
    ).annotate(item_count=Count("items"))
    serializer_class = ActionPlanSerializer
    write_serializer_class = ActionPlanWriteSerializer
    change_permission = "actionplans.change_actionplan"
    filterset_class = ActionPlanFilter
    search_fields = ["title", "borough__name", "overseen_by"]
    ordering_fields = ["title", "last_refreshed_on", "status", "modified_at"]
    ordering = ["borough__name", "title"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @extend_schema(request=ActionPlanWriteSerializer, responses={201: ActionPlanSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ActionPlanWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.pop("note", None)
        missing = {
            name: ["This field is required."]
            for name in ("borough", "framework")
            if name not in values
        }
        if missing:
            raise ValidationError(missing)
        plan = services.action_plan_create(acting_user=request.user, **values)
        return self.written(plan, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[IF_MATCH], request=ActionPlanWriteSerializer, responses=ActionPlanSerializer
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH], request=ActionPlanWriteSerializer, responses=ActionPlanSerializer
    )
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_change(self, plan, version, values, note):
        for fixed in ("borough", "framework"):
            if fixed in values and values.pop(fixed) != getattr(plan, fixed):
                raise ValidationError({fixed: ["A plan's " + fixed + " cannot be changed."]})
        return services.action_plan_update(
            plan=plan,
            acting_user=self.request.user,
            expected_version=version,
            changes=values,
            note=note,
        )

    @extend_schema(
        summary="Add items from a CSV file: every row loads or none does",
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: ActionItemSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="items-upload",
        pagination_class=None,
        filterset_class=None,
        parser_classes=[MultiPartParser],
    )
    def items_upload(self, request, slug=None):
        plan = self.get_object()
        if not request.user.has_perm("actionplans.add_actionitem", plan):
            raise PermissionDenied("You can add items only to plans of a borough you lead.")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Choose a CSV file of items to upload."]})
        try:
            items = action_items_upload(
                plan=plan, acting_user=request.user, uploaded_bytes=upload.read()
            )
        except BulkUploadError as error:
            raise ValidationError({"file": [str(problem) for problem in error.errors]}) from error
        created = ActionItem.objects.for_listing().filter(pk__in=[item.pk for item in items])
        return Response(
            ActionItemSerializer(created, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="A CSV template for uploading items",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="items-template",
        pagination_class=None,
        filterset_class=None,
    )
    def items_template(self, request, slug=None):
        plan = self.get_object()
        response = HttpResponse(template_csv(plan), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}-items.csv"'
        return response

    @extend_schema(
        summary="Every change to the plan and its items, newest first",
        responses=TimelineEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, slug=None):
        timeline = plan_timeline(self.get_object())
        return Response(TimelineEntrySerializer(timeline, many=True).data)


class ActionItemViewSet(VersionedWriteMixin, PortalReadOnlyViewSet):
    """The items of every plan. `overdue=true` finds those past due and still open. A lead
    changes status, progress and note in one PATCH, with If-Match."""

    queryset = ActionItem.objects.for_listing().select_related("source")
    serializer_class = ActionItemSerializer
    write_serializer_class = ActionItemWriteSerializer
    change_permission = "actionplans.change_actionitem"
    filterset_class = ActionItemFilter
    lookup_field = "pk"
    search_fields = ["title", "description", "lead_agency", "partners"]
    ordering_fields = ["due_date", "status", "progress", "title", "last_updated_at", "modified_at"]
    ordering = ["plan__slug", "theme__order", "order", "id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @extend_schema(request=ActionItemWriteSerializer, responses={201: ActionItemSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ActionItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        note = values.pop("note", "")
        plan = values.pop("plan", None)
        if plan is None:
            raise ValidationError({"plan": ["This field is required."]})
        values["theme"] = self.theme_of(plan, values["theme"])
        item = services.action_item_create(
            plan=plan, acting_user=request.user, fields=values, note=note
        )
        return self.written(item, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[IF_MATCH], request=ActionItemWriteSerializer, responses=ActionItemSerializer
    )
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(
        parameters=[IF_MATCH], request=ActionItemWriteSerializer, responses=ActionItemSerializer
    )
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_change(self, item, version, values, note):
        if "plan" in values and values.pop("plan") != item.plan:
            raise ValidationError({"plan": ["An item cannot move to another plan."]})
        if "theme" in values:
            values["theme"] = self.theme_of(item.plan, values["theme"])
        return services.action_item_update(
            item=item,
            acting_user=self.request.user,
            expected_version=version,
            changes=values,
            note=note,
        )

    @staticmethod
    def theme_of(plan, slug):
        theme = Theme.objects.filter(framework=plan.framework_id, slug=slug).first()
        if theme is None:
            choices = ", ".join(plan.framework.themes.values_list("slug", flat=True))
            raise ValidationError(
                {
                    "theme": [
                        f"There is no theme “{slug}” in {plan.framework}. Choose from: {choices}."
                    ]
                }
            )
        return theme

    @extend_schema(
        summary="Every change to the item, newest first", responses=ItemChangeSerializer(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        return Response(ItemChangeSerializer(item_history(self.get_object()), many=True).data)
