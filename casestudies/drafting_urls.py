"""Page URLs for drafting, reviewing and publishing case studies.

Included before the public case-study pages, so /case-studies/new/ is not taken for a slug.
"""

from django.urls import path

from . import drafting

app_name = "drafting"

urlpatterns = [
    path("case-studies/new/", drafting.case_study_new, name="new"),
    path("case-studies/import/", drafting.case_study_import, name="import"),
    path("case-studies/<slug:slug>/edit/", drafting.case_study_edit, name="edit"),
    path("case-studies/<slug:slug>/preview/", drafting.case_study_preview, name="preview"),
    path("case-studies/<slug:slug>/submit/", drafting.case_study_submit, name="submit"),
    path("case-studies/<slug:slug>/publish/", drafting.case_study_publish, name="publish"),
    path("case-studies/<slug:slug>/unpublish/", drafting.case_study_unpublish, name="unpublish"),
    path(
        "case-studies/<slug:slug>/return-to-draft/",
        drafting.case_study_return_to_draft,
        name="return-to-draft",
    ),
    path("my/case-studies/", drafting.my_case_studies, name="mine"),
]
