"""Bulk upload of a plan's items from a CSV file: the whole file is checked first, then
every row loads or none does. Each problem is named by line and column."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ActionItem, ItemStatus
from .services import action_item_create

COLUMNS = [
    "theme",
    "title",
    "description",
    "lead_agency",
    "partners",
    "due_date",
    "status",
    "progress",
    "note",
]
REQUIRED_COLUMNS = {"theme", "title"}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"Line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class BulkUploadError(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors[:5]))


def template_csv(plan):
    """A CSV with the columns and one example row, for leads to fill in."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    first_theme = plan.framework.themes.first()
    writer.writerow(
        [
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
    )
    return out.getvalue()


def read_rows(uploaded_bytes):
    if len(uploaded_bytes) > MAX_BYTES:
        raise BulkUploadError([RowError(0, "", "The file is larger than 2 MB.")])
    try:
        text = uploaded_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkUploadError(
            [RowError(0, "", "Save the file as CSV UTF-8 and upload it again.")]
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = sorted(REQUIRED_COLUMNS - set(header))
    unknown = sorted(set(header) - set(COLUMNS))
    errors = [RowError(1, name, "This column is missing.") for name in missing]
    errors += [RowError(1, name, f"Unknown column. Use: {', '.join(COLUMNS)}.") for name in unknown]
    if errors:
        raise BulkUploadError(errors)
    reader.fieldnames = header
    rows = [(reader.line_num, row) for row in reader]
    if not rows:
        raise BulkUploadError([RowError(2, "", "The file has no rows of items.")])
    if len(rows) > MAX_ROWS:
        raise BulkUploadError([RowError(0, "", f"Upload at most {MAX_ROWS} items at a time.")])
    return rows


def parse_row(plan, themes, line, row):
    """Turn one row into item fields, or a list of RowErrors."""
    errors, fields = [], {}
    value = {name: (row.get(name) or "").strip() for name in COLUMNS}

    theme = themes.get(value["theme"].lower())
    if theme is None:
        errors.append(
            RowError(
                line,
                "theme",
                f"“{value['theme']}” is not a theme of {plan.framework}. Use one of: "
                + ", ".join(sorted({t.slug for t in themes.values()}))
                + ".",
            )
        )
    fields["theme"] = theme
    for name in ("title", "description", "lead_agency", "partners"):
        fields[name] = value[name]

    if value["due_date"]:
        for date_format in DATE_FORMATS:
            try:
                fields["due_date"] = dt.datetime.strptime(value["due_date"], date_format).date()  # noqa: DTZ007 - a date, not a moment
                break
            except ValueError:
                continue
        else:
            errors.append(RowError(line, "due_date", "Enter a date like 2027-03-31 or 31/03/2027."))
    statuses = {choice.value: choice for choice in ItemStatus} | {
        choice.label.lower(): choice for choice in ItemStatus
    }
    if value["status"]:
        status = statuses.get(value["status"].lower())
        if status is None:
            errors.append(
                RowError(line, "status", "Use one of: " + ", ".join(ItemStatus.values) + ".")
            )
        fields["status"] = status
    if value["progress"]:
        if value["progress"].isdigit() and 0 <= int(value["progress"]) <= 100:
            fields["progress"] = int(value["progress"])
        else:
            errors.append(RowError(line, "progress", "Enter a whole number from 0 to 100."))

    if not errors:
        item = ActionItem(plan=plan, slug="placeholder", **fields)
        if item.status == ItemStatus.COMPLETE:
            item.progress = 100
        try:
            item.full_clean(exclude=["slug"], validate_unique=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors += [RowError(line, field, message) for message in messages]
        if item.status in (ItemStatus.AT_RISK, ItemStatus.OFF_TRACK) and not value["note"]:
            errors.append(RowError(line, "note", "Say why the item is at risk or off track."))
    return fields, value["note"], errors


@transaction.atomic
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
