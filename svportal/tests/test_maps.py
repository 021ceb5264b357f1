"""The maps: England and London drawn from the committed outlines, every area a named link
to its page with its figure, a legend, the boundary data's attribution and the same
figures in a table; built once per set of figures; GeoJSON for analysts."""

import re
from http import HTTPStatus
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan
from boroughs import geometry
from boroughs.maps import map_areas
from boroughs.models import Borough, StockTakeAnswer, StockTakeQuestion
from boroughs.tests.factories import BoroughFactory
from casestudies.models import CaseStudy
from casestudies.tests.factories import CaseStudyFactory
from core import maps as core_maps
from core.maps import Category, MapArea, Outlines, choropleth
from funding.tests.factories import AwardFactory
from svportal import maps as svportal_maps
from svportal import pages as svportal_pages
from svportal.maps import table_map
from svportal.selectors import PLAN_QUESTION_SLUG

pytestmark = pytest.mark.django_db

#: An area's link, named by its title (which a pointer shows too).
AREA_LINK = re.compile(r'<a href="(/boroughs/[^"]+/)"><title>([^<]+)</title>')


def text_of_html(html):
    """The page's words, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def map_block(html, map_id):
    """The figure and the table of one map on a page."""
    start = html.index(f'id="{map_id}"')
    end = html.index("</details>", start)
    return html[start:end]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_home_page_draws_every_district_of_england_and_london(client):
    html = client.get("/").content.decode()

    england = map_block(html, "plan-map-england")
    links = AREA_LINK.findall(england)
    assert len(links) == 326
    assert ("/boroughs/croydon/", "Croydon: Not recorded") in links
    assert ("/boroughs/westminster/", "Westminster: Active plan recorded") in links
    assert "Active plan recorded (1)" in england
    assert "Not recorded (325)" in england
    assert "GeoJSON and TopoJSON UK Boundary Data by Martin Chorley" in england
    assert england.count('<tr><th scope="row"') == 326

    london = map_block(html, "plan-map-london")
    assert len(AREA_LINK.findall(london)) == 33
    assert "Not recorded (32)" in london
    assert london.count('<tr><th scope="row"') == 33


def test_a_profile_map_outlines_its_place(client):
    html = client.get("/boroughs/croydon/").content.decode()
    block = map_block(html, "profile-map")
    assert len(AREA_LINK.findall(block)) == 33  # London's map for a London borough
    assert block.count('class="portal-map__highlight"') == 1

    block = map_block(client.get("/boroughs/suffolk/").content.decode(), "profile-map")
    assert len(AREA_LINK.findall(block)) == 326
    assert block.count('class="portal-map__highlight"') == 7  # the districts it covers


def test_profiles_of_a_view_share_one_kept_figure_each_outlining_its_own_place(client):
    """England's figure is drawn once for every profile on it (and London's once for
    London's), each page outlining its own place on it as the whole drawing would."""
    with mock.patch.object(core_maps, "_draw", wraps=core_maps._draw) as draw:
        ipswich = map_block(client.get("/boroughs/ipswich/").content.decode(), "profile-map")
        suffolk = map_block(client.get("/boroughs/suffolk/").content.decode(), "profile-map")
        client.get("/boroughs/croydon/")
        client.get("/boroughs/westminster/")
        assert draw.call_count == 2  # England's and London's
    assert ipswich.count('class="portal-map__highlight"') == 1
    assert suffolk.count('class="portal-map__highlight"') == 7
    assert (
        ipswich.split('class="portal-map__highlight"')[0]
        == (suffolk.split('class="portal-map__highlight"')[0])
    )


