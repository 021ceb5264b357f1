from http import HTTPStatus

import pytest

from core.tests.api_support import SOURCED_RECORD_COLUMNS, assert_invalid, read_csv, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/partnerships/"

WESTMINSTER = [
    "westminster-integrated-gangs-and-exploitation-unit",
    "safer-westminster-partnership",
    "westminster-serious-youth-violence-task-group",
    "westminster-youth-crime-prevention-partnership",
]
CSPS = [
    "barking-and-dagenham-community-safety-partnership",
    "norfolk-community-safety-partnership",
    "northampton-community-safety-partnership",
    "redcar-and-cleveland-community-safety-partnership",
    "safer-bristol-partnership",
    "safer-lewisham-partnership",
    "safer-somerset-partnership",
    "safer-westminster-partnership",
]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "vru"}, ["nottingham-city-and-nottinghamshire-vru", "somerset-vru"]),
        ({"kind": "csp"}, CSPS),
        ({"borough": "westminster"}, WESTMINSTER),
        (
            {"borough": "somerset"},
            [
                "avon-and-somerset",
                "safer-somerset-partnership",
                "somerset-mave-partnership",
                "somerset-vru",
            ],
        ),
        ({"borough": "westminster", "kind": "csp"}, ["safer-westminster-partnership"]),
        ({"borough": "kensington-and-chelsea"}, [WESTMINSTER[0]]),
        ({"borough": "barnet"}, []),
        ({"kind": "pcc_area"}, ["avon-and-somerset"]),
    ],
)
def test_filters_give_exactly_the_matching_partnerships(client, params, expected):
    assert slugs(client.get(URL, params)) == expected


def test_a_partnership_of_several_boroughs_lists_its_members(client):
    results = client.get(URL, {"borough": "westminster"}).json()["results"]

    assert results[0]["members"] == [
        {
            "slug": "hammersmith-and-fulham",
            "name": "Hammersmith and Fulham",
            "gss_code": "E09000013",
        },
        {
            "slug": "kensington-and-chelsea",
            "name": "Kensington and Chelsea",
            "gss_code": "E09000020",
        },
        {"slug": "westminster", "name": "Westminster", "gss_code": "E09000033"},
    ]


def test_a_partnership_by_slug_with_members_and_source(client):
    response = client.get(f"{URL}nottingham-city-and-nottinghamshire-vru/")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["name"] == "Nottingham City and Nottinghamshire Violence Reduction Unit"
    assert body["kind"] == "vru"
    assert [member["slug"] for member in body["members"]] == ["nottingham", "nottinghamshire"]
    assert body["description"].startswith("Set up in September 2019")
    assert body["source"]["key"] == "lga-public-health-approach-2020"
    assert body["source"]["publisher"] == "Local Government Association"


def test_an_unknown_borough_is_named_in_the_error(client):
    messages = assert_invalid(client.get(URL, {"borough": "atlantis"}), "borough")
    assert messages == ["There is no borough “atlantis”."]


def test_csv_flattens_members_and_sources(client):
    header, rows = read_csv(client.get(URL, {"borough": "westminster", "format": "csv"}))

    assert header == [
        "slug",
        "name",
        "kind",
        "members",
        "description",
        "website",
        *SOURCED_RECORD_COLUMNS,
    ]
    assert [row["slug"] for row in rows] == WESTMINSTER
    igxu = rows[0]
    assert igxu["name"] == "Integrated Gangs and Exploitation Unit (IGXU)"
    assert igxu["members"] == "Hammersmith and Fulham; Kensington and Chelsea; Westminster"
    assert igxu["source.title"] == "Knife Crime and the Council's Partnership Response"
    assert igxu["source.published_on"] == "2019-09-10"


def test_csv_honours_the_kind_filter(client):
    _, rows = read_csv(client.get(URL, {"kind": "csp", "format": "csv"}))

    assert [row["slug"] for row in rows] == CSPS
    assert {row["kind"] for row in rows} == {"csp"}
