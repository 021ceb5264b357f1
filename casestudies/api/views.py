from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from casestudies import checklist, review, search, selectors, services
from casestudies.models import CaseStudy, Intervention
from casestudies.querysets import sees_drafts
from casestudies.selectors import CaseStudyCriteria, Choice
from core.api.concurrency import VersionedWriteMixin, etag_for, expected_version, versioned_writes
from core.api.views import PortalReadOnlyViewSet, record_action

from .filters import CaseStudyFilter, parsed_query
from .pagination import FacetedPagination
from .serializers import (
    CaseStudySerializer,
    CaseStudySummarySerializer,
    CaseStudyWriteSerializer,
    ChangesSerializer,
    ChecklistSerializer,
    ExternalRatingSerializer,
    InterventionSerializer,
    OutcomeSerializer,
    PublishSerializer,
    ReturnToDraftSerializer,
    case_study_summaries,
)

IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag from your last GET: if given, the step is refused (412) when the "
    "case study has changed since.",
)


class CaseStudySearchResultSerializer(CaseStudySummarySerializer):
    """A case study in the list: its summary and link; with q, how relevant it is and a
    snippet of its text."""

    rank = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()

    class Meta(CaseStudySummarySerializer.Meta):
        fields = [*CaseStudySummarySerializer.Meta.fields, "rank", "snippet"]

    @extend_schema_field(
        serializers.FloatField(
            allow_null=True,
            help_text="How relevant to q, higher first; only comparable within one list "
            "(the scale differs between databases). Null without q.",
        )
    )
    def get_rank(self, case_study):
        rank = getattr(case_study, "search_rank", None)
        return None if rank is None else round(float(rank), 6)

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="HTML: the text around the words found, escaped, each match in "
            "<mark>. Null without q.",
        )
    )
    def get_snippet(self, case_study):
        parsed = self.context.get("search")
        if not parsed:
            return None
        return str(search.snippet(case_study, search.CASE_STUDIES, parsed))


