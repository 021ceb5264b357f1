"""Export file writers: CSV, XLSX and JSON, one row at a time.

Each writer takes an iterator of rows and writes each row as it comes, so memory stays
flat however many rows there are: nothing holds the whole table. The memory test in
svportal/tests/exports/test_memory.py measures it.

- CSV: UTF-8, a header row, cells neutralised against formula injection (a cell
  starting with = + - @ gets a leading apostrophe), as the API's CSV.
- XLSX: each row streamed into the workbook's zip as it comes (svportal/exports/xlsx.py).
  Text is always written as text, never as a formula, so it needs no apostrophe; numbers
  and ISO dates become real numbers and dates so that a spreadsheet can sum and sort them.
- JSON: an array, one object per row, written row by row; or a document (the 360Giving
  package) whose one array is streamed the same way.
"""

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.core.serializers.json import DjangoJSONEncoder
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.api.csv import csv_lines, flatten

from .xlsx import SheetWriter

#: Excel's limit on the characters in one cell.
XLSX_CELL_LIMIT = 32_767
XLSX_SHEET_NAME_LIMIT = 31

# Only numbers without a leading zero become numbers, so that codes and telephone
# numbers ("020 7641 6000", "0207…") stay text.
NUMBER = re.compile(r"^-?(?:0|[1-9]\d{0,14})(?:\.\d+)?$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


#: A row: a record (nested ones flattened to "a.b"), or values in the columns' order.
Row = Mapping[str, Any] | Sequence[Any]
#: Told the count of rows written so far, after each row.
OnRow = Callable[[int], object]


def _noop(count: int) -> None:
    return None


def _counted(rows, on_row):
    for count, row in enumerate(rows, start=1):
        yield row
        on_row(count)


class _Table:
    """Each row's values in the columns' order; the columns are the first row's keys when
    none are given. A row is a dict, flattened and read by column, or already a sequence
    of values in the columns' order (the fast path: nothing to look up)."""

    def __init__(self, rows, columns):
        self.rows = rows
        self.columns = columns

    def __iter__(self):
        for row in self.rows:
            if isinstance(row, dict):
                flat = flatten(row)
                if self.columns is None:
                    self.columns = list(flat)
                yield [flat.get(column) for column in self.columns]
            else:
                yield row


def write_csv(
    rows: Iterable[Row],
    stream: TextIO,
    *,
    columns: list[str] | None = None,
    on_row: OnRow = _noop,
) -> int:
    """Write rows (dicts, nested ones flattened to "a.b"; or sequences in the columns'
    order) to a text stream opened with newline="", with the API's CSV writer
    (core.api.csv.csv_lines). Columns default to the first row's keys. Returns the
    number of rows."""
    written = 0

    def counted() -> Iterable[Row]:
        nonlocal written
        for written, row in enumerate(rows, start=1):  # noqa: B007 -- counted as it goes
            yield row
            on_row(written)

    stream.writelines(csv_lines(counted(), columns))
    return written


#: The characters a number or an ISO date can start with: other text skips both patterns.
NUMBER_OR_DATE_STARTS = frozenset("-0123456789")


def spreadsheet_value(value):
    """A cell value as a spreadsheet should hold it: numbers and dates typed, text cleaned."""
    if value.__class__ is str:
        text = value  # most cells: straight to the text checks
    elif value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.isoformat()  # Excel has no time zones: keep the moment exact as text
        return value
    elif isinstance(value, list):
        text = "; ".join(str(item) for item in value)
    else:
        text = str(value)
    if text[:1] not in NUMBER_OR_DATE_STARTS:
        pass
    elif NUMBER.match(text):
        try:
            return Decimal(text) if "." in text else int(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return text
    elif ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text[:XLSX_CELL_LIMIT]


def write_xlsx(
    rows: Iterable[Row],
    path: str | os.PathLike[str],
    *,
    columns: list[str] | None = None,
    sheet_title: str = "Export",
    on_row: OnRow = _noop,
) -> int:
    """Write rows (as write_csv takes them) to an XLSX workbook at path, one sheet with a
    header row."""
    sheet = SheetWriter(path, sheet_title=_sheet_title(sheet_title))
    written = 0
    try:
        table = _Table(_counted(rows, on_row), columns)
        for values in table:
            if not written:
                sheet.append([spreadsheet_text(column) for column in table.columns])
            sheet.append([spreadsheet_value(value) for value in values])
            written += 1
        if not written and table.columns:
            sheet.append([spreadsheet_text(column) for column in table.columns])
    finally:
        sheet.close()
    return written


def spreadsheet_text(value):
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:XLSX_CELL_LIMIT]


def _sheet_title(title):
    cleaned = re.sub(r"[\\/*?:\[\]]", " ", title).strip() or "Export"
    return cleaned[:XLSX_SHEET_NAME_LIMIT]


def _dumps(value):
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _write_array(rows, stream, on_row):
    stream.write("[")
    written = 0
    for row in _counted(rows, on_row):
        stream.write(",\n" if written else "\n")
        stream.write(_dumps(row))
        written += 1
    stream.write("\n]" if written else "]")
    return written


def write_json(rows: Iterable[Any], stream: TextIO, *, on_row: OnRow = _noop) -> int:
    """Write rows as a JSON array to a text stream, one object per line."""
    written = _write_array(rows, stream, on_row)
    stream.write("\n")
    return written


def write_json_document(
    head: Mapping[str, Any],
    array_key: str,
    rows: Iterable[Any],
    stream: TextIO,
    *,
    tail: Callable[[], Mapping[str, Any]] | None = None,
    on_row: OnRow = _noop,
) -> int:
    """Write a JSON object whose members are head's, then array_key holding the rows
    (streamed), then the members tail() returns once the rows are written (a count, say)."""
    stream.write("{")
    for key, value in head.items():
        stream.write(f"{_dumps(key)}:{_dumps(value)},\n")
    stream.write(f"{_dumps(array_key)}:")
    written = _write_array(rows, stream, on_row)
    for key, value in (tail() if tail else {}).items():
        stream.write(f",\n{_dumps(key)}:{_dumps(value)}")
    stream.write("}\n")
    return written
