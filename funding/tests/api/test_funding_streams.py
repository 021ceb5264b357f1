import datetime as dt
from http import HTTPStatus

import pytest

from core.tests.api_support import assert_invalid, read_csv, slugs
from funding.tests.factories import FundingStreamFactory
from funding.tests.real_data import ALL_STREAMS

pytestmark = pytest.mark.django_db

URL = "/api/v1/funding-streams/"

HOME_OFFICE = [
    "police-forces-serious-violence-fund",
    "early-intervention-youth-fund",
    "prosecutions-fund",
    "serious-violence-fund",
    "trusted-relationships-fund",
    "youth-endowment-fund",
]
WITHOUT_SERIOUS_VIOLENCE_FUND = [slug for slug in ALL_STREAMS if slug != "serious-violence-fund"]


def stated_totals(response):
    """(slug, total) of the streams whose total is stated, in the order given."""
    return [
        (stream["slug"], stream["total_amount"])
        for stream in response.json()["results"]
        if stream["total_amount"] is not None
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"funder": "home-office"}, HOME_OFFICE),
        ({"funder": "mopac"}, ["london-crime-prevention-fund", "mopac-london-gang-exit"]),
        ({"funder": "big-lottery-fund"}, ["youth-investment-fund"]),
        ({"funder": "scottish-government"}, []),
        ({"active_on": "2019-06-01"}, ALL_STREAMS),
        ({"active_on": "2019-04-01"}, ALL_STREAMS),
        ({"active_on": "2020-03-31"}, ALL_STREAMS),
        ({"active_on": "2020-04-01"}, WITHOUT_SERIOUS_VIOLENCE_FUND),
        ({"active_on": "2019-03-31"}, WITHOUT_SERIOUS_VIOLENCE_FUND),
        (
            {"funder": "home-office", "active_on": "2021-01-01"},
            [slug for slug in HOME_OFFICE if slug != "serious-violence-fund"],
        ),
    ],
)
def test_filters_give_exactly_the_matching_streams(client, params, expected):
    assert slugs(client.get(URL, params)) == expected


def test_active_on_leaves_out_streams_that_have_ended_or_not_begun(client):
    FundingStreamFactory(
        slug="testshire-2022-fund", starts_on=dt.date(2022, 4, 1), ends_on=dt.date(2023, 3, 31)
    )

    assert "testshire-2022-fund" in slugs(client.get(URL, {"active_on": "2022-04-01"}))
    assert "testshire-2022-fund" in slugs(client.get(URL, {"active_on": "2023-03-31"}))
    assert "testshire-2022-fund" not in slugs(client.get(URL, {"active_on": "2022-03-31"}))
    assert "testshire-2022-fund" not in slugs(client.get(URL, {"active_on": "2023-04-01"}))


def test_a_stream_names_its_funder_or_null(client):
    results = {stream["slug"]: stream for stream in client.get(URL).json()["results"]}

    assert results["youth-endowment-fund"]["funder"] == {
        "slug": "home-office",
        "name": "Home Office",
    }
    assert results["anti-knife-crime-community-fund"]["funder"] is None


def test_ordering_by_total_amount_either_way(client):
    ascending = client.get(URL, {"ordering": "total_amount"})
    descending = client.get(URL, {"ordering": "-total_amount"})

    largest_first = [
        ("youth-endowment-fund", "200000000.00"),
        ("police-forces-serious-violence-fund", "100000000.00"),
        ("youth-investment-fund", "40000000.00"),
        ("trusted-relationships-fund", "13200000.00"),
        ("early-intervention-youth-fund", "11000000.00"),
    ]
    assert stated_totals(descending) == largest_first
    assert stated_totals(ascending) == largest_first[::-1]


def test_ordering_by_start_date(client):
    FundingStreamFactory(slug="testshire-2022-fund", starts_on=dt.date(2022, 4, 1))

    dated = [
        stream["slug"]
        for stream in client.get(URL, {"ordering": "-starts_on"}).json()["results"]
        if stream["starts_on"]
    ]
    assert dated == ["testshire-2022-fund", "serious-violence-fund"]


def test_a_stream_by_slug_with_its_total_as_stated(client):
    response = client.get(f"{URL}serious-violence-fund/")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["name"] == "Serious Violence Fund"
    assert body["funder"] == {"slug": "home-office", "name": "Home Office"}
    assert body["starts_on"] == "2019-04-01"
    assert body["ends_on"] == "2020-03-31"
    assert body["total_amount"] is None

    youth_endowment = client.get(f"{URL}youth-endowment-fund/").json()
    assert youth_endowment["total_amount"] == "200000000.00"
    assert youth_endowment["total_is_minimum"] is False


def test_the_errors_say_what_is_wrong(client):
    assert assert_invalid(client.get(URL, {"funder": "atlantis"}), "funder") == [
        "There is no funder “atlantis”."
    ]
    assert assert_invalid(client.get(URL, {"active_on": "not-a-date"}), "active_on") == [
        "Enter a valid date."
    ]


def test_csv_of_one_funders_streams_flattens_the_funder(client):
    header, rows = read_csv(client.get(URL, {"funder": "home-office", "format": "csv"}))

    assert header[:4] == ["slug", "name", "funder.slug", "funder.name"]
    assert "source.title" in header
    assert [row["slug"] for row in rows] == HOME_OFFICE
    assert {row["funder.name"] for row in rows} == {"Home Office"}
    youth_endowment = rows[-1]
    assert youth_endowment["total_amount"] == "200000000.00"
    assert youth_endowment["total_is_minimum"] == "false"
    assert youth_endowment["source.publisher"] == "Local Government Association"


def test_csv_honours_active_on(client):
    _, rows = read_csv(client.get(URL, {"active_on": "2021-01-01", "format": "csv"}))

    assert [row["slug"] for row in rows] == WITHOUT_SERIOUS_VIOLENCE_FUND


def test_csv_of_all_streams_names_each_funder(client):
    header, rows = read_csv(client.get(URL, {"format": "csv"}))

    assert "funder.name" in header
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["early-intervention-youth-fund"]["funder.name"] == "Home Office"
    assert by_slug["anti-knife-crime-community-fund"]["funder.name"] == ""
