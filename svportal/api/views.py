"""Analyst endpoints that span apps: borough summary, compare, and the 360Giving export."""

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from actionplans.api.views import refused_as_at, requested_as_at
from actionplans.history import AsAtError
from boroughs.models import Borough, Region
from core.api.answers import SignedInAnswersMixin
from core.api.csv import csv_lines
from core.api.filters import check_known_parameters
from core.api.pagination import PortalPagination, kept_count
from core.api.views import csv_response
from funding.api.filters import AwardFilter
from funding.models import Award
from funding.selectors import recipient_boroughs_by_award
from svportal.api.filters import BoroughSummaryFilter
from svportal.api.serializers import (
    BoroughSummaryAsAtSerializer,
    BoroughSummarySerializer,
    summary_csv_row,
    summary_data,
)
from svportal.grants360 import (
    BOROUGH_COLUMNS,
    GRANT_COLUMNS,
    grant_from_values,
    grants_package,
    package_of,
)
from svportal.selectors import (
    borough_summaries,
    borough_summary_list,
    compare_boroughs,
)

MIN_COMPARED, MAX_COMPARED = 2, 4

AS_AT_DESCRIPTION = (
    "A day, YYYY-MM-DD, today or earlier: plans and their items as they stood at the end of "
    "that day (Europe/London), rebuilt from their history. Case studies, awards and "
    "interventions have no history and are as they stand now. A day before the portal's "
    "record of the plans concerned (e.g. before 2019-09-10 for Westminster) is a 400."
)


def as_at_parameter(description=AS_AT_DESCRIPTION):
    return OpenApiParameter("as_at", OpenApiTypes.DATE, description=description)


class AnalystView(SignedInAnswersMixin, APIView):
    """JSON or CSV (?format=csv); parameters it does not know are a 400."""

    common_parameters = {"format"}
    extra_parameters: tuple[str, ...] = ()
    filterset_class: type[django_filters.FilterSet] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_known_parameters(request, self)

    def respond(self, data, csv_rows, filename):
        if self.request.accepted_renderer.format == "csv":
            return csv_response(csv_lines(csv_rows), filename)
        return Response(data)


class BoroughSummaryView(AnalystView):
    """A row per borough: active plan, items by status, % complete, overdue items, last
    plan update, published case studies, awards and their total, interventions in use.
    With as_at, the plan figures are as they stood at the end of that day."""

    filterset_class = BoroughSummaryFilter
    extra_parameters = ("as_at",)

    @extend_schema(
        parameters=[
            OpenApiParameter("region", str, enum=Region.values),
            OpenApiParameter("kind", str, enum=Borough.Kind.values),
            as_at_parameter(),
        ],
        responses=BoroughSummaryAsAtSerializer(many=True),
    )
    def get(self, request):
        day = requested_as_at(request)
        boroughs = borough_summary_list(filters=request.query_params, user=request.user)
        try:
            summaries = borough_summaries(boroughs, as_at=day)
        except AsAtError as error:
            raise refused_as_at(error) from error
        return self.respond(
            [summary_data(summary) for summary in summaries],
            (summary_csv_row(summary) for summary in summaries),
            "borough-summary",
        )


class ComparedBoroughSerializer(BoroughSummarySerializer):
    themes_covered = serializers.ListField(child=serializers.CharField())
    approaches = serializers.ListField(child=serializers.CharField())
    interventions = serializers.ListField(child=serializers.CharField())
    unique_interventions = serializers.ListField(child=serializers.CharField())


class ComparisonSerializer(serializers.Serializer):
    as_at = serializers.DateField(
        allow_null=True,
        help_text="The day asked for with as_at: plans and items are as they stood at the end "
        "of it. Null when they are as they stand now.",
    )
    boroughs = ComparedBoroughSerializer(many=True)
    interventions_in_common = serializers.ListField(child=serializers.CharField())


