"""Dates in words at the precision the source states them, in templates: the rule is
core.dates's, which the lists of hundreds of rows call in Python."""

import datetime as dt

from django import template

from core import dates

register = template.Library()


@register.simple_tag
def stated_date(day: dt.date | None, precision: str = "day", empty: str = "") -> str:
    """{% stated_date award.awarded_on award.awarded_on_precision %}: "2020", "March 2020"
    or "5 March 2020"; ``empty`` (or "Not stated") where none is recorded."""
    return dates.stated_date(day, precision or "day", empty=empty or dates.NOT_STATED)


@register.simple_tag
def stated_period(
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    starts_precision: str = "day",
    ends_precision: str = "day",
) -> str:
    """{% stated_period stream.starts_on stream.ends_on … %}: "March 2019 to 31 March 2020",
    "From …", "Until …" or "Not stated"."""
    return dates.stated_period(
        starts_on,
        ends_on,
        starts_precision=starts_precision or "day",
        ends_precision=ends_precision or "day",
    )
