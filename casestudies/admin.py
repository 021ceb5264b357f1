from typing import ClassVar

from django.contrib import admin
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from simple_history.admin import SimpleHistoryAdmin

from .evidence import level_of
from .models import Approach, CaseStudy, ExternalRating, Intervention, Outcome, Setting

#: How a record was evaluated; the level is derived from these (casestudies.evidence).
EVIDENCE_FIELDSET = (
    "Evidence",
    {
        "fields": (
            "evaluation_status",
            "evaluated_by",
            "evaluation_design",
            "evidence_quote",
            "evidence_section",
            "strength_of_evidence",
        ),
        "description": format_lazy(
            "The strength of evidence is derived from the status, who evaluated it and the "
            'design by the rule on the <a href="{}">methodology page</a>; it is shown here '
            "once saved. Where the source says nothing, leave “No evaluation reported”.",
            reverse_lazy("casestudies:methodology"),
        ),
    },
)


COST_FIELDSET = (
    "Cost",
    {
        "fields": (
            "cost_per_participant",
            "cost_quote",
            "cost_benefit_ratio",
            "cost_benefit_quote",
            "cost_band",
        ),
        "description": "Only what the source states, with its sentence. The band follows "
        "from the cost per participant.",
    },
)


class EvidenceAdminMixin:
    readonly_fields: ClassVar[list[str] | tuple[str, ...]] = ("strength_of_evidence", "cost_band")

    @admin.display(description="Strength of evidence", ordering="evidence_level")
    def strength_of_evidence(self, record):
        if record.pk is None:
            return "Derived when saved"
        level = level_of(record)
        return f"Level {level.number}: {level.name}"


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


class ExternalRatingInline(admin.TabularInline):
    """Ratings others publish, each on its own scale (the methodology page's crosswalk)."""

    model = ExternalRating
    extra = 0
    fields = ("scheme", "scale", "value", "rated_on", "url", "note")


@admin.register(Intervention)
class InterventionAdmin(EvidenceAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "prevention_level",
        "age_range_display",
        "strength_of_evidence",
    )
    list_filter = (
        "category",
        "prevention_level",
        "evidence_level",
        "evaluation_design",
        "settings",
    )
    search_fields = ("name", "description", "providers__name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("settings", "providers")
    inlines = [ExternalRatingInline]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ("order", "metric", "value", "unit", "direction", "baseline", "period", "quote")


@admin.register(CaseStudy)
class CaseStudyAdmin(EvidenceAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "status", "year", "partnership", "strength_of_evidence", "modified_at")
    list_filter = ("status", "year", "evidence_level", "approaches", "boroughs__region", "source")
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
        (
            "Practice and funding",
            {"fields": ("approaches", "interventions", "awards", "no_measured_outcome")},
        ),
        EVIDENCE_FIELDSET,
        COST_FIELDSET,
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
