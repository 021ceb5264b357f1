from http import HTTPStatus

from django.http import HttpResponse
from django.utils import timezone
from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from actionplans import services
from actionplans.bulk import BulkUploadError, action_items_upload, template_csv
from actionplans.history import AsAtError, check_not_future, parse_as_at
from actionplans.models import ActionItem, ActionPlan, Framework, Theme
from actionplans.selectors import (
    ACTION_ITEM_LISTING,
    ACTION_PLAN_LISTING,
    FRAMEWORK_LISTING,
    action_item_list,
    action_plan_list,
    framework_list,
    item_history,
    items_of_plans_as_at,
    plan_as_at,
    plan_timeline,
)
from core.api.concurrency import VersionedWriteMixin, versioned_writes
from core.api.csv import csv_lines, serializer_columns
from core.api.filters import ordering_from, search_terms
from core.api.views import PortalReadOnlyViewSet, csv_response, record_action

from .serializers import (
    ACTION_ITEM_COLUMNS,
    ActionItemAsAtSerializer,
    ActionItemSerializer,
    ActionItemWriteSerializer,
    ActionPlanDetailSerializer,
    ActionPlanSerializer,
    ActionPlanWriteSerializer,
    FrameworkSerializer,
    ItemChangeSerializer,
    TimelineEntrySerializer,
    action_item_summaries,
)

# --- as_at: records as they stood on a day (docs/decisions/0010) ---------------------------


def requested_as_at(request):
    """The day asked for with as_at=YYYY-MM-DD, or None; malformed or future is a 400."""
    try:
        day = parse_as_at(request.query_params.get("as_at"))
        if day is not None:
            check_not_future(day, timezone.localdate())
    except AsAtError as error:
        raise refused_as_at(error) from error
    return day


def refused_as_at(error):
    """A 400 naming as_at: malformed, in the future, or before the portal's record of the
    plans concerned."""
    return ValidationError({"as_at": [f"{error.message}."]})


AS_AT_PLAN = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    description="A day, YYYY-MM-DD, today or earlier: the plan as it stood at the end of that "
    "day (Europe/London), rebuilt from its history, with item_count then. A day before the "
    "portal's record of the plan (its source's publication, or its creation in the portal) "
    "is a 400.",
)
AS_AT_ITEMS = OpenApiParameter(
    "as_at",
    OpenApiTypes.DATE,
    description="A day, YYYY-MM-DD, today or earlier: the items as they stood at the end of "
    "that day (Europe/London), rebuilt from their history; items added later are absent. "
    "The filters, q and ordering apply to the items as they were then; modified_after "
    "cannot be combined with it. A day before the portal's record of the plans concerned "
    "is a 400.",
)


def _value(record, path):
    for name in path.split("__"):
        record = getattr(record, name)
    return record


def order_records(records, ordering):
    """Sort like the database would for ``ordering`` ("-due_date", "theme__order" …):
    empty values last ascending and first descending, as PostgreSQL does."""
    records = list(records)
    for name in reversed(ordering):
        path = name.lstrip("-")

        def key(record, path=path):
            value = _value(record, path)
            return (value is None, 0 if value is None else value)

        records.sort(key=key, reverse=name.startswith("-"))
    return records


def _matches(item, values, terms, fields, day):
    """Whether an item as it stood on ``day`` passes the list's filters and search."""
    checks = [
        not values.get("theme") or item.theme.slug == values["theme"],
        not values.get("status") or item.status == values["status"],
        not values.get("lead_agency") or values["lead_agency"].lower() in item.lead_agency.lower(),
        not values.get("overdue") or item.is_overdue(day) == (values["overdue"] == "true"),
        not values.get("due_before")
        or (item.due_date is not None and item.due_date <= values["due_before"]),
        not values.get("due_after")
        or (item.due_date is not None and item.due_date >= values["due_after"]),
    ]
    texts = [(getattr(item, name) or "").lower() for name in fields]
    return all(checks) and all(any(term.lower() in text for text in texts) for term in terms)


