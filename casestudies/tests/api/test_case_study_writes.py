"""Writing case studies through /api/v1/case-studies/: drafts, If-Match edits, review and
publication, and clear errors that change nothing."""

import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.models import CaseStudy
from core.api.concurrency import etag_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/case-studies/"
NEW = {
    "title": "Westminster hospital navigators",
    "summary": "Youth workers meet young people in A&E.",
    "boroughs": ["westminster"],
    "year": 2021,
    "challenge": "Stabbings rose.",
    "solution": "Youth workers in A&E.",
    "impact": "Re-attendance fell by a third.",
    "approaches": ["public-health", "trauma-informed"],
    "settings": ["hospital"],
    "min_age": 11,
    "max_age": 24,
    "contact": {"name": "Sam Jones", "email": "sam.jones@westminster.gov.uk"},
}


def client_for(name, role=None, borough=None):
    client = Client()
    user = get_user_model().objects.create_user(name)
    if role:
        role_grant(
            user=user, role=role, borough=Borough.objects.get(slug=borough) if borough else None
        )
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def officer():
    return client_for("wm-officer", "officer", "westminster")


@pytest.fixture
def editor():
    return client_for("editor", "editor")


@pytest.fixture
def draft(officer, write_westminster_draft):
    return write_westminster_draft(officer.user)


def post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


def patch(client, case_study, body, etag=None, method="patch"):
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return getattr(client, method)(
        f"{URL}{case_study.slug}/", json.dumps(body), content_type="application/json", **headers
    )


def stored(case_study):
    case_study = CaseStudy.objects.get(pk=case_study.pk)
    return (case_study.title, case_study.status, case_study.version, case_study.published_at)


def assert_error(response, status, field=None, message=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status
    assert body["detail"]
    if field:
        assert body["code"] == "invalid"
        assert field in body["errors"], body
        if message:
            assert body["errors"][field] == [message]
    return body


# --- Creating ------------------------------------------------------------------------------


def test_an_officer_creates_a_draft_for_their_borough(officer):
    response = post(officer, URL, NEW)
    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    assert body["slug"] == "westminster-hospital-navigators"
    assert (body["status"], body["version"], body["published_at"]) == ("draft", 1, None)
    assert body["boroughs"] == [
        {"slug": "westminster", "name": "Westminster", "gss_code": "E09000033"}
    ]
    assert body["approaches"] == ["public-health", "trauma-informed"]
    assert body["settings"] == ["hospital"]
    assert body["contact"]["email"] == "sam.jones@westminster.gov.uk"
    case_study = CaseStudy.objects.get(slug=body["slug"])
    assert response["ETag"] == etag_for(case_study)
    assert case_study.created_by == officer.user
    # A draft is not public.
    assert Client().get(f"{URL}{body['slug']}/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title."),
        ({"title": None}, "title", None),
        ({"summary": ""}, "summary", "Enter a summary."),
        ({"boroughs": []}, "boroughs", "Select at least one borough."),
        ({"boroughs": ["atlantis"]}, "boroughs", "There is no borough “atlantis”."),
        ({"approaches": ["astrology"]}, "approaches", "There is no approach “astrology”."),
        ({"year": 1066}, "year", None),
        ({"year": "last year"}, "year", None),
        ({"min_age": 20, "max_age": 12}, "max_age", None),
        ({"contact": {"email": "sam at westminster"}}, "contact.email", None),
        (
            {"status": "published"},
            "status",
            "Submit, publish or unpublish the case study to change its status.",
        ),
        ({"published_at": "2020-01-01T00:00:00Z"}, "published_at", None),
    ],
)
def test_bad_input_is_a_clear_400_and_creates_nothing(officer, change, field, message):
    before = CaseStudy.objects.count()
    assert_error(post(officer, URL, {**NEW, **change}), HTTPStatus.BAD_REQUEST, field, message)
    assert CaseStudy.objects.count() == before


def test_missing_required_fields_are_named(officer):
    body = assert_error(post(officer, URL, {}), HTTPStatus.BAD_REQUEST, "title", "Enter a title.")
    assert body["errors"]["summary"] == ["Enter a summary."]
    assert body["errors"]["boroughs"] == ["Select at least one borough."]


