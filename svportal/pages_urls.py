"""Page URLs."""

from django.urls import path

from . import funding_pages, pages, search_pages, service_pages

urlpatterns = [
    path("boroughs/", pages.borough_table, name="borough-table"),
    path("boroughs/<slug:slug>/", pages.borough_profile, name="borough-profile"),
    path("compare/", pages.compare, name="compare-boroughs"),
    path("my/", pages.my_portal, name="my-portal"),
    path("about/", service_pages.about, name="about"),
    path("accessibility/", service_pages.accessibility, name="accessibility"),
    path("privacy/", service_pages.privacy, name="privacy"),
    path("cookies/", service_pages.cookies, name="cookies"),
    path("contact/", service_pages.contact, name="contact"),
    path("funding/<slug:slug>/", funding_pages.stream_detail, name="funding-stream"),
    path("search/", search_pages.portal_search_page, name="portal-search"),
]
