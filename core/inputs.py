"""What no query parameter or form field may hold, whatever it is for.

Each value a client sends is checked once, before any view sees it, so that a value no
database or library can take is a clear 400 naming it rather than a 500 from deep inside:

- a NUL character (PostgreSQL text cannot hold one) or bytes that are not UTF-8;
- a date-time whose UTC offset no place on Earth uses (beyond ±14:00; PostgreSQL refuses
  offsets past ±15:59), or one that leaves the years 1–9999 when read in UTC;
- a number beyond what a 64-bit integer column can compare with;
- a value longer than TEXT_MAX_LENGTH characters (the longest text any field takes).

Anything else is the business of the field or filter that reads the value.
"""

import re
from datetime import UTC, timedelta
from urllib.parse import unquote_to_bytes

from django.http import QueryDict
from django.utils.dateparse import parse_datetime

#: The widest UTC offset in use anywhere (Line Islands, +14:00).
MAX_UTC_OFFSET = timedelta(hours=14)
#: The largest magnitude a number may have: that of a signed 64-bit integer.
MAX_NUMBER = 2**63 - 1
#: The longest text any field takes, in characters: a Markdown section of a case study, a
#: description, a note. API serializers state it as maxLength; query parameters and form
#: fields are held to it here.
TEXT_MAX_LENGTH = 20_000

_DATETIME = re.compile(r"^\s*[+-]?\d{4,}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{1,2}")
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


_WHOLE_NUMBER = re.compile(r"[0-9]+")


def is_whole_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes "³", which int() refuses."""
    return _WHOLE_NUMBER.fullmatch(text) is not None


def value_problem(value: str) -> str | None:
    """Why `value` cannot be taken whatever it is for, or None."""
    if "\x00" in value:
        return "Must not contain a NUL character."
    if "\ufffd" in value:
        return "Must be text in UTF-8."
    if len(value) > TEXT_MAX_LENGTH:
        return f"Must be at most {TEXT_MAX_LENGTH:,} characters long."
    if _DATETIME.match(value):
        return _datetime_problem(value)
    if _NUMBER.match(value):
        return _number_problem(value)
    return None


def _datetime_problem(value: str) -> str | None:
    try:
        moment = parse_datetime(value.strip())
    except ValueError:
        return None  # not a date-time after all; its field says what is wrong
    if moment is None or moment.tzinfo is None:
        return None
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        return "The UTC offset must be between -14:00 and +14:00."
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return "The date-time must fall between the years 1 and 9999 in UTC."
    return None


def _number_problem(value: str) -> str | None:
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    if not abs(number) <= MAX_NUMBER:  # also catches inf
        return f"Must be a number between -{MAX_NUMBER} and {MAX_NUMBER}."
    return None


def query_string_problems(query_string: str) -> dict[str, list[str]]:
    """Problems with a raw query string (as WSGI gives it) by parameter name: bytes that
    are not UTF-8 are found here, before decoding replaces them."""
    problems: dict[str, list[str]] = {}
    for pair in query_string.split("&"):
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name_bytes = unquote_to_bytes(raw_name.replace("+", " "))
        value_bytes = unquote_to_bytes(raw_value.replace("+", " "))
        name = name_bytes.decode("utf-8", errors="replace").replace("\x00", "\\x00")
        try:
            name_bytes.decode("utf-8")
            value = value_bytes.decode("utf-8")
        except UnicodeDecodeError:
            problems.setdefault(name, []).append("Must be text in UTF-8.")
            continue
        problem = name_problem(name) or value_problem(value)
        if problem:
            problems.setdefault(name, []).append(problem)
    return problems


def name_problem(name: str) -> str | None:
    if "\\x00" in name or "\ufffd" in name:
        return "A parameter name must be text in UTF-8 without NUL characters."
    return None


def fields_problems(fields: QueryDict) -> dict[str, list[str]]:
    """Problems with decoded form fields (a QueryDict) by field name."""
    problems: dict[str, list[str]] = {}
    for name, values in fields.lists():
        shown = name.replace("\x00", "\\x00")
        for value in values:
            problem = name_problem(shown) or value_problem(value)
            if problem:
                problems.setdefault(shown, []).append(problem)
    return problems
