"""Server-rendered SVG charts: no JavaScript, no chart library.

Each chart is an inline ``<svg role="img">`` with an accessible name; the page puts
a table with the same figures beside it, which is what screen readers read and
what people who cannot tell the colours apart use. Text in the SVG is escaped.

- ``stacked_bar`` and ``swatch``: one bar split by share, and the key's squares.
- ``proportion_bars``: a bar per row, each out of its own denominator.
- ``timeline_svg``: when things end, a bar per row from start to end and a line for today
  (a bar that ends within the warning window says so in its label and is hatched as
  well as coloured, and an ended bar says "ended").
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Segment:
    label: str
    value: float
    colour: str


def _number(value: float) -> str:
    """A coordinate without trailing zeros: 12.5, 40, 33.33."""
    return f"{round(value, 2):g}"


def stacked_bar(
    segments: Sequence[Segment],
    *,
    label: str,
    width: int = 600,
    height: int = 40,
    empty_text: str = "No data",
) -> SafeString:
    """One horizontal bar split into segments in proportion to their values.

    Segments with no value are left out; a thin white gap separates the others so
    that neighbours are told apart by more than colour. ``label`` is the chart's
    accessible name.
    """
    total = sum(segment.value for segment in segments)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart" '
        f'viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}" focusable="false">',
        f"<title>{escape(label)}</title>",
    ]
    if total <= 0:
        parts.append(
            f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" '
            'fill="#ffffff" stroke="#505a5f"/>'
        )
        parts.append(
            f'<text x="8" y="{_number(height / 2)}" dominant-baseline="middle" '
            f'font-size="16" fill="#0b0c0c">{escape(empty_text)}</text>'
        )
    else:
        before: float = 0
        for segment in segments:
            if segment.value <= 0:
                continue
            # Positions come from running totals so rounding never opens a gap at the end.
            x = before / total * width
            before += segment.value
            end = before / total * width
            parts.append(
                f'<rect x="{_number(x)}" y="0" width="{_number(end - x)}" height="{height}" '
                f'fill="{escape(segment.colour)}" stroke="#ffffff" stroke-width="2">'
                f"<title>{escape(segment.label)}: {_number(segment.value)}</title></rect>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of text above is escaped


def swatch(colour: str, size: int = 16) -> SafeString:
    """A small square of colour for a key or a table row; hidden from screen readers."""
    return mark_safe(  # noqa: S308 -- the colour is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-swatch" width="{size}" '
        f'height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true" focusable="false">'
        f'<rect width="{size}" height="{size}" fill="{escape(colour)}"/></svg>'
    )


def contrast_ratio(colour: str, background: str = "#ffffff") -> float:
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class Bar:
    """One row of ``proportion_bars``: ``count`` out of ``denominator``."""

    label: str
    count: int
    denominator: int
    colour: str
    #: A thin rule above the row, to set off a group of rows from the one before.
    rule_above: bool = False


def _share_of(count: int, denominator: int, length: int) -> int:
    """``count`` out of ``denominator`` as a length out of ``length``, rounded as
    Django's widthratio rounds; 0 when there is no denominator."""
    if not denominator:
        return 0
    return round(count / denominator * length)


def proportion_bars(
    bars: Iterable[Bar],
    *,
    title: str,
    description: str,
    id_prefix: str = "chart",
    width: int = 480,
    label_width: int = 120,
    bar_length: int = 280,
    row_height: int = 32,
    margin: int = 8,
) -> SafeString:
    """A bar per row, each drawn out of its own denominator on a grey track, with its
    label on the left and "count of denominator" on the right."""
    bars = list(bars)
    height = len(bars) * row_height + 2 * margin
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc" focusable="false">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        f'<g transform="translate(0 {margin})">',
    ]
    for index, bar in enumerate(bars):
        parts.append(f'<g transform="translate(0 {index * row_height})">')
        if bar.rule_above:
            parts.append(
                f'<line x1="0" y1="0" x2="{width}" y2="0" stroke="#b1b4b6" stroke-width="1"/>'
            )
        parts.append(
            '<text x="0" y="16" font-size="16" fill="#0b0c0c" dominant-baseline="middle">'
            f"{escape(bar.label)}</text>"
            f'<g transform="translate({label_width} 0)">'
            f'<rect x="0" y="5" width="{bar_length}" height="22" fill="#f3f2f1"/>'
            f'<rect x="0" y="5" width="{_share_of(bar.count, bar.denominator, bar_length)}" '
            f'height="22" fill="{escape(bar.colour)}"/>'
            f'<text x="{bar_length + 6}" y="16" font-size="16" fill="#0b0c0c" '
            f'dominant-baseline="middle">{bar.count} of {bar.denominator}</text>'
            "</g></g>"
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of text above is escaped


# --- timeline ------------------------------------------------------------------
TIMELINE_WIDTH = 760
TIMELINE_MARGIN_LEFT = 20
TIMELINE_MARGIN_RIGHT = 16
TIMELINE_ROW_HEIGHT = 46
TIMELINE_TOP = 30
TIMELINE_AXIS_HEIGHT = 34
TIMELINE_BAR_HEIGHT = 14
# GOV.UK palette colours with at least 3:1 contrast against white.
TIMELINE_COLOURS = {"running": "#1d70b8", "soon": "#d4351c", "ended": "#505a5f"}


@dataclass(frozen=True)
class TimelineRow:
    label: str
    ends_on: dt.date
    starts_on: dt.date | None = None
    kind: str = ""
    #: How much of the end date the source states: "day", "month" or "year".
    ends_precision: str = "day"

    def state(self, today: dt.date, soon_days: int) -> str:
        if self.ends_on < today:
            return "ended"
        if self.ends_on <= today + dt.timedelta(days=soon_days):
            return "soon"
        return "running"


TIMELINE_STATE_WORDS = {"ended": "ended", "soon": "ends within {days} days", "running": "running"}


def _year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1, 1)


