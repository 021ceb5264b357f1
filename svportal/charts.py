"""Small server-rendered SVG charts: no JavaScript, no chart library.

Each chart is an inline ``<svg role="img">`` with an accessible name; the page puts
a table with the same figures beside it, which is what screen readers read and
what people who cannot tell the colours apart use. Text in the SVG is escaped.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Segment:
    label: str
    value: float
    colour: str


def _number(value):
    """A coordinate without trailing zeros: 12.5, 40, 33.33."""
    return f"{round(value, 2):g}"


def stacked_bar(segments, *, label, width=600, height=40, empty_text="No data"):
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
        before = 0
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


def swatch(colour, size=16):
    """A small square of colour for a key or a table row; hidden from screen readers."""
    return mark_safe(  # noqa: S308 -- the colour is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-swatch" width="{size}" '
        f'height="{size}" viewBox="0 0 {size} {size}" aria-hidden="true" focusable="false">'
        f'<rect width="{size}" height="{size}" fill="{escape(colour)}"/></svg>'
    )


def contrast_ratio(colour, background="#ffffff"):
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""

    def luminance(hex_colour):
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
