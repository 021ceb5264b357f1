import django_filters
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan, Framework, ItemStatus, Theme
from boroughs.models import Borough
from core.api.filters import (
    ExistingSlugFilter,
    PortalFilterSet,
    StrictBooleanFilter,
)


class FrameworkFilter(PortalFilterSet):
    owner = ExistingSlugFilter(
        field_name="owner__slug", model=Borough, label="Owning borough slug."
    )

    class Meta:
        model = Framework
        fields = ["owner"]


class ActionPlanFilter(PortalFilterSet):
    borough = ExistingSlugFilter(field_name="borough__slug", model=Borough, label="Borough slug.")
    framework = ExistingSlugFilter(
        field_name="framework__slug", model=Framework, label="Framework slug."
    )
    status = django_filters.ChoiceFilter(choices=ActionPlan.Status.choices)

    class Meta:
        model = ActionPlan
        fields = ["borough", "framework", "status"]


class OverdueFilter(StrictBooleanFilter):
    def filter_boolean(self, queryset, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class ActionItemFilter(PortalFilterSet):
    borough = ExistingSlugFilter(
        field_name="plan__borough__slug", model=Borough, label="Borough slug."
    )
    plan = ExistingSlugFilter(
        field_name="plan__slug",
        model=ActionPlan,
        visible_to=ActionPlan.objects.visible_to,
        label="Plan slug.",
    )
    theme = ExistingSlugFilter(field_name="theme__slug", model=Theme, label="Theme slug.")
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices)
    lead_agency = django_filters.CharFilter(
        lookup_expr="icontains", label="Lead agency (part of its name)."
    )
    overdue = OverdueFilter(
        label="true: past due and neither complete nor cancelled; false: the others."
    )
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = ActionItem
        fields = [
            "borough",
            "plan",
            "theme",
            "status",
            "lead_agency",
            "overdue",
            "due_before",
            "due_after",
        ]
