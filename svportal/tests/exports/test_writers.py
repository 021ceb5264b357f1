"""The export writers on their own: what a spreadsheet or a JSON reader gets back."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from svportal.exports.writers import (
    spreadsheet_value,
    write_csv,
    write_json,
    write_json_document,
    write_xlsx,
)

pytestmark = pytest.mark.no_database

ROWS = [
    {"name": '=HYPERLINK("http://evil")', "count": 3, "nested": {"a": "+1", "b": None}},
    {"name": "Lambeth", "count": -2, "nested": {"a": "@SUM(A1)", "b": True}},
]


def test_csv_neutralises_formulas_and_flattens_nested_objects():
    stream = io.StringIO(newline="")
    seen = []
    written = write_csv(iter(ROWS), stream, on_row=seen.append)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert written == 2
    assert seen == [1, 2]
    assert list(rows[0]) == ["name", "count", "nested.a", "nested.b"]
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["nested.a"] == "'+1"
    assert rows[0]["nested.b"] == ""
    assert rows[1]["nested.a"] == "'@SUM(A1)"
    assert rows[1]["count"] == "-2"  # a negative number is a number, not a formula
    assert rows[1]["nested.b"] == "true"


def test_csv_with_no_rows_still_has_its_header():
    stream = io.StringIO(newline="")
    assert write_csv(iter([]), stream, columns=["borough", "gss_code"]) == 0
    assert stream.getvalue() == "borough,gss_code\r\n"


def test_xlsx_keeps_text_as_text_and_types_numbers_and_dates(tmp_path):
    path = tmp_path / "out.xlsx"
    rows = [
        {
            "formula": "=1+1",
            "amount": "700000.00",
            "count": 12,
            "phone": "02071234567",
            "due": "2019-03-31",
            "code": "E09000033",
            "control": "bell\x07here",
        }
    ]
    assert write_xlsx(iter(rows), path, sheet_title="Awards: 2019/20") == 1
    sheet = load_workbook(path).worksheets[0]
    header, values = list(sheet.iter_rows(values_only=True))
    assert header == ("formula", "amount", "count", "phone", "due", "code", "control")
    cells = dict(zip(header, values, strict=True))
    assert cells["formula"] == "=1+1"  # shown as text, never run
    assert sheet["A2"].data_type == "s"
    assert cells["amount"] == 700000
    assert cells["count"] == 12
    assert cells["phone"] == "02071234567"  # a leading zero keeps it text
    assert cells["due"].date() == dt.date(2019, 3, 31)  # a real date, not text
    assert cells["code"] == "E09000033"
    assert cells["control"] == "bellhere"
    assert sheet.title == "Awards  2019 20"


def test_spreadsheet_values():
    assert spreadsheet_value("12.50") == Decimal("12.50")
    assert spreadsheet_value("-3") == -3
    assert spreadsheet_value("0") == 0
    assert spreadsheet_value("007") == "007"
    assert spreadsheet_value("12345678901234567") == "12345678901234567"  # beyond Excel's digits
    assert spreadsheet_value("2019-02-30") == "2019-02-30"  # not a real date: stays text
    assert spreadsheet_value(["a", "b"]) == "a; b"
    assert spreadsheet_value(None) is None
    aware = dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC)
    assert spreadsheet_value(aware) == "2020-01-01T12:00:00+00:00"
    assert len(spreadsheet_value("x" * 40_000)) == 32_767


def test_json_is_an_array_parsed_back_as_written():
    stream = io.StringIO()
    rows = [{"amount": Decimal("1.50"), "on": dt.date(2020, 1, 2), "name": "Ælfgifu"}, {"n": 2}]
    assert write_json(iter(rows), stream) == 2
    assert json.loads(stream.getvalue()) == [
        {"amount": "1.50", "on": "2020-01-02", "name": "Ælfgifu"},
        {"n": 2},
    ]
    assert stream.getvalue().splitlines()[1:3] == [  # one row a line
        '{"amount":"1.50","on":"2020-01-02","name":"Ælfgifu"},',
        '{"n":2}',
    ]


def test_json_with_no_rows_is_an_empty_array():
    stream = io.StringIO()
    assert write_json(iter([]), stream) == 0
    assert json.loads(stream.getvalue()) == []


def test_json_document_streams_its_array_and_adds_members_after_it():
    stream = io.StringIO()
    counted = []

    def rows():
        for n in range(3):
            counted.append(n)
            yield {"id": n}

    written = write_json_document(
        {"version": "1.4"}, "grants", rows(), stream, tail=lambda: {"count": len(counted)}
    )
    assert written == 3
    assert json.loads(stream.getvalue()) == {
        "version": "1.4",
        "grants": [{"id": 0}, {"id": 1}, {"id": 2}],
        "count": 3,
    }


def test_xlsx_keeps_every_kind_of_value_as_a_spreadsheet_reads_it(tmp_path):
    """The workbook is written as text into its zip: markup, spaces, line breaks, booleans,
    rows given as sequences in the columns' order, and empty cells all read back as given."""
    path = tmp_path / "out.xlsx"
    columns = ["text", "spaced", "lines", "flag", "empty", "on", "score"]
    rows = [
        ("<b>Tom & Jerry</b>", "  indented ", "one\r\ntwo", True, None, dt.date(2020, 1, 2), 1.5),
        ("", "x", "y", False, "", "2021-12-31", Decimal("-2.25")),
    ]
    assert write_xlsx(iter(rows), path, columns=columns) == 2
    sheet = load_workbook(path).worksheets[0]
    header, first, second = sheet.iter_rows(values_only=True)
    assert header == tuple(columns)
    assert first[:4] == ("<b>Tom & Jerry</b>", "  indented ", "one\r\ntwo", True)
    assert first[4] is None
    assert first[5].date() == dt.date(2020, 1, 2)
    assert sheet["F2"].number_format == "yyyy-mm-dd"
    assert first[6] == 1.5
    assert second[3] is False
    assert second[5].date() == dt.date(2021, 12, 31)
    assert second[6] == -2.25
