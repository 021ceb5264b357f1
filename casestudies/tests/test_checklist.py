"""The publishing checklist: the rules (checklist.py), and the editor confirming each open
point on the publish form and through the API, with what was confirmed recorded."""

import json
import re
from html import unescape
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.checklist import CODES, open_points
from casestudies.models import CaseStudy, Outcome, ReviewStep
from casestudies.services import case_study_create_draft, case_study_submit_for_review

pytestmark = pytest.mark.django_db

COMPLETE = {
    "title": "Complete",
    "summary": "S",
    "challenge": "Knife injuries rose.",
    "solution": "Navigators in A&E.",
    "impact": "Re-attendance fell by 33 per cent.",
    "lessons_learned": "Start small.",
    "sustainability": "Funded by the CCG to 2024.",
    "evaluation_status": "completed",
    "evaluation_design": "before_after",
    "evidence_quote": "Re-attendance fell by a third in the year after.",
    "contact_name": "A Person",
}


def codes(**changes):
    case_study = CaseStudy(**{**COMPLETE, **changes})
    return [point.code for point in open_points(case_study, outcomes=changes.pop("_o", [1]))]


def test_a_complete_case_study_has_nothing_open():
    assert codes() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"challenge": ""}, ["empty-challenge"]),
        (
            {"lessons_learned": "  ", "sustainability": ""},
            ["empty-lessons-learned", "empty-sustainability"],
        ),
        (
            {"evaluation_status": "none", "evaluation_design": "", "evidence_quote": ""},
            ["no-evidence"],
        ),
        ({"contact_name": ""}, ["no-source-or-contact"]),
        ({"contact_name": "", "contact_email": "a@b.example"}, []),
    ],
)
def test_each_missing_thing_is_one_open_point(changes, expected):
    assert codes(**changes) == expected


def test_no_outcome_is_open_unless_the_writer_says_nothing_was_measured():
    unsaved = CaseStudy(**COMPLETE)
    assert [p.code for p in open_points(unsaved, outcomes=[])] == ["no-outcome"]
    unsaved.no_measured_outcome = True
    assert [p.code for p in open_points(unsaved, outcomes=[])] == []


@pytest.mark.parametrize(
    ("impact", "open_"),
    [
        ("Young people felt safer.", True),
        ("Young people felt safer: 41 per cent fewer incidents.", False),
        ("“I feel safer walking home,” said one young person.", False),
        ('Staff said "it changed how we work".', False),
        ("", False),  # an empty impact is its own point
    ],
)
def test_an_impact_claim_needs_a_figure_or_a_quote_or_an_outcome(impact, open_):
    unsaved = CaseStudy(**{**COMPLETE, "impact": impact, "no_measured_outcome": True})
    found = [p.code for p in open_points(unsaved, outcomes=[])]
    assert ("impact-unsupported" in found) is open_
    # A recorded outcome is the figure.
    assert "impact-unsupported" not in [p.code for p in open_points(unsaved, outcomes=[1])]


def test_the_loaded_case_studies_are_judged_by_the_same_rules():
    """Every real case study has a source, so none lacks both a source and a contact."""
    for case_study in CaseStudy.objects.published().prefetch_related("outcomes"):
        points = open_points(case_study, outcomes=list(case_study.outcomes.all()))
        assert "no-source-or-contact" not in [p.code for p in points]
        assert [p.code for p in points] == [c for c in CODES if c in {p.code for p in points}]


# --- The publish form and the API ---------------------------------------------------------


def person(name, role, borough=None):
    user = get_user_model().objects.create_user(name, first_name=name.title())
    role_grant(user=user, role=role, borough=Borough.objects.get(slug=borough) if borough else None)
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def in_review():
    """Challenge, solution and an unsupported impact; nothing else."""
    author, _ = person("author", "officer", "westminster")
    draft = case_study_create_draft(
        acting_user=author,
        title="Thin case study",
        summary="S",
        boroughs=[Borough.objects.get(slug="westminster")],
        challenge="C",
        solution="S",
        impact="It went well.",
    )
    return case_study_submit_for_review(case_study=draft, acting_user=author)


THIN = [
    "empty-lessons-learned",
    "empty-sustainability",
    "no-outcome",
    "no-evidence",
    "no-source-or-contact",
    "impact-unsupported",
]


def boxes(response):
    return re.findall(
        r'name="confirmed" type="checkbox" value="([^"]+)"', response.content.decode()
    )


