"""Build the portal's list of England's local authority districts from the boundary data.

Reads the TopoJSON boundaries in ``../shared/data/geo/`` (see its README) and writes
``fixtures/england_districts.json``: every one of England's 326 districts of 2013 with its
ONS GSS code, name, kind and region, and the source, licence and attribution of the data.
``load_portal_data`` loads it like every other fixture. It also writes
``boroughs/geometry.json``: the districts' outlines projected and simplified once for the
portal's SVG maps (England, and London in more detail) and, in longitude and latitude,
for the API's GeoJSON (a county council or combined authority is the union of the
districts it covers). Run it again only when the boundary data changes; the output is
committed, so the portal never reads ``../shared``.

    .venv/bin/python scripts/build_geography.py [--geo-dir ../shared/data/geo]

A district's region is the region whose boundary contains a point inside the district
(shapely's representative point). Districts the fixtures already know keep their slug,
name and police force, matched by GSS code, so their pages keep their addresses. The
county councils and the combined authority in ``fixtures/areas.json`` are linked to the
districts they cover (``within``), from the ONS 2013 lookup of districts to counties.
"""

import argparse
import json
import math
import sys
from pathlib import Path

from django.utils.text import slugify
from shapely import set_precision
from shapely.geometry import LineString, MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
OUTPUT = FIXTURES / "england_districts.json"
GEOMETRY_OUTPUT = REPO / "boroughs" / "geometry.json"
#: The maps' drawing width in SVG units; heights follow the places' shapes.
MAP_WIDTH = 560
#: How far (in SVG units) a simplified outline may stray: finer for London's larger scale.
MAP_TOLERANCE = {"england": 0.7, "london": 0.35}
#: The grid (in tenths of an SVG unit) each map's points are rounded to. A unit is a CSS
#: pixel at most (the maps are at most MAP_WIDTH pixels wide): England's half-pixel grid
#: moves a point by at most half its simplification's tolerance, and its path text is a
#: third shorter than in tenths; London, drawn finer, keeps tenths. The paths and the
#: viewBox are written in steps of the grid, as whole numbers (England's "9" rather than
#: "4.5"): a unit of the drawing is half a pixel in England's map, a tenth in London's, and
#: the stylesheet's borders are as wide in pixels in both (static/css/portal.css).
MAP_GRID_TENTHS = {"england": 5, "london": 1}
#: The GeoJSON is a national map too: simplified as England's map is drawn (the same
#: projection and MAP_TOLERANCE["england"], about 690 m), so that it shows what the portal's
#: map of England shows, and written at three decimal places (about 110 m of latitude, 70 m
#: of longitude), which move a point far less than the simplification did.
GEOJSON_PLACES = 3
#: Islands smaller than this (in square map units of England's map, where a unit is a CSS
#: pixel: about 1 km²) are left out of the GeoJSON, as the map leaves out what it cannot
#: draw; an area's largest part is always kept, whatever its size.
GEOJSON_SMALLEST_ISLAND = 1.0
DEFAULT_GEO_DIR = REPO.parent / "shared" / "data" / "geo"
DISTRICTS_FILE = "topo_lad_england_2013.json"
REGIONS_FILE = "topo_nuts1_england_wales.json"

SOURCE = {
    "key": "uk-geojson-lad-2013",
    "title": "Local authority districts of England, 2013: boundaries and codes (TopoJSON)",
    "publisher": "Martin Chorley (UK-GeoJSON), from Office for National Statistics data",
    "published_on": "2016-01-01",
    "published_on_precision": "year",
    "document": "data/geo/topo_lad_england_2013.json",
    "url": "https://github.com/martinjc/UK-GeoJSON",
    "licence": "Creative Commons Attribution 4.0 International; Open Government Licence v3.0",
    "attribution": (
        "GeoJSON and TopoJSON UK Boundary Data by Martin Chorley, licensed under the "
        "Creative Commons Attribution 4.0 International licence. Contains Ordnance Survey, "
        "Office for National Statistics, National Records Scotland and LPS Intellectual "
        "Property data © Crown copyright and database right 2016, licensed under the Open "
        "Government Licence v3.0. Ordnance Survey data covered by the OS OpenData Licence."
    ),
}

#: NUTS 1 code -> the portal's region (the README gives the one-to-one ONS E12 codes).
REGIONS = {
    "UKC": "north_east",
    "UKD": "north_west",
    "UKE": "yorkshire_and_the_humber",
    "UKF": "east_midlands",
    "UKG": "west_midlands",
    "UKH": "east_of_england",
    "UKI": "london",
    "UKJ": "south_east",
    "UKK": "south_west",
}

