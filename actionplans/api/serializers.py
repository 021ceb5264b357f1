from typing import Any

from django.utils import timezone
from rest_framework import serializers

from actionplans.models import CLOSED_STATUSES, ActionItem, ActionPlan, Framework, ItemStatus
from boroughs.api.serializers import (
    SOURCE_COLUMNS,
    BoroughRefSerializer,
    NamedRefSerializer,
    SourcedSerializer,
    source_from_values,
)
from boroughs.models import Borough
from core.api.values import ValuesWriter
from core.inputs import TEXT_MAX_LENGTH


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


AS_AT_HELP = (
    "The day asked for with as_at: the record as it stood at the end of that day "
    "(Europe/London). Absent when the record is as it stands now."
)


class ActionPlanDetailSerializer(ActionPlanSerializer):
    """A plan; with as_at, as it stood that day (item_count then too)."""

    as_at = serializers.DateField(required=False, help_text=AS_AT_HELP)

    class Meta(ActionPlanSerializer.Meta):
        fields = [*ActionPlanSerializer.Meta.fields, "as_at"]


class ActionItemSerializer(SourcedSerializer):
    plan = PlanRefSerializer(read_only=True)
    borough = BoroughRefSerializer(source="plan.borough", read_only=True, allow_null=True)
    theme = NamedRefSerializer(read_only=True)
    is_overdue = serializers.SerializerMethodField()
    last_updated_by: serializers.Field = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    status_inferred_from = serializers.CharField(
        read_only=True,
        help_text="Where the source does not state the status: the sentence it is inferred "
        "from. Empty when the status is stated.",
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
            "status_inferred_from",
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


#: How the items list writes an item from values(): the fields that name another record
#: (the record's path, its columns) and those worked out from the row.
_ITEM_ROWS = ValuesWriter(
    ActionItemSerializer,
    references={
        "plan": ("plan", ("slug", "title")),
        "borough": ("plan__borough", tuple(BoroughRefSerializer.Meta.fields)),
        "theme": ("theme", ("slug", "name")),
    },
    computed=("is_overdue", "last_updated_by", "source"),
)
#: What the items list reads of each item: ActionItemSerializer's fields, and the list's
#: order (a cursor reads it from the row).
ACTION_ITEM_COLUMNS = (
    "pk",
    "order",
    "theme__order",
    *_ITEM_ROWS.columns,
    "last_updated_by__username",
    *SOURCE_COLUMNS,
)


def action_item_summaries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of items as ActionItemSerializer writes them, from values() rows of
    ACTION_ITEM_COLUMNS, each value written by the serializer's own field."""
    today = timezone.localdate()

    def is_overdue(row: dict[str, Any]) -> bool:
        due = row["due_date"]
        return due is not None and due < today and row["status"] not in CLOSED_STATUSES

    return _ITEM_ROWS.write(
        rows,
        is_overdue=is_overdue,
        last_updated_by=lambda row: row["last_updated_by__username"],
        source=source_from_values,
    )


class ActionItemAsAtSerializer(ActionItemSerializer):
    """An item; with as_at, as it stood that day (is_overdue on that day too)."""

    as_at = serializers.DateField(required=False, help_text=AS_AT_HELP)

    class Meta(ActionItemSerializer.Meta):
        fields = [*ActionItemSerializer.Meta.fields, "as_at"]


class ChangeSerializer(serializers.Serializer):
    """One entry of history: who, when, what changed from what to what, and why."""

    changed_at = serializers.DateTimeField()
    changed_by = serializers.CharField(
        source="changed_by.username", read_only=True, allow_null=True, default=None
    )
    changes = serializers.DictField(
        child=serializers.DictField(), help_text='Field name → {"from": old, "to": new}.'
    )
    note = serializers.CharField()


#: Why a change's status may be null.
NO_STATUS_HELP = (
    "Null for a change that moves no status, such as to the interventions the item "
    'delivers (changes: {"interventions": {"from": [names], "to": [names]}}).'
)


class ItemChangeSerializer(ChangeSerializer):
    from_status = serializers.CharField(allow_null=True, help_text=NO_STATUS_HELP)
    to_status = serializers.CharField(allow_null=True, help_text=NO_STATUS_HELP)
    from_progress = serializers.IntegerField(allow_null=True)
    to_progress = serializers.IntegerField(allow_null=True)


class TimelineEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["plan", "item"])
    item = serializers.SerializerMethodField()
    change = serializers.SerializerMethodField()

    def get_item(self, entry) -> dict | None:
        if entry["kind"] != "item":
            return None
        item = entry["record"].item
        return {"id": item.pk, "slug": item.slug, "title": item.title}

    def get_change(self, entry) -> dict:
        serializer = ItemChangeSerializer if entry["kind"] == "item" else ChangeSerializer
        return serializer(entry["record"]).data


class VisiblePlanField(serializers.SlugRelatedField):
    """A plan by slug, among those the requesting user may read: another borough's draft is
    as unknown as a plan that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return ActionPlan.objects.visible_to(getattr(request, "user", None))


class ActionItemWriteSerializer(serializers.Serializer):
    """What a lead may send to create or change an item."""

    plan = VisiblePlanField(
        slug_field="slug",
        queryset=ActionPlan.objects.all(),
        required=False,
        help_text="The plan's slug (when creating an item).",
    )
    theme = serializers.SlugField(help_text="A theme of the plan's framework, by slug.")
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    lead_agency = serializers.CharField(required=False, allow_blank=True, max_length=200)
    partners = serializers.CharField(required=False, allow_blank=True, max_length=500)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ItemStatus.choices, required=False)
    progress = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Why: required when an item goes at risk or off track.",
    )


class ActionPlanWriteSerializer(serializers.Serializer):
    borough = serializers.SlugRelatedField(
        slug_field="slug", queryset=Borough.objects.all(), required=False
    )
    framework = serializers.SlugRelatedField(
        slug_field="slug", queryset=Framework.objects.all(), required=False
    )
    title = serializers.CharField(max_length=300)
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ActionPlan.Status.choices, required=False)
    scope = serializers.ChoiceField(choices=ActionPlan.Scope.choices, required=False)
    overseen_by = serializers.CharField(required=False, allow_blank=True, max_length=300)
    last_refreshed_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(
        required=False, allow_blank=True, write_only=True, max_length=TEXT_MAX_LENGTH
    )