@pytest.mark.parametrize("slug", ["croydon", "westminster", "ipswich", "suffolk"])
def test_a_profile_map_is_the_plan_map_of_its_view_with_its_place_outlined(slug):
    """Read in two queries (the areas with whether each has an active plan, and the plan
    answers), the profile's map is the same to the byte as the plans' map of its view
    (plan_states) with the place outlined, whatever the areas' states."""
    plan_question = StockTakeQuestion.objects.get(slug=PLAN_QUESTION_SLUG)
    no = plan_question.options.get(slug="no")
    StockTakeAnswer.objects.filter(pk=plan_question.answers.order_by("pk")[0].pk).update(option=no)
    place = Borough.objects.get(slug=slug)
    districts = list(place.districts.all())
    codes = [place.gss_code] if place.is_district else [d.gss_code for d in districts]
    view = "london" if place.region == "london" and place.is_district else "england"
    whole = svportal_maps.plan_map(map_areas(view), map_id="profile-map")
    assert "No plan, as recorded (1)" in whole.html
    with CaptureQueriesContext(connection) as captured:
        profile = svportal_maps.profile_map(place, districts)
    assert len(captured) == 2
    assert profile.html == core_maps.outlined(whole.html, geometry.outlines(view), codes)
    assert profile.html.count('class="portal-map__highlight"') == len(codes)


def test_a_map_outlined_afterwards_is_the_map_drawn_with_its_outlines():
    outlines = Outlines(
        name="test", viewbox="0 0 10 10", paths={"E1": "M0 0L1 1Z", "E2": "M1 1L2 2Z"}
    )
    areas = [MapArea("E1", "A", "/a/", "x", "1"), MapArea("E2", "B", "/b/", "x", "2")]
    categories = [Category("x", "X", "#000000")]
    plain = core_maps.svg(outlines, areas, categories, title="T")
    figure = f"<figure>{core_maps.swatch('#000000')}{plain}{core_maps.swatch('#000000')}</figure>"
    for highlight in (["E2"], ["E2", "E1"], ["E9"]):
        whole = core_maps.svg(outlines, areas, categories, title="T", highlight=highlight)
        assert core_maps.outlined(plain, outlines, highlight) == whole
        assert core_maps.outlined(figure, outlines, highlight) == figure.replace(plain, whole)
    assert core_maps.outlined(plain, outlines, ["E2", "E1"]).count("portal-map__highlight") == 2


def test_every_stock_take_question_has_a_london_map_of_its_answers(client):
    html = client.get("/stock-takes/london-councils-2018/").content.decode()
    for number in range(1, 5):
        block = map_block(html, f"question-map-{number}")
        assert len(AREA_LINK.findall(block)) == 33
    question_2 = map_block(html, "question-map-2")
    assert ("/boroughs/lewisham/", "Lewisham: Yes") in AREA_LINK.findall(question_2)
    assert "No answer recorded (32)" in question_2


def test_the_funding_page_maps_the_awards_per_area(client):
    block = map_block(client.get("/funding/").content.decode(), "award-map-england")
    links = dict((name.split(":")[0], name) for _, name in AREA_LINK.findall(block))
    assert len(links) == 326
    assert links["Redbridge"] == "Redbridge: 2 awards, at least £1,200,000"
    assert links["Burnley"] == "Burnley: No award recorded"


def test_the_boroughs_table_maps_the_region_it_shows(client):
    html = client.get("/boroughs/", {"region": "london"}).content.decode()
    assert len(AREA_LINK.findall(map_block(html, "plan-map-london"))) == 33
    html = client.get("/boroughs/").content.decode()
    assert len(AREA_LINK.findall(map_block(html, "plan-map-england"))) == 326


