"""Maps of the boroughs app's own figures, and the pieces every map page uses: the areas
drawn (England's districts, or London's) with the boundary data's attribution, read once
per page and shared by its maps, and the MapFigure a page shows (core.maps draws the SVG).
Each map's figures are read in a fixed number of queries, whatever the number of areas."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from core import maps as drawing
from core.fragments import built_once
from core.links import SLUG_MARK, address_per_slug
from core.maps import Category, MapArea, swatch

from .geometry import outlines
from .models import Borough, Region, Source
from .querysets import DISTRICT_KINDS

BOUNDARY_SOURCE = "uk-geojson-lad-2013"
NO_RECORD = "#dcdcdc"
ANSWER_COLOURS = ["#1d70b8", "#f47738", "#4c2c92", "#d4351c", "#00703c"]
NO_ANSWER = "no-answer"


@dataclass(frozen=True)
class MapFigure:
    """One map as a page shows it: ``html`` is the figure (the SVG, its legend and the
    boundary data's attribution) and the table of the same figures
    (templates/includes/_map.html), built once per set of figures."""

    id: str
    title: str
    html: SafeString


@dataclass(frozen=True)
class MapAreas:
    """The areas a map of ``view`` draws, by name, and the boundary data's attribution: read
    once per page (two queries) and shared by every map of that view on it."""

    view: str
    districts: list
    attribution: str

    @property
    def ids(self):
        return [borough.pk for borough in self.districts]

    def london(self):
        """London's areas out of England's, without reading them again."""
        if self.view == "london":
            return self
        districts = [borough for borough in self.districts if borough.region == "london"]
        return MapAreas("london", districts, self.attribution)


class District(NamedTuple):
    """What a map needs of a district: read as plain values, since every map page reads
    all of England's and building a model instance for each cost more than the query."""

    pk: int
    slug: str
    name: str
    gss_code: str
    region: str


def map_areas(view, shown=None):
    """England's districts or London's, and the attribution: two queries; one where
    ``shown``, areas a page has read already by name (with their kind), holds them all."""
    if shown is not None:
        districts = [
            area
            for area in shown
            if area.kind in DISTRICT_KINDS and (view != "london" or area.region == "london")
        ]
    else:
        fields = District._fields
        districts = [District(*row) for row in _districts(view).values_list(*fields)]
    return MapAreas(view=view, districts=districts, attribution=boundary_attribution())


def map_areas_with(view, **figures):
    """England's districts or London's, each with ``figures`` (expressions by name, each a
    figure of the district such as whether it has an active plan), and the attribution: one
    query, where map_areas and a query of each figure over every area made three or four.
    The answer is the MapAreas and {district pk: (its figures, in the order named)}."""
    fields = District._fields
    rows = (
        _districts(view)
        .annotate(
            **figures,
            # The same in every row: PostgreSQL reads it once for the query (an InitPlan).
            boundary_attribution=Subquery(
                Source.objects.filter(key=BOUNDARY_SOURCE).values("attribution")
            ),
        )
        .values_list(*fields, *figures, "boundary_attribution")
    )
    districts, figured, attribution = [], {}, ""
    for row in rows:
        district = District(*row[: len(fields)])
        districts.append(district)
        figured[district.pk] = row[len(fields) : -1]
        attribution = row[-1] or ""
    return MapAreas(view=view, districts=districts, attribution=attribution), figured


def _districts(view):
    """England's districts or London's, by name."""
    query = Borough.objects.districts()
    if view == "london":
        query = query.london()
    return query.order_by("name")


def boundary_attribution():
    source = Source.objects.filter(key=BOUNDARY_SOURCE).only("attribution").first()
    return source.attribution if source else ""


def own_records(rows):
    """{district pk: {record pks}} from (district pk, record pk) rows."""
    records = defaultdict(set)
    for district, record in rows:
        records[district].add(record)
    return records


def through_covering(areas, own, rows):
    """What the areas covering each district (a county council, a combined authority) hold
    that the district does not hold itself (``own``, from own_records): ``rows`` are
    (district pk, record pk, covering area's name); the answer is {district pk: (number
    of records, "Suffolk" or "Norfolk and Suffolk")} for the districts of ``areas``."""
    shown = set(areas.ids)
    records = defaultdict(set)
    names = defaultdict(set)
    for district, record, name in rows:
        if district in shown and record not in own.get(district, ()):
            records[district].add(record)
            names[district].add(name)
    return {
        district: (len(records[district]), " and ".join(sorted(names[district])))
        for district in records
    }


def covering_figures(counted, named):
    """As through_covering, from figures the database has already counted, for records
    too many to read one by one: ``counted`` are (district pk, number of records the
    areas covering it hold that it does not), ``named`` the distinct (district pk,
    covering area's name) of those records."""
    names = defaultdict(set)
    for district, name in named:
        names[district].add(name)
    return {district: (count, " and ".join(sorted(names[district]))) for district, count in counted}


def covering_words(count, names, noun):
    """ "1 published for Suffolk, which covers it" """
    verb = "covers" if " and " not in names else "cover"
    return f"{count} {noun} {names}, which {verb} it"


def map_figure(map_id, areas, title, categories, labelled, *, highlight=()):
    """areas: the MapAreas drawn; labelled: [(borough, category key, figure in words)];
    highlight: the codes of the places outlined on it.

    The figure with its table is kept in the cache under a digest of all it shows, so a
    page whose figures have not changed only reads them and joins the stored HTML. It is
    kept without the outlined places, which are drawn onto it as a page shows it
    (core.maps.outlined): every profile of a view shares one figure."""
    profile = address_per_slug(lambda slug: reverse("portal:borough-profile", args=[slug]))
    labelled = list(labelled)
    categories = list(categories)
    view = outlines(areas.view)

    def figure():
        drawn = [
            MapArea(
                code=borough.gss_code,
                name=borough.name,
                href=profile(borough.slug),
                category=key,
                figure=words,
            )
            for borough, key, words in labelled
        ]
        counts = Counter(area.category for area in drawn)
        return render_to_string(
            "includes/_map.html",
            {
                "map": {
                    "id": map_id,
                    "title": title,
                    "svg": drawing.svg(view, drawn, categories, title=title),
                    "legend": [(swatch(c.colour), c.label, counts[c.key]) for c in categories],
                    "rows": drawn,
                    "attribution": areas.attribution,
                }
            },
        )

    # What the figure shows, as read: each area's code, name, slug (and the address a slug
    # makes) and figure, in the table's order; the areas drawn from them only for a figure
    # not kept yet, hundreds of them costing more than the rest of a kept map.
    shown = [
        view.name,
        view.version,
        title,
        [(c.key, c.label, c.colour) for c in categories],
        profile(SLUG_MARK),
        [
            (borough.gss_code, borough.name, borough.slug, key, words)
            for borough, key, words in labelled
        ],
    ]
    html = built_once(["figure", map_id, areas.attribution, shown], figure)
    if highlight:
        html = drawing.outlined(html, view, highlight)
    return MapFigure(id=map_id, title=title, html=html)


def question_maps(stock_take, questions, answers):
    """A London map per question of a London round's answers (``answers``, the round's
    RecordedAnswer values): two queries for all of them (areas, source). A round of
    another region has none: on London's map every area would say "No answer recorded"
    for a question it was not asked."""
    if stock_take.coverage_region != Region.LONDON:
        return {}
    areas = map_areas("london")
    answered = {
        (answer.question_id, answer.borough_id): (answer.option_slug, answer.option_label)
        for answer in answers
    }
    maps = {}
    for question in questions:
        options = list(question.options.all())
        categories = [
            Category(option.slug, option.label, ANSWER_COLOURS[index % len(ANSWER_COLOURS)])
            for index, option in enumerate(options)
        ] + [Category(NO_ANSWER, "No answer recorded", NO_RECORD)]
        labelled = []
        for borough in areas.districts:
            answer = answered.get((question.pk, borough.pk))
            if answer:
                labelled.append((borough, *answer))
            else:
                labelled.append((borough, NO_ANSWER, "No answer recorded"))
        figure = map_figure(
            f"question-map-{question.number}",
            areas,
            f"Question {question.number}: answers recorded per borough",
            categories,
            labelled,
        )
        maps[question.pk] = figure
    return maps
