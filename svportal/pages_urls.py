"""Page URLs for the portal-wide pages: home, the boroughs and a borough's profile,
compare, My portal, a funding stream, an organisation, search and the service pages.
Their content comes from several apps, so they keep the top-level paths they have always
had (docs/decisions/0027-one-url-module-per-app.md)."""

from django.urls import path

from . import funding_pages, organisation_pages, pages, search_pages, service_pages, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("boroughs/", pages.borough_table, name="borough-table"),
    path("boroughs/<slug:slug>/", pages.borough_profile, name="borough-profile"),
    path("compare/", pages.compare, name="compare"),
    path("my/", pages.my_portal, name="my-portal"),
    path("about/", service_pages.about, name="about"),
    path("accessibility/", service_pages.accessibility, name="accessibility"),
    path("privacy/", service_pages.privacy, name="privacy"),
    path("cookies/", service_pages.cookies, name="cookies"),
    path("contact/", service_pages.contact, name="contact"),
    path("funding/<slug:slug>/", funding_pages.stream_detail, name="funding-stream"),
    path(
        "organisations/<slug:slug>/",
        organisation_pages.organisation_detail,
        name="organisation",
    ),
    path("search/", search_pages.portal_search_page, name="search"),
]