@pytest.mark.parametrize("region", ["london", ""])
@pytest.mark.parametrize(
    ("chosen", "as_at"), [("plans", False), ("plans", True), ("overdue", False)]
)
def test_the_boroughs_tables_map_is_the_one_drawn_from_its_own_queries(
    client, region, chosen, as_at
):
    """The table hands the map what it has read: its areas, and without a day its
    summaries' plan states, with one its stock-take answers (the map shows today's)."""
    # A plan that is a draft counts as none, on the map as in the table.
    borough = Borough.objects.get(slug="westminster")
    ActionPlan.objects.filter(borough=borough).update(status=ActionPlan.Status.DRAFT)
    question = StockTakeQuestion.objects.get(slug="knife-crime-action-plan")
    StockTakeAnswer.objects.create(
        question=question,
        borough=Borough.objects.get(slug="sutton"),
        option=question.options.get(slug="no"),
    )
    view = "london" if region else "england"
    query = {"region": region, "map": chosen}
    if as_at:
        query["as_at"] = timezone.localdate().isoformat()
    page = client.get("/boroughs/", query).content.decode()
    cache.clear()
    with mock.patch.object(
        svportal_pages, "table_map", lambda view, chosen, **kwargs: table_map(view, chosen)
    ):
        drawn_alone = client.get("/boroughs/", query).content.decode()
    block = f"{'plan' if chosen == 'plans' else chosen}-map-{view}"
    if chosen == "plans":
        assert "No plan, as recorded (1)" in map_block(page, block)
    assert map_block(page, block) == map_block(drawn_alone, block)


def test_the_boroughs_table_shows_one_map_at_a_time_with_links_to_the_others(client):
    html = client.get("/boroughs/", {"region": "london", "sort": "-overdue"}).content.decode()
    assert html.count('class="portal-map portal-map--london"') == 1
    assert 'id="plan-map-london"' in html
    assert '<strong aria-current="page">Knife crime action plans</strong>' in html
    link = "?region=london&amp;sort=-overdue&amp;map=overdue#map-heading"
    assert f'<a class="govuk-link" href="{link}">Overdue plan items</a>' in html

    html = client.get("/boroughs/", {"region": "london", "map": "overdue"}).content.decode()
    assert html.count('class="portal-map portal-map--london"') == 1
    assert 'id="overdue-map-london"' in html
    assert '<input type="hidden" name="map" value="overdue">' in html  # kept by the filters
    assert "?region=london&amp;sort=region&amp;map=overdue" in html  # and by the headings


