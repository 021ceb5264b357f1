"""A server-rendered SVG timeline of funding end dates: no JavaScript, no chart library.

The chart is a picture of the table beside it (the table is what screen readers
and keyboard users read), so every bar's meaning is also in its words: a bar
that ends within the warning window says so in its label and is hatched as well
as coloured, and an ended bar says "ended".
"""

import datetime as dt
from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe

WIDTH = 760
MARGIN_LEFT = 20
MARGIN_RIGHT = 16
ROW_HEIGHT = 46
TOP = 30
AXIS_HEIGHT = 34
BAR_HEIGHT = 14
# GOV.UK palette colours with at least 3:1 contrast against white.
COLOURS = {"running": "#1d70b8", "soon": "#d4351c", "ended": "#505a5f"}


@dataclass(frozen=True)
class TimelineRow:
    label: str
    ends_on: dt.date
    starts_on: dt.date | None = None
    kind: str = ""
    #: How much of the end date the source states: "day", "month" or "year".
    ends_precision: str = "day"

    def state(self, today, soon_days):
        if self.ends_on < today:
            return "ended"
        if self.ends_on <= today + dt.timedelta(days=soon_days):
            return "soon"
        return "running"


STATE_WORDS = {"ended": "ended", "soon": "ends within {days} days", "running": "running"}


def _year_start(day):
    return dt.date(day.year, 1, 1)


def _tick_years(first, last):
    span = last - first
    step = next(s for s in (1, 2, 5, 10, 20, 50) if span / s <= 10)
    return range(first - first % step + (step if first % step else 0), last + 1, step)


def timeline_svg(rows, *, today, soon_days=90, title="What ends when", description=""):
    """An SVG bar per row, from its start (when known) to its end, with a line for today."""
    if not rows:
        return mark_safe("")  # noqa: S308 - nothing to draw
    dates = [today] + [row.ends_on for row in rows] + [r.starts_on for r in rows if r.starts_on]
    first = _year_start(min(dates))
    last = dt.date(max(dates).year + 1, 1, 1)
    span_days = (last - first).days
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT

    def x(day):
        return MARGIN_LEFT + plot_width * (day - first).days / span_days

    height = TOP + ROW_HEIGHT * len(rows) + AXIS_HEIGHT
    axis_y = TOP + ROW_HEIGHT * len(rows)
    parts = [
        f'<svg class="portal-timeline" xmlns="http://www.w3.org/2000/svg" role="img" '
        'focusable="false" font-family="arial, sans-serif" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="timeline-title timeline-desc">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{escape(description)}</desc>',
        '<defs><pattern id="timeline-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{COLOURS["soon"]}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/>'
        "</pattern></defs>",
    ]
    for year in _tick_years(first.year, last.year):
        tick_x = x(dt.date(year, 1, 1))
        parts.append(
            f'<line x1="{tick_x:.1f}" y1="{TOP - 6}" x2="{tick_x:.1f}" y2="{axis_y}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{tick_x:.1f}" y="{axis_y + 18}" text-anchor="middle" '
            f'font-size="14" fill="#0b0c0c">{year}</text>'
        )
    for index, row in enumerate(rows):
        top = TOP + ROW_HEIGHT * index
        state = row.state(today, soon_days)
        words = STATE_WORDS[state].format(days=soon_days)
        end_x = x(row.ends_on)
        start_x = x(row.starts_on) if row.starts_on else None
        label = f"{row.kind}: {row.label}" if row.kind else row.label
        ends = _day(row.ends_on, row.ends_precision)
        parts.append(
            f'<text x="{MARGIN_LEFT}" y="{top + 12}" font-size="14" fill="#0b0c0c">'
            f"{escape(_shorten(label))} — ends {ends} ({words})</text>"
        )
        fill = "url(#timeline-hatch)" if state == "soon" else COLOURS[state]
        if start_x is not None:
            parts.append(
                f'<rect x="{start_x:.1f}" y="{top + 18}" width="{max(end_x - start_x, 3):.1f}" '
                f'height="{BAR_HEIGHT}" fill="{fill}" stroke="{COLOURS[state]}"/>'
            )
        else:
            # The start is not recorded: mark the end only, as a diamond.
            mid = top + 18 + BAR_HEIGHT / 2
            parts.append(
                f'<path d="M{end_x:.1f} {mid - 8:.1f} L{end_x + 8:.1f} {mid:.1f} '
                f'L{end_x:.1f} {mid + 8:.1f} L{end_x - 8:.1f} {mid:.1f} Z" fill="{fill}" '
                f'stroke="{COLOURS[state]}"/>'
            )
    today_x = x(today)
    parts.append(
        f'<line x1="{today_x:.1f}" y1="{TOP - 14}" x2="{today_x:.1f}" y2="{axis_y}" '
        'stroke="#0b0c0c" stroke-width="2" stroke-dasharray="4 3"/>'
        f'<text x="{min(max(today_x, 30), WIDTH - 30):.1f}" y="{TOP - 18}" text-anchor="middle" '
        'font-size="14" '
        'font-weight="bold" fill="#0b0c0c">Today</text>'
        f'<line x1="{MARGIN_LEFT}" y1="{axis_y}" x2="{WIDTH - MARGIN_RIGHT}" y2="{axis_y}" '
        'stroke="#0b0c0c" stroke-width="1"/>'
        "</svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above


def _day(day, precision="day"):
    if precision == "year":
        return f"{day:%Y}"
    if precision == "month":
        return f"{day:%b %Y}"
    return f"{day.day} {day:%b %Y}"


def _shorten(text, limit=70):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
