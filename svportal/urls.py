from django.contrib import admin
from django.urls import include, path

from . import health, tokens, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("svportal.accounts_urls")),
    path("account/api-token/", tokens.api_token, name="api-token"),
    path("api/", include("svportal.api.urls")),
    path("", include("casestudies.urls")),
    path("funding/", include("funding.urls")),
    path("", include("boroughs.urls")),
    path("", include("actionplans.urls")),
    path("", include("svportal.pages_urls")),
    path("", include("svportal.exports_urls")),
]

handler400 = "svportal.views.bad_request_page"
handler404 = "svportal.views.page_not_found"
handler500 = "svportal.views.server_error"
