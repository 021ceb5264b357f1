"""Every English council: the 326 districts of 2013 with their codes, kinds and regions,
and the county councils and combined authority linked to the districts they cover."""

import importlib.util
import json
from collections import Counter
from http import HTTPStatus

import pytest
from django.conf import settings

from boroughs.models import Borough, Source
from boroughs.selectors import place_links
from boroughs.tests.factories import BoroughFactory
from conftest import require_service

pytestmark = pytest.mark.django_db

DISTRICT_KINDS = [
    "london_borough",
    "city_of_london",
    "metropolitan_district",
    "unitary",
    "district",
]
GEO_DIR = settings.BASE_DIR.parent / "shared" / "data" / "geo"


def test_all_326_districts_of_england_are_loaded_by_kind():
    districts = Borough.objects.filter(kind__in=DISTRICT_KINDS)
    assert districts.count() == 326
    assert Counter(districts.values_list("kind", flat=True)) == {
        "london_borough": 32,
        "city_of_london": 1,
        "metropolitan_district": 36,
        "unitary": 56,
        "district": 201,
    }
    prefixes = {"E09", "E08", "E06", "E07"}
    assert {code[:3] for code in districts.values_list("gss_code", flat=True)} == prefixes


def test_every_region_has_its_districts():
    counts = Counter(
        Borough.objects.filter(kind__in=DISTRICT_KINDS).values_list("region", flat=True)
    )
    assert counts == {
        "north_east": 12,
        "north_west": 39,
        "yorkshire_and_the_humber": 21,
        "east_midlands": 40,
        "west_midlands": 30,
        "east_of_england": 47,
        "london": 33,
        "south_east": 67,
        "south_west": 37,
    }


@pytest.mark.parametrize(
    ("gss_code", "slug", "name", "kind", "region"),
    [
        ("E09000008", "croydon", "Croydon", "london_borough", "london"),
        ("E09000001", "city-of-london", "City of London", "city_of_london", "london"),
        ("E08000003", "manchester", "Manchester", "metropolitan_district", "north_west"),
        ("E08000025", "birmingham", "Birmingham", "metropolitan_district", "west_midlands"),
        ("E08000021", "newcastle-upon-tyne", "Newcastle upon Tyne", "metropolitan_district",
         "north_east"),
        ("E06000023", "bristol", "Bristol", "unitary", "south_west"),
        ("E06000010", "kingston-upon-hull", "Kingston upon Hull", "unitary",
         "yorkshire_and_the_humber"),
        ("E06000053", "isles-of-scilly", "Isles of Scilly", "unitary", "south_west"),
        ("E06000046", "isle-of-wight", "Isle of Wight", "unitary", "south_east"),
        ("E06000018", "nottingham", "Nottingham", "unitary", "east_midlands"),
        ("E07000154", "northampton", "Northampton", "district", "east_midlands"),
        ("E07000008", "cambridge", "Cambridge", "district", "east_of_england"),
        ("E07000178", "oxford", "Oxford", "district", "south_east"),
        ("E07000117", "burnley", "Burnley", "district", "north_west"),
        ("E07000148", "norwich", "Norwich", "district", "east_of_england"),
    ],
)  # fmt: skip
def test_known_districts_have_their_code_name_kind_and_region(gss_code, slug, name, kind, region):
    district = Borough.objects.get(gss_code=gss_code)
    assert (district.slug, district.name, district.kind, district.region) == (
        slug,
        name,
        kind,
        region,
    )


def test_districts_the_portal_knew_keep_their_police_force():
    assert Borough.objects.get(slug="westminster").police_force == "Metropolitan Police Service"
    assert Borough.objects.get(slug="croydon").police_force == "Metropolitan Police Service"
    assert Borough.objects.get(slug="burnley").police_force == ""


def test_county_councils_and_the_combined_authority_link_to_the_districts_they_cover():
    norfolk = Borough.objects.get(slug="norfolk")
    assert list(norfolk.districts.order_by("name").values_list("name", flat=True)) == [
        "Breckland",
        "Broadland",
        "Great Yarmouth",
        "King's Lynn and West Norfolk",
        "North Norfolk",
        "Norwich",
        "South Norfolk",
    ]
    greater_manchester = Borough.objects.get(slug="greater-manchester-combined-authority")
    assert greater_manchester.districts.count() == 10
    assert {d.kind for d in greater_manchester.districts.all()} == {"metropolitan_district"}
    assert list(Borough.objects.get(slug="mendip").covering_areas.all()) == [
        Borough.objects.get(slug="somerset")
    ]
    for slug in ["somerset", "suffolk", "east-sussex", "west-sussex", "north-yorkshire"]:
        assert Borough.objects.get(slug=slug).districts.exists(), slug


