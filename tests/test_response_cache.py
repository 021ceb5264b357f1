"""The response cache: anonymous GETs answered from the cache, never a stale one.

Every way of writing the portal's data moves the data version on, so the next anonymous
answer is made afresh: page forms, the API, CSV upload, publishing, the admin, the loader
and the synthetic data generator. The caches kept under the same version for everyone,
signed in or not (searches' rankings, facet counts), are on here too, and a signed-in
reader, whom the response cache never answers, sees each write at once through them."""

import json
import re
import time
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.models import ActionItem
from actionplans.tests.test_pages import form_data
from casestudies.models import CaseStudy
from casestudies.tests.api.test_case_study_writes import client_for
from core import response_cache as answer_cache
from core.api.concurrency import etag_for
from core.response_cache import VERSION_KEY, kept_under_data_version
from funding.models import Funder

pytestmark = pytest.mark.django_db

PLAN = "/boroughs/westminster/action-plan/"
CASE_STUDIES = "/api/v1/case-studies/"
FUNDERS = "/api/v1/funders/"


@pytest.fixture(autouse=True)
def response_cache(settings):
    settings.SVPORTAL_RESPONSE_CACHE_SECONDS = 600
    for name in settings.DATA_VERSION_CACHE_SETTINGS:
        setattr(settings, name, 600)
    cache.delete(VERSION_KEY)  # nothing kept by an earlier test is reachable
    yield
    cache.delete(VERSION_KEY)


@pytest.fixture
def anonymous():
    return Client()


def signed_in(name, role=None, borough=None):
    return client_for(name, role, borough)


def test_a_second_anonymous_get_is_answered_from_the_cache(anonymous, django_assert_num_queries):
    first = anonymous.get(FUNDERS)
    assert first.status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        again = anonymous.get(FUNDERS)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


