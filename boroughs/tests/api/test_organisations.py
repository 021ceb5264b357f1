from http import HTTPStatus

import pytest

from core.tests.api_support import SOURCED_RECORD_COLUMNS, read_csv, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/"

POLICE = [
    "avon-and-somerset-constabulary",
    "cleveland-police",
    "greater-manchester-police",
    "humberside-police",
    "merseyside-police",
    "metropolitan-police-service",
    "norfolk-constabulary",
    "sussex-police",
    "glasgow-violence-reduction-unit",
]


def test_the_last_page_has_the_rest(client):
    response = client.get(URL, {"page": 2})

    body = response.json()
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/v1/organisations/"
    # As a set: where "Violence Reduction Unit (Glasgow)" sorts beside "Violence and
    # Vulnerability Unit" depends on the database's collation.
    assert set(slugs(response)) == {
        "victim-support",
        "glasgow-violence-reduction-unit",
        "violence-and-vulnerability-unit",
        "well-woman-centre-wakefield",
        "ymca-downslink-group",
        "young-lambeth-cooperative",
        "young-westminster-foundation",
    }


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("police", POLICE),
        ("education", ["university-of-greenwich", "university-of-suffolk"]),
        ("social_enterprise", ["abianda", "family-psychology-mutual", "street-and-arrow"]),
        ("company", ["buddi-ltd"]),
        (
            "public_body",
            ["cleveland-police-and-crime-commissioner", "sussex-police-and-crime-commissioner"],
        ),
    ],
)
def test_kind_gives_exactly_the_organisations_of_that_kind(client, kind, expected):
    response = client.get(URL, {"kind": kind})

    assert slugs(response) == expected
    assert {organisation["kind"] for organisation in response.json()["results"]} == {kind}


def test_an_organisation_by_slug(client):
    response = client.get(f"{URL}redthread/")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["name"] == "Redthread"
    assert body["kind"] == "charity"
    assert body["description"].startswith('Partner (printed "Red Thread")')
    assert body["source"]["key"] == "westminster-knife-crime-scrutiny-2019"


def test_csv_is_the_filtered_list_with_flattened_sources(client):
    header, rows = read_csv(client.get(URL, {"kind": "police", "format": "csv"}))

    assert header == [
        "slug",
        "name",
        "kind",
        "website",
        "description",
        *SOURCED_RECORD_COLUMNS,
    ]
    assert [row["slug"] for row in rows] == POLICE
    merseyside = rows[4]
    assert merseyside["name"] == "Merseyside Police"
    assert "knife arch" in merseyside["description"]
