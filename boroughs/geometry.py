"""The districts' outlines, built once by scripts/build_geography.py into geometry.json:
projected SVG paths for the maps, and longitude/latitude outlines for GeoJSON."""

import hashlib
import json
from functools import cache
from pathlib import Path

from core.maps import Outlines

GEOMETRY_FILE = Path(__file__).resolve().parent / "geometry.json"


@cache
def _geometry():
    text = GEOMETRY_FILE.read_text(encoding="utf-8")
    geometry = json.loads(text)
    # Maps drawn from other outlines (before a rebuild of the file) are not drawn again from
    # the cache: the version is part of every drawing's key.
    geometry["version"] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return geometry


def outlines(view):
    """The drawing of ``england`` or ``london``."""
    geometry = _geometry()
    drawing = geometry["maps"][view]
    return Outlines(
        name=view,
        viewbox=drawing["viewbox"],
        paths=drawing["paths"],
        version=geometry["version"],
    )


def boundary(gss_code):
    """An area's GeoJSON geometry in longitude and latitude, or None where there is none."""
    return _geometry()["geojson"].get(gss_code)


@cache
def _boundary_texts():
    return {
        code: json.dumps(geometry, ensure_ascii=False, separators=(",", ":"))
        for code, geometry in _geometry()["geojson"].items()
    }


def boundary_json(gss_code):
    """An area's GeoJSON geometry as JSON text ("null" where there is none): encoded once per
    process, as the outlines change only with the boundary data, so that a list of every
    area is a join of stored text rather than thousands of coordinates encoded again."""
    return _boundary_texts().get(gss_code, "null")
