from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from boroughs.models import BoroughRole

from .models import ExportJob, LeadNotice, User


class BoroughRoleInline(admin.TabularInline):
    model = BoroughRole
    extra = 0
    autocomplete_fields = ("borough",)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [BoroughRoleInline]
    list_filter = (*UserAdmin.list_filter, "borough_roles__role")


admin.site.site_header = "SV Portal administration"
admin.site.site_title = "SV Portal"


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Exports are made by their owners; editors can see them here, not change them."""

    list_display = ("id", "owner", "kind", "format", "status", "progress", "created_at")
    list_filter = ("status", "kind", "format")
    search_fields = ("owner__username",)
    list_select_related = ("owner",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LeadNotice)
class LeadNoticeAdmin(admin.ModelAdmin):
    """A record of each notice sent, so none is sent twice; read-only."""

    list_display = ("user", "kind", "object_id", "sent_on")
    list_filter = ("kind", "sent_on")
    search_fields = ("user__username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
