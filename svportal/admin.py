from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from boroughs.models import BoroughRole

from .models import User


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