def _tick_years(first: int, last: int) -> range:
    span = last - first
    step = next(s for s in (1, 2, 5, 10, 20, 50) if span / s <= 10)
    return range(first - first % step + (step if first % step else 0), last + 1, step)


def timeline_svg(
    rows: Sequence[TimelineRow],
    *,
    today: dt.date,
    soon_days: int = 90,
    title: str = "What ends when",
    description: str = "",
) -> SafeString:
    """An SVG bar per row, from its start (when known) to its end, with a line for today."""
    if not rows:
        return mark_safe("")  # noqa: S308 - nothing to draw
    dates = [today] + [row.ends_on for row in rows] + [r.starts_on for r in rows if r.starts_on]
    first = _year_start(min(dates))
    last = dt.date(max(dates).year + 1, 1, 1)
    span_days = (last - first).days
    plot_width = TIMELINE_WIDTH - TIMELINE_MARGIN_LEFT - TIMELINE_MARGIN_RIGHT

    def x(day: dt.date) -> float:
        return TIMELINE_MARGIN_LEFT + plot_width * (day - first).days / span_days

    height = TIMELINE_TOP + TIMELINE_ROW_HEIGHT * len(rows) + TIMELINE_AXIS_HEIGHT
    axis_y = TIMELINE_TOP + TIMELINE_ROW_HEIGHT * len(rows)
    parts = [
        f'<svg class="portal-timeline" xmlns="http://www.w3.org/2000/svg" role="img" '
        'focusable="false" font-family="arial, sans-serif" '
        f'viewBox="0 0 {TIMELINE_WIDTH} {height}" width="{TIMELINE_WIDTH}" height="{height}" '
        f'aria-labelledby="timeline-title timeline-desc">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{escape(description)}</desc>',
        '<defs><pattern id="timeline-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{TIMELINE_COLOURS["soon"]}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/>'
        "</pattern></defs>",
    ]
    for year in _tick_years(first.year, last.year):
        tick_x = x(dt.date(year, 1, 1))
        parts.append(
            f'<line x1="{tick_x:.1f}" y1="{TIMELINE_TOP - 6}" x2="{tick_x:.1f}" y2="{axis_y}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{tick_x:.1f}" y="{axis_y + 18}" text-anchor="middle" '
            f'font-size="14" fill="#0b0c0c">{year}</text>'
        )
    for index, row in enumerate(rows):
        top = TIMELINE_TOP + TIMELINE_ROW_HEIGHT * index
        state = row.state(today, soon_days)
        words = TIMELINE_STATE_WORDS[state].format(days=soon_days)
        end_x = x(row.ends_on)
        start_x = x(row.starts_on) if row.starts_on else None
        label = f"{row.kind}: {row.label}" if row.kind else row.label
        ends = _day(row.ends_on, row.ends_precision)
        parts.append(
            f'<text x="{TIMELINE_MARGIN_LEFT}" y="{top + 12}" font-size="14" fill="#0b0c0c">'
            f"{escape(_shorten(label))} — ends {ends} ({words})</text>"
        )
        fill = "url(#timeline-hatch)" if state == "soon" else TIMELINE_COLOURS[state]
        if start_x is not None:
            parts.append(
                f'<rect x="{start_x:.1f}" y="{top + 18}" width="{max(end_x - start_x, 3):.1f}" '
                f'height="{TIMELINE_BAR_HEIGHT}" fill="{fill}" stroke="{TIMELINE_COLOURS[state]}"/>'
            )
        else:
            # The start is not recorded: mark the end only, as a diamond.
            mid = top + 18 + TIMELINE_BAR_HEIGHT / 2
            parts.append(
                f'<path d="M{end_x:.1f} {mid - 8:.1f} L{end_x + 8:.1f} {mid:.1f} '
                f'L{end_x:.1f} {mid + 8:.1f} L{end_x - 8:.1f} {mid:.1f} Z" fill="{fill}" '
                f'stroke="{TIMELINE_COLOURS[state]}"/>'
            )
    today_x = x(today)
    parts.append(
        f'<line x1="{today_x:.1f}" y1="{TIMELINE_TOP - 14}" x2="{today_x:.1f}" y2="{axis_y}" '
        'stroke="#0b0c0c" stroke-width="2" stroke-dasharray="4 3"/>'
        f'<text x="{min(max(today_x, 30), TIMELINE_WIDTH - 30):.1f}" y="{TIMELINE_TOP - 18}" '
        'text-anchor="middle" font-size="14" '
        'font-weight="bold" fill="#0b0c0c">Today</text>'
        f'<line x1="{TIMELINE_MARGIN_LEFT}" y1="{axis_y}" '
        f'x2="{TIMELINE_WIDTH - TIMELINE_MARGIN_RIGHT}" y2="{axis_y}" '
        'stroke="#0b0c0c" stroke-width="1"/>'
        "</svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above


def _day(day: dt.date, precision: str = "day") -> str:
    if precision == "year":
        return f"{day:%Y}"
    if precision == "month":
        return f"{day:%b %Y}"
    return f"{day.day} {day:%b %Y}"


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