#: The GSS code's entity prefix says what kind of district it is.
KINDS = {
    "E06": "unitary",
    "E07": "district",
    "E08": "metropolitan_district",
    "E09": "london_borough",
}
CITY_OF_LONDON = "E09000001"

#: The districts each county council or combined authority in areas.json covers, as in
#: the ONS lookup of local authority districts to counties (April 2013) and the Greater
#: Manchester Combined Authority Order 2011.
COVERS = {
    "E10000011": [  # East Sussex
        "Eastbourne", "Hastings", "Lewes", "Rother", "Wealden",
    ],
    "E10000020": [  # Norfolk
        "Breckland", "Broadland", "Great Yarmouth", "King's Lynn and West Norfolk",
        "North Norfolk", "Norwich", "South Norfolk",
    ],
    "E10000023": [  # North Yorkshire
        "Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough",
        "Selby",
    ],
    "E10000024": [  # Nottinghamshire
        "Ashfield", "Bassetlaw", "Broxtowe", "Gedling", "Mansfield", "Newark and Sherwood",
        "Rushcliffe",
    ],
    "E10000027": [  # Somerset
        "Mendip", "Sedgemoor", "South Somerset", "Taunton Deane", "West Somerset",
    ],
    "E10000029": [  # Suffolk
        "Babergh", "Forest Heath", "Ipswich", "Mid Suffolk", "St Edmundsbury",
        "Suffolk Coastal", "Waveney",
    ],
    "E10000032": [  # West Sussex
        "Adur", "Arun", "Chichester", "Crawley", "Horsham", "Mid Sussex", "Worthing",
    ],
    "E47000001": [  # Greater Manchester Combined Authority
        "Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport",
        "Tameside", "Trafford", "Wigan",
    ],
}  # fmt: skip


def decode_arcs(topology):
    """The topology's arcs as lists of (longitude, latitude)."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # quantised, delta-encoded positions
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def assemble(topology, object_name, arcs):
    """The object's features as (properties, list of polygons as lists of rings), from
    the given arcs: simplifying each shared arc once keeps neighbours' borders together."""

    def ring(indexes):
        points = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    features = []
    for geometry in topology["objects"][object_name]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            raise ValueError(f"unexpected geometry {geometry['type']}")
        features.append(
            (geometry["properties"], [[ring(indexes) for indexes in rings] for rings in polygons])
        )
    return features


def to_shape(polygons):
    shapes = [Polygon(rings[0], rings[1:]) for rings in polygons if len(rings[0]) >= 4]
    return MultiPolygon(shapes).buffer(0)


def decode_topology(topology, object_name):
    """The features of one TopoJSON object as (properties, shapely geometry) pairs."""
    return [
        (properties, shape(to_shape(polygons)))
        for properties, polygons in assemble(topology, object_name, decode_arcs(topology))
    ]


def simplified_arcs(arcs, project, tolerance):
    """Each arc projected and simplified; its two ends stay where they are."""
    result = []
    for arc in arcs:
        points = [project(lon, lat) for lon, lat in arc]
        if len(points) > 2:
            points = list(LineString(points).simplify(tolerance).coords)
        result.append(points)
    return result


def svg_path(polygons, grid_tenths=1):
    """An SVG path of the polygons' rings, its points on a grid of ``grid_tenths`` tenths
    of a unit and written in steps of that grid (whole numbers: the map's viewBox is
    measured in them, see map_view), tiny rings left out.

    Each ring starts with an absolute move and goes on in relative lines, with no spaces
    where a minus sign already separates two numbers: the same points as absolute
    coordinates in decimals, in well under half the text (England's map is drawn on every
    map page, several times on some)."""
    parts = []
    for rings in polygons:
        for ring in rings:
            # In steps of the grid, so that the steps between points are exact.
            points = [(on_grid(x, grid_tenths), on_grid(y, grid_tenths)) for x, y in ring]
            points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            if len(points) < 4:
                continue
            (x, y), *rest = points[:-1]
            numbers = []
            for next_x, next_y in rest:
                numbers += [next_x - x, next_y - y]
                x, y = next_x, next_y
            parts.append(f"M{_numbers([points[0][0], points[0][1]])}l{_numbers(numbers)}z")
    return "".join(parts)


def on_grid(value, grid_tenths):
    """``value`` in steps of the grid: rounded to the nearest tenth of a unit, then to the
    nearest step of ``grid_tenths`` tenths."""
    tenths = round(round(value, 1) * 10)
    return round(tenths / grid_tenths)