def test_a_draft_for_another_borough_is_403_and_says_why(officer):
    before = CaseStudy.objects.count()
    body = assert_error(
        post(officer, URL, {**NEW, "boroughs": ["westminster", "lambeth"]}), HTTPStatus.FORBIDDEN
    )
    assert "not Lambeth" in body["detail"]
    assert CaseStudy.objects.count() == before


# --- Editing with If-Match ---------------------------------------------------------------------


def test_a_patch_with_the_etag_changes_the_draft_and_returns_the_new_etag(officer, draft):
    etag = officer.get(f"{URL}{draft.slug}/")["ETag"]
    assert etag == f'"casestudy-{draft.pk}-v1"'
    response = patch(officer, draft, {"title": "Navigators in A&E", "approaches": []}, etag)
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["title"] == "Navigators in A&E"
    assert response.json()["version"] == 2
    assert response["ETag"] == f'"casestudy-{draft.pk}-v2"'


def test_a_patch_without_if_match_is_428_and_changes_nothing(officer, draft):
    before = stored(draft)
    body = assert_error(patch(officer, draft, {"title": "X"}), HTTPStatus.PRECONDITION_REQUIRED)
    assert body["code"] == "precondition_required"
    assert stored(draft) == before


def test_a_stale_patch_is_412_with_the_current_record_and_changes_nothing(officer, draft):
    lead = client_for("wm-lead", "lead", "westminster")
    etag = officer.get(f"{URL}{draft.slug}/")["ETag"]
    assert patch(lead, draft, {"title": "Lead's title"}, etag).status_code == HTTPStatus.OK
    before = stored(draft)
    body = assert_error(
        patch(officer, draft, {"title": "Officer's title"}, etag), HTTPStatus.PRECONDITION_FAILED
    )
    assert body["code"] == "precondition_failed"
    assert body["current"]["title"] == "Lead's title"
    assert body["etag"] == f'"casestudy-{draft.pk}-v2"'
    assert stored(draft) == before


def test_an_etag_for_another_record_is_refused(officer, draft):
    other = CaseStudy.objects.published().first()
    before = stored(draft)
    response = patch(officer, draft, {"title": "X"}, etag_for(other))
    assert_error(response, HTTPStatus.PRECONDITION_FAILED)
    assert stored(draft) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"boroughs": []}, "boroughs"),
        ({"year": 2200}, "year"),
        ({"min_age": 20, "max_age": 12}, "max_age"),
        ({"status": "published"}, "status"),
        ({"slug": "somewhere-else"}, "slug"),
    ],
)
def test_a_bad_patch_is_400_and_changes_nothing(officer, draft, change, field):
    before = stored(draft)
    response = patch(officer, draft, change, etag_for(draft))
    assert_error(response, HTTPStatus.BAD_REQUEST, field)
    assert stored(draft) == before


def test_put_needs_the_whole_case_study(officer, draft):
    before = stored(draft)
    response = patch(officer, draft, {"title": "Only a title"}, etag_for(draft), method="put")
    body = assert_error(response, HTTPStatus.BAD_REQUEST, "summary", "Enter a summary.")
    assert body["errors"]["boroughs"] == ["Select at least one borough."]
    assert stored(draft) == before
    response = patch(officer, draft, {**NEW, "title": "Replaced"}, etag_for(draft), method="put")
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["title"] == "Replaced"


def test_an_officer_cannot_patch_once_submitted(officer, draft):
    assert post(officer, f"{URL}{draft.slug}/submit/").status_code == HTTPStatus.OK
    draft.refresh_from_db()
    before = stored(draft)
    body = assert_error(patch(officer, draft, {"title": "Late"}, etag_for(draft)), 403)
    assert "now that it is in review" in body["detail"]
    assert stored(draft) == before


