"""The case-study permission matrix: every role × every write, on the API and on the pages.

Own borough is Westminster. The records are a Westminster draft (edited and submitted), a
Westminster case study in review (published) and a published one (unpublished). Drafts and
case studies in review are visible only to their borough's officers and leads, analysts and
editors, so to anyone else they are not found (404) rather than forbidden; a published one
is visible to all, so a refused write to it is a 403. Anonymous writes are 401 on the API
and a redirect to sign in on the pages. A refused write leaves every case study as it was.
"""

import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.checklist import CODES
from casestudies.models import CaseStudy
from casestudies.services import (
    case_study_create_draft,
    case_study_publish,
    case_study_submit_for_review,
)
from core.api.concurrency import etag_for
from tests.roles import sign_in_as

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "no role": (None, None),
    "officer of own": ("officer", "westminster"),
    "officer of other": ("officer", "lambeth"),
    "lead of own": ("lead", "westminster"),
    "analyst": ("analyst", None),
    "editor": ("editor", None),
}
WRITES = ("create draft", "edit draft", "submit", "publish", "unpublish", "send back")
#: The record each step is taken on, and its address.
STEPS = {
    "submit": ("draft", "submit"),
    "publish": ("in_review", "publish"),
    "unpublish": ("published", "unpublish"),
    "send back": ("in_review", "return-to-draft"),
}

OK, CREATED, FOUND = HTTPStatus.OK, HTTPStatus.CREATED, HTTPStatus.FOUND
DENIED, HIDDEN = HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND
UNAUTHORISED = HTTPStatus.UNAUTHORIZED

#: role → expected status for each of WRITES, in order.
API = {
    "anonymous": (UNAUTHORISED,) * 6,
    "no role": (DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "officer of own": (CREATED, OK, OK, DENIED, DENIED, DENIED),
    "officer of other": (DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "lead of own": (CREATED, OK, OK, DENIED, DENIED, DENIED),
    "analyst": (DENIED,) * 6,
    "editor": (CREATED, OK, OK, OK, OK, OK),
}
#: The same on the pages: success is a redirect to the preview; anonymous, to sign in.
PAGES = {
    "anonymous": (FOUND,) * 6,
    "no role": (DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "officer of own": (FOUND, FOUND, FOUND, DENIED, DENIED, DENIED),
    "officer of other": (DENIED, HIDDEN, HIDDEN, HIDDEN, DENIED, HIDDEN),
    "lead of own": (FOUND, FOUND, FOUND, DENIED, DENIED, DENIED),
    "analyst": (DENIED,) * 6,
    "editor": (FOUND,) * 6,
}


def westminster():
    return Borough.objects.get(slug="westminster")


@pytest.fixture
def records():
    """A Westminster draft, one in review and one published, written by its officer."""
    author = get_user_model().objects.create_user("author")
    role_grant(user=author, role="officer", borough=westminster())
    editor = get_user_model().objects.create_user("publisher")
    role_grant(user=editor, role="editor")

    def draft(title):
        return case_study_create_draft(
            acting_user=author,
            title=title,
            summary="Youth workers in A&E.",
            boroughs=[westminster()],
            challenge="C",
            solution="S",
            impact="I",
        )

    in_review = case_study_submit_for_review(case_study=draft("In review"), acting_user=author)
    published = case_study_submit_for_review(case_study=draft("Published"), acting_user=author)
    published = case_study_publish(case_study=published, acting_user=editor, confirmed=CODES)
    return {"draft": draft("Draft"), "in_review": in_review, "published": published}


def sign_in(client, role):
    return sign_in_as(client, role, ROLES[role])


def fingerprint():
    return (
        CaseStudy.objects.count(),
        sorted(CaseStudy.objects.values_list("pk", "version", "status", "title", "published_at")),
    )


# --- The API ---------------------------------------------------------------------------------


def api_write(client, write, records):
    url = "/api/v1/case-studies/"
    if write == "create draft":
        body = {"title": "New draft", "summary": "S", "boroughs": ["westminster"]}
        return client.post(url, json.dumps(body), content_type="application/json")
    if write == "edit draft":
        draft = records["draft"]
        return client.patch(
            f"{url}{draft.slug}/",
            json.dumps({"title": "Changed"}),
            content_type="application/json",
            HTTP_IF_MATCH=etag_for(draft),
        )
    target, step = STEPS[write]
    body = json.dumps({"reason": "Add the figures.", "confirmed": list(CODES)})
    return client.post(
        f"{url}{records[target].slug}/{step}/", body, content_type="application/json"
    )


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("role", list(ROLES))
def test_api_permission_matrix(client, records, role, write):
    sign_in(client, role)
    before = fingerprint()
    response = api_write(client, write, records)
    want = API[role][WRITES.index(write)]
    assert response.status_code == want, response.content
    if want >= HTTPStatus.BAD_REQUEST:
        body = response.json()
        assert (body["status"], bool(body["detail"])) == (want, True)
        assert fingerprint() == before
    else:
        assert fingerprint() != before


# --- The pages -------------------------------------------------------------------------------


def page_write(client, write, records):
    if write == "create draft":
        data = {"title": "New draft", "summary": "S", "boroughs": [westminster().pk]}
        return client.post("/case-studies/new/", data)
    if write == "edit draft":
        draft = records["draft"]
        data = {
            "title": "Changed",
            "summary": draft.summary,
            "boroughs": [westminster().pk],
            "version": draft.version,
        }
        return client.post(f"/case-studies/{draft.slug}/edit/", data)
    name, step = STEPS[write]
    target = records[name]
    return client.post(
        f"/case-studies/{target.slug}/{step}/",
        {"version": target.version, "reason": "Add the figures.", "confirmed": list(CODES)},
    )


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("role", list(ROLES))
def test_page_permission_matrix(client, records, role, write):
    sign_in(client, role)
    before = fingerprint()
    response = page_write(client, write, records)
    want = PAGES[role][WRITES.index(write)]
    assert response.status_code == want, response.content[:2000]
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")
        assert fingerprint() == before
    elif want == HTTPStatus.FOUND:
        assert response["Location"].endswith("/preview/")
        assert fingerprint() != before
    else:
        assert fingerprint() == before
        if want == HTTPStatus.FORBIDDEN:
            assert "You cannot do this" in response.content.decode()
