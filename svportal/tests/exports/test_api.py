"""The exports API: start an export, follow it, download it — and who may."""

import csv
import datetime as dt
import io
import json
import uuid
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from svportal.exports.services import exports_expire
from svportal.models import ExportJob

from .conftest import download

pytestmark = pytest.mark.django_db

EXPORTS = "/api/v1/exports/"


def test_an_analyst_exports_the_london_borough_summary_and_downloads_it(signed_in, start_export):
    client, analyst = signed_in("an-analyst", role="analyst")
    response = start_export(client, "borough-summary", "csv", {"region": "london"})

    assert response.status_code == HTTPStatus.ACCEPTED
    job = response.json()
    assert response["Location"] == job["url"] == f"http://testserver{EXPORTS}{job['id']}/"
    # The test's transaction holds the task back until the response is made; in the
    # portal, with no broker, it runs as the record commits (test_pages shows that).
    assert (job["status"], job["progress"], job["download_url"]) == ("queued", 0, None)
    assert job["filters"] == {"region": "london"}

    status = client.get(job["url"]).json()
    assert status["status"] == "done"
    assert status["progress"] == 100
    assert status["rows_written"] == status["total_rows"] == 33
    assert status["attempts"] == 1
    assert status["download_url"] == f"http://testserver{EXPORTS}{job['id']}/download/"
    assert status["expires_at"] is not None

    response, content = download(client, job["id"])
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "svportal-borough-summary-" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert len(rows) == 33
    assert {row["region"] for row in rows} == {"London"}
    assert "Westminster" in {row["borough"] for row in rows}


def test_filters_may_be_given_as_a_query_string(signed_in, start_export):
    client, _ = signed_in("qs-analyst", role="analyst")
    response = start_export(client, "action-items", "json", "?borough=westminster&status=complete")
    assert response.status_code == HTTPStatus.ACCEPTED
    assert response.json()["filters"] == {"borough": "westminster", "status": "complete"}


@pytest.mark.parametrize(
    "filters",
    ["borough=westminster&status=complete", '{"borough": "westminster", "status": "complete"}'],
)
def test_a_form_encoded_request_takes_filters_as_a_query_string_or_json(
    signed_in, django_capture_on_commit_callbacks, filters
):
    client, _ = signed_in("form-analyst", role="analyst")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            EXPORTS, {"kind": "action-items", "format": "csv", "filters": filters}
        )
    assert response.status_code == HTTPStatus.ACCEPTED
    assert response.json()["filters"] == {"borough": "westminster", "status": "complete"}


def test_a_token_works_for_starting_and_downloading(make_user, start_export):
    analyst = make_user("token-analyst", role="analyst")
    token = Token.objects.create(user=analyst)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    job = start_export(client, "stock-take-matrix", "json", {"stock_take": "london-councils-2018"})
    assert job.status_code == HTTPStatus.ACCEPTED
    response, content = download(client, job.json()["id"])
    assert response.status_code == HTTPStatus.OK
    rows = json.loads(content)
    assert len(rows) == 33
    assert {"borough", "gss_code", "knife-crime-action-plan"} <= set(rows[0])