def test_an_unknown_map_says_so_and_shows_the_plans(client):
    response = client.get("/boroughs/", {"map": "atlantis"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "There is no map of “atlantis”, so the map shows action plans." in html
    assert 'id="plan-map-england"' in html


def test_the_boroughs_table_maps_published_case_studies_per_area(client):
    html = client.get("/boroughs/", {"region": "london", "map": "case-studies"}).content.decode()
    block = map_block(html, "case-study-map-london")
    links = dict(name.split(": ", 1) for _, name in AREA_LINK.findall(block))
    assert len(links) == 33
    expected = {
        borough.name: CaseStudy.objects.published().filter(boroughs=borough).count()
        for borough in Borough.objects.districts().london()
    }
    assert sum(1 for count in expected.values() if count) > 0
    for name, count in expected.items():
        assert links[name] == ("No published case study" if count == 0 else f"{count} published")
    without = sum(1 for count in expected.values() if count == 0)
    assert f"No published case study in the portal ({without})" in block


def test_the_boroughs_table_maps_overdue_items_and_says_where_no_plan_is_recorded(client):
    today = timezone.localdate()
    westminster = Borough.objects.get(slug="westminster")
    overdue = ActionItem.objects.filter(
        plan__borough=westminster, plan__status=ActionPlan.Status.ACTIVE
    ).overdue(today)
    html = client.get("/boroughs/", {"region": "london", "map": "overdue"}).content.decode()
    block = map_block(html, "overdue-map-london")
    names = dict(name.split(": ", 1) for _, name in AREA_LINK.findall(block))
    assert names["Westminster"] == f"{overdue.count()} overdue"
    assert names["Croydon"] == "No active plan recorded"
    assert "No active plan recorded (32)" in block


# --- Areas that are not districts: their figures shown for the districts they cover -----


def test_a_county_case_study_is_shown_for_each_district_it_covers_and_named_as_such(client):
    html = client.get("/boroughs/", {"map": "case-studies"}).content.decode()
    block = map_block(html, "case-study-map-england")
    names = dict(name.split(": ", 1) for _, name in AREA_LINK.findall(block))
    assert names["Ipswich"] == (
        "No published case study of its own; 1 published for Suffolk, which covers it"
    )
    assert names["Salford"].endswith(
        "1 published for Greater Manchester Combined Authority, which covers it"
    )
    covered = sum(1 for figure in names.values() if figure.endswith("which covers it"))
    assert covered > 0
    assert f"Published only for a county or combined authority covering it ({covered})" in block


def test_a_study_of_a_district_and_its_county_counts_once_as_its_own(client):
    ipswich, suffolk = Borough.objects.get(slug="ipswich"), Borough.objects.get(slug="suffolk")
    CaseStudyFactory(boroughs=[ipswich, suffolk])
    CaseStudyFactory(boroughs=[ipswich])
    html = client.get("/boroughs/", {"map": "case-studies"}).content.decode()
    block = map_block(html, "case-study-map-england")
    names = dict(name.split(": ", 1) for _, name in AREA_LINK.findall(block))
    assert names["Ipswich"] == "2 published; and 1 published for Suffolk, which covers it"
    assert names["Babergh"] == (
        "No published case study of its own; 2 published for Suffolk, which covers it"
    )


def test_awards_to_a_county_are_counted_for_its_districts_not_shared_out(client):
    block = map_block(client.get("/funding/").content.decode(), "award-map-england")
    names = dict(name.split(": ", 1) for _, name in AREA_LINK.findall(block))
    assert names["Ipswich"] == "No award of its own recorded; 1 award to Suffolk, which covers it"
    assert names["Burnley"] == "No award recorded"
    assert "Awards only to a county or combined authority covering it" in block


def test_an_award_to_a_district_and_its_county_counts_once_as_its_own(client):
    ipswich, suffolk = Borough.objects.get(slug="ipswich"), Borough.objects.get(slug="suffolk")
    AwardFactory(recipient_boroughs=[ipswich, suffolk])
    AwardFactory(recipient_boroughs=[ipswich])
    block = map_block(client.get("/funding/").content.decode(), "award-map-england")
    names = dict(name.split(": ", 1) for _, name in AREA_LINK.findall(block))
    assert names["Ipswich"].startswith("2 awards, ")
    assert names["Ipswich"].endswith("; and 1 award to Suffolk, which covers it")
    assert names["Babergh"] == (
        "No award of its own recorded; 2 awards to Suffolk, which covers it"
    )


def test_a_districts_profile_lists_what_the_areas_covering_it_hold(client):
    html = client.get("/boroughs/ipswich/").content.decode()
    page = text_of_html(html)
    assert "Published case studies No published case study in the portal yet" in page
    assert "and 1 of Suffolk, which covers it" in page
    assert "Case studies of Suffolk, which covers Ipswich" in page
    assert "Suffolk: a data-led approach to gang and county lines exploitation" in page
    assert "and 1 award to Suffolk, which covers it" in page
    assert "Awards to Suffolk, which covers Ipswich" in page
    assert "Early Intervention Fund: Suffolk thinking skills programme" in page
    # A district no wider area covers, and the county itself, show only their own.
    assert "which covers" not in text_of_html(client.get("/boroughs/croydon/").content.decode())
    suffolk = text_of_html(client.get("/boroughs/suffolk/").content.decode())
    assert "which covers" not in suffolk
    assert "Suffolk covers 7 districts; each has its own page." in suffolk


@pytest.mark.parametrize("extra", [1, 8])
def test_a_covered_districts_profile_costs_the_same_however_much_its_county_holds(
    client, django_assert_num_queries, extra
):
    """As a district's profile (test_borough_profile_queries_do_not_grow), with 1 case
    studies and 1 awards of the areas covering it; having no active plan, it has no overdue
    items to count."""
    suffolk = Borough.objects.get(slug="suffolk")
    for _ in range(extra):
        CaseStudyFactory(boroughs=[suffolk])
        AwardFactory(recipient_boroughs=[suffolk])
    with django_assert_num_queries(15):
        response = client.get("/boroughs/ipswich/")
    assert len(response.context["covering_case_studies"]) == 1 + extra
    assert len(response.context["covering_awards"]) == 1 + extra


def test_a_map_is_drawn_once_for_the_same_figures(client):
    with mock.patch.object(core_maps, "_draw", wraps=core_maps._draw) as draw:
        client.get("/")
        assert draw.call_count == 2  # England and London
        client.get("/")
        assert draw.call_count == 2
        Borough.objects.filter(slug="croydon").update(name="Croydon (renamed)")
        client.get("/")
        assert draw.call_count == 4  # the figures changed: both maps are drawn again


def test_maps_are_drawn_again_when_the_outlines_are_rebuilt(client):
    client.get("/")
    with (
        mock.patch.dict(geometry._geometry(), version="rebuilt"),
        mock.patch.object(core_maps, "_draw", wraps=core_maps._draw) as draw,
    ):
        client.get("/")
    assert draw.call_count == 2  # England and London, from the new outlines


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/boroughs/",
        "/boroughs/?region=london",
        "/boroughs/croydon/",
        "/boroughs/suffolk/",
        "/funding/",
        "/stock-takes/london-councils-2018/",
    ],
)
def test_the_second_render_of_a_map_page_draws_nothing_and_reads_as_much(client, path):
    """The outlines are read from disk once per process and each map's SVG once per set of
    figures: a second render only reads the figures again (the same queries) and finds
    every map in the cache."""
    geometry.outlines("england")  # loaded once for the process, by whichever page is first

    def render():
        with CaptureQueriesContext(connection) as captured:
            html = client.get(path).content.decode()
        return html, len(captured)

    with mock.patch.object(core_maps, "_draw", wraps=core_maps._draw) as draw:
        first, first_queries = render()
        drawn = draw.call_count
        assert drawn >= 1
        loads = geometry._geometry.cache_info().misses
        second, second_queries = render()
        assert draw.call_count == drawn  # nothing drawn again
        assert geometry._geometry.cache_info().misses == loads  # nothing read from disk
    assert second_queries == first_queries
    assert AREA_LINK.findall(second) == AREA_LINK.findall(first)


