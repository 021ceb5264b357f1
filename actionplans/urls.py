"""Page URLs: a borough's action plan under its borough's path, and each item by number
(docs/decisions/0027-one-url-module-per-app.md)."""

from django.urls import include, path

from . import views

app_name = "actionplans"

plan_pages = [
    path("", views.plan_page, name="plan"),
    path("edit/", views.plan_edit, name="plan-edit"),
    path("history/", views.plan_history, name="plan-history"),
    path("items/new/", views.item_add, name="item-add"),
    path("upload/", views.items_upload, name="items-upload"),
    path("items-template.csv", views.items_template, name="items-template"),
]

urlpatterns = [
    path("boroughs/<slug:slug>/action-plan/", include(plan_pages)),
    path("action-items/<int:pk>/", views.item_page, name="item"),
    path("action-items/<int:pk>/edit/", views.item_edit, name="item-edit"),
]