def test_a_conditional_get_that_still_matches_is_a_304(anonymous):
    first = anonymous.get(FUNDERS)
    matched = anonymous.get(FUNDERS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert matched.status_code == 304
    # What a cache in between needs to keep using its copy, as the full answer says it.
    for header in ("ETag", "Last-Modified", "Vary"):
        assert matched[header] == anonymous.get(FUNDERS)[header], header
    since = anonymous.get(FUNDERS, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert anonymous.get(FUNDERS, HTTP_IF_MODIFIED_SINCE="not a date").status_code == 200
    Funder.objects.filter(slug="home-office").first().save()
    assert anonymous.get(FUNDERS, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_a_304_leaves_the_kept_page_its_own_script_policy(anonymous):
    """The browser keeps the policy it got with the page unless the 304 sends another: one
    sent would allow a new nonce, not the one in the kept page's scripts."""
    first = anonymous.get("/case-studies/")
    assert "'nonce-" in first["Content-Security-Policy"]
    matched = anonymous.get("/case-studies/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert matched.status_code == 304
    assert "Content-Security-Policy" not in matched
    assert "Content-Security-Policy-Report-Only" not in matched


def test_signed_in_users_are_never_served_from_the_cache(anonymous, django_assert_num_queries):
    anonymous.get(FUNDERS)
    analyst = signed_in("an-analyst", "analyst")
    response = analyst.get(FUNDERS)
    assert response.status_code == HTTPStatus.OK
    assert "Last-Modified" not in response
    with pytest.raises(pytest.fail.Exception):
        with django_assert_num_queries(0):
            analyst.get(FUNDERS)


def test_every_cached_page_has_a_fresh_nonce_matching_its_policy(anonymous):
    nonces = []
    for _ in range(2):
        response = anonymous.get("/")
        policy = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


SECURITY_HEADERS = (
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


@pytest.mark.parametrize("path", ["/", FUNDERS])
def test_a_cached_answer_keeps_the_headers_of_a_fresh_one(anonymous, path):
    fresh = anonymous.get(path)
    cached = anonymous.get(path)
    for header in (*SECURITY_HEADERS, "Content-Type", "ETag", "Last-Modified"):
        assert cached.get(header) == fresh.get(header), header
    assert "Content-Security-Policy" in cached
    assert int(cached["Content-Length"]) == len(cached.content) == len(fresh.content)
    # Shared caches must not hand an anonymous answer to a signed-in user or another format.
    vary = {name.strip().lower() for name in cached["Vary"].split(",")}
    assert {"accept", "cookie"} <= vary


def test_a_session_cookie_is_never_answered_from_the_cache(anonymous):
    """Sessions are not looked up for cached answers: a request with a session cookie is
    never one, even a cookie that signs nobody in."""
    anonymous.get(FUNDERS)
    anonymous.cookies["sessionid"] = "no-such-session"
    response = anonymous.get(FUNDERS)
    assert response.status_code == HTTPStatus.OK
    assert "Last-Modified" not in response


# --- No stale reads ---------------------------------------------------------------------------


def item_in_westminster():
    return ActionItem.objects.filter(plan__borough__slug="westminster").order_by("pk").first()


def test_a_lead_editing_an_item_on_its_page_shows_at_once(anonymous):
    item = item_in_westminster()
    assert item.title in anonymous.get(PLAN).content.decode()
    lead = signed_in("wm-lead", "lead", "westminster")
    response = lead.post(
        f"/action-items/{item.pk}/edit/",
        form_data(item, title="Renamed on the page"),
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert "Renamed on the page" in anonymous.get(PLAN).content.decode()


def test_a_csv_upload_shows_at_once(anonymous):
    before = anonymous.get(PLAN).content.decode()
    assert "First uploaded" not in before
    lead = signed_in("wm-lead", "lead", "westminster")
    content = b"theme,title\ngovernance,First uploaded\n"
    response = lead.post(
        f"{PLAN}upload/", {"file": SimpleUploadedFile("items.csv", content, "text/csv")}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "First uploaded" in anonymous.get(PLAN).content.decode()


def found_by_a_reader(reader, q):
    """What a signed-in reader finds for `q`: the case-study list's count and the portal
    search's case studies."""
    listed = reader.get(CASE_STUDIES, {"q": q}).json()["count"]
    groups = reader.get("/api/v1/search/", {"q": q}).json()["groups"]
    (studies,) = [group for group in groups if group["kind"] == "case_studies"]
    return listed, [result["slug"] for result in studies["results"]]


def test_an_api_edit_and_a_publication_show_at_once(
    anonymous, write_westminster_draft, publish_through_api
):
    officer = signed_in("wm-officer", "officer", "westminster")
    editor = signed_in("an-editor", "editor")
    reader = signed_in("a-reader")
    count = anonymous.get(CASE_STUDIES).json()["count"]
    listed, slugs = found_by_a_reader(reader, "navigators")
    draft = write_westminster_draft(officer.user)
    detail = f"{CASE_STUDIES}{draft.slug}/"
    publish_through_api(draft, officer, editor)
    assert anonymous.get(CASE_STUDIES).json()["count"] == count + 1
    assert anonymous.get(detail).json()["title"] == "Navigators"
    listed_now, slugs_now = found_by_a_reader(reader, "navigators")
    assert listed_now == listed + 1
    assert draft.slug not in slugs
    assert draft.slug in slugs_now

    published = CaseStudy.objects.get(pk=draft.pk)
    response = editor.patch(
        detail,
        json.dumps({"title": "Hospital navigators"}),
        content_type="application/json",
        HTTP_IF_MATCH=etag_for(published),
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert anonymous.get(detail).json()["title"] == "Hospital navigators"
    assert draft.slug in found_by_a_reader(reader, "hospital")[1]


def test_an_admin_edit_shows_at_once(anonymous):
    funder = Funder.objects.get(slug="home-office")
    assert funder.name in anonymous.get(FUNDERS).content.decode()
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("the-admin"))
    response = admin.post(
        reverse("admin:funding_funder_change", args=[funder.pk]),
        {
            "name": "Home Office (renamed in the admin)",
            "slug": funder.slug,
            "kind": funder.kind,
            "website": funder.website,
            "org_identifier": funder.org_identifier,
            "source": funder.source_id or "",
            "source_section": funder.source_section,
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    assert "renamed in the admin" in anonymous.get(FUNDERS).content.decode()


def test_a_write_through_another_worker_shows_at_once(anonymous):
    """Each worker keeps the answers it served in memory; a write made through another
    worker (here: the data version moved on in the shared cache, as that worker's write
    does) still shows on this one's next answer."""
    funder = Funder.objects.get(slug="home-office")
    for _ in range(2):  # kept, then answered from this worker's memory
        assert funder.name in anonymous.get(FUNDERS).content.decode()
    Funder.objects.filter(pk=funder.pk).update(name="Renamed through another worker")
    cache.set(VERSION_KEY, {"token": "another-worker", "at": int(time.time())}, None)
    assert "Renamed through another worker" in anonymous.get(FUNDERS).content.decode()


def test_the_loader_refreshing_the_real_data_shows_at_once(anonymous, run_command):
    Funder.objects.filter(slug="home-office").update(name="Changed by hand")
    # update() sends no signal: a write made behind the portal's back is not seen…
    anonymous.get(FUNDERS)
    run_command("load_portal_data", "--refresh")
    # …until the loader puts the record back, which is seen at once.
    assert "Changed by hand" not in anonymous.get(FUNDERS).content.decode()
    assert "Home Office" in anonymous.get(FUNDERS).content.decode()


def test_generating_synthetic_data_shows_at_once(anonymous, run_command):
    count = anonymous.get(CASE_STUDIES).json()["count"]
    run_command("generate_synthetic", "--scale", "0.001")
    assert anonymous.get(CASE_STUDIES).json()["count"] > count


@pytest.mark.parametrize("path", [FUNDERS, PLAN])
def test_a_new_release_serves_no_answer_the_release_before_made(
    anonymous, path, new_release, django_assert_num_queries
):
    # A deploy that changes how answers look (a template, a serializer, the committed
    # geometry) writes no data: the data version stays, but the release moves on.
    first = anonymous.get(path)
    assert first.status_code == HTTPStatus.OK
    with django_assert_num_queries(0):
        anonymous.get(path)  # the same release: answered from the cache
    new_release("next")
    with CaptureQueriesContext(connection) as made_afresh:
        assert anonymous.get(path).status_code == HTTPStatus.OK
    assert made_afresh.captured_queries  # the answer of the release before is not served
    with django_assert_num_queries(0):
        assert anonymous.get(path).status_code == HTTPStatus.OK  # kept for this release


def test_after_a_new_release_a_get_conditional_on_the_time_is_answered_afresh(
    anonymous, new_release, monkeypatch
):
    first = anonymous.get(FUNDERS)
    new_release("next")
    # The new release's processes started after the answer was made.
    monkeypatch.setattr(answer_cache, "_STARTED", int(time.time()) + 5)
    again = anonymous.get(FUNDERS, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == HTTPStatus.OK
    assert again.content == first.content


def test_figures_kept_under_the_data_version_are_made_afresh_by_a_new_release(new_release):
    made = []

    def compute():
        made.append(1)
        return len(made)

    def kept():
        return kept_under_data_version("figures", compute, using="default", seconds=600)

    assert (kept(), kept()) == (1, 1)  # the same release reads what it kept
    new_release("next")
    assert (kept(), kept()) == (2, 2)
