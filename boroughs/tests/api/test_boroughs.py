from http import HTTPStatus

import pytest

from core.tests.api_support import (
    SOURCED_RECORD_COLUMNS,
    assert_invalid,
    assert_not_found,
    read_csv,
    slugs,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/boroughs/"

SOUTH_WEST_UNITARIES = [
    "bath-and-north-east-somerset",
    "bournemouth",
    "bristol",
    "cornwall",
    "isles-of-scilly",
    "north-somerset",
    "plymouth",
    "poole",
    "south-gloucestershire",
    "swindon",
    "torbay",
    "wiltshire",
]
#: Every district of England (326) and the county councils and combined authority.
AREA_COUNT = 334
GREATER_MANCHESTER = ["greater-manchester-combined-authority"]
COUNTIES = [
    "east-sussex",
    "norfolk",
    "north-yorkshire",
    "nottinghamshire",
    "somerset",
    "suffolk",
    "west-sussex",
]


def test_page_size_and_page_reach_the_last_boroughs(client):
    response = client.get(URL, {"page_size": 10, "page": 34})

    body = response.json()
    assert body["count"] == AREA_COUNT
    assert slugs(response) == ["wycombe", "wyre", "wyre-forest", "york"]
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/v1/boroughs/?page=33&page_size=10"


def test_a_page_past_the_end_is_a_404_saying_how_many_pages_there_are(client):
    response = client.get(URL, {"page_size": 10, "page": 35})

    assert_not_found(response)
    assert response.json()["detail"] == "There is no page 35: there are 34 pages."


@pytest.mark.parametrize("page_size", ["0", "501", "ten"])
def test_a_page_size_outside_1_to_500_is_refused(client, page_size):
    assert_invalid(client.get(URL, {"page_size": page_size}), "page_size")


def test_region_london_gives_the_33_london_boroughs_and_the_city(client):
    response = client.get(URL, {"region": "london"})

    body = response.json()
    assert body["count"] == 33
    assert {borough["region"] for borough in body["results"]} == {"london"}
    assert {borough["kind"] for borough in body["results"]} == {"london_borough", "city_of_london"}
    assert "westminster" in slugs(response)
    assert "bristol" not in slugs(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "south_west", "kind": "unitary"}, SOUTH_WEST_UNITARIES),
        ({"region": "south_west", "kind": "county"}, ["somerset"]),
        ({"region": "north_west", "kind": "combined_authority"}, GREATER_MANCHESTER),
        ({"kind": "county"}, COUNTIES),
        ({"kind": "combined_authority"}, ["greater-manchester-combined-authority"]),
        ({"region": "south_east", "kind": "county"}, ["east-sussex", "west-sussex"]),
        ({"gss_code": "E09000033"}, ["westminster"]),
        ({"gss_code": "E47000001"}, ["greater-manchester-combined-authority"]),
        ({"region": "wales"}, []),
    ],
)
def test_filters_give_exactly_the_matching_boroughs(client, params, expected):
    assert slugs(client.get(URL, params)) == expected


def test_a_borough_by_slug_with_its_source(client):
    response = client.get(f"{URL}westminster/")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body.pop("modified_at")
    assert body == {
        "slug": "westminster",
        "name": "Westminster",
        "gss_code": "E09000033",
        "kind": "london_borough",
        "region": "london",
        "police_force": "Metropolitan Police Service",
        "source": {
            "key": "uk-geojson-lad-2013",
            "title": "Local authority districts of England, 2013: boundaries and codes (TopoJSON)",
            "publisher": "Martin Chorley (UK-GeoJSON), from Office for National Statistics data",
            "published_on": "2016-01-01",
            "document": "data/geo/topo_lad_england_2013.json",
            "url": "https://github.com/martinjc/UK-GeoJSON",
        },
        "source_section": "topo_lad_england_2013.json, object lad, E09000033 Westminster",
    }


def test_the_error_for_an_unknown_region_names_the_value(client):
    messages = assert_invalid(client.get(URL, {"region": "atlantis"}), "region")
    assert messages == ["Select a valid choice. atlantis is not one of the available choices."]


def test_the_error_for_an_unknown_parameter_lists_what_the_endpoint_understands(client):
    messages = assert_invalid(client.get(URL, {"regoin": "london"}), "regoin")
    assert messages == [
        "Unknown parameter. This endpoint understands: cursor, format, gss_code, kind, "
        "modified_after, ordering, page, page_size, q, region."
    ]


def test_a_borough_takes_no_list_filters(client):
    assert_invalid(client.get(f"{URL}westminster/", {"region": "london"}), "region")


def test_a_gss_code_that_names_no_borough_is_refused(client):
    assert_invalid(client.get(URL, {"gss_code": "E09999999"}), "gss_code")


def test_csv_is_the_whole_filtered_list_with_flattened_sources(client):
    response = client.get(URL, {"region": "south_west", "kind": "unitary", "format": "csv"})

    header, rows = read_csv(response)
    assert response["Content-Disposition"] == 'attachment; filename="borough.csv"'
    assert header == [
        "slug",
        "name",
        "gss_code",
        "kind",
        "region",
        "police_force",
        *SOURCED_RECORD_COLUMNS,
    ]
    assert [row["slug"] for row in rows] == SOUTH_WEST_UNITARIES
    bristol = rows[2]
    assert bristol["name"] == "Bristol"
    assert bristol["gss_code"] == "E06000023"
    assert bristol["police_force"] == "Avon and Somerset Constabulary"
    assert bristol["source.publisher"].endswith("from Office for National Statistics data")


def test_csv_honours_ordering_and_search(client):
    _, rows = read_csv(client.get(URL, {"format": "csv", "q": "york", "ordering": "-name"}))

    assert [row["slug"] for row in rows] == ["york", "north-yorkshire", "east-riding-of-yorkshire"]
