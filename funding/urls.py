"""Page URLs, under /funding/."""

from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("", views.funding_index, name="index"),
]
