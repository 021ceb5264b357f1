from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .dated_figures import dated_figures_outdate
from .models import ActionItem, ActionPlan, Framework, StatusUpdate, Theme


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ("order", "name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "owner")
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ThemeInline]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ("theme", "title", "lead_agency", "due_date", "status", "progress")
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the themes of the plan being edited.
        if db_field.name == "theme" and request.resolver_match.kwargs.get("object_id"):
            plan = ActionPlan.objects.filter(pk=request.resolver_match.kwargs["object_id"]).first()
            if plan is not None:
                kwargs["queryset"] = Theme.objects.filter(framework=plan.framework)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "borough", "framework", "status", "scope", "last_refreshed_on")
    list_filter = ("status", "scope", "framework", "borough__region")
    search_fields = ("title", "borough__name", "overseen_by")
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ("borough", "framework")
    autocomplete_fields = ("borough", "partnership")
    readonly_fields = ("version",)
    inlines = [ActionItemInline]


class StatusUpdateInline(admin.TabularInline):
    model = StatusUpdate
    extra = 0
    can_delete = False
    fields = (
        "changed_at",
        "changed_by",
        "from_status",
        "to_status",
        "from_progress",
        "to_progress",
        "note",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "plan", "theme", "lead_agency", "due_date", "status", "progress")
    list_filter = ("status", "plan__borough", "theme__framework")
    search_fields = ("title", "description", "lead_agency", "partners")
    list_select_related = ("plan", "theme")
    readonly_fields = ("version", "last_updated_by", "last_updated_at")
    inlines = [StatusUpdateInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "plan" in form.changed_data:
            # The item's history goes with it: the plan it left counts it on no day.
            dated_figures_outdate([form.initial["plan"]])


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    """History is read-only here: it is written by the services, never edited or deleted."""

    list_display = ("item", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = ("to_status",)
    search_fields = ("item__title", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