#: A number in a path's text: "1.5.5" is 1.5 then 0.5, a minus sign starts a new one.
PATH_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")


def points_of(path):
    """The points of an outline's path, each ring an absolute move then relative lines."""
    points = []
    for start, steps in re.findall(r"M([^l]+)l([^z]*)z", path):
        x, y = map(float, PATH_NUMBER.findall(start))
        points.append((x, y))
        numbers = [float(n) for n in PATH_NUMBER.findall(steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
    return points


def test_englands_map_draws_every_district_inside_the_map_to_half_a_pixel():
    england = geometry.outlines("england")
    _, _, width, height = map(float, england.viewbox.split())
    # Drawn in half pixels of a map 560 pixels wide at most: a unit is at most a CSS pixel
    # (finer steps would be text nobody can see), written as whole numbers.
    assert width == 2 * 560
    assert len(england.paths) == 326
    for code, path in england.paths.items():
        assert "." not in path, code
        points = points_of(path)
        assert len(points) >= 3, code
        for x, y in points:
            assert 0 <= x <= width, code
            assert 0 <= y <= height, code
    london = geometry.outlines("london")
    assert london.viewbox.split()[2] == str(10 * 560)  # in tenths of a pixel
    assert len(london.paths) == 33
    assert all(len(points_of(path)) >= 3 for path in london.paths.values())


def test_names_in_a_map_are_escaped():
    outlines = Outlines(name="test", viewbox="0 0 10 10", paths={"E1": "M0 0L1 1Z"})
    svg = choropleth(
        outlines,
        [MapArea("E1", 'A & "B" <c>', "/boroughs/a/", "x", "Figure")],
        [Category("x", "X", "#000000")],
        title="T <t>",
    )
    assert '<a href="/boroughs/a/"><title>A &amp; &quot;B&quot; &lt;c&gt;: Figure</title>' in svg
    assert 'aria-label="T &lt;t&gt;"' in svg
    assert "<title>T &lt;t&gt;</title>" in svg


def test_each_area_is_a_link_named_by_its_title_and_filled_by_its_category():
    """The fill most areas share is the map's own, which they inherit; each other area
    names its fill. Every area is a link whose title names it with its figure."""
    paths = {"E1": "M0 0l1 1z", "E2": "M1 1l1 1z", "E3": "M2 2l1 1z"}
    svg = core_maps.svg(
        Outlines(name="test", viewbox="0 0 10 10", paths=paths),
        [
            MapArea("E1", "One", "/boroughs/one/", "none", ""),
            MapArea("E2", "Two", "/boroughs/two/", "some", "2 published"),
            MapArea("E3", "Three", "/boroughs/three/", "none", ""),
        ],
        [Category("none", "None recorded", "#dcdcdc"), Category("some", "Some", "#1d70b8")],
        title="Test",
    )
    assert 'viewBox="0 0 10 10" fill="#dcdcdc"' in svg
    assert svg.count("<a href=") == 3
    assert (
        '<a href="/boroughs/one/"><title>One: None recorded</title><path d="M0 0l1 1z"/></a>'
    ) in svg
    assert (
        '<a href="/boroughs/two/"><title>Two: 2 published</title>'
        '<path d="M1 1l1 1z" fill="#1d70b8"/></a>'
    ) in svg
    assert (
        '<a href="/boroughs/three/"><title>Three: None recorded</title><path d="M2 2l1 1z"/></a>'
    ) in svg
    # In the order of the map's table: by name.
    assert svg.index("One:") < svg.index("Three:") < svg.index("Two:")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/boroughs/",
        "/boroughs/?map=case-studies",
        "/boroughs/?map=overdue",
        "/boroughs/westminster/",
        "/funding/",
        "/stock-takes/london-councils-2018/",
    ],
)
def test_map_pages_make_as_many_queries_whatever_the_number_of_areas(client, path):
    """Areas are read in one query per map, so more areas add no queries."""

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == HTTPStatus.OK
        return len(captured)

    BoroughFactory.create_batch(2, region="london")
    few = queries()
    BoroughFactory.create_batch(40, region="london")
    BoroughFactory.create_batch(40, region="north_west", kind="unitary")
    assert queries() == few


