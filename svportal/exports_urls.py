"""Page URLs for exports (svportal/exports_views.py)."""

from django.urls import path

from . import exports_views

urlpatterns = [
    path("exports/", exports_views.export_list, name="exports"),
    path("exports/new/", exports_views.export_new, name="exports-new"),
    path("exports/<uuid:pk>/download/", exports_views.export_download, name="exports-file"),
]
