"""Build the portal's list of England's local authority districts from the boundary data.

Reads the TopoJSON boundaries in ``../shared/data/geo/`` (see its README) and writes
``fixtures/england_districts.json``: every one of England's 326 districts of 2013 with its
ONS GSS code, name, kind and region, and the source, licence and attribution of the data.
``load_portal_data`` loads it like every other fixture. Run it again only when the
boundary data changes; the output is committed, so the portal never reads ``../shared``.

    .venv/bin/python scripts/build_geography.py [--geo-dir ../shared/data/geo]

A district's region is the region whose boundary contains a point inside the district
(shapely's representative point). Districts the fixtures already know keep their slug,
name and police force, matched by GSS code, so their pages keep their addresses. The
county councils and the combined authority in ``fixtures/areas.json`` are linked to the
districts they cover (``within``), from the ONS 2013 lookup of districts to counties.
"""

import argparse
import json
import sys
from pathlib import Path

from django.utils.text import slugify
from shapely.geometry import MultiPolygon, Polygon, shape

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
OUTPUT = FIXTURES / "england_districts.json"
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


def decode_topology(topology, object_name):
    """The features of one TopoJSON object as (properties, shapely geometry) pairs."""
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

    def ring(indexes):
        points = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    def polygon(rings):
        outer, *holes = (ring(indexes) for indexes in rings)
        return Polygon(outer, holes)

    features = []
    for geometry in topology["objects"][object_name]["geometries"]:
        if geometry["type"] == "Polygon":
            geom = polygon(geometry["arcs"])
        elif geometry["type"] == "MultiPolygon":
            geom = MultiPolygon([polygon(rings) for rings in geometry["arcs"]])
        else:
            raise ValueError(f"unexpected geometry {geometry['type']}")
        features.append((geometry["properties"], shape(geom).buffer(0)))
    return features


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


if __name__ == "__main__":
    main()
