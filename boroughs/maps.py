"""Maps of the boroughs app's own figures, and the pieces every map page uses: the areas
drawn (England's districts, or London's), the boundary data's attribution, and the
MapFigure a page shows (core.maps draws the SVG). Each map's figures are read in a fixed
number of queries, whatever the number of areas."""

from collections import Counter
from dataclasses import dataclass, field

from core.maps import Category, MapArea, choropleth, swatch

from .geometry import outlines
from .models import Borough, Source, StockTakeAnswer

BOUNDARY_SOURCE = "uk-geojson-lad-2013"
NO_RECORD = "#dcdcdc"
ANSWER_COLOURS = ["#1d70b8", "#f47738", "#4c2c92", "#d4351c", "#00703c"]
NO_ANSWER = "no-answer"


@dataclass
class MapFigure:
    """Everything a page shows for one map."""

    id: str
    title: str
    svg: str
    legend: list  # [(swatch, label, count)]
    rows: list  # [(area, label)] for the table, by name
    attribution: str = ""
    notes: list = field(default_factory=list)


def map_districts(view):
    districts = Borough.objects.districts()
    if view == "london":
        districts = districts.london()
    return list(districts.only("pk", "slug", "name", "gss_code").order_by("name"))


def boundary_attribution():
    source = Source.objects.filter(key=BOUNDARY_SOURCE).only("attribution").first()
    return source.attribution if source else ""


def map_figure(map_id, view, title, categories, labelled, *, highlight=(), attribution=None):
    """labelled: [(borough, category key, figure in words)]."""
    areas = [
        MapArea(
            code=borough.gss_code,
            name=borough.name,
            href=f"/boroughs/{borough.slug}/",
            category=key,
            figure=figure,
        )
        for borough, key, figure in labelled
    ]
    counts = Counter(key for _, key, _ in labelled)
    return MapFigure(
        id=map_id,
        title=title,
        svg=choropleth(outlines(view), areas, categories, title=title, highlight=highlight),
        legend=[(swatch(c.colour), c.label, counts[c.key]) for c in categories],
        rows=[(borough, figure) for borough, _, figure in labelled],
        attribution=boundary_attribution() if attribution is None else attribution,
    )


def question_maps(stock_take, questions):
    """A London map per question of the round's answers: three queries for all of them
    (areas, answers, source)."""
    districts = map_districts("london")
    answers = {
        (answer.question_id, answer.borough_id): answer
        for answer in StockTakeAnswer.objects.filter(
            question__stock_take=stock_take
        ).select_related("option")
    }
    attribution = boundary_attribution()
    maps = {}
    for question in questions:
        options = list(question.options.all())
        categories = [
            Category(option.slug, option.label, ANSWER_COLOURS[index % len(ANSWER_COLOURS)])
            for index, option in enumerate(options)
        ] + [Category(NO_ANSWER, "No answer recorded", NO_RECORD)]
        labelled = []
        for borough in districts:
            answer = answers.get((question.pk, borough.pk))
            if answer:
                labelled.append((borough, answer.option.slug, answer.option.label))
            else:
                labelled.append((borough, NO_ANSWER, "No answer recorded"))
        figure = map_figure(
            f"question-map-{question.number}",
            "london",
            f"Question {question.number}: answers recorded per borough",
            categories,
            labelled,
            attribution=attribution,
        )
        maps[question.pk] = figure
    return maps
