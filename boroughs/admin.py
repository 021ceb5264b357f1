from django.contrib import admin

from .models import (
    Borough,
    BoroughRole,
    Organisation,
    Partnership,
    PublishedTotal,
    Source,
    StockTake,
    StockTakeAnswer,
    StockTakeOption,
    StockTakeQuestion,
)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "published_on", "document")
    search_fields = ("title", "publisher", "key")
    list_filter = ("publisher",)
    prepopulated_fields = {"key": ("title",)}


class BoroughRoleInline(admin.TabularInline):
    model = BoroughRole
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Borough)
class BoroughAdmin(admin.ModelAdmin):
    list_display = ("name", "gss_code", "kind", "region", "police_force")
    list_filter = ("region", "kind")
    search_fields = ("name", "gss_code", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [BoroughRoleInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "gss_code", "kind", "region", "police_force")}),
        ("Source", {"fields": ("source", "source_section"), "classes": ("collapse",)}),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "website")
    list_filter = ("kind",)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "member_count")
    list_filter = ("kind",)
    search_fields = ("name", "description", "members__name")
    filter_horizontal = ("members",)
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description="members")
    def member_count(self, partnership):
        return partnership.members.count()


@admin.register(BoroughRole)
class BoroughRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "borough", "role", "created_at")
    list_filter = ("role", "borough__region")
    search_fields = ("user__username", "user__email", "borough__name")
    autocomplete_fields = ("user", "borough")


class StockTakeQuestionInline(admin.StackedInline):
    model = StockTakeQuestion
    extra = 0
    fields = ("number", "slug", "text", "source_section")
    show_change_link = True


@admin.register(StockTake)
class StockTakeAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "conducted_on", "coverage_region", "is_current")
    list_filter = ("publisher", "coverage_region", "is_current")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [StockTakeQuestionInline]


class StockTakeOptionInline(admin.TabularInline):
    model = StockTakeOption
    extra = 0


class PublishedTotalInline(admin.StackedInline):
    model = PublishedTotal
    extra = 0
    fields = ("option", "label", "count", "denominator", "quote", "source", "source_section")


class StockTakeAnswerInline(admin.TabularInline):
    model = StockTakeAnswer
    extra = 0
    fields = ("borough", "option", "quote", "evidence", "answered_by")
    autocomplete_fields = ("borough",)
    raw_id_fields = ("answered_by",)


@admin.register(StockTakeQuestion)
class StockTakeQuestionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "stock_take")
    list_filter = ("stock_take",)
    search_fields = ("text",)
    inlines = [StockTakeOptionInline, PublishedTotalInline, StockTakeAnswerInline]


@admin.register(StockTakeAnswer)
class StockTakeAnswerAdmin(admin.ModelAdmin):
    list_display = ("borough", "question", "option", "modified_at")
    list_filter = ("question__stock_take", "question", "option")
    search_fields = ("borough__name", "quote", "evidence")
    autocomplete_fields = ("borough",)
