"""The portal's URLs: one include per app, each with its namespace. Every page keeps the
path it has always had; which app owns which paths is in
docs/decisions/0027-one-url-module-per-app.md. No two includes share a path, so their
order does not matter."""

from django.contrib import admin
from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", include("svportal.api.urls")),
    path("exports/", include("svportal.exports_urls")),
    path("funding/", include("funding.urls")),
    path("", include("svportal.accounts_urls")),
    path("", include("svportal.pages_urls")),
    path("", include("casestudies.urls")),
    path("", include("boroughs.urls")),
    path("", include("actionplans.urls")),
]

handler400 = "svportal.views.bad_request_page"
handler404 = "svportal.views.page_not_found"
handler500 = "svportal.views.server_error"
