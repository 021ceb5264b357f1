"""Page URLs for saved searches, under /my/searches/."""

from django.urls import path

from . import saved_searches

app_name = "savedsearches"

urlpatterns = [
    path("my/searches/", saved_searches.saved_search_list, name="list"),
    path("my/searches/new/", saved_searches.saved_search_new, name="new"),
    path("my/searches/<int:pk>/", saved_searches.saved_search_change, name="change"),
    path("my/searches/<int:pk>/delete/", saved_searches.saved_search_delete, name="delete"),
]
