"""Server-rendered SVG choropleth maps: no tiles, no scripts, no requests elsewhere.

A map is drawn from outlines projected and simplified once, at build time, into SVG
paths keyed by an area's code (``boroughs/geometry.json``, made by
``scripts/build_geography.py``). Each area is a link named with its figure, so the map
is reachable by keyboard and a screen reader hears "Croydon: Not recorded"; the page
puts the same figures in a table. The SVG for a set of figures (and the figure around it,
with its legend and table) is built once (core.fragments) and kept in the cache under a
digest of those figures and of the outlines' version, so it changes exactly when they do.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .fragments import built_once

#: The fill of an area of no category the map knows.
NO_CATEGORY = "#ffffff"


@dataclass(frozen=True)
class Category:
    """One class of the legend: a key the areas carry, its words and its fill."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    href: str
    category: str  # a Category key
    figure: str  # the area's figure in words, as the table gives it


@dataclass(frozen=True)
class Outlines:
    """A map's drawing: its viewBox and an SVG path per area code, and a version that
    changes whenever the outlines do (so drawings cached from older ones are not reused)."""

    name: str
    viewbox: str
    paths: dict[str, str]
    version: str = ""


#: How every map ``svg`` draws begins: no other SVG of a page (a legend's swatches) does.
MAP_START = '<svg xmlns="http://www.w3.org/2000/svg" class="portal-map '


def swatch(colour: str) -> SafeString:
    """A small square of a category's colour, for legends and tables."""
    return mark_safe(  # noqa: S308 - the colour is one of the portal's own constants
        '<svg class="portal-swatch" width="16" height="16" viewBox="0 0 16 16" '
        f'aria-hidden="true" focusable="false"><rect width="16" height="16" '
        f'fill="{escape(colour)}" stroke="#0b0c0c" stroke-width="1"/></svg>'
    )


def choropleth(
    outlines: Outlines,
    areas: Iterable[MapArea],
    categories: Iterable[Category],
    *,
    title: str,
    highlight: Iterable[str] = (),
) -> SafeString:
    """The SVG map: every area of ``areas`` that has an outline, filled by category, with
    the ``highlight`` codes outlined on top. Cached by a digest of what it shows."""
    areas, categories, highlight = list(areas), list(categories), list(highlight)
    return built_once(
        shown(outlines, areas, categories, title=title, highlight=highlight),
        lambda: svg(outlines, areas, categories, title=title, highlight=highlight),
    )


def svg(
    outlines: Outlines,
    areas: Sequence[MapArea],
    categories: Sequence[Category],
    *,
    title: str,
    highlight: Iterable[str] = (),
) -> SafeString:
    """The SVG map drawn afresh (``choropleth`` keeps it; core.fragments keeps what holds it)."""
    return mark_safe(  # noqa: S308 - every text in it is escaped by _draw
        _draw(outlines, areas, categories, title=title, highlight=highlight)
    )


def shown(
    outlines: Outlines,
    areas: Sequence[MapArea],
    categories: Sequence[Category],
    *,
    title: str,
    highlight: Iterable[str],
) -> list[object]:
    """Everything a map shows, as JSON-able values, for the key it is kept under."""
    return [
        outlines.name,
        outlines.version,
        title,
        [(c.key, c.label, c.colour) for c in categories],
        sorted((a.code, a.name, a.href, a.category, a.figure) for a in areas),
        sorted(highlight),
    ]


def _draw(
    outlines: Outlines,
    areas: Iterable[MapArea],
    categories: Iterable[Category],
    *,
    title: str,
    highlight: Iterable[str],
) -> str:
    colours = {category.key: category.colour for category in categories}
    labels = {category.key: category.label for category in categories}
    drawn = [
        (area, outlines.paths[area.code])
        for area in sorted(areas, key=lambda a: a.name.lower())
        # An area the boundary data does not draw (a county council, say) is left out.
        if outlines.paths.get(area.code)
    ]
    # Most areas of a map share one fill (on England's, "Not recorded"): the map gives it
    # once, for its areas to inherit, and names the fill only of the areas that differ.
    commonest = Counter(colours.get(area.category, NO_CATEGORY) for area, _ in drawn)
    fill = commonest.most_common(1)[0][0] if drawn else NO_CATEGORY
    parts = [
        f'{MAP_START}portal-map--{outlines.name}" viewBox="{outlines.viewbox}" '
        f'fill="{escape(fill)}" role="group" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for area, path in drawn:
        name = f"{area.name}: {area.figure or labels.get(area.category, '')}"
        colour = colours.get(area.category, NO_CATEGORY)
        # The link is named by its title (SVG's own text alternative, which a pointer
        # shows too), so it needs no aria-label repeating it.
        parts.append(
            f'<a href="{escape(area.href)}"><title>{escape(name)}</title><path d="{path}"'
            + (f' fill="{escape(colour)}"/></a>' if colour != fill else "/></a>")
        )
    parts.append(_outlines_of(outlines, highlight))
    parts.append("</svg>")
    return "".join(parts)


def _outlines_of(outlines: Outlines, highlight: Iterable[str]) -> str:
    """The ``highlight`` codes' outlines, drawn over a map's areas as its last children."""
    return "".join(
        f'<path class="portal-map__highlight" d="{outlines.paths[code]}" '
        'fill="none" aria-hidden="true"/>'
        for code in sorted(highlight)
        if outlines.paths.get(code)
    )


def outlined(html: str, outlines: Outlines, highlight: Iterable[str]) -> SafeString:
    """``html`` (escaped HTML holding one map ``svg`` drew without a highlight, such as a
    figure with its legend and table) with the ``highlight`` codes outlined on the map, as
    ``svg`` would have drawn them: a view's figure is then kept once, whichever places a
    page outlines on it, and each page adds its own outlines to it."""
    start = html.index(MAP_START)
    end = html.index("</svg>", start)  # the map holds no SVG of its own
    return mark_safe(  # noqa: S308 - html is escaped; the outlines are the map's own paths
        html[:end] + _outlines_of(outlines, highlight) + html[end:]
    )
