"""Page URLs for exports (svportal/exports_views.py), under /exports/."""

from django.urls import path

from . import exports_views

app_name = "exports"

urlpatterns = [
    path("", exports_views.export_list, name="list"),
    path("new/", exports_views.export_new, name="new"),
    path("<uuid:pk>/download/", exports_views.export_download, name="download"),
]
