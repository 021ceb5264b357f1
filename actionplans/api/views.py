from django.db.models import Count

from actionplans.models import ActionItem, ActionPlan, Framework
from boroughs.api.conventions.views import PortalReadOnlyViewSet

from .filters import ActionItemFilter, ActionPlanFilter, FrameworkFilter
from .serializers import ActionItemSerializer, ActionPlanSerializer, FrameworkSerializer


class FrameworkViewSet(PortalReadOnlyViewSet):
    """Frameworks of ordered themes that plans are organised under."""

    queryset = Framework.objects.select_related("owner", "source").prefetch_related("themes")
    serializer_class = FrameworkSerializer
    filterset_class = FrameworkFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "modified_at"]
    ordering = ["name"]


class ActionPlanViewSet(PortalReadOnlyViewSet):
    """Boroughs' and partnerships' knife-crime action plans."""

    queryset = ActionPlan.objects.select_related(
        "borough", "partnership", "framework", "source"
    ).annotate(item_count=Count("items"))
    serializer_class = ActionPlanSerializer
    filterset_class = ActionPlanFilter
    search_fields = ["title", "borough__name", "overseen_by"]
    ordering_fields = ["title", "last_refreshed_on", "status", "modified_at"]
    ordering = ["borough__name", "title"]


class ActionItemViewSet(PortalReadOnlyViewSet):
    """The items of every plan; `overdue=true` finds those past due and still open."""

    queryset = ActionItem.objects.for_listing().select_related("source")
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    lookup_field = "pk"
    search_fields = ["title", "description", "lead_agency", "partners"]
    ordering_fields = ["due_date", "status", "progress", "title", "last_updated_at", "modified_at"]
    ordering = ["plan__slug", "theme__order", "order", "id"]