@versioned_writes(request=CaseStudyWriteSerializer, response=CaseStudySerializer, noun="case study")
class CaseStudyViewSet(VersionedWriteMixin, PortalReadOnlyViewSet):
    """Case studies of practice: published ones for everyone, drafts for those allowed.

    Officers and leads create drafts for their own boroughs (POST), change them while they
    are drafts (PATCH or PUT with If-Match) and submit them for review; editors change any
    case study, send it back to draft, publish and unpublish. Sections are Markdown."""

    serializer_class = CaseStudySerializer
    pagination_class = FacetedPagination
    write_serializer_class = CaseStudyWriteSerializer
    list_selector = selectors.case_study_list
    listing = selectors.CASE_STUDY_LISTING

    def get_queryset(self):
        if self.action == "list":
            # Its CSV: whole records. A JSON page reads values() (see list).
            return super().get_queryset().for_record()
        return CaseStudy.objects.visible_to(self.request.user).for_record()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return super().get_serializer_class()
        renderer = getattr(self.request, "accepted_renderer", None)
        if self.action == "list" and getattr(renderer, "format", None) != "csv":
            return CaseStudySearchResultSerializer
        return super().get_serializer_class()

    def facets(self):
        """The facets' counts for this request, and how many results there are: one
        query. Each facet counts with q and every filter but its own."""
        params = self.request.query_params.copy()
        criteria = CaseStudyCriteria(
            **{
                field: tuple(Choice(value, value) for value in params.getlist(name) if value)
                for name, field in (
                    ("borough", "boroughs"),
                    ("region", "regions"),
                    ("approach", "approaches"),
                    ("category", "categories"),
                    ("funding_stream", "funding_streams"),
                    ("year", "years"),
                    ("evidence_level", "evidence_levels"),
                    ("evaluation_design", "designs"),
                    ("outcome_type", "outcome_types"),
                    ("setting", "settings"),
                    ("cost_band", "cost_bands"),
                )
            }
        )
        for name in CaseStudyFilter.FACETS:
            params.pop(name, None)
        visible = CaseStudy.objects.visible_to(self.request.user)
        others = CaseStudyFilter(params, queryset=visible, request=self.request)
        parsed = parsed_query(self.request)
        searched = search.matching(others.qs, self.listing.searchable, parsed)
        facets, total = selectors.case_study_facets(
            searched=searched,
            criteria=criteria,
            everything_visible=not any(params.get(name) for name in others.filters),
            drafts_visible=sees_drafts(self.request.user),
            query=parsed,
        )
        # A facet given twice filters by either value, as its counts count them: the
        # facets' total is the list's count.
        return facets, total

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            return super().list(request, *args, **kwargs)
        listed = selectors.case_study_list(filters=request.query_params, user=request.user)
        facets, total = self.facets()
        parsed = parsed_query(request)
        columns = selectors.SUMMARY_COLUMNS
        if parsed:
            columns = (*columns, "search_rank", *search.CASE_STUDIES.snippet_fields)
        page = self.paginator.with_facets(facets, total).paginate_queryset(
            listed.values(*columns), request, view=self
        )
        links = selectors.case_study_summary_links(
            [row["pk"] for row in page],
            outcome_fields=OutcomeSerializer.Meta.fields,
            rating_fields=ExternalRatingSerializer.Meta.fields,
        )
        data = case_study_summaries(page, links, request=request, query=parsed)
        return self.paginator.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        data = CaseStudySerializer(instance, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": etag_for(instance)})

    def read_back(self, pk):
        # Read back as the API shows it; not through visible_to, which could hide what an
        # editor has just unpublished from the editor's own answer.
        return CaseStudy.objects.for_record().get(pk=pk)

    @extend_schema(request=CaseStudyWriteSerializer, responses={201: CaseStudySerializer})
    def create(self, request, *args, **kwargs):
        if not services.may_draft(request.user):
            raise PermissionDenied(
                "You can draft case studies only for a borough where you are an officer or lead."
            )
        serializer = CaseStudyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.model_values()
        case_study = services.case_study_create_draft(acting_user=request.user, **values)
        return self.written(case_study, status.HTTP_201_CREATED)

    def why_not_change(self, instance):
        return services.why_not_change(self.request.user, instance)

    def perform_change(self, instance, version, serializer):
        return services.case_study_update(
            case_study=instance,
            acting_user=self.request.user,
            expected_version=version,
            changes=serializer.model_values(),
        )

    def transition(self, step, **values):
        instance = self.get_object()
        version = (
            expected_version(self.request, instance)
            if self.request.headers.get("If-Match")
            else None
        )
        saved = step(
            case_study=instance,
            acting_user=self.request.user,
            expected_version=version,
            **values,
        )
        return self.written(saved)

    @extend_schema(
        summary="Submit a draft for review (its borough's officers and leads, editors)",
        request=None,
        parameters=[IF_MATCH_OPTIONAL],
        responses=CaseStudySerializer,
    )
    @record_action(methods=["post"])
    def submit(self, request, slug=None):
        return self.transition(services.case_study_submit_for_review)

    @extend_schema(
        summary="Publish a case study in review, confirming its checklist (editors)",
        description="Each open point of the publishing checklist (GET …/checklist/) must be "
        "confirmed by its code in `confirmed`, or the publication is refused (400) naming "
        "those left; the points confirmed are recorded with it.",
        request=PublishSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses=CaseStudySerializer,
    )
    @record_action(methods=["post"])
    def publish(self, request, slug=None):
        # Who may publish is asked before the body is judged (by the service).
        data = request.data if hasattr(request.data, "get") else {}
        return self.transition(services.case_study_publish, confirmed=data.get("confirmed"))

    @extend_schema(
        summary="What changed since the last review (sent back, published or unpublished), "
        "field by field",
        responses=ChangesSerializer,
    )
    @record_action(methods=["get"])
    def changes(self, request, slug=None):
        case_study = self.get_object()
        last = selectors.last_review_step(case_study, *review.REVIEWED)
        changes = review.changes_since_review(case_study, last)
        return Response(
            {
                "since": None
                if last is None
                else {
                    "step": last.kind,
                    "at": last.at,
                    "by": last.actor.display_name if last.actor else None,
                    "reason": last.reason,
                },
                "changes": [
                    {
                        "field": change.field,
                        "label": change.label,
                        "before": change.before,
                        "after": change.after,
                    }
                    for change in changes or []
                ],
            }
        )

    @extend_schema(
        summary="What is missing or unverified before publishing: the checklist",
        responses=ChecklistSerializer,
    )
    @record_action(methods=["get"])
    def checklist(self, request, slug=None):
        points = checklist.open_points(self.get_object())
        return Response({"open_points": [point.as_dict() for point in points]})

    @extend_schema(
        summary="Take a published case study back to draft (editors)",
        request=None,
        parameters=[IF_MATCH_OPTIONAL],
        responses=CaseStudySerializer,
    )
    @record_action(methods=["post"])
    def unpublish(self, request, slug=None):
        return self.transition(services.case_study_unpublish)

    @extend_schema(
        summary="Send a case study in review back to draft, with the reason (editors)",
        description="The reason is required; the author reads it on the draft and is told "
        "by e-mail and on their /my/ page.",
        request=ReturnToDraftSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses=CaseStudySerializer,
    )
    @record_action(methods=["post"], url_path="return-to-draft")
    def return_to_draft(self, request, slug=None):
        # Who may send it back is asked before the reason is checked (by the service), so
        # the request body of someone who may not is never judged.
        data = request.data if hasattr(request.data, "get") else {}
        reason = data.get("reason")
        return self.transition(
            services.case_study_return_to_draft,
            reason=reason if isinstance(reason, str) else "",
        )


class InterventionViewSet(PortalReadOnlyViewSet):
    """Programmes and practices, with their providers and evidence."""

    queryset = (
        Intervention.objects.for_listing()
        .select_related("source")
        .prefetch_related("external_ratings")
    )
    serializer_class = InterventionSerializer
    list_selector = selectors.intervention_list
    listing = selectors.INTERVENTION_LISTING

    def get_queryset(self):
        # Each intervention's headline outcomes, from the case studies that report them.
        return super().get_queryset().prefetch_related(selectors.reported_outcomes())
