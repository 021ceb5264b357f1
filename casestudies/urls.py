"""Page URLs: browsing, drafting and reviewing case studies, interventions, the
methodology, and a user's own drafts and saved searches.

The pages keep the paths they have always had, so they span several top-level paths
(docs/decisions/0027-one-url-module-per-app.md).
"""

from django.urls import include, path, register_converter

from . import drafting, plan_item_pages, saved_searches, views
from .converters import CaseStudySlugConverter

register_converter(CaseStudySlugConverter, "case_study_slug")

app_name = "casestudies"

case_study_pages = [
    path("", views.case_study_list, name="list"),
    path("<case_study_slug:slug>/", views.case_study_detail, name="detail"),
    path("<case_study_slug:slug>/pdf/", views.case_study_pdf, name="pdf"),
    path("<case_study_slug:slug>/edit/", drafting.case_study_edit, name="edit"),
    path("<case_study_slug:slug>/preview/", drafting.case_study_preview, name="preview"),
    path("<case_study_slug:slug>/submit/", drafting.case_study_submit, name="submit"),
    path("<case_study_slug:slug>/publish/", drafting.case_study_publish, name="publish"),
    path("<case_study_slug:slug>/unpublish/", drafting.case_study_unpublish, name="unpublish"),
    path(
        "<case_study_slug:slug>/return-to-draft/",
        drafting.case_study_return_to_draft,
        name="return-to-draft",
    ),
    path("new/", drafting.case_study_new, name="new"),
    path("import/", drafting.case_study_import, name="import"),
]

saved_search_pages = [
    path("", saved_searches.saved_search_list, name="saved-searches"),
    path("new/", saved_searches.saved_search_new, name="saved-search-new"),
    path("<int:pk>/", saved_searches.saved_search_change, name="saved-search-change"),
    path("<int:pk>/delete/", saved_searches.saved_search_delete, name="saved-search-delete"),
]

urlpatterns = [
    path("case-studies/", include(case_study_pages)),
    path("interventions/", views.intervention_list, name="intervention-list"),
    path("interventions/<slug:slug>/", views.intervention_detail, name="intervention-detail"),
    path("methodology/", views.methodology, name="methodology"),
    path("my/case-studies/", drafting.my_case_studies, name="mine"),
    path("my/searches/", include(saved_search_pages)),
    path(
        "action-items/<int:pk>/interventions/",
        plan_item_pages.plan_item_interventions,
        name="plan-item-interventions",
    ),
]