class FrameworkViewSet(PortalReadOnlyViewSet):
    """Frameworks of ordered themes that plans are organised under."""

    queryset = Framework.objects.select_related("owner", "source").prefetch_related("themes")
    serializer_class = FrameworkSerializer
    list_selector = framework_list
    listing = FRAMEWORK_LISTING


class DraftsHiddenMixin:
    """Another borough's draft plan, and its items, are not found, for reading and writing
    alike. A list is left as it is: its selector (list_selector) narrows it already."""

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.action == "list" else queryset.visible_to(self.request.user)


class ChangePermissionMixin:
    """Leads change only their own borough's plans and items."""

    change_permission: str

    def why_not_change(self, instance):
        if not self.request.user.has_perm(self.change_permission, instance):
            return "You cannot change this: it belongs to another borough."
        return None

    @staticmethod
    def change_values(serializer):
        """The fields to change, and the note that goes with the change."""
        values = dict(serializer.validated_data)
        return values, values.pop("note", "")


@versioned_writes(request=ActionPlanWriteSerializer, response=ActionPlanSerializer)
class ActionPlanViewSet(
    DraftsHiddenMixin, ChangePermissionMixin, VersionedWriteMixin, PortalReadOnlyViewSet
):
    """Boroughs' and partnerships' knife-crime action plans. Leads create and change their
    own borough's plans; a change needs If-Match with the plan's ETag."""

    queryset = ActionPlan.objects.select_related(
        "borough", "partnership", "framework", "source"
    ).with_item_count()
    serializer_class = ActionPlanSerializer
    write_serializer_class = ActionPlanWriteSerializer
    change_permission = "actionplans.change_actionplan"
    list_selector = action_plan_list
    listing = ACTION_PLAN_LISTING

    @property
    def extra_parameters(self):
        return ("as_at",) if self.action == "retrieve" else ()

    @extend_schema(parameters=[AS_AT_PLAN], responses=ActionPlanDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        day = requested_as_at(request)
        if day is None:
            return super().retrieve(request, *args, **kwargs)
        try:
            then = plan_as_at(self.get_object(), day)
        except AsAtError as error:
            raise refused_as_at(error) from error
        if not request.user.has_perm("actionplans.view_actionplan", then.plan):
            # Public now, but a draft then: only its borough's staff saw it as it stood.
            raise ValidationError(
                {"as_at": ["On that day the plan was a draft, which only its borough can see."]}
            )
        then.plan.item_count = len(then.items)
        # No ETag: a plan as it stood on an earlier day is not a version to change from.
        return Response(
            ActionPlanDetailSerializer(then.plan, context=self.get_serializer_context()).data
        )

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

    def perform_change(self, plan, version, serializer):
        values, note = self.change_values(serializer)
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
    @record_action(
        methods=["post"],
        url_path="items-upload",
        filter_backends=[],
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
        responses={(HTTPStatus.OK, "text/csv"): OpenApiTypes.STR},
    )
    @record_action(methods=["get"], url_path="items-template")
    def items_template(self, request, slug=None):
        plan = self.get_object()
        response = HttpResponse(template_csv(plan), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}-items.csv"'
        return response

    @extend_schema(
        summary="Every change to the plan and its items, newest first",
        responses=TimelineEntrySerializer(many=True),
    )
    @record_action(methods=["get"], filter_backends=[], renderer_classes=[ORJSONRenderer])
    def history(self, request, slug=None):
        timeline = plan_timeline(self.get_object())
        return Response(TimelineEntrySerializer(timeline, many=True).data)


@versioned_writes(request=ActionItemWriteSerializer, response=ActionItemSerializer)
class ActionItemViewSet(
    DraftsHiddenMixin, ChangePermissionMixin, VersionedWriteMixin, PortalReadOnlyViewSet
):
    """The items of every plan. `overdue=true` finds those past due and still open. A lead
    changes status, progress and note in one PATCH, with If-Match."""

    queryset = ActionItem.objects.for_listing().select_related("source")
    serializer_class = ActionItemSerializer
    write_serializer_class = ActionItemWriteSerializer
    change_permission = "actionplans.change_actionitem"
    list_selector = action_item_list
    listing = ACTION_ITEM_LISTING
    lookup_field = "pk"

    @property
    def extra_parameters(self):
        return ("as_at",) if self.action == "list" else ()

    @extend_schema(parameters=[AS_AT_ITEMS], responses=ActionItemAsAtSerializer(many=True))
    def list(self, request, *args, **kwargs):
        day = requested_as_at(request)
        if day is None and request.accepted_renderer.format == "csv":
            return super().list(request, *args, **kwargs)
        if day is None:
            # A page of values(): ActionItemSerializer's JSON without a model instance per
            # item, plan, borough, theme and updater.
            listed = action_item_list(filters=request.query_params, user=request.user)
            page = self.paginate_queryset(listed.values(*ACTION_ITEM_COLUMNS))
            return self.get_paginated_response(action_item_summaries(page))
        items = self.items_as_at(request, day)
        context = {**self.get_serializer_context(), "today": day}
        if request.accepted_renderer.format == "csv":
            rows = (ActionItemAsAtSerializer(item, context=context).data for item in items)
            header = serializer_columns(ActionItemAsAtSerializer(context=context))
            return csv_response(csv_lines(rows, header), self.csv_filename or self.basename)
        page = self.paginate_queryset(items)
        return self.get_paginated_response(
            ActionItemAsAtSerializer(page, many=True, context=context).data
        )

    def items_as_at(self, request, day):
        """The list as the items stood at the end of ``day``: the plans they belong to are
        chosen in the database (plan, borough), everything that changes over time (theme,
        status, lead agency, due date, overdue, q, ordering) on the items as they were."""
        if "modified_after" in request.query_params:
            raise ValidationError(
                {
                    "modified_after": [
                        "modified_after finds records changed since your last sync; it cannot "
                        "be combined with as_at."
                    ]
                }
            )
        filterset = self.filterset_class(
            request.query_params, queryset=ActionItem.objects.none(), request=request
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        values = filterset.form.cleaned_data
        for name in ("borough", "plan", "theme"):
            if values.get(name):  # a slug that names nothing is a 400, as without as_at
                filterset.filters[name].filter(ActionItem.objects.none(), values[name])
        plans = ActionPlan.objects.visible_to(request.user)
        if values.get("plan"):
            plans = plans.filter(slug=values["plan"])
        if values.get("borough"):
            plans = plans.filter(borough__slug=values["borough"])
        try:
            items = items_of_plans_as_at(plans, day)
        except AsAtError as error:
            raise refused_as_at(error) from error
        readable = {}
        for item in items:
            if item.plan_id not in readable:  # the plan's status then may have been draft
                readable[item.plan_id] = request.user.has_perm(
                    "actionplans.view_actionplan", item.plan
                )
        terms = search_terms(request.query_params.get("q"))
        items = [
            item
            for item in items
            if readable[item.plan_id]
            and _matches(item, values, terms, ACTION_ITEM_LISTING.search_fields, day)
        ]
        ordering = ordering_from(
            request.query_params.get("ordering"),
            valid=set(ACTION_ITEM_LISTING.ordering_fields),
            default=ACTION_ITEM_LISTING.ordering,
        )
        # The default order first, so that ties fall as they do without as_at.
        return order_records(items, [*ordering, *ACTION_ITEM_LISTING.ordering])

    @extend_schema(request=ActionItemWriteSerializer, responses={201: ActionItemSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
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

    def perform_change(self, item, version, serializer):
        values, note = self.change_values(serializer)
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
    @record_action(methods=["get"], filter_backends=[], renderer_classes=[ORJSONRenderer])
    def history(self, request, pk=None):
        return Response(ItemChangeSerializer(item_history(self.get_object()), many=True).data)
