from django.contrib import admin

from .models import Approach, CaseStudy, Intervention, Outcome, Setting


@admin.register(Approach)
class ApproachAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "prevention_level", "age_range_display", "evidence_rating")
    list_filter = ("category", "prevention_level", "evidence_rating", "settings")
    search_fields = ("name", "description", "providers__name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("settings", "providers")


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ("order", "metric", "value", "unit", "direction", "baseline", "period", "quote")


@admin.register(CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "year", "partnership", "modified_at")
    list_filter = ("status", "year", "approaches", "boroughs__region", "source")
    search_fields = ("title", "summary", "challenge", "solution", "impact", "boroughs__name")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("boroughs", "approaches", "settings", "interventions", "awards")
    autocomplete_fields = ("partnership",)
    list_select_related = ("partnership",)
    inlines = [OutcomeInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "status", "published_at", "year")}),
        (
            "Where and who",
            {"fields": ("boroughs", "partnership", "min_age", "max_age", "settings")},
        ),
        (
            "The case study",
            {"fields": ("challenge", "solution", "impact", "lessons_learned", "sustainability")},
        ),
        ("Practice and funding", {"fields": ("approaches", "interventions", "awards")}),
        (
            "Contact",
            {
                "fields": (
                    "contact_name",
                    "contact_role",
                    "contact_organisation",
                    "contact_email",
                    "contact_phone",
                )
            },
        ),
        ("Source", {"fields": ("source", "source_section")}),
    )
