"""/api/v1/action-plans/: filters, paging, errors and CSV, on Westminster's plan and a few more."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from actionplans.models import ActionItem, ActionPlan
from actionplans.tests.real_data import WESTMINSTER_PLAN, add_two_plans, sign_in_an_analyst
from boroughs.models import Borough
from boroughs.roles import role_grant
from core.tests.api_support import assert_invalid, assert_not_found, csv_rows, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/action-plans/"
WESTMINSTER = WESTMINSTER_PLAN


def csv_text(response):
    assert response.status_code == HTTPStatus.OK
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def analyst_signed_in(client):
    """The client signed in as an analyst, who reads every plan, drafts included."""
    return sign_in_an_analyst(client)


@pytest.fixture
def more_plans():
    """Redbridge's superseded plan (3 items) and a Sussex partnership's draft plan (no borough).
    The draft is visible only to analysts, editors and the partnership's boroughs' staff."""
    return add_two_plans()


# --- Filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"borough": "westminster"}, {WESTMINSTER}),
        ({"borough": "redbridge"}, {"redbridge"}),
        ({"borough": "lambeth"}, set()),  # a real borough without a plan
        ({"framework": "mopac-knife-crime-strategy-2017"}, {WESTMINSTER}),
        ({"framework": "prevent-protect-prepare-pursue"}, {"redbridge"}),
        ({"framework": "curtail-treat-support-strengthen"}, set()),
        ({"status": "active"}, {WESTMINSTER}),
        ({"status": "superseded"}, {"redbridge"}),
        ({"status": "draft"}, {"sussex"}),
        ({"status": "active", "borough": "redbridge"}, set()),
        ({"q": "Westminster"}, {WESTMINSTER}),
        ({"q": "Sussex Violence Reduction"}, {"sussex"}),  # overseen_by is searched
        ({"q": "Redbridge"}, {"redbridge"}),
    ],
)
def test_filters_return_the_matching_plans(client, analyst_signed_in, more_plans, params, expected):
    expected_slugs = {more_plans.get(name, name) for name in expected}
    assert set(slugs(client.get(URL, params))) == expected_slugs


def test_paging(client, analyst_signed_in, more_plans):
    first = client.get(URL, {"page_size": "2", "ordering": "title"}).json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert slugs(client.get(URL, {"page_size": "2", "page": "2", "ordering": "title"})) == [
        WESTMINSTER
    ]
    assert_not_found(client.get(URL, {"page_size": "2", "page": "3"}))
    assert_invalid(client.get(URL, {"page_size": "1.5"}), "page_size")


# --- Detail ------------------------------------------------------------------------------


def test_detail_of_westminsters_plan(client):
    response = client.get(f"{URL}{WESTMINSTER}/")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["title"] == "Westminster Local Knife Crime Action Plan"
    assert body["item_count"] == 40
    assert body["borough"] == {
        "slug": "westminster",
        "name": "Westminster",
        "gss_code": "E09000033",
    }
    assert body["partnership"] == {
        "slug": "westminster-youth-crime-prevention-partnership",
        "name": "Youth Crime Prevention Partnership",
    }
    assert body["framework"] == {
        "slug": "mopac-knife-crime-strategy-2017",
        "name": "MOPAC Anti-Knife Crime Strategy",
    }
    assert body["status"] == "active"
    assert body["scope"] == "partnership_wide"
    assert body["last_refreshed_on"] == "2019-05-01"
    assert body["last_refreshed_on_precision"] == "month"
    assert body["source"]["key"] == "westminster-knife-crime-scrutiny-2019"


def test_item_counts_are_per_plan(client, analyst_signed_in, more_plans):
    counts = {row["slug"]: row["item_count"] for row in client.get(URL).json()["results"]}
    assert counts == {WESTMINSTER: 40, more_plans["redbridge"]: 3, more_plans["sussex"]: 0}
    assert client.get(f"{URL}{more_plans['redbridge']}/").json()["item_count"] == 3


# --- Refused parameters and values --------------------------------------------------------


def test_detail_refuses_unknown_parameters(client):
    assert_invalid(client.get(f"{URL}{WESTMINSTER}/", {"status": "active"}), "status")


# --- CSV ---------------------------------------------------------------------------------


def test_csv_of_westminsters_plan(client):
    response = client.get(URL, {"format": "csv"})
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response)
    assert len(rows) == 1
    row = rows[0]
    assert row["slug"] == WESTMINSTER
    assert row["borough.slug"] == "westminster"
    assert row["framework.slug"] == "mopac-knife-crime-strategy-2017"
    assert row["partnership.name"] == "Youth Crime Prevention Partnership"
    assert row["item_count"] == "40"


def test_csv_honours_the_filters(client, analyst_signed_in, more_plans):
    rows = csv_rows(client.get(URL, {"format": "csv", "status": "superseded"}))
    assert [row["slug"] for row in rows] == [more_plans["redbridge"]]
    assert rows[0]["item_count"] == "3"
    rows = csv_rows(client.get(URL, {"format": "csv", "ordering": "-title"}))
    assert [row["slug"] for row in rows] == [
        WESTMINSTER,
        more_plans["sussex"],
        more_plans["redbridge"],
    ]


def test_csv_keeps_each_rows_partnership_whatever_comes_first(
    client, analyst_signed_in, more_plans
):
    """The columns come from the serializer, not from whichever row happens to be first."""
    rows = csv_rows(client.get(URL, {"format": "csv", "ordering": "title"}))
    assert rows[0]["slug"] == more_plans["redbridge"]  # no partnership
    westminster = next(row for row in rows if row["slug"] == WESTMINSTER)
    assert westminster.get("partnership.slug") == "westminster-youth-crime-prevention-partnership"


def test_csv_neutralises_formulas(client):
    ActionPlan.objects.filter(slug=WESTMINSTER).update(
        title='=HYPERLINK("http://evil")', overseen_by="-2"
    )
    row = csv_rows(client.get(URL, {"format": "csv"}))[0]
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["overseen_by"] == "'-2"
    assert row["item_count"] == "40"
    assert row["version"] == "1"


def test_a_malformed_upload_is_a_400_naming_line_and_column(client):
    lead = get_user_model().objects.create_user("upload-lead")
    role_grant(user=lead, role="lead", borough=Borough.objects.get(slug="westminster"))
    client.force_login(lead)
    before = ActionItem.objects.count()
    upload = SimpleUploadedFile("items.csv", b"theme,title\rgovernance,Caf\xe9\r", "text/csv")
    response = client.post(f"{URL}{WESTMINSTER}/items-upload/", {"file": upload})
    assert assert_invalid(response, "file") == [
        "Line 2, column title: This cell is not UTF-8 text. In your spreadsheet choose Save "
        "As, then “CSV UTF-8”, and upload that file."
    ]
    assert ActionItem.objects.count() == before
