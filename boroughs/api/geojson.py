"""GeoJSON of the areas for analysts' own maps: ``?format=geojson`` on the areas list (a
FeatureCollection of the whole filtered list) or on one area (a Feature)."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.renderers import BaseRenderer

from boroughs.geometry import boundary, boundary_json

GEOJSON_PROPERTIES = ("slug", "name", "gss_code", "kind", "region", "police_force")


class GeoJSONRenderer(BaseRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    charset = None  # JSON is UTF-8 by definition (RFC 8259)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, EncodedGeoJSON):
            return data.encode("utf-8")
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class EncodedGeoJSON(str):
    """GeoJSON already written as text, which the renderer sends as it is."""


#: What the outlines are, stated in the API schema: scripts/build_geography.py simplifies
#: them once, as the portal's map of England is drawn, and writes them at GEOJSON_PLACES
#: decimal places.
OUTLINE_PRECISION = (
    "Outlines are the 2013 district boundaries simplified for a map of all England, as "
    "the portal's own map is drawn: to within about 700 m, neighbours sharing each border, "
    "islands under about 1 km² left out (never an area's largest part). They are in "
    "longitude and latitude (WGS 84, RFC 7946) to three decimal places (about 110 m of "
    "latitude and 70 m of longitude), valid polygons with outer rings anticlockwise and "
    "holes clockwise. A county council or combined authority is the union of the "
    "districts it covers; an area the boundary data does not draw has a null geometry."
)

#: The GeoJSON shapes, for the API schema (RFC 7946).
FEATURE = {
    "type": "object",
    "description": f"A GeoJSON Feature of the area. {OUTLINE_PRECISION}",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "string"},
        "geometry": {"type": "object", "nullable": True},
        "properties": {"type": "object"},
    },
}
#: A list's GeoJSON is one FeatureCollection of the whole filtered list, not a page; the
#: schema says only "an object" because drf-spectacular pages any other list answer, so
#: the list's description (GEOJSON_LIST_DESCRIPTION) says what it is.
FEATURE_COLLECTION = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description="A GeoJSON FeatureCollection of every area the filters select.",
)
GEOJSON_LIST_DESCRIPTION = (
    "With format=geojson: a GeoJSON FeatureCollection of every area the filters select, "
    f"not paged. {OUTLINE_PRECISION}"
)


def geojson_responses(serializer, geojson_schema):
    """The schema's 200 answers: the serializer as JSON and CSV, GeoJSON as GeoJSON."""
    return {
        (200, "application/json"): serializer,
        (200, "text/csv"): serializer,
        (200, GeoJSONRenderer.media_type): geojson_schema,
    }


def feature(row):
    """A GeoJSON Feature for a serialized area: its outline (null where the boundary data
    draws none, as for a Welsh authority) and its main fields as properties."""
    return {
        "type": "Feature",
        "id": row["gss_code"],
        "geometry": boundary(row["gss_code"]),
        "properties": {name: row.get(name) for name in GEOJSON_PROPERTIES},
    }


def feature_collection(rows: Iterable[Mapping[str, Any]]) -> EncodedGeoJSON:
    """The FeatureCollection of the areas ``rows`` (each with GEOJSON_PROPERTIES), written as
    text around each outline's stored JSON: the same document feature() would make of each,
    without encoding every area's coordinates again on each request."""

    def dumps(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    features = ",".join(
        f'{{"type":"Feature","id":{dumps(row["gss_code"])},'
        f'"geometry":{boundary_json(row["gss_code"])},'
        f'"properties":{dumps({name: row.get(name) for name in GEOJSON_PROPERTIES})}}}'
        for row in rows
    )
    return EncodedGeoJSON(f'{{"type":"FeatureCollection","features":[{features}]}}')
