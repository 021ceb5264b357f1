"""Bulk upload of a plan's items from a CSV file: the whole file is checked first, then
every row loads or none does. Each problem is named by line and column.

The file is read as spreadsheets write it (UTF-8, with or without a byte-order mark; lines
ending in CR LF, LF or CR alone; cells quoted with doubled quotes inside) and refused, with
the line and column of each problem, when it is something else: another encoding, an Excel
workbook, a quote left open, a header with a column twice or without a name, a row with
more cells than the header. Each row is then checked by ItemRowForm, a Django form, with
the model's own rules (the note a status needs, a complete item being 100% done).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.api.csv import csv_lines
from core.search import deferred as search_documents_deferred

from .models import NOTE_REQUIRED_MESSAGE, ActionItem, ItemStatus, note_required
from .services import ITEM_FIELDS, action_item_create

#: An uploaded file's columns: the fields of an item a lead may set, and the note for its status.
COLUMNS = [*ITEM_FIELDS, "note"]
REQUIRED_COLUMNS = {"theme", "title"}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
#: Problems listed at most; a file with more gets a last line saying how many are left.
MAX_ERRORS = 200
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

# Python's csv module refuses a cell over 131,072 characters with an error that names no
# column. The file is at most MAX_BYTES, so no cell can be longer than that: with the limit
# there, every cell is read and a long one is refused by the row's form, by line and column.
csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))


@dataclass(frozen=True)
class RowError:
    """A problem at a line (1 is the header; 0 for the file as a whole) and column."""

    line: int
    column: str
    message: str

    def __str__(self):
        if not self.line:
            return self.message
        where = f"Line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class BulkUploadError(Exception):
    def __init__(self, errors):
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            errors = [
                *errors[:MAX_ERRORS],
                RowError(0, "", f"… and {more} more problem{'s' if more != 1 else ''}."),
            ]
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors[:5]))


def template_csv(plan):
    """A CSV with the columns and one example row, for leads to fill in."""
    first_theme = plan.framework.themes.first()
    example = [
        first_theme.slug if first_theme else "",
        "Example: run weapon sweeps in parks each month",
        "What will be done, by whom and how.",
        "Community Safety",
        "Metropolitan Police; Parks team",
        (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        ItemStatus.NOT_STARTED,
        "0",
        "",
    ]
    return "".join(csv_lines([example], COLUMNS))


# --- Reading the file ----------------------------------------------------------------------

SAVE_AS_CSV = "In your spreadsheet choose Save As, then “CSV UTF-8”, and upload that file."
#: The first bytes of files that are not CSV text, and what they are.
NOT_CSV = {
    b"PK\x03\x04": "This is an Excel workbook (XLSX), not a CSV file. " + SAVE_AS_CSV,
    b"\xd0\xcf\x11\xe0": "This is an old Excel workbook (XLS), not a CSV file. " + SAVE_AS_CSV,
    b"\xff\xfe": "This file is UTF-16 text (“Unicode Text”), not CSV UTF-8. " + SAVE_AS_CSV,
    b"\xfe\xff": "This file is UTF-16 text (“Unicode Text”), not CSV UTF-8. " + SAVE_AS_CSV,
}


def decode(uploaded_bytes):
    """The file's text. Bytes that are not UTF-8 are kept as surrogate escapes, so that the
    cells holding them can be named; a file that is not text at all is refused."""
    if len(uploaded_bytes) > MAX_BYTES:
        raise BulkUploadError([RowError(0, "", "The file is larger than 2 MB.")])
    for magic, message in NOT_CSV.items():
        if uploaded_bytes.startswith(magic):
            raise BulkUploadError([RowError(0, "", message)])
    text = uploaded_bytes.decode("utf-8", errors="surrogateescape")
    return text.removeprefix("\ufeff")


def _not_utf8(value):
    """The first byte of ``value`` that was not UTF-8 (as decode kept it), or None."""
    for char in value:
        if "\udc80" <= char <= "\udcff":
            return ord(char) - 0xDC00
    return None


def _open_quote_column(text, start_line, header):
    """Where a quote opened on ``start_line`` (1-based) is never closed: the column name,
    found by reading the record as the csv module does, field by field."""
    lines = list(io.StringIO(text, newline=""))  # split as the csv module splits them
    record = "".join(lines[start_line - 1 :])
    field, quoted, at_start, index = 0, False, True, 0
    while index < len(record):
        char = record[index]
        if quoted:
            if char == '"':
                if record[index + 1 : index + 2] == '"':
                    index += 1
                else:
                    quoted = False
        elif char == '"' and at_start:
            quoted = True
        elif char == ",":
            field += 1
            at_start = True
            index += 1
            continue
        elif char in "\r\n":
            break
        at_start = False
        index += 1
    return header[field] if field < len(header) else f"{field + 1}"


def _header_errors(header):
    errors = [
        RowError(1, name, "This column is missing.")
        for name in sorted(REQUIRED_COLUMNS - set(header))
    ]
    seen = {}
    for position, name in enumerate(header, start=1):
        if not name:
            errors.append(
                RowError(
                    1,
                    f"{position}",
                    f"Column {position} has no name. Use: " + ", ".join(COLUMNS) + ".",
                )
            )
        elif name in seen:
            errors.append(
                RowError(
                    1,
                    name,
                    f"This column appears twice (columns {seen[name]} and {position}). Keep one.",
                )
            )
        else:
            seen[name] = position
            byte = _not_utf8(name)
            if byte is not None:
                errors.append(RowError(1, f"{position}", f"Not UTF-8 text. {SAVE_AS_CSV}"))
            elif name not in COLUMNS:
                errors.append(RowError(1, name, f"Unknown column. Use: {', '.join(COLUMNS)}."))
    return errors


def read_rows(uploaded_bytes):
    """[(line, {column: cell})] for every row with something in it; BulkUploadError naming
    each problem of the file's shape by line and column."""
    text = decode(uploaded_bytes)
    # newline="" hands line endings to the csv module, which reads CR LF, LF and CR alone,
    # and keeps line breaks inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, rows, errors = None, [], []
    line = 1
    try:
        for record in reader:
            if header is None:
                header = [cell.strip().removeprefix("\ufeff") for cell in record]
                errors += _header_errors(header)
                if errors:
                    raise BulkUploadError(errors)
            elif any(cell.strip() for cell in record):
                if len(record) > len(header):
                    errors.append(
                        RowError(
                            line,
                            "",
                            f"This row has {len(record)} cells but the header names "
                            f"{len(header)} columns. Check for a stray comma.",
                        )
                    )
                else:
                    rows.append((line, dict(zip(header, record, strict=False))))
            line = reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            column = _open_quote_column(text, line, header or [])
            message = 'A quote (") opens this cell and is never closed. Close it, or remove it.'
        else:
            column = ""
            message = (
                'A quote (") inside a quoted cell must be doubled (""), and a quoted cell '
                "must end where the quote closes."
            )
        errors.append(RowError(line, column, message))
    if header is None:
        raise BulkUploadError([RowError(0, "", "The file is empty. Use the template.")])
    if errors:
        raise BulkUploadError(errors)
    if not rows:
        raise BulkUploadError([RowError(2, "", "The file has no rows of items.")])
    if len(rows) > MAX_ROWS:
        raise BulkUploadError([RowError(0, "", f"Upload at most {MAX_ROWS} items at a time.")])
    return rows


