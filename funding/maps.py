"""The funding map: awards recorded per area (boroughs.maps and core.maps draw it)."""

from boroughs.maps import (
    NO_RECORD,
    covering_words,
    map_areas,
    map_figure,
    own_records,
    through_covering,
)
from core.maps import Category

from .figures import borough_award_figures
from .models import Award

AWARD_CATEGORIES = [
    Category("none", "No award recorded", NO_RECORD),
    Category("covering", "Awards only to a county or combined authority covering it", "#f3d19b"),
    Category("1", "1 award", "#9ecae1"),
    Category("2-3", "2 or 3 awards", "#4292c6"),
    Category("4+", "4 or more awards", "#08519c"),
]


def award_map(view="england"):
    """Funding awards recorded per area: five queries (areas, source, each district's own
    awards, those to the areas covering it, such as Suffolk's for Ipswich, counted but not
    shared out, as the source gives no share, and the districts' stored award figures:
    funding.figures)."""
    areas = map_areas(view)
    recipients = Award.recipient_boroughs.through.objects
    covering = through_covering(
        areas,
        own_records(recipients.filter(borough__in=areas.ids).values_list("borough", "award")),
        recipients.filter(borough__districts__in=areas.ids).values_list(
            "borough__districts", "award", "borough__name"
        ),
    )
    figures = borough_award_figures(areas.ids)

    def labelled(borough):
        row = figures.get(borough.pk)
        through = ""
        if borough.pk in covering:
            count, names = covering[borough.pk]
            through = covering_words(count, names, f"award{'s' if count != 1 else ''} to")
        if not row or not row.awards:
            if through:
                return borough, "covering", f"No award of its own recorded; {through}"
            return borough, "none", "No award recorded"
        count = row.awards
        key = "1" if count == 1 else "2-3" if count <= 3 else "4+"
        floor = row.amounts_at_least or row.amounts_not_stated
        amount = f"{'at least ' if floor else ''}£{row.total:,.0f}"
        figure = f"{count} award{'s' if count != 1 else ''}, {amount}"
        return borough, key, f"{figure}; and {through}" if through else figure

    place = "London" if view == "london" else "England"
    return map_figure(
        f"award-map-{view}",
        areas,
        f"Funding awards recorded per area, {place}",
        AWARD_CATEGORIES,
        [labelled(b) for b in areas.districts],
    )
