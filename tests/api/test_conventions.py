"""The API contract every endpoint keeps: error shape, paging, CSV safety, auth, throttling."""

import io
import json
import uuid
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from actionplans.models import ActionItem
from core.api.csv import flatten, neutralise
from core.tests.api_support import assert_invalid, assert_not_found, csv_rows, read_csv

pytestmark = pytest.mark.django_db


def assert_error(response, status, code, **errors):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["detail"]
    for parameter, fragment in errors.items():
        assert any(fragment in message for message in body["errors"][parameter]), body


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tX", "\rX"],
)
def test_formula_cells_are_shown_as_text(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    ("value", "shown"), [(-5, "-5"), (12.5, "12.5"), (None, ""), (True, "true")]
)
def test_numbers_and_empties_stay_as_they_are(value, shown):
    assert neutralise(value) == shown


def test_nested_values_flatten_into_columns():
    assert flatten({"a": {"b": 1}, "c": [{"name": "x"}, {"name": "y"}], "d": ["p", "q"]}) == {
        "a.b": 1,
        "c": "x; y",
        "d": "p; q",
    }


def test_a_malicious_title_downloads_as_inert_text(client):
    item = ActionItem.objects.first()
    ActionItem.objects.filter(pk=item.pk).update(title='=HYPERLINK("http://evil.example","x")')
    rows = csv_rows(client.get("/api/v1/action-items/", {"format": "csv", "q": "HYPERLINK"}))
    assert [row["title"] for row in rows] == ['\'=HYPERLINK("http://evil.example","x")']


