"""The funding map: awards recorded per area (boroughs.maps and core.maps draw it)."""

from django.db.models import Count, Exists, OuterRef

from boroughs.maps import NO_RECORD, covering_figures, covering_words, map_areas, map_figure
from boroughs.models import Borough
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
    """Funding awards recorded per area: five queries (areas, source, how many awards to
    the areas covering each district it does not hold itself, such as Suffolk's for
    Ipswich, counted but not shared out, as the source gives no share, those areas' names,
    and the districts' stored award figures: funding.figures)."""
    areas = map_areas(view)
    recipients = Award.recipient_boroughs.through.objects
    # Counted in the database: at national scale the district-award pairs number tens of
    # thousands, and reading them to count in Python cost most of the page's time. Every
    # covered district's, not only the map's: there are few, and naming the map's hundreds
    # of districts in the query took longer to build and plan than the query took to run.
    awarded_the_district_too = recipients.filter(
        award=OuterRef("award"), borough=OuterRef("borough__districts")
    )
    through = recipients.filter(~Exists(awarded_the_district_too), borough__districts__isnull=False)
    covering = covering_figures(
        through.values("borough__districts")
        .annotate(awards=Count("award", distinct=True))
        .values_list("borough__districts", "awards")
        .order_by(),
        through.values_list("borough__districts", "borough__name").distinct().order_by(),
    )
    # Every area's row (the map's are most of them), not hundreds of area ids named in the
    # query, which took longer to build and plan than to read them all.
    figures = borough_award_figures(areas.ids, within=Borough.objects.all())

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