# --- Checking each row ---------------------------------------------------------------------


def _model_max(name):
    return ActionItem._meta.get_field(name).max_length


class ItemRowForm(forms.Form):
    """One row of the file, checked as the item form checks an item: the columns are the
    fields, and the model's rules apply."""

    theme = forms.CharField(error_messages={"required": "Enter the theme"})
    title = forms.CharField(
        max_length=_model_max("title"), error_messages={"required": "Enter a title"}
    )
    description = forms.CharField(required=False, max_length=_model_max("description"))
    lead_agency = forms.CharField(required=False, max_length=_model_max("lead_agency"))
    partners = forms.CharField(required=False, max_length=_model_max("partners"))
    due_date = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter a date like 2027-03-31 or 31/03/2027."},
    )
    status = forms.CharField(required=False)
    progress = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": "Enter a whole number from 0 to 100.",
            "min_value": "Enter a whole number from 0 to 100.",
            "max_value": "Enter a whole number from 0 to 100.",
        },
    )
    note = forms.CharField(required=False)

    STATUSES = {choice.value: choice for choice in ItemStatus} | {
        choice.label.lower(): choice for choice in ItemStatus
    }

    def __init__(self, data, *, plan, themes):
        super().__init__(data)
        self.plan = plan
        self.themes = themes

    def clean(self):
        cleaned = super().clean()
        for name, value in self.data.items():
            if name in self.fields and _not_utf8(value) is not None and name not in self.errors:
                self.add_error(name, f"This cell is not UTF-8 text. {SAVE_AS_CSV}")
        if "theme" in cleaned:
            cleaned["theme"] = self.themes.get(cleaned["theme"].lower())
            if cleaned["theme"] is None:
                names = ", ".join(sorted({theme.slug for theme in self.themes.values()}))
                self.add_error(
                    "theme",
                    f"“{self.data['theme'].strip()}” is not a theme of {self.plan.framework}. "
                    f"Use one of: {names}.",
                )
        status = cleaned.get("status")
        if status:
            cleaned["status"] = self.STATUSES.get(status.lower())
            if cleaned["status"] is None:
                self.add_error("status", "Use one of: " + ", ".join(ItemStatus.values) + ".")
        else:
            cleaned["status"] = ItemStatus.NOT_STARTED
        if note_required(from_status="", to_status=cleaned["status"]) and not cleaned.get("note"):
            self.add_error("note", NOTE_REQUIRED_MESSAGE)
        return cleaned

    def item_fields(self):
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in ("theme", "title", "description", "lead_agency", "partners")
        }
        fields["status"] = data["status"]
        for name in ("due_date", "progress"):
            if data.get(name) is not None:
                fields[name] = data[name]
        if fields["status"] == ItemStatus.COMPLETE and "progress" not in fields:
            fields["progress"] = 100
        return fields

    def full_clean_item(self):
        """The model's own checks on the item this row would make."""
        item = ActionItem(plan=self.plan, slug="placeholder", **self.item_fields())
        try:
            item.full_clean(exclude=["slug"], validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)


