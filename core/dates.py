"""Dates in words, at the precision the source states them (core.models.DatePrecision):
for lists in Python, and for templates through funding's stated_dates tags.

For lists of hundreds of dates: written here once per date in Python, a date costs a few
string joins, where a template include and the date filter cost about as
much as the rest of the row.
"""

import datetime as dt

NOT_STATED = "Not stated"

#: The portal is written in English only (en-gb, no other language offered): the date
#: filter's month names, without its lookup of a translation for each (a dozen µs a date).
MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def stated_date(day: dt.date | None, precision: str = "day", *, empty: str = NOT_STATED) -> str:
    """The date as "2020", "March 2020" or "5 March 2020"; ``empty`` where none is recorded."""
    if not day:
        return empty
    if precision == "year":
        return f"{day.year:04d}"
    month = MONTHS[day.month]
    if precision == "month":
        return f"{month} {day.year:04d}"
    return f"{day.day} {month} {day.year:04d}"


def stated_period(
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    *,
    starts_precision: str = "day",
    ends_precision: str = "day",
) -> str:
    """The period as "March 2019 to 31 March 2020", "From …", "Until …" or "Not stated"."""
    if starts_on and ends_on:
        starts = stated_date(starts_on, starts_precision)
        return f"{starts} to {stated_date(ends_on, ends_precision)}"
    if starts_on:
        return f"From {stated_date(starts_on, starts_precision)}"
    if ends_on:
        return f"Until {stated_date(ends_on, ends_precision)}"
    return NOT_STATED