def test_csv_is_the_whole_filtered_list_not_one_page(client):
    response = client.get("/api/v1/boroughs/", {"format": "csv", "region": "london"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="borough.csv"' == response["Content-Disposition"]
    rows = csv_rows(response)
    assert len(rows) == 33
    assert rows[0]["source.key"] == "uk-geojson-lad-2013"


def test_page_size_is_limited_to_500(client):
    assert client.get("/api/v1/boroughs/", {"page_size": 500}).status_code == HTTPStatus.OK
    assert_error(
        client.get("/api/v1/boroughs/", {"page_size": 501}),
        400,
        "invalid",
        page_size="from 1 to 500",
    )


def test_a_malformed_page_is_a_400_and_a_missing_page_a_404(client):
    assert_error(client.get("/api/v1/boroughs/", {"page": "two"}), 400, "invalid", page="page")
    response = client.get("/api/v1/boroughs/", {"page": 99})
    assert_error(response, 404, "not_found")
    assert "There is no page 99" in response.json()["detail"]


def test_an_unknown_parameter_is_named(client):
    assert_error(
        client.get("/api/v1/case-studies/", {"boro": "westminster"}),
        400,
        "invalid",
        boro="Unknown parameter",
    )


def test_a_detail_takes_only_format(client):
    assert_error(
        client.get("/api/v1/boroughs/westminster/", {"region": "london"}),
        400,
        "invalid",
        region="Unknown parameter",
    )


def test_an_unknown_api_path_is_a_json_404(client):
    assert_error(client.get("/api/v1/nothing-here/"), 404, "not_found")


def test_a_write_to_a_read_only_endpoint_is_a_405(client):
    response = client.post("/api/v1/boroughs/", {"name": "New"})
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_bad_token_is_a_401(client):
    response = client.get("/api/v1/boroughs/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_authenticates_an_analyst_who_sees_drafts(client):
    call_command("grant_role", "analyst-api", "analyst", stdout=io.StringIO())
    analyst = get_user_model().objects.get(username="analyst-api")
    token = Token.objects.create(user=analyst)
    from casestudies.models import CaseStudy

    CaseStudy.objects.filter(slug="redbridge-functional-family-therapy").update(status="draft")
    anonymous = client.get("/api/v1/case-studies/", {"borough": "redbridge"}).json()
    assert anonymous["count"] == 0
    with_token = client.get(
        "/api/v1/case-studies/",
        {"borough": "redbridge"},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    ).json()
    assert [study["status"] for study in with_token["results"]] == ["draft"]


@pytest.fixture
def tight_throttle(monkeypatch):
    """Three requests a minute for anonymous clients, five for each signed-in user."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"}
    )
    # A cache of its own, so that parallel workers sharing Redis cannot disturb the counts.
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"throttle-{uuid.uuid4()}", {}))


def test_anonymous_clients_are_throttled_with_a_429(client, tight_throttle):
    for _ in range(3):
        assert client.get("/api/v1/funders/").status_code == HTTPStatus.OK
    response = client.get("/api/v1/funders/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_a_made_up_forwarded_for_does_not_reset_the_anonymous_allowance(client, tight_throttle):
    statuses = [
        client.get("/api/v1/funders/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [200] * 3 + [429]


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(client, tight_throttle, settings):
    settings.TRUSTED_PROXIES = ["172.28.0.10"]

    def ask(forwarded_for):
        return client.get(
            "/api/v1/funders/", REMOTE_ADDR="172.28.0.10", HTTP_X_FORWARDED_FOR=forwarded_for
        ).status_code

    # One client, prepending a new made-up address each time: the proxy's own entry counts.
    assert [ask(f"198.51.100.{n}, 203.0.113.5") for n in range(4)] == [200] * 3 + [429]
    assert ask("203.0.113.6") == 200  # another client behind the same proxy


def test_signed_in_users_have_their_own_allowance(client, tight_throttle):
    user = get_user_model().objects.create_user("reader", password="a-long-passphrase-1")
    client.force_login(user)
    statuses = [client.get("/api/v1/funders/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


# --- Every read endpoint alike ---------------------------------------------------------------

#: A record no endpoint has: a 404 in the API's error shape.
UNKNOWN_RECORDS = [
    "/api/v1/action-plans/atlantis-action-plan/",
    "/api/v1/frameworks/the-five-ps/",
    "/api/v1/boroughs/atlantis/",
    "/api/v1/organisations/acme-widgets/",
    "/api/v1/partnerships/atlantis-partnership/",
    "/api/v1/stock-takes/london-councils-1999/",
    "/api/v1/case-studies/atlantis-knife-crime/",
    "/api/v1/interventions/homeopathy/",
    "/api/v1/awards/atlantis-award/",
    "/api/v1/funders/bank-of-atlantis/",
    "/api/v1/funding-streams/atlantis-fund/",
]


@pytest.mark.parametrize("url", UNKNOWN_RECORDS)
def test_an_unknown_record_is_a_json_404(client, url):
    assert_not_found(client.get(url))


#: A modified_after that is no date and time, on each list that takes one.
MALFORMED_MODIFIED_AFTER = [
    ("/api/v1/action-plans/", "soon"),
    ("/api/v1/action-items/", "2024-06-01T25:00"),
    ("/api/v1/frameworks/", "2023-13-45"),
    ("/api/v1/boroughs/", "last tuesday"),
    ("/api/v1/organisations/", "soon"),
    ("/api/v1/partnerships/", "2099-13-45"),
    ("/api/v1/stock-takes/", "2018"),
    ("/api/v1/awards/", "tomorrow"),
    ("/api/v1/funders/", "01/01/2099"),
    ("/api/v1/funding-streams/", "2099-01-01T25:00"),
    ("/api/v1/case-studies/", "yesterday"),
    ("/api/v1/interventions/", "last week"),
]


@pytest.mark.parametrize(("url", "value"), MALFORMED_MODIFIED_AFTER)
def test_a_malformed_modified_after_is_a_400_naming_it(client, url, value):
    messages = assert_invalid(client.get(url, {"modified_after": value}), "modified_after")
    assert messages == ["Enter a valid date/time."]


#: An unknown filter value, an unknown parameter or an unknown ordering on each list: a
#: 400 naming the parameter, never a silently unfiltered or empty list.
REFUSED_PARAMETERS = [
    ("/api/v1/action-plans/", {"borough": "atlantis"}, "borough"),
    ("/api/v1/action-plans/", {"framework": "the-five-ps"}, "framework"),
    ("/api/v1/action-plans/", {"status": "lost"}, "status"),
    ("/api/v1/action-plans/", {"ordering": "borough"}, "ordering"),
    ("/api/v1/action-plans/", {"plan": "westminster-knife-crime-action-plan-2019"}, "plan"),
    ("/api/v1/action-items/", {"ordering": "lead_agency"}, "ordering"),
    ("/api/v1/case-studies/", {"ordering": "colour"}, "ordering"),
    ("/api/v1/interventions/", {"ordering": "evidence_quote"}, "ordering"),
    ("/api/v1/boroughs/", {"region": "atlantis"}, "region"),
    ("/api/v1/boroughs/", {"kind": "parish"}, "kind"),
    ("/api/v1/boroughs/", {"regoin": "london"}, "regoin"),
    ("/api/v1/boroughs/", {"ordering": "police_force"}, "ordering"),
    ("/api/v1/boroughs/", {"ordering": "name,-population"}, "ordering"),
    ("/api/v1/boroughs/", {"page": "first"}, "page"),
    ("/api/v1/organisations/", {"kind": "charities"}, "kind"),
    ("/api/v1/organisations/", {"type": "charity"}, "type"),
    ("/api/v1/organisations/", {"ordering": "website"}, "ordering"),
    ("/api/v1/partnerships/", {"borough": "atlantis"}, "borough"),
    ("/api/v1/partnerships/", {"kind": "gang"}, "kind"),
    ("/api/v1/partnerships/", {"member": "westminster"}, "member"),
    ("/api/v1/partnerships/", {"ordering": "members"}, "ordering"),
    ("/api/v1/stock-takes/", {"coverage_region": "atlantis"}, "coverage_region"),
    ("/api/v1/stock-takes/", {"region": "london"}, "region"),
    ("/api/v1/stock-takes/", {"ordering": "publisher"}, "ordering"),
    ("/api/v1/stock-takes/", {"ordering": "-published_on"}, "ordering"),
    ("/api/v1/awards/", {"borough": "atlantis"}, "borough"),
    ("/api/v1/awards/", {"stream": "atlantis"}, "stream"),
    ("/api/v1/awards/", {"funder": "atlantis"}, "funder"),
    ("/api/v1/awards/", {"borough": "Redbridge"}, "borough"),
    ("/api/v1/awards/", {"awarded_after": "2019"}, "awarded_after"),
    ("/api/v1/awards/", {"awarded_before": "yesterday"}, "awarded_before"),
    ("/api/v1/awards/", {"ending_before": "2020-03-32"}, "ending_before"),
    ("/api/v1/awards/", {"recipient": "redbridge"}, "recipient"),
    ("/api/v1/awards/", {"ordering": "funder"}, "ordering"),
    ("/api/v1/funders/", {"kind": "bank"}, "kind"),
    ("/api/v1/funders/", {"funder": "home-office"}, "funder"),
    ("/api/v1/funders/", {"ordering": "kind"}, "ordering"),
    ("/api/v1/funding-streams/", {"funder": "atlantis"}, "funder"),
    ("/api/v1/funding-streams/", {"active_on": "not-a-date"}, "active_on"),
    ("/api/v1/funding-streams/", {"active_on": "2019-02-30"}, "active_on"),
    ("/api/v1/funding-streams/", {"stream": "youth-endowment-fund"}, "stream"),
    ("/api/v1/funding-streams/", {"active": "true"}, "active"),
    ("/api/v1/funding-streams/", {"ordering": "funder"}, "ordering"),
]


@pytest.mark.parametrize(("url", "params", "parameter"), REFUSED_PARAMETERS)
def test_unknown_values_parameters_and_orderings_are_a_400_naming_the_parameter(
    client, url, params, parameter
):
    assert_invalid(client.get(url, params), parameter)


# --- Every list alike: pages and CSV -----------------------------------------------------------

#: Every read endpoint's list.
LISTS = [
    "/api/v1/action-plans/",
    "/api/v1/action-items/",
    "/api/v1/frameworks/",
    "/api/v1/boroughs/",
    "/api/v1/organisations/",
    "/api/v1/partnerships/",
    "/api/v1/stock-takes/",
    "/api/v1/case-studies/",
    "/api/v1/interventions/",
    "/api/v1/awards/",
    "/api/v1/funders/",
    "/api/v1/funding-streams/",
]


@pytest.mark.parametrize("url", LISTS)
def test_pages_of_a_chosen_size_walk_the_whole_list(client, url):
    """page_size pages a list (here in about three pages); the next and previous links keep
    it, the pages join up without repeats or gaps, the last (also page=last) has the rest;
    a page past the end is a 404, and a page that is not a whole number from 1 (or last),
    or a page size that is not one from 1 to 500, a 400."""
    count = client.get(url).json()["count"]
    assert count > 0
    size = max(1, (count + 2) // 3)
    body = client.get(url, {"page_size": size}).json()
    seen, pages = [], 0
    while True:
        assert len(body["results"]) == min(size, count - len(seen))
        seen += [json.dumps(row, sort_keys=True) for row in body["results"]]
        pages += 1
        if body["next"] is None:
            break
        assert f"page_size={size}" in body["next"]
        body = client.get(body["next"]).json()
        assert f"page_size={size}" in body["previous"]
    assert len(set(seen)) == len(seen) == count
    assert client.get(url, {"page_size": size, "page": "last"}).json() == body
    assert_not_found(client.get(url, {"page_size": size, "page": pages + 1}))
    for refused in ("0", "501", "1.5", "-1", "ten"):
        assert_invalid(client.get(url, {"page_size": refused}), "page_size")
    for refused in ("first", "-1", "1.5"):
        assert_invalid(client.get(url, {"page": refused}), "page")


@pytest.mark.parametrize("url", LISTS)
def test_csv_is_every_record_of_the_list_not_one_page(client, url):
    count = client.get(url).json()["count"]
    response = client.get(url, {"format": "csv", "page_size": 1})
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert len(csv_rows(response)) == count


@pytest.mark.parametrize("url", LISTS)
def test_an_empty_csv_still_has_its_header_row(client, url):
    header, rows = read_csv(client.get(url, {"format": "csv"}))
    empty_header, empty_rows = read_csv(
        client.get(url, {"format": "csv", "q": "no-such-words-anywhere"})
    )
    assert rows
    assert empty_rows == []
    assert empty_header == header


#: A value each list refuses, asked for as CSV: the error is still JSON.
REFUSED_AS_CSV = [
    ("/api/v1/action-plans/", {"framework": "nope"}, "framework"),
    ("/api/v1/action-items/", {"overdue": "maybe"}, "overdue"),
    ("/api/v1/frameworks/", {"owner": "atlantis"}, "owner"),
    ("/api/v1/boroughs/", {"region": "atlantis"}, "region"),
    ("/api/v1/organisations/", {"kind": "charities"}, "kind"),
    ("/api/v1/partnerships/", {"kind": "gang"}, "kind"),
    ("/api/v1/stock-takes/", {"coverage_region": "atlantis"}, "coverage_region"),
    ("/api/v1/case-studies/", {"borough": "atlantis"}, "borough"),
    ("/api/v1/interventions/", {"setting": "moon"}, "setting"),
    ("/api/v1/awards/", {"stream": "atlantis"}, "stream"),
    ("/api/v1/funders/", {"kind": "bank"}, "kind"),
    ("/api/v1/funding-streams/", {"funder": "atlantis"}, "funder"),
]


@pytest.mark.parametrize(("url", "params", "parameter"), REFUSED_AS_CSV)
def test_an_error_is_json_when_csv_was_asked_for(client, url, params, parameter):
    assert_invalid(client.get(url, {**params, "format": "csv"}), parameter)


def test_what_one_reader_may_filter_by_does_not_carry_over_to_the_next(client):
    """Each request's filters are its own: a draft plan an editor may filter by is, for
    the anonymous reader after them, a plan that does not exist, and the editor's own
    later filters still know it."""
    from actionplans.tests.factories import ActionItemFactory, ActionPlanFactory

    draft = ActionPlanFactory(slug="draft-plan", status="draft")
    ActionItemFactory.create_batch(2, plan=draft)
    editor = get_user_model().objects.create_superuser(username="editor")
    url, draft_only = "/api/v1/action-items/", {"plan": "draft-plan"}

    client.force_login(editor)
    assert client.get(url, draft_only).json()["count"] == 2
    client.logout()
    assert_error(client.get(url, draft_only), 400, "invalid", plan="There is no action plan")
    client.force_login(editor)
    assert client.get(url, draft_only).json()["count"] == 2
