from django.urls import path

from . import views

urlpatterns = [
    path("boroughs/<slug:slug>/action-plan/", views.plan_page, name="action-plan"),
    path("boroughs/<slug:slug>/action-plan/edit/", views.plan_edit, name="action-plan-edit"),
    path(
        "boroughs/<slug:slug>/action-plan/history/", views.plan_history, name="action-plan-history"
    ),
    path("boroughs/<slug:slug>/action-plan/items/new/", views.item_add, name="action-item-add"),
    path(
        "boroughs/<slug:slug>/action-plan/upload/", views.items_upload, name="action-items-upload"
    ),
    path(
        "boroughs/<slug:slug>/action-plan/items-template.csv",
        views.items_template,
        name="action-items-template",
    ),
    path("action-items/<int:pk>/", views.item_page, name="action-item"),
    path("action-items/<int:pk>/edit/", views.item_edit, name="action-item-edit"),
]