class CompareView(AnalystView):
    """Two to four boroughs side by side, with the themes, approaches and interventions
    they share and those unique to each; with as_at, their plans as they stood that day."""

    extra_parameters = ("boroughs", "as_at")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "boroughs",
                str,
                required=True,
                description="Two to four borough slugs, comma-separated: westminster,lambeth",
            ),
            as_at_parameter(),
        ],
        responses=ComparisonSerializer,
    )
    def get(self, request):
        day = requested_as_at(request)
        boroughs = self.requested_boroughs(request.query_params.get("boroughs", ""))
        try:
            comparison = compare_boroughs(boroughs, as_at=day)
        except AsAtError as error:
            raise refused_as_at(error) from error
        entries = []
        for summary in comparison.summaries:
            pk = summary.borough.pk
            summary.themes_covered = comparison.themes_covered[pk]
            summary.approaches = comparison.approaches[pk]
            summary.interventions = sorted(comparison.interventions[pk].values(), key=str.lower)
            summary.unique_interventions = comparison.unique_interventions(pk)
            entries.append(summary)
        data = ComparisonSerializer(
            {
                "as_at": comparison.as_at,
                "boroughs": entries,
                "interventions_in_common": comparison.interventions_in_common,
            }
        ).data
        csv_rows = (
            {
                **summary_csv_row(summary),
                **{
                    "themes_covered": summary.themes_covered,
                    "approaches": summary.approaches,
                    "interventions": summary.interventions,
                    "unique_interventions": summary.unique_interventions,
                    "interventions_in_common": comparison.interventions_in_common,
                },
            }
            for summary in entries
        )
        return self.respond(data, csv_rows, "compare")

    @staticmethod
    def requested_boroughs(raw):
        slugs = [slug.strip() for slug in raw.split(",") if slug.strip()]
        if len(set(slugs)) != len(slugs):
            raise ValidationError({"boroughs": ["Name each borough once."]})
        if not MIN_COMPARED <= len(slugs) <= MAX_COMPARED:
            raise ValidationError(
                {
                    "boroughs": [
                        f"Choose from {MIN_COMPARED} to {MAX_COMPARED} boroughs, "
                        "as slugs separated by commas: westminster,lambeth."
                    ]
                }
            )
        found = {borough.slug: borough for borough in Borough.objects.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValidationError(
                {"boroughs": [f"There is no borough “{slug}”." for slug in missing]}
            )
        return [found[slug] for slug in slugs]


class GrantsPagination(PortalPagination):
    """Pages of grants, 100 to a page unless asked for another size (up to 500), linked by
    `next`."""

    page_size = 100


class Grants360View(AnalystView):
    """Awards as a 360Giving Data Standard package, a page at a time: each page is a valid
    package whose `next` (also a `Link: rel="next"` header) is the address of the next
    page, null on the last; `previous` likewise. The whole package in one file is the
    360Giving JSON export. Only awards whose amount and award date the sources state can be
    grants in the standard; the package says how many others there are. Takes the awards
    list's filters; ?format=csv gives every grant."""

    filterset_class = AwardFilter
    extra_parameters = ("page", "page_size")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "page",
                OpenApiTypes.INT,
                description="A page number, from 1.",
            ),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description="Grants a page, 1–500 (100)."
            ),
        ],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
        },
    )
    def get(self, request):
        filterset = AwardFilter(request.query_params, queryset=Award.objects.for_listing())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        awards = filterset.qs.order_by("slug")
        issued = timezone.now()
        prefix = settings.GRANTS_360_IDENTIFIER_PREFIX
        paginator = GrantsPagination()
        if request.accepted_renderer.format == "csv":
            # Every grant, but a malformed page or page_size is still refused, as on lists.
            paginator.check_parameters(request)
            package = grants_package(awards, prefix=prefix, issued=issued)
            return self.respond(package, iter(package["grants"]), "awards-360giving")
        grantable = Q(amount__isnull=False, awarded_on__isnull=False)
        left_out = kept_count(awards.exclude(grantable))
        # A page of values() and its awards' boroughs as values: no model instance per
        # award, stream, funder, recipient and borough.
        page = paginator.paginate_queryset(
            awards.filter(grantable).prefetch_related(None).values(*GRANT_COLUMNS),
            request,
            view=self,
        )
        boroughs = recipient_boroughs_by_award([row["pk"] for row in page], columns=BOROUGH_COLUMNS)
        grants = [
            grant_from_values(row, boroughs.get(row["pk"], []), prefix=prefix) for row in page
        ]
        package = package_of(grants, issued=issued, left_out=left_out)
        package["next"] = paginator.get_next_link()
        package["previous"] = paginator.get_previous_link()
        headers = {"Link": f'<{package["next"]}>; rel="next"'} if package["next"] else {}
        return Response(package, headers=headers)
