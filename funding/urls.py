"""Page URLs."""

from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("funding/", views.funding_index, name="index"),
]
