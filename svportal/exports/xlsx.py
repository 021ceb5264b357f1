"""A workbook of one sheet, written row by row straight into the zip (docs/decisions/0027).

openpyxl builds a cell object per value and an XML element per cell; at national scale
that held an action-items export to a few hundred rows a second. This writes the small
part of SpreadsheetML an export needs — text as inline strings, numbers, booleans, and
dates as serial numbers in a yyyy-mm-dd style — as text, streamed into the zip entry, so
memory stays flat and each cell costs a few string operations. openpyxl still reads the
files back in the tests, which hold the format to what a spreadsheet opens.
"""

import datetime as dt
import zipfile
from decimal import Decimal
from xml.sax.saxutils import quoteattr

#: Days from Excel's epoch (its 1900 system, leap-year bug included) to a date.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_EPOCH_MOMENT = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - naive, as Excel's serials are
#: Style indexes in STYLES: 0 plain, 1 a date (yyyy-mm-dd; a naive moment shows its day,
#: its time kept in the value).
DATE_STYLE = 1
#: Rows gathered before each write into the zip: fewer, larger writes to compress.
ROWS_PER_WRITE = 100

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = (
    DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    DECLARATION + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    DECLARATION + f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
STYLES = (
    DECLARATION + f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_HEAD = DECLARATION + f'<worksheet xmlns="{MAIN}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"


def _workbook(sheet_title):
    return (
        DECLARATION + f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
        f'<sheet name={quoteattr(sheet_title)} sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


def column_letter(index):
    """The letters of the column at a 0-based index: A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value):
    """Text for an inline string. A carriage return is written as a reference, which a
    reader would otherwise take for a new line."""
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if value[0].isspace() or value[-1].isspace():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


class SheetWriter:
    """Rows of values (str, int, float, Decimal, bool, date, naive datetime, or None for
    an empty cell) appended one at a time to a new workbook at ``path``."""

    def __init__(self, path, *, sheet_title):
        self.archive = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", _workbook(sheet_title)),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ):
            self.archive.writestr(name, text)
        self.sheet = self.archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self.sheet.write(SHEET_HEAD.encode())
        self.rows = 0
        self.letters: list[str] = []
        self.pending: list[str] = []

    def append(self, values):
        """One row. Text is always a string, never a formula, whatever it starts with."""
        self.rows += 1
        number = self.rows
        letters = self.letters
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        cells = [f'<row r="{number}">']
        add = cells.append
        for letter, value in zip(letters, values, strict=False):
            kind = value.__class__
            if kind is str:
                if value:
                    add(f'<c r="{letter}{number}" t="inlineStr"><is>{_text(value)}</is></c>')
                else:
                    add(f'<c r="{letter}{number}" t="inlineStr"/>')
            elif value is None:
                continue
            elif kind is bool:
                add(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            elif kind is int or kind is float or kind is Decimal:
                add(f'<c r="{letter}{number}"><v>{value}</v></c>')
            elif kind is dt.date:
                serial = (value - EXCEL_EPOCH).days
                add(f'<c r="{letter}{number}" s="{DATE_STYLE}"><v>{serial}</v></c>')
            elif kind is dt.datetime:
                serial = (value - EXCEL_EPOCH_MOMENT) / dt.timedelta(days=1)
                add(f'<c r="{letter}{number}" s="{DATE_STYLE}"><v>{serial}</v></c>')
            else:
                add(f'<c r="{letter}{number}" t="inlineStr"><is>{_text(str(value))}</is></c>')
        add("</row>")
        self.pending.append("".join(cells))
        if len(self.pending) >= ROWS_PER_WRITE:
            self._flush()

    def _flush(self):
        self.sheet.write("".join(self.pending).encode())
        self.pending.clear()

    def close(self):
        self._flush()
        self.sheet.write(SHEET_TAIL.encode())
        self.sheet.close()
        self.archive.close()
