from boroughs.api.conventions.views import PortalReadOnlyViewSet
from casestudies.models import CaseStudy, Intervention

from .filters import CaseStudyFilter, InterventionFilter
from .serializers import CaseStudySerializer, InterventionSerializer


class CaseStudyViewSet(PortalReadOnlyViewSet):
    """Case studies of practice: published ones for everyone, drafts for those allowed."""

    serializer_class = CaseStudySerializer
    filterset_class = CaseStudyFilter
    search_fields = [
        "title",
        "summary",
        "challenge",
        "solution",
        "impact",
        "lessons_learned",
        "boroughs__name",
    ]
    ordering_fields = ["title", "year", "published_at", "modified_at"]
    ordering = ["title"]

    def get_queryset(self):
        return (
            CaseStudy.objects.visible_to(self.request.user)
            .select_related("partnership", "source")
            .prefetch_related(
                "boroughs", "approaches", "settings", "interventions", "awards", "outcomes"
            )
        )


class InterventionViewSet(PortalReadOnlyViewSet):
    """Programmes and practices, with their providers and evidence."""

    queryset = Intervention.objects.for_listing().select_related("source")
    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter
    search_fields = ["name", "description", "providers__name"]
    ordering_fields = ["name", "category", "prevention_level", "modified_at"]
    ordering = ["name"]
