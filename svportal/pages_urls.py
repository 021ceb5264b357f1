"""Page URLs."""

from django.urls import path

from . import pages, search_pages

urlpatterns = [
    path("boroughs/", pages.borough_table, name="borough-table"),
    path("boroughs/<slug:slug>/", pages.borough_profile, name="borough-profile"),
    path("compare/", pages.compare, name="compare-boroughs"),
    path("my/", pages.my_portal, name="my-portal"),
    path("search/", search_pages.portal_search_page, name="portal-search"),
]