def _numbers(steps):
    """Whole numbers as SVG reads them with the fewest separators: a minus sign always
    starts a new number; otherwise a space."""
    text = ""
    for value in steps:
        text += f"{value}" if not text or value < 0 else f" {value}"
    return text


def grid_units(length, grid_tenths):
    """A length in units of the map as steps of its grid."""
    return length * 10 // grid_tenths


def map_projection(topology, codes):
    """The projection of the map of the districts named by ``codes``, fitted to MAP_WIDTH:
    (project, unproject, height), between longitude and latitude and map units."""
    features = [
        (properties, polygons)
        for properties, polygons in assemble(topology, "lad", decode_arcs(topology))
        if properties["LAD13CD"] in codes
    ]
    points = [p for _, polygons in features for rings in polygons for ring in rings for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    # Equirectangular at the middle latitude: near enough to true shape at these sizes.
    squash = math.cos(math.radians((min(lats) + max(lats)) / 2))
    scale = MAP_WIDTH / ((max(lons) - min(lons)) * squash)
    west, north = min(lons), max(lats)

    def project(lon, lat):
        return ((lon - west) * squash * scale, (north - lat) * scale)

    def unproject(x, y):
        return (x / scale / squash + west, north - y / scale)

    return project, unproject, math.ceil((max(lats) - min(lats)) * scale)


def map_view(topology, codes, tolerance, grid_tenths):
    """The districts named by ``codes`` drawn to fit MAP_WIDTH: {viewbox, paths}, both in
    steps of the grid of ``grid_tenths`` tenths of a unit (MAP_GRID_TENTHS)."""
    project, _, height = map_projection(topology, codes)
    arcs = simplified_arcs(decode_arcs(topology), project, tolerance)
    paths = {
        properties["LAD13CD"]: svg_path(polygons, grid_tenths)
        for properties, polygons in assemble(topology, "lad", arcs)
        if properties["LAD13CD"] in codes
    }
    width, height = grid_units(MAP_WIDTH, grid_tenths), grid_units(height, grid_tenths)
    return {"viewbox": f"0 0 {width} {height}", "paths": dict(sorted(paths.items()))}


def rounded(outline):
    """The GeoJSON geometry of ``outline`` at GEOJSON_PLACES decimal places, still a valid
    polygon: shapely puts its points on that grid, leaving out a point that rounding puts
    on the one before and a ring (an islet, a hole) that it shrinks to a line, as the SVG
    paths leave out tiny rings, and mending a ring that rounding makes cross itself or
    another, which GIS tools would refuse or report. Rings keep the winding RFC 7946 asks
    for (`oriented`)."""
    on_grid = set_precision(outline, 10**-GEOJSON_PLACES)
    if on_grid.is_empty:
        raise ValueError("Every ring of an outline collapses when rounded")
    if isinstance(on_grid, MultiPolygon) and len(on_grid.geoms) == 1:
        on_grid = on_grid.geoms[0]
    geometry = mapping(oriented(on_grid))

    def ring(points):
        # The grid's points written as the decimals they are, not as 52.123000000000005.
        return [[round(lon, GEOJSON_PLACES), round(lat, GEOJSON_PLACES)] for lon, lat in points]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[ring(r) for r in rings] for rings in geometry["coordinates"]],
    }


def build_geometry(geo_dir, districts):
    """The maps' outlines and the GeoJSON outlines, keyed by GSS code."""
    topology = json.loads((geo_dir / DISTRICTS_FILE).read_text(encoding="utf-8"))
    all_codes = {district["gss_code"] for district in districts}
    london = {d["gss_code"] for d in districts if d["region"] == "london"}
    project, unproject, _ = map_projection(topology, all_codes)
    arcs = [
        [unproject(x, y) for x, y in arc]
        for arc in simplified_arcs(decode_arcs(topology), project, MAP_TOLERANCE["england"])
    ]
    smallest = GEOJSON_SMALLEST_ISLAND * area_of_a_unit(project)
    shapes = {
        properties["LAD13CD"]: without_islets(to_shape(polygons), smallest)
        for properties, polygons in assemble(topology, "lad", arcs)
    }
    known = known_areas()
    by_name = {d["name"]: d["gss_code"] for d in districts}
    for code, names in COVERS.items():
        if code in known:
            shapes[code] = unary_union([shapes[by_name[name]] for name in names])
    return {
        "source": SOURCE["key"],
        "maps": {
            "england": map_view(
                topology, all_codes, MAP_TOLERANCE["england"], MAP_GRID_TENTHS["england"]
            ),
            "london": map_view(
                topology, london, MAP_TOLERANCE["london"], MAP_GRID_TENTHS["london"]
            ),
        },
        "geojson": {code: rounded(shapes[code]) for code in sorted(shapes)},
    }


