"""CSV for spreadsheets: flat rows, streamed, and safe to open.

A cell that starts with = + - @ (or a tab or carriage return) would be run as
a formula by Excel or LibreOffice; such cells get a leading apostrophe, which
spreadsheets show as text (OWASP's advice on CSV injection).
"""

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from rest_framework.renderers import BaseRenderer
from rest_framework.serializers import Serializer

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralise(value: object) -> str:
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


def _list_item(item: object) -> str:
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
    def write(self, value: str) -> str:
        return value


def csv_cell(value: object) -> str:
    """``neutralise``, with text (most cells) checked without its type tests."""
    if value.__class__ is str:
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    return neutralise(value)


def csv_lines(
    rows: Iterable[Mapping[str, Any] | Sequence[Any]], header: Sequence[str] | None = None
) -> Iterator[str]:
    """Yield CSV text line by line: a header, then one line per row. The portal's one CSV
    writer, for the API's streamed lists and the export files alike.

    A row is a dict (nested ones flattened to "a.b", read by column) or a sequence of
    values already in the columns' order (the fast path: nothing to look up). The columns
    are ``header``, or the first row's keys."""
    writer = csv.writer(_Echo())
    columns: Sequence[str] | None = header
    started = False
    for row in rows:
        values: Sequence[Any]
        if isinstance(row, Mapping):
            flat = flatten(row)
            if columns is None:
                columns = list(flat)
            values = [flat.get(column) for column in columns]
        else:
            values = row
        if not started:
            if columns is None:
                raise ValueError("Rows of values need a header.")
            yield writer.writerow(columns)
            started = True
        yield writer.writerow([csv_cell(value) for value in values])
    if not started and columns:
        yield writer.writerow(columns)


class CSVRenderer(BaseRenderer):
    """Renders a list of rows (or one object) as CSV; list endpoints stream instead."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if isinstance(data, dict):
            data = data.get("results", [data]) if "results" in data else [data]
        return "".join(csv_lines(data)).encode(self.charset)