# --- GeoJSON ---------------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_of_the_filtered_areas(client):
    response = client.get("/api/v1/boroughs/", {"format": "geojson", "region": "london"})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 33
    croydon = next(f for f in body["features"] if f["id"] == "E09000008")
    assert croydon["properties"]["name"] == "Croydon"
    assert croydon["properties"]["kind"] == "london_borough"
    assert croydon["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    point = croydon["geometry"]["coordinates"]
    while isinstance(point[0], list):
        point = point[0]
    lon, lat = point
    assert -0.2 < lon < 0.0
    assert 51.2 < lat < 51.5


def test_geojson_honours_every_filter_and_is_not_paged(client):
    counties = client.get("/api/v1/boroughs/", {"format": "geojson", "kind": "county"}).json()
    assert len(counties["features"]) == 7
    assert {f["geometry"]["type"] for f in counties["features"]} <= {"Polygon", "MultiPolygon"}
    everything = client.get("/api/v1/boroughs/", {"format": "geojson"}).json()
    assert len(everything["features"]) == Borough.objects.count()
    york = client.get("/api/v1/boroughs/", {"format": "geojson", "q": "york"}).json()
    assert [f["properties"]["slug"] for f in york["features"]] == [
        "east-riding-of-yorkshire",
        "north-yorkshire",
        "york",
    ]


#: England's extent in longitude and latitude, with a little room.
ENGLAND_LONGITUDES, ENGLAND_LATITUDES = (-6.5, 2.0), (49.8, 55.9)


def rings_of(geometry):
    polygons = geometry["coordinates"]
    return [
        ring
        for polygon in ([polygons] if geometry["type"] == "Polygon" else polygons)
        for ring in polygon
    ]


def test_geojson_outlines_every_area_inside_england_to_three_decimal_places(client):
    features = client.get("/api/v1/boroughs/", {"format": "geojson"}).json()["features"]
    assert len(features) == Borough.objects.count() == 334
    assert all(feature["geometry"] is not None for feature in features)
    for feature in features:
        for ring in rings_of(feature["geometry"]):
            assert len(ring) >= 4, feature["id"]
            assert ring[0] == ring[-1], feature["id"]
            for lon, lat in ring:
                assert ENGLAND_LONGITUDES[0] < lon < ENGLAND_LONGITUDES[1], feature["id"]
                assert ENGLAND_LATITUDES[0] < lat < ENGLAND_LATITUDES[1], feature["id"]
                assert round(lon, 3) == lon, feature["id"]
                assert round(lat, 3) == lat, feature["id"]


def test_geojson_outlines_are_valid_polygons_wound_as_rfc_7946_asks(client):
    """What GIS tools read without complaint: no ring that crosses itself or another, outer
    rings anticlockwise and holes clockwise. The whole of England stays a national map's
    size (it was 500 KB, with 78 outlines crossing themselves and the winding reversed)."""
    from shapely.geometry import LinearRing, shape

    response = client.get("/api/v1/boroughs/", {"format": "geojson"})
    assert len(response.content) < 350_000
    for feature in response.json()["features"]:
        outline = feature["geometry"]
        assert shape(outline).is_valid, feature["id"]
        polygons = (
            [outline["coordinates"]] if outline["type"] == "Polygon" else outline["coordinates"]
        )
        for outer, *holes in polygons:
            assert LinearRing(outer).is_ccw, feature["id"]
            assert not any(LinearRing(hole).is_ccw for hole in holes), feature["id"]


def test_the_api_schema_states_the_outlines_precision(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/boroughs/", "/api/v1/boroughs/{slug}/"):
        operation = schema["paths"][path]["get"]
        geojson = operation["responses"]["200"]["content"]["application/geo+json"]["schema"]
        described = operation["description"] + geojson.get("description", "")
        assert "to three decimal places" in described, path


def test_an_area_without_an_outline_has_a_null_geometry(client):
    BoroughFactory(slug="testshire", gss_code="E07999999")
    feature = client.get("/api/v1/boroughs/testshire/", {"format": "geojson"}).json()
    assert feature["type"] == "Feature"
    assert feature["geometry"] is None
    assert feature["properties"]["slug"] == "testshire"


def test_geojson_with_a_bad_filter_is_a_400(client):
    response = client.get("/api/v1/boroughs/", {"format": "geojson", "region": "atlantis"})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_geojson_of_a_list_is_each_areas_feature_and_reads_as_much_however_many(client):
    """The list joins each outline's stored text: the same features as one area's GeoJSON,
    in one query whatever the number of areas."""

    def collection():
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/boroughs/", {"format": "geojson", "region": "london"})
        return body.json(), len(captured)

    few, few_queries = collection()
    BoroughFactory.create_batch(20, region="london")
    more, more_queries = collection()
    assert more_queries == few_queries
    assert len(more["features"]) == len(few["features"]) + 20
    for area in few["features"][:3] + more["features"][-2:]:
        slug = area["properties"]["slug"]
        assert area == client.get(f"/api/v1/boroughs/{slug}/", {"format": "geojson"}).json()
