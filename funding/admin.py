from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Award, Funder, FundingStream


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "org_identifier")
    list_filter = ("kind",)
    search_fields = ("name", "org_identifier")
    prepopulated_fields = {"slug": ("name",)}


class AwardInline(admin.TabularInline):
    model = Award
    extra = 0
    fields = ("title", "amount", "amount_is_minimum", "awarded_on", "ends_on")
    show_change_link = True


@admin.register(FundingStream)
class FundingStreamAdmin(admin.ModelAdmin):
    list_display = ("name", "funder", "total_amount", "total_is_minimum", "starts_on", "ends_on")
    list_filter = ("funder",)
    search_fields = ("name", "description", "funder__name")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("funder",)
    inlines = [AwardInline]


@admin.register(Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ("title", "stream", "amount_display", "awarded_on", "ends_on")
    list_filter = ("stream__funder", "stream", "amount_is_minimum")
    search_fields = ("title", "purpose", "recipient_boroughs__name", "amount_text")
    date_hierarchy = "awarded_on"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("recipient_boroughs",)
    autocomplete_fields = ("stream", "recipient_partnership", "recipient_organisation")
    list_select_related = ("stream",)

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, award):
        return award.amount_display
