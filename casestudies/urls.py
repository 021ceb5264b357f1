"""Page URLs."""

from django.urls import path

from . import views

app_name = "casestudies"

urlpatterns = [
    path("case-studies/", views.case_study_list, name="list"),
    path("case-studies/<slug:slug>/", views.case_study_detail, name="detail"),
    path("case-studies/<slug:slug>/pdf/", views.case_study_pdf, name="pdf"),
    path("interventions/", views.intervention_list, name="intervention-list"),
    path("interventions/<slug:slug>/", views.intervention_detail, name="intervention-detail"),
    path("methodology/", views.methodology, name="methodology"),
]