def test_delete_is_not_allowed(officer, draft):
    assert officer.delete(f"{URL}{draft.slug}/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert CaseStudy.objects.filter(pk=draft.pk).exists()


# --- Review and publication -------------------------------------------------------------------


def test_submit_publish_unpublish_and_what_the_public_sees(officer, editor, draft):
    anonymous = Client()
    detail = f"{URL}{draft.slug}/"

    response = post(officer, f"{detail}submit/")
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["status"] == "in_review"
    assert response["ETag"] == f'"casestudy-{draft.pk}-v2"'
    assert anonymous.get(detail).status_code == HTTPStatus.NOT_FOUND

    etag = response["ETag"]
    codes = [point["code"] for point in editor.get(f"{detail}checklist/").json()["open_points"]]
    response = post(editor, f"{detail}publish/", {"confirmed": codes}, HTTP_IF_MATCH=etag)
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["status"] == "published"
    assert response.json()["published_at"]
    assert anonymous.get(detail).json()["status"] == "published"
    listed = anonymous.get(URL, {"borough": "westminster"}).json()["results"]
    assert draft.slug in [row["slug"] for row in listed]

    response = post(editor, f"{detail}unpublish/")
    assert response.status_code == HTTPStatus.OK, response.content
    assert (response.json()["status"], response.json()["published_at"]) == ("draft", None)
    assert anonymous.get(detail).status_code == HTTPStatus.NOT_FOUND


def test_an_editor_sends_a_case_study_back_to_draft(officer, editor, draft):
    post(officer, f"{URL}{draft.slug}/submit/")
    response = post(editor, f"{URL}{draft.slug}/return-to-draft/", {"reason": "Add figures."})
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["status"] == "draft"


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("publish", "Only a case study in review can be published: this one is draft."),
        ("unpublish", "Only a published case study can be unpublished: this one is draft."),
        (
            "return-to-draft",
            "Only a case study in review can be sent back to draft: this one is draft.",
        ),
    ],
)
def test_a_step_that_does_not_fit_the_status_is_409(editor, draft, step, message):
    before = stored(draft)
    body = assert_error(
        post(editor, f"{URL}{draft.slug}/{step}/", {"reason": "Add figures."}),
        HTTPStatus.CONFLICT,
    )
    assert (body["code"], body["detail"]) == ("conflict", message)
    assert stored(draft) == before


def test_submitting_without_the_main_sections_is_400_naming_them(officer):
    thin = post(officer, URL, {**NEW, "impact": ""}).json()["slug"]
    case_study = CaseStudy.objects.get(slug=thin)
    before = stored(case_study)
    assert_error(
        post(officer, f"{URL}{thin}/submit/"),
        HTTPStatus.BAD_REQUEST,
        "impact",
        "Enter the impact before you submit the case study for review.",
    )
    assert stored(case_study) == before


def test_a_step_with_a_stale_if_match_is_412(officer, editor, draft):
    etag = etag_for(draft)
    assert patch(officer, draft, {"title": "Changed"}, etag).status_code == HTTPStatus.OK
    before = stored(draft)
    body = assert_error(
        post(officer, f"{URL}{draft.slug}/submit/", HTTP_IF_MATCH=etag),
        HTTPStatus.PRECONDITION_FAILED,
    )
    assert body["current"]["title"] == "Changed"
    assert stored(draft) == before


def test_analysts_read_drafts_but_cannot_write(draft):
    analyst = client_for("analyst", "analyst")
    assert analyst.get(f"{URL}{draft.slug}/").status_code == HTTPStatus.OK
    before = stored(draft)
    assert_error(patch(analyst, draft, {"title": "X"}, etag_for(draft)), HTTPStatus.FORBIDDEN)
    assert_error(post(analyst, f"{URL}{draft.slug}/submit/"), HTTPStatus.FORBIDDEN)
    assert_error(post(analyst, URL, NEW), HTTPStatus.FORBIDDEN)
    assert stored(draft) == before


def test_the_schema_documents_the_writes(openapi_schema):
    paths = openapi_schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/case-studies/"])
    assert {"get", "put", "patch"} <= set(paths["/api/v1/case-studies/{slug}/"])
    for step in ("submit", "publish", "unpublish", "return-to-draft"):
        assert "post" in paths[f"/api/v1/case-studies/{{slug}}/{step}/"]