def area_of_a_unit(project):
    """The area, in square degrees as shapely measures longitude and latitude, of a square
    map unit in England's middle."""
    (x0, y0), (x1, y1) = project(-1.5, 52.5), project(-0.5, 53.5)
    return 1 / abs((x1 - x0) * (y1 - y0))


def without_islets(outline, smallest):
    """``outline`` without the parts (islands) smaller than ``smallest``, keeping its
    largest part whatever its size."""
    parts = list(getattr(outline, "geoms", [outline]))
    largest = max(parts, key=lambda part: part.area)
    kept = [part for part in parts if part is largest or part.area >= smallest]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def oriented(outline):
    """``outline`` with each polygon's outer ring anticlockwise and its holes clockwise,
    the right-hand rule of RFC 7946 that some GIS tools and libraries rely on."""
    if isinstance(outline, MultiPolygon):
        return MultiPolygon([orient(part, 1.0) for part in outline.geoms])
    return orient(outline, 1.0)


def display_name(ons_name):
    """ONS writes "Bristol, City of"; people write Bristol."""
    for suffix in (", City of", ", County of"):
        if ons_name.endswith(suffix):
            return ons_name.removesuffix(suffix)
    return ons_name


def region_of(district, regions):
    point = district.representative_point()
    containing = [code for code, region in regions.items() if region.contains(point)]
    if len(containing) == 1:
        return containing[0]
    # A generalised coastline can leave a small island outside every region: take the
    # region that overlaps the district most, else the nearest.
    overlaps = {code: region.intersection(district).area for code, region in regions.items()}
    best = max(overlaps, key=overlaps.get)
    if overlaps[best] > 0:
        return best
    return min(regions, key=lambda code: regions[code].distance(district))


def known_areas():
    """Areas the fixtures already declare, by GSS code: their records as they stand."""
    known = {}
    for path in (FIXTURES / "areas.json", OUTPUT):
        if path.exists():
            for area in json.loads(path.read_text(encoding="utf-8")).get("areas", []):
                known.setdefault(area["gss_code"], area)
    return known


def build_districts(geo_dir):
    districts = decode_topology(
        json.loads((geo_dir / DISTRICTS_FILE).read_text(encoding="utf-8")), "lad"
    )
    regions = {
        REGIONS[properties["NUTS112CD"]]: geometry
        for properties, geometry in decode_topology(
            json.loads((geo_dir / REGIONS_FILE).read_text(encoding="utf-8")), "nuts1"
        )
        if properties["NUTS112CD"] in REGIONS
    }
    known = known_areas()
    covering = {}  # district name -> slugs of the areas covering it
    for code, names in COVERS.items():
        for name in names:
            covering.setdefault(name, []).append(known[code]["slug"])

    records = []
    slugs = set()
    for properties, geometry in sorted(districts, key=lambda pair: pair[0]["LAD13CD"]):
        code = properties["LAD13CD"]
        name = display_name(properties["LAD13NM"])
        previous = known.get(code, {})
        slug = previous.get("slug") or slugify(name)
        if slug in slugs:
            raise SystemExit(f"Two districts would share the slug {slug}")
        slugs.add(slug)
        kind = "city_of_london" if code == CITY_OF_LONDON else KINDS[code[:3]]
        records.append(
            {
                "slug": slug,
                "name": previous.get("name") or name,
                "gss_code": code,
                "kind": kind,
                "region": region_of(geometry, regions),
                "police_force": previous.get("police_force", ""),
                "within": sorted(covering.pop(name, [])),
                "section": f"{DISTRICTS_FILE}, object lad, {code} {properties['LAD13NM']}",
            }
        )
    if covering:
        raise SystemExit(f"Not districts in the boundary data: {', '.join(sorted(covering))}")
    return records


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geo-dir", type=Path, default=DEFAULT_GEO_DIR)
    args = parser.parse_args(argv)
    districts = build_districts(args.geo_dir)
    document = {"source": SOURCE, "areas": districts}
    OUTPUT.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Wrote {len(districts)} districts to {OUTPUT.relative_to(REPO)}", file=sys.stderr)
    geometry = build_geometry(args.geo_dir, districts)
    GEOMETRY_OUTPUT.write_text(json.dumps(geometry, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"Wrote the map geometry to {GEOMETRY_OUTPUT.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
