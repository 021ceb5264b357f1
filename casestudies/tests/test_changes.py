"""Changes between reviews: each review step stores the case study as it stood, and an
editor reviewing a resubmission sees what changed since the last review, field by field,
on the page and through the API."""

import json
import re
from html import unescape
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.models import Approach, CaseStudy, ReviewStep
from casestudies.review import differences, inline_diff, snapshot
from casestudies.services import (
    case_study_create_draft,
    case_study_return_to_draft,
    case_study_submit_for_review,
    case_study_update,
)

pytestmark = pytest.mark.django_db


def person(name, role, borough=None):
    user = get_user_model().objects.create_user(name, first_name=name.title())
    role_grant(user=user, role=role, borough=Borough.objects.get(slug=borough) if borough else None)
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def people():
    return {
        "author": person("author", "officer", "westminster"),
        "editor": person("editor", "editor"),
    }


def fresh(case_study):
    return CaseStudy.objects.get(pk=case_study.pk)


@pytest.fixture
def resubmitted(people):
    """Submitted, sent back, changed in title, impact and approaches, and resubmitted."""
    author, editor = people["author"][0], people["editor"][0]
    draft = case_study_create_draft(
        acting_user=author,
        title="Westminster navigators",
        summary="Youth workers in A&E.",
        boroughs=[Borough.objects.get(slug="westminster")],
        challenge="Knife injuries rose.",
        solution="Navigators in A&E.",
        impact="Fewer young people came back injured.",
    )
    case_study_submit_for_review(case_study=draft, acting_user=author)
    case_study_return_to_draft(case_study=fresh(draft), acting_user=editor, reason="Add figures.")
    current = fresh(draft)
    case_study_update(
        case_study=current,
        acting_user=author,
        expected_version=current.version,
        changes={
            "title": "Westminster hospital navigators",
            "impact": "Fewer young people came back injured: re-attendance fell by 33 per cent.",
            "approaches": [Approach.objects.get(slug="public-health")],
        },
    )
    return case_study_submit_for_review(case_study=fresh(draft), acting_user=author)


def changed_rows(html):
    table = html[
        html.index('id="changes-table"') : html.index("</table>", html.index('id="changes-table"'))
    ]
    return re.findall(r'<tr class="govuk-table__row" id="changed-([a-z_]+)">', table)


def test_the_editor_sees_what_changed_since_sending_it_back(people, resubmitted):
    _, editor = people["editor"]
    response = editor.get(f"/case-studies/{resubmitted.slug}/preview/")
    html = response.content.decode()
    page = unescape(re.sub(r"\s+", " ", html))
    assert "What changed since the last review" in page
    assert "Since Editor sent back to draft it on" in page
    assert "(“Add figures.”), 3 fields changed." in page
    assert changed_rows(html) == ["title", "impact", "approaches"]
    assert "<del>Westminster</del><ins>Westminster hospital</ins>" not in html  # word by word
    assert "Westminster <ins>hospital </ins>navigators" in html
    assert "<del>injured.</del><ins>injured: re-attendance fell by 33 per cent.</ins>" in html
    assert '<span class="govuk-hint">Was empty.</span> <ins>Public health</ins>' in html


def test_the_api_gives_the_same_changes(people, resubmitted):
    _, editor = people["editor"]
    body = editor.get(f"/api/v1/case-studies/{resubmitted.slug}/changes/").json()
    assert (body["since"]["step"], body["since"]["by"], body["since"]["reason"]) == (
        "sent_back",
        "Editor",
        "Add figures.",
    )
    assert [(c["field"], c["before"], c["after"]) for c in body["changes"]] == [
        ("title", "Westminster navigators", "Westminster hospital navigators"),
        (
            "impact",
            "Fewer young people came back injured.",
            "Fewer young people came back injured: re-attendance fell by 33 per cent.",
        ),
        ("approaches", "", "Public health"),
    ]


def test_a_first_submission_has_nothing_to_compare(people, resubmitted):
    _, editor = people["editor"]
    ReviewStep.objects.filter(kind="sent_back").delete()
    page = unescape(editor.get(f"/case-studies/{resubmitted.slug}/preview/").content.decode())
    assert "This is its first review: there is nothing earlier to compare it with." in page
    assert editor.get(f"/api/v1/case-studies/{resubmitted.slug}/changes/").json() == {
        "since": None,
        "changes": [],
    }


def test_a_resubmission_without_changes_says_so(people):
    author, editor = people["author"][0], people["editor"]
    draft = case_study_create_draft(
        acting_user=author,
        title="Unchanged",
        summary="S",
        boroughs=[Borough.objects.get(slug="westminster")],
        challenge="C",
        solution="S",
        impact="I",
    )
    case_study_submit_for_review(case_study=draft, acting_user=author)
    case_study_return_to_draft(case_study=fresh(draft), acting_user=editor[0], reason="Check.")
    case_study_submit_for_review(case_study=fresh(draft), acting_user=author)
    page = unescape(editor[1].get(f"/case-studies/{draft.slug}/preview/").content.decode())
    assert "Nothing has changed since Editor sent back to draft it on" in page


def test_the_author_does_not_get_the_comparison(people, resubmitted):
    _, officer = people["author"]
    assert (
        'id="changes"'
        not in officer.get(f"/case-studies/{resubmitted.slug}/preview/").content.decode()
    )


def test_each_step_stores_the_case_study_as_it_stood(resubmitted):
    steps = list(ReviewStep.objects.filter(case_study=resubmitted).order_by("at", "pk"))
    assert [step.kind for step in steps] == ["submitted", "sent_back", "submitted"]
    assert steps[0].snapshot["title"] == "Westminster navigators"
    assert steps[-1].snapshot == snapshot(fresh(resubmitted))
    assert [c.field for c in differences(steps[1].snapshot, steps[2].snapshot)] == [
        "title",
        "impact",
        "approaches",
    ]


def test_the_word_diff_escapes_what_it_marks():
    assert str(inline_diff("a <b> c", "a <i> c")) == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins> c"
    assert str(inline_diff("", "new")) == "<ins>new</ins>"
    assert str(inline_diff("old", "")) == "<del>old</del>"


def test_changes_are_for_those_who_see_the_case_study(people, resubmitted):
    response = Client().get(f"/api/v1/case-studies/{resubmitted.slug}/changes/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    response = Client().post(
        f"/api/v1/case-studies/{resubmitted.slug}/changes/",
        json.dumps({}),
        content_type="application/json",
    )
    assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.METHOD_NOT_ALLOWED)
