"""Exports: start one (POST), follow its progress, download its file.

Anyone signed in may export what they can read; the file is made in the background. A
status and its file are for the export's owner, and for analysts and editors; to anyone
else they do not exist (404), so an export's id reveals nothing. The list is the user's
own exports.
"""

import json
from http import HTTPStatus

from django.http import FileResponse, QueryDict
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from core.api.filters import check_known_parameters
from core.inputs import query_string_problems, value_problem
from svportal.exports import services
from svportal.exports.selectors import ExportSpecError, exports_downloadable_by, exports_of
from svportal.models import ExportJob

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class ExportSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=ExportJob.Status.choices,
        read_only=True,
        help_text="queued, running, done or failed; expired once the file is deleted.",
    )
    progress = serializers.IntegerField(read_only=True, help_text="Per cent written, 0–100.")
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "url",
            "kind",
            "format",
            "filters",
            "status",
            "progress",
            "rows_written",
            "total_rows",
            "attempts",
            "error",
            "file_size",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        return self._absolute(reverse("api:export-detail", args=[job.pk]))

    def get_download_url(self, job) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        return self._absolute(reverse("api:export-download", args=[job.pk]))

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(
    {
        "oneOf": [
            {"type": "object", "additionalProperties": {"type": "string"}},
            {"type": "string", "example": "borough=westminster&overdue=true"},
        ]
    }
)
class FiltersField(serializers.Field):
    """An object of filter names and values, or the same as a query string."""

    default_error_messages = {
        "invalid": "Give the filters as an object or a query string: borough=westminster."
    }

    def to_internal_value(self, data):
        filters = self._read(data)
        problems = [
            f"{name}: {problem}"
            for name, values in filters.items()
            for value in (values if isinstance(values, list) else [values])
            if isinstance(value, str)
            for problem in [value_problem(name) or value_problem(value)]
            if problem
        ]
        if problems:
            raise serializers.ValidationError(problems)
        return filters

    def _read(self, data):
        if isinstance(data, dict):
            return data
        if not isinstance(data, str):
            self.fail("invalid")
        text = data.strip()
        if text.startswith("{"):  # JSON sent inside a form field
            try:
                parsed = json.loads(text)
            except ValueError:
                self.fail("invalid")
            if not isinstance(parsed, dict):
                self.fail("invalid")
            return parsed
        problems = query_string_problems(text.lstrip("?"))
        if problems:
            raise serializers.ValidationError(
                [f"{name}: {text}" for name, messages in problems.items() for text in messages]
            )
        parsed = QueryDict(text.lstrip("?"))
        return {key: values[0] if len(values) == 1 else values for key, values in parsed.lists()}

    def to_representation(self, value):
        return value


class ExportRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(
        max_length=50,
        help_text="stock-take-summary, stock-take-matrix, borough-summary, action-items, "
        "case-studies or awards.",
    )
    format = serializers.CharField(
        max_length=50,
        help_text="csv, xlsx or json; awards also 360giving-json (a 360Giving package).",
    )
    filters = FiltersField(
        required=False,
        help_text="The filters of the matching API list, as an object "
        '({"borough": "westminster", "overdue": "true"}) or a query string '
        '("borough=westminster&overdue=true"). Stock-take exports need stock_take (a slug).',
    )

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field. Send kind, format and filters."] for name in unknown}
                )
        return super().to_internal_value(data)


class LenientDownloadNegotiation(DefaultContentNegotiation):
    """A download is a file whatever the client's Accept header says."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Exports of portal data as CSV, XLSX or JSON files, made in the background."""

    serializer_class = ExportSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = UUID_PATTERN
    filter_backends = []

    @property
    def common_parameters(self):
        return {"page", "page_size"} if self.action == "list" else set()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_known_parameters(request, self)

    def get_queryset(self):
        if self.action == "list":
            return exports_of(self.request.user)
        return exports_downloadable_by(self.request.user)

    @extend_schema(
        summary="Start an export",
        request=ExportRequestSerializer,
        responses={
            202: ExportSerializer,
            HTTPStatus.TOO_MANY_REQUESTS: OpenApiResponse(
                description="You have too many exports queued or running."
            ),
            HTTPStatus.SERVICE_UNAVAILABLE: OpenApiResponse(
                description="The task queue does not answer: nothing was saved. Try again "
                "after Retry-After seconds."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        body = ExportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            job = services.export_job_create(
                owner=request.user,
                kind=body.validated_data["kind"],
                format=body.validated_data["format"],
                filters=body.validated_data.get("filters") or {},
            )
        except ExportSpecError as error:
            raise ValidationError(error.errors) from error
        job.refresh_from_db()  # with no broker it has already run
        data = ExportSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=HTTPStatus.ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(summary="Your exports, newest first")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="An export's status and progress, and its download address")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Download an export's file",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            HTTPStatus.NOT_FOUND: OpenApiResponse(description="No such export, or not yours."),
            HTTPStatus.CONFLICT: OpenApiResponse(description="Not ready yet, or failed."),
            HTTPStatus.GONE: OpenApiResponse(description="Expired: the file has been deleted."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        content_negotiation_class=LenientDownloadNegotiation,
    )
    def download(self, request, pk=None):
        found = services.export_for_download(request.user, self.kwargs["pk"])
        if found is None:
            raise NotFound()
        return export_file_response(*found)


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def export_file_response(job, stream):
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=job.download_name,
        content_type=CONTENT_TYPES[job.extension],
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