def parse_row(plan, themes, line, row):
    """Turn one row into item fields, or a list of RowErrors."""
    form = ItemRowForm(
        {name: (row.get(name) or "").strip() for name in COLUMNS}, plan=plan, themes=themes
    )
    if form.is_valid():
        form.full_clean_item()
    if form.errors:
        return (
            None,
            "",
            [
                RowError(line, "" if name == "__all__" else name, message)
                for name, messages in form.errors.items()
                for message in messages
            ],
        )
    return form.item_fields(), form.cleaned_data["note"], []


@transaction.atomic
@search_documents_deferred()  # the new items' search documents, stored once, together
def action_items_upload(*, plan, acting_user, uploaded_bytes):
    """Load every row of the file into the plan, or none. Returns the items created."""
    rows = read_rows(uploaded_bytes)
    themes = {}
    for theme in plan.framework.themes.all():
        themes[theme.slug.lower()] = theme
        themes[theme.name.lower()] = theme
    parsed, errors = [], []
    for line, row in rows:
        fields, note, row_errors = parse_row(plan, themes, line, row)
        errors += row_errors
        parsed.append((fields, note))
    if errors:
        raise BulkUploadError(errors)
    return [
        action_item_create(plan=plan, acting_user=acting_user, fields=fields, note=note)
        for fields, note in parsed
    ]
