from http import HTTPStatus

import pytest

from core.tests.api_support import SOURCED_RECORD_COLUMNS, read_csv, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/funders/"

POLICING_BODIES = ["avon-and-somerset-pcc", "mopac", "cleveland-pcc", "sussex-pcc"]


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
        *SOURCED_RECORD_COLUMNS,
    ]
    assert [row["slug"] for row in rows] == POLICING_BODIES
    assert rows[1]["name"] == "Mayor's Office for Policing and Crime (MOPAC)"
    assert {row["kind"] for row in rows} == {"policing_body"}