def test_the_editor_sees_one_checkbox_per_open_point(in_review):
    _, editor = person("editor", "editor")
    page = editor.get(f"/case-studies/{in_review.slug}/preview/")
    assert boxes(page) == THIN
    assert "Before you publish, confirm each point" in unescape(page.content.decode())
    # The author does not get the publish form.
    _, officer = person("officer", "officer", "westminster")
    assert boxes(officer.get(f"/case-studies/{in_review.slug}/preview/")) == []


def test_publishing_without_confirming_every_point_is_refused_naming_each(in_review):
    editor_user, editor = person("editor", "editor")
    url = f"/case-studies/{in_review.slug}/publish/"
    response = editor.post(url, {"version": in_review.version, "confirmed": THIN[:2]})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    links = re.findall(r'<li><a href="#(confirm-[^"]+)">', html)
    assert links == [f"confirm-{code}" for code in THIN[2:]]
    # What was ticked stays ticked; the rest are marked in error.
    assert 'value="empty-lessons-learned" checked' in html
    assert 'id="confirm-no-outcome-error"' in html
    assert CaseStudy.objects.get(pk=in_review.pk).status == "in_review"
    assert not ReviewStep.objects.filter(kind="published").exists()

    response = editor.post(url, {"version": in_review.version, "confirmed": THIN})
    assert response.status_code == HTTPStatus.FOUND
    step = ReviewStep.objects.get(case_study=in_review, kind="published")
    assert [point["code"] for point in step.confirmed] == THIN
    assert step.actor == editor_user
    page = unescape(editor.get(f"/case-studies/{in_review.slug}/preview/").content.decode())
    assert "When publishing, Editor confirmed:" in page
    assert "No outcome is recorded" in page


def api_publish(client, case_study, body):
    return client.post(
        f"/api/v1/case-studies/{case_study.slug}/publish/",
        json.dumps(body),
        content_type="application/json",
    )


def test_the_api_lists_the_checklist_and_needs_each_point_confirmed(in_review):
    _, editor = person("editor", "editor")
    listed = editor.get(f"/api/v1/case-studies/{in_review.slug}/checklist/").json()
    assert [point["code"] for point in listed["open_points"]] == THIN
    for body, message in [
        ({}, None),
        ({"confirmed": THIN[1:]}, None),
        (
            {"confirmed": "no-outcome"},
            "Send the codes of the checklist points you confirm, as a list.",
        ),
        ({"confirmed": [1, 2]}, "Send the codes of the checklist points you confirm, as a list."),
        ({"confirmed": [*THIN, "made-up"]}, "There is no checklist point “made-up”."),
    ]:
        response = api_publish(editor, in_review, body)
        assert response.status_code == HTTPStatus.BAD_REQUEST, body
        errors = response.json()["errors"]["confirmed"]
        if message:
            assert errors == [message]
        else:
            assert all(error.startswith("Confirm or fix: ") for error in errors)
            assert len(errors) == len(THIN) - len(body.get("confirmed", []))
        assert CaseStudy.objects.get(pk=in_review.pk).status == "in_review"
    response = api_publish(editor, in_review, {"confirmed": THIN})
    assert response.status_code == HTTPStatus.OK
    assert ReviewStep.objects.get(kind="published").confirmed[0] == {
        "code": "empty-lessons-learned",
        "text": "‘Lessons learned’ is empty: it will be published without it.",
    }


def test_a_complete_case_study_publishes_with_nothing_to_confirm(in_review):
    CaseStudy.objects.filter(pk=in_review.pk).update(
        **{k: v for k, v in COMPLETE.items() if k not in ("title", "summary")}
    )
    Outcome.objects.create(
        case_study=in_review, metric="Re-attendance", value=33, unit="percent", direction="decrease"
    )
    _, editor = person("editor", "editor")
    page = editor.get(f"/case-studies/{in_review.slug}/preview/")
    assert boxes(page) == []
    assert "Nothing is missing or unverified" in page.content.decode()
    response = api_publish(editor, in_review, {})
    assert response.status_code == HTTPStatus.OK, response.content
    assert ReviewStep.objects.get(kind="published").confirmed == []


def test_an_officer_cannot_publish_even_confirming_everything(in_review):
    _, officer = person("officer", "officer", "westminster")
    assert api_publish(officer, in_review, {"confirmed": THIN}).status_code == HTTPStatus.FORBIDDEN