def test_a_download_is_a_file_whatever_the_accept_header(signed_in, start_export):
    client, _ = signed_in("accept-analyst", role="analyst")
    job = start_export(client, "borough-summary", "xlsx", {"region": "london"}).json()
    response = client.get(f"{EXPORTS}{job['id']}/download/", HTTP_ACCEPT="text/csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- Who may see and download ----------------------------------------------------------


@pytest.fixture
def officers_export(make_user, start_export):
    owner = make_user("owner-officer", role="officer", borough="lambeth")
    client = Client()
    client.force_login(owner)
    started = start_export(client, "action-items", "csv", {"borough": "lambeth"}).json()
    return client.get(started["url"]).json()


@pytest.mark.parametrize(
    ("role", "borough"), [("analyst", None), ("editor", None)], ids=["analyst", "editor"]
)
def test_analysts_and_editors_may_download_anyones_export(
    officers_export, signed_in, role, borough
):
    client, _ = signed_in(f"a-{role}", role=role, borough=borough)
    assert client.get(officers_export["url"]).status_code == HTTPStatus.OK
    response, _ = download(client, officers_export["id"])
    assert response.status_code == HTTPStatus.OK


def test_the_owner_may_download_their_export(officers_export, make_user):
    client = Client()
    client.force_login(make_user("owner-officer-2"))  # a different user: not the owner
    assert client.get(officers_export["url"]).status_code == HTTPStatus.NOT_FOUND
    owner = ExportJob.objects.get(pk=officers_export["id"]).owner
    client.force_login(owner)
    response, content = download(client, officers_export["id"])
    assert response.status_code == HTTPStatus.OK
    assert content.startswith(b"id,slug,plan.slug")


@pytest.mark.parametrize(
    ("role", "borough"),
    [(None, None), ("lead", "lambeth"), ("officer", "westminster")],
    ids=["no-role", "lead-of-the-same-borough", "officer-elsewhere"],
)
def test_anyone_else_gets_404_for_status_and_file_as_if_it_did_not_exist(
    officers_export, signed_in, role, borough
):
    client, _ = signed_in(f"other-{role}-{borough}", role=role, borough=borough)
    for url in (officers_export["url"], officers_export["download_url"]):
        response = client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert response.json() == client.get(f"{EXPORTS}{uuid.uuid4()}/download/").json()


def test_signed_out_callers_are_told_to_sign_in(officers_export):
    client = Client()
    assert client.get(EXPORTS).status_code == HTTPStatus.UNAUTHORIZED
    assert client.get(officers_export["download_url"]).status_code == HTTPStatus.UNAUTHORIZED
    response = client.post(EXPORTS, {"kind": "awards", "format": "csv"})
    assert response.status_code == HTTPStatus.UNAUTHORIZED


def test_an_id_that_is_not_a_uuid_is_404(signed_in):
    client, _ = signed_in("malformed-analyst", role="analyst")
    response = client.get(f"{EXPORTS}123/download/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["code"] == "not_found"


def test_the_list_holds_only_ones_own_exports_even_for_analysts(
    officers_export, signed_in, start_export
):
    client, analyst = signed_in("list-analyst", role="analyst")
    mine = start_export(client, "awards", "csv").json()
    listed = client.get(EXPORTS).json()
    assert listed["count"] == 1
    assert [job["id"] for job in listed["results"]] == [mine["id"]]


def test_the_list_queries_do_not_grow(signed_in, django_assert_num_queries):
    """1 user, 1 count, 1 page of exports; nothing per export (the session is read from
    the cache)."""
    client, user = signed_in("counted-analyst")
    for _ in range(2):
        ExportJob.objects.create(owner=user, kind="awards", format="csv", file_token=uuid.uuid4())
    with django_assert_num_queries(3):
        assert client.get(EXPORTS).json()["count"] == 2
    for _ in range(20):
        ExportJob.objects.create(owner=user, kind="awards", format="csv", file_token=uuid.uuid4())
    with django_assert_num_queries(3):
        assert client.get(EXPORTS).json()["count"] == 22


# --- Bad input: a 400 naming what is wrong ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"kind": "everything", "format": "csv"}, {"kind"}),
        ({"kind": "awards", "format": "pdf"}, {"format"}),
        ({"kind": "borough-summary", "format": "360giving-json"}, {"format"}),
        ({"kind": "awards", "format": "csv", "colour": "red"}, {"colour"}),
        ({"format": "csv"}, {"kind"}),
        ({"kind": "awards", "format": "csv", "filters": [1, 2]}, {"filters"}),
        (
            {"kind": "awards", "format": "csv", "filters": {"borough": {"a": 1}}},
            {"filters.borough"},
        ),
    ],
)
def test_an_unknown_kind_format_or_field_is_a_400_naming_it(signed_in, body, errors):
    client, _ = signed_in("bad-input-analyst", role="analyst")
    response = client.post(EXPORTS, body, content_type="application/json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    data = response.json()
    assert data["code"] == "invalid"
    assert set(data["errors"]) == errors
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("kind", "filters", "named"),
    [
        ("borough-summary", {"regoin": "london"}, "regoin"),
        ("borough-summary", {"region": "atlantis"}, "region"),
        ("action-items", {"borough": "gotham"}, "borough"),
        ("action-items", {"status": "finished"}, "status"),
        ("action-items", {"ordering": "colour"}, "ordering"),
        ("action-items", {"due_before": "tomorrow"}, "due_before"),
        ("case-studies", {"approach": "magic"}, "approach"),
        ("awards", {"funder": "nobody"}, "funder"),
        ("stock-take-summary", {}, "stock_take"),
        ("stock-take-matrix", {"stock_take": "london-1066"}, "stock_take"),
        ("stock-take-matrix", {"stock_take": "london-councils-2018", "page": "2"}, "page"),
        ("action-items", {"borough": ["westminster", "lambeth"]}, "borough"),
        ("action-items", "borough=westminster&borough=lambeth", "borough"),
    ],
)
def test_an_unknown_or_bad_filter_is_a_400_naming_it(signed_in, kind, filters, named):
    client, _ = signed_in("bad-filter-analyst", role="analyst")
    response = client.post(
        EXPORTS,
        {"kind": kind, "format": "csv", "filters": filters},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    # Errors inside the filters are named by their path, as everywhere in the API.
    assert list(response.json()["errors"]) == [f"filters.{named}"]
    assert not ExportJob.objects.exists()


def test_the_unknown_filter_message_lists_the_filters_there_are(signed_in):
    client, _ = signed_in("message-analyst", role="analyst")
    response = client.post(
        EXPORTS,
        {"kind": "borough-summary", "format": "csv", "filters": {"regoin": "london"}},
        content_type="application/json",
    )
    [message] = response.json()["errors"]["filters.regoin"]
    assert message == "Unknown filter for borough summary exports. Filters: kind, region."


def test_unknown_query_parameters_are_refused(signed_in):
    client, _ = signed_in("param-analyst", role="analyst")
    response = client.get(EXPORTS, {"status": "done"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["status"]


def test_a_user_with_too_many_unfinished_exports_is_asked_to_wait(signed_in, settings):
    settings.SVPORTAL_EXPORT_MAX_ACTIVE = 2
    client, user = signed_in("busy-analyst", role="analyst")
    for _ in range(2):
        ExportJob.objects.create(owner=user, kind="awards", format="csv", file_token=uuid.uuid4())
    response = client.post(
        EXPORTS, {"kind": "awards", "format": "csv"}, content_type="application/json"
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "2 exports queued or running" in response.json()["detail"]


# --- Not ready, failed, expired ---------------------------------------------------------------


def test_a_download_before_the_file_is_ready_is_a_409(signed_in):
    client, user = signed_in("waiting-analyst", role="analyst")
    job = ExportJob.objects.create(
        owner=user, kind="awards", format="csv", file_token="t1", status="running", progress=40
    )
    response, _ = download(client, job.pk)
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["detail"] == "The export is not ready: it is running (40% written)."
    assert client.get(f"{EXPORTS}{job.pk}/").json()["download_url"] is None


def test_after_expiry_and_cleanup_the_file_is_gone_410(signed_in, start_export, export_media):
    client, _ = signed_in("expiry-analyst", role="analyst")
    job = start_export(client, "awards", "csv").json()
    stored = list(export_media.iterdir())
    assert len(stored) == 1
    assert job["id"] not in stored[0].name  # the file's name is not the job's id

    ExportJob.objects.filter(pk=job["id"]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    response, _ = download(client, job["id"])  # expired but not yet cleaned up: refused
    assert response.status_code == HTTPStatus.GONE

    assert exports_expire()["expired"] == 1
    assert list(export_media.iterdir()) == []
    response, _ = download(client, job["id"])
    assert response.status_code == HTTPStatus.GONE
    assert "Start the export again" in response.json()["detail"]
    assert client.get(job["url"]).json()["status"] == "expired"


def test_the_exports_endpoints_are_in_the_schema(openapi_schema):
    paths = openapi_schema["paths"]
    assert set(paths["/api/v1/exports/"]) >= {"get", "post"}
    assert "get" in paths["/api/v1/exports/{id}/"]
    assert "get" in paths["/api/v1/exports/{id}/download/"]
    request = paths["/api/v1/exports/"]["post"]["requestBody"]["content"]["application/json"]
    assert request["schema"]["$ref"].endswith("/ExportRequestRequest")


def test_with_the_task_queue_down_starting_an_export_is_a_503_and_saves_nothing(
    signed_in, broker_down
):
    client, user = signed_in("outage-analyst", role="analyst")
    response = client.post(
        EXPORTS, {"kind": "awards", "format": "csv"}, content_type="application/json"
    )
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "status": 503,
        "code": "unavailable",
        "detail": "Exports cannot be started at the moment. Nothing has been saved: try "
        "again in a few minutes.",
    }
    assert not ExportJob.objects.filter(owner=user).exists()
    assert client.get(EXPORTS).status_code == HTTPStatus.OK  # reading one's exports still works
