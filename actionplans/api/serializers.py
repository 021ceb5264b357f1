from django.utils import timezone
from rest_framework import serializers

from actionplans.models import ActionItem, ActionPlan, Framework
from boroughs.api.serializers import BoroughRefSerializer, NamedRefSerializer, SourcedSerializer


class ThemeSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    description = serializers.CharField(read_only=True)


class FrameworkSerializer(SourcedSerializer):
    owner = BoroughRefSerializer(read_only=True, allow_null=True)
    themes = ThemeSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = [
            "slug",
            "name",
            "description",
            "owner",
            "themes",
            "source",
            "source_section",
            "modified_at",
        ]


class PlanRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)


class ActionPlanSerializer(SourcedSerializer):
    borough = BoroughRefSerializer(read_only=True, allow_null=True)
    partnership = NamedRefSerializer(read_only=True, allow_null=True)
    framework = NamedRefSerializer(read_only=True)
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "slug",
            "title",
            "borough",
            "partnership",
            "framework",
            "period_start",
            "period_end",
            "status",
            "scope",
            "overseen_by",
            "last_refreshed_on",
            "last_refreshed_on_precision",
            "item_count",
            "version",
            "source",
            "source_section",
            "modified_at",
        ]


class ActionItemSerializer(SourcedSerializer):
    plan = PlanRefSerializer(read_only=True)
    borough = BoroughRefSerializer(source="plan.borough", read_only=True, allow_null=True)
    theme = NamedRefSerializer(read_only=True)
    is_overdue = serializers.SerializerMethodField()
    last_updated_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "slug",
            "plan",
            "borough",
            "theme",
            "title",
            "description",
            "lead_agency",
            "partners",
            "due_date",
            "status",
            "progress",
            "is_overdue",
            "version",
            "last_updated_by",
            "last_updated_at",
            "source",
            "source_section",
            "modified_at",
        ]

    def get_is_overdue(self, item) -> bool:
        today = self.context.get("today") or timezone.localdate()
        return item.is_overdue(today)