def test_a_places_links_are_read_both_ways_at_once_each_side_by_name(
    django_assert_num_queries,
):
    """The areas covering a district and the districts an area covers come from one
    query of the links, each side in the database's order of names, beside the
    partnerships' query."""
    mendip = Borough.objects.get(slug="mendip")
    covering = BoroughFactory(name="A combined authority", kind="combined_authority")
    covering.districts.add(mendip)
    with django_assert_num_queries(2):
        links = place_links(mendip)
    assert [area.slug for area in links.covering_areas] == [covering.slug, "somerset"]
    assert links.districts == []
    norfolk = Borough.objects.get(slug="norfolk")
    with django_assert_num_queries(2):
        links = place_links(norfolk)
    assert links.covering_areas == []
    assert links.districts == list(norfolk.districts.order_by("name"))
    assert [d.gss_code for d in links.districts] == list(
        norfolk.districts.order_by("name").values_list("gss_code", flat=True)
    )
    assert links.districts[0].get_kind_display() == "Non-metropolitan district"


def test_the_boundary_data_source_carries_its_licence_and_attribution():
    source = Source.objects.get(key="uk-geojson-lad-2013")
    assert "Creative Commons Attribution 4.0" in source.licence
    assert "Open Government Licence v3.0" in source.licence
    assert source.attribution.startswith("GeoJSON and TopoJSON UK Boundary Data by Martin Chorley")
    assert "© Crown copyright and database right 2016" in source.attribution


def test_a_new_district_has_a_profile_saying_what_is_not_recorded_yet(client):
    response = client.get("/boroughs/burnley/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Non-metropolitan district, North West" in html
    assert "E07000117" in html
    assert "Not recorded yet" in html  # police force
    assert "No funding awards to Burnley are recorded yet." in html
    assert "No partnership Burnley belongs to is recorded yet." in html
    assert "GeoJSON and TopoJSON UK Boundary Data by Martin Chorley" in html


def test_a_district_profile_links_to_the_areas_covering_it_and_their_partnerships(client):
    html = client.get("/boroughs/mendip/").content.decode()

    assert '<a class="govuk-link" href="/boroughs/somerset/">Somerset</a>' in html
    assert "Avon and Somerset" in html
    assert 'through <a class="govuk-link" href="/boroughs/somerset/">Somerset</a>' in html


def test_a_county_profile_lists_the_districts_it_covers(client):
    html = client.get("/boroughs/suffolk/").content.decode()

    assert "Suffolk covers 7 districts" in html
    assert '<a class="govuk-link" href="/boroughs/ipswich/">Ipswich</a>' in html


def test_every_district_has_a_profile_page(client):
    for slug in Borough.objects.filter(kind__in=DISTRICT_KINDS).values_list("slug", flat=True)[
        ::25
    ]:
        assert client.get(f"/boroughs/{slug}/").status_code == HTTPStatus.OK, slug


def build_script(*, needs_boundary_data=False):
    """scripts/build_geography.py as a module; skipped (or failed, where every service is
    required) without the boundary data if the test reads it."""
    if needs_boundary_data and not GEO_DIR.is_dir():
        require_service("The boundary data", f"{GEO_DIR} is missing")
    path = settings.BASE_DIR / "scripts" / "build_geography.py"
    spec = importlib.util.spec_from_file_location("build_geography", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_the_committed_fixture_is_what_the_build_script_makes_from_the_boundary_data():
    script = build_script(needs_boundary_data=True)

    committed = json.loads(script.OUTPUT.read_text(encoding="utf-8"))
    assert committed["areas"] == script.build_districts(GEO_DIR)
    assert committed["source"] == script.SOURCE


def test_the_committed_outlines_are_what_the_build_script_makes_from_the_boundary_data():
    script = build_script(needs_boundary_data=True)

    districts = json.loads(script.OUTPUT.read_text(encoding="utf-8"))["areas"]
    built = json.loads(json.dumps(script.build_geometry(GEO_DIR, districts)))
    assert json.loads(script.GEOMETRY_OUTPUT.read_text(encoding="utf-8")) == built


def test_map_outlines_are_written_in_relative_steps_of_their_grid():
    """Each ring: one absolute move, then relative lines, in whole steps of the map's grid
    (tenths of a unit, or England's half units), with no separator where a minus sign
    starts the next number."""
    script = build_script()

    ring = [(0, 0), (10.25, 0), (10.2, -5.5), (0.05, 0.1), (0.3, 0.1), (0.4, 0.3), (0, 0)]
    assert script.svg_path([[ring]]) == "M0 0l102 0 0-55-101 56 2 0 1 2z"
    assert script.svg_path([[[(0, 0), (0.01, 0), (0, 0.01), (0, 0)]]]) == ""  # too small
    # On England's half-unit grid: steps of half a unit, fewer characters.
    assert script.svg_path([[ring]], 5) == "M0 0l20 0 0-11-20 11 1 0 0 1z"
    assert script.grid_units(560, 5) == 1120
    assert script.grid_units(560, 1) == 5600
