"""Page URLs."""

from django.urls import path

from . import views

urlpatterns = [
    path("stock-takes/", views.stock_take_index, name="stock-take-index"),
    path("stock-takes/<slug:slug>/", views.stock_take_page, name="stock-take-page"),
]
