import datetime as dt
from http import HTTPStatus

import pytest

from boroughs.tests.api.support import assert_queries_do_not_grow, read_csv, slugs
from funding.models import Funder
from funding.tests.factories import FunderFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/funders/"

ALL_FUNDERS = [
    "avon-and-somerset-pcc",
    "big-lottery-fund",
    "home-office",
    "mopac",
    "nhs-england",
    "cleveland-pcc",
    "scottish-government",
    "suffolk-public-sector-leaders",
    "sussex-pcc",
]
POLICING_BODIES = ["avon-and-somerset-pcc", "mopac", "cleveland-pcc", "sussex-pcc"]


def test_anyone_can_list_funders_by_name(client):
    response = client.get(URL)

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["count"] == 9
    assert body["next"] is None
    assert body["previous"] is None
    assert slugs(response) == ALL_FUNDERS


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("policing_body", POLICING_BODIES),
        ("central_government", ["home-office", "scottish-government"]),
        ("lottery", ["big-lottery-fund"]),
        ("charity_trust", []),
    ],
)
def test_kind_gives_exactly_the_funders_of_that_kind(client, kind, expected):
    assert slugs(client.get(URL, {"kind": kind})) == expected


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [("name", ALL_FUNDERS), ("-name", ALL_FUNDERS[::-1])],
)
def test_ordering_sorts_funders_either_way(client, ordering, expected):
    assert slugs(client.get(URL, {"ordering": ordering})) == expected


def test_q_searches_names(client):
    assert slugs(client.get(URL, {"q": "police"})) == [
        "avon-and-somerset-pcc",
        "cleveland-pcc",
        "sussex-pcc",
    ]
    assert slugs(client.get(URL, {"q": "policing"})) == ["mopac"]


def test_modified_after_gives_only_funders_changed_since(client):
    Funder.objects.filter(slug="mopac").update(modified_at=dt.datetime(2099, 1, 2, tzinfo=dt.UTC))

    assert slugs(client.get(URL, {"modified_after": "2099-01-01T00:00:00Z"})) == ["mopac"]


def test_a_funder_by_slug(client):
    response = client.get(f"{URL}mopac/")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["slug"] == "mopac"
    assert body["name"] == "Mayor's Office for Policing and Crime (MOPAC)"
    assert body["kind"] == "policing_body"
    assert body["source"]["key"] == "westminster-knife-crime-scrutiny-2019"
    assert body["source"]["publisher"] == "Westminster City Council"
    assert body["source_section"] == "5.1; 5.5.1; 12.1"


def test_csv_is_the_filtered_list_with_flattened_sources(client):
    header, rows = read_csv(client.get(URL, {"kind": "policing_body", "format": "csv"}))

    assert header == [
        "slug",
        "name",
        "kind",
        "website",
        "org_identifier",
        "source.key",
        "source.title",
        "source.publisher",
        "source.published_on",
        "source.document",
        "source.url",
        "source_section",
        "modified_at",
    ]
    assert [row["slug"] for row in rows] == POLICING_BODIES
    assert rows[1]["name"] == "Mayor's Office for Policing and Crime (MOPAC)"
    assert {row["kind"] for row in rows} == {"policing_body"}


def test_funder_list_queries_do_not_grow(client, django_assert_num_queries):
    """1 count, 1 page of funders joined to their sources."""
    assert_queries_do_not_grow(
        django_assert_num_queries,
        2,
        make=FunderFactory.create_batch,
        fetch=lambda: client.get(URL, {"page_size": 500}),
    )


def test_funder_csv_queries_do_not_grow(client, django_assert_num_queries):
    """1 query: the funders joined to their sources, read in chunks."""
    assert_queries_do_not_grow(
        django_assert_num_queries,
        1,
        make=FunderFactory.create_batch,
        fetch=lambda: client.get(URL, {"format": "csv"}),
    )
