"""CSV for spreadsheets: flat rows, streamed, and safe to open.

A cell that starts with = + - @ (or a tab or carriage return) would be run as
a formula by Excel or LibreOffice; such cells get a leading apostrophe, which
spreadsheets show as text (OWASP's advice on CSV injection).
"""

import csv
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rest_framework.renderers import BaseRenderer
from rest_framework.serializers import Serializer

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralise(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)  # a negative number is a number, not a formula
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}, "c": [{"name": "x"}, {"name": "y"}]} -> {"a.b": 1, "c": "x; y"}."""
    row: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, prefix=f"{name}."))
        elif isinstance(value, list):
            row[name] = LIST_SEPARATOR.join(_list_item(item) for item in value)
        else:
            row[name] = value
    return row


def _list_item(item):
    if isinstance(item, dict):
        for key in ("name", "title", "label", "slug", "id"):
            if key in item:
                return str(item[key])
        return ", ".join(f"{k}={v}" for k, v in item.items())
    return str(item)


def serializer_columns(serializer: "Serializer[Any]", prefix: str = "") -> list[str]:
    """The CSV columns of a serializer's output, nested objects flattened to "a.b".

    Taken from the serializer, not from the first row, so that a record whose nested
    object is empty cannot hide that object's columns for every record after it."""
    from rest_framework import serializers

    columns: list[str] = []
    for name, field in serializer.fields.items():
        if getattr(field, "write_only", False):
            continue
        if isinstance(field, serializers.Serializer):
            columns += serializer_columns(field, prefix=f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows, header=None):
    """Yield CSV text line by line: a header, then one line per row (dicts, flattened)."""
    writer = csv.writer(_Echo())
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        if header:
            yield writer.writerow(header)
        return
    first = flatten(first)
    header = list(first) if header is None else header
    yield writer.writerow(header)
    yield writer.writerow([neutralise(first.get(column)) for column in header])
    for row in rows:
        flat = flatten(row)
        yield writer.writerow([neutralise(flat.get(column)) for column in header])


class CSVRenderer(BaseRenderer):
    """Renders a list of rows (or one object) as CSV; list endpoints stream instead."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict):
            data = data.get("results", [data]) if "results" in data else [data]
        return "".join(csv_lines(data)).encode(self.charset)
