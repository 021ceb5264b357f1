"""The stock-take list and detail; the summary and matrix are tested with the analyst endpoints."""

import datetime as dt
from http import HTTPStatus

import pytest
from rest_framework.renderers import JSONRenderer

from boroughs.api.serializers import StockTakeSerializer
from boroughs.models import StockTakeOption, StockTakeQuestion
from boroughs.selectors import stock_take_list
from boroughs.tests.factories import StockTakeFactory
from core.tests.api_support import SOURCED_RECORD_COLUMNS, assert_invalid, read_csv, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/stock-takes/"

QUESTION_SLUGS = [
    "corporate-approach",
    "knife-crime-action-plan",
    "collaboration",
    "voluntary-sector-engagement",
]


def test_each_round_in_the_list_has_its_questions(client):
    (london,) = client.get(URL).json()["results"]

    assert london["slug"] == "london-councils-2018"
    assert [question["slug"] for question in london["questions"]] == QUESTION_SLUGS


def test_a_stock_take_by_slug_with_questions_options_and_source(client):
    response = client.get(f"{URL}london-councils-2018/")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["title"] == (
        "Stock-take of Borough Activity – Serious Youth Violence, including Knife Crime"
    )
    assert body["publisher"] == "London Councils"
    assert body["conducted_on"] == "2018-05-01"
    assert body["published_on"] == "2018-06-01"
    assert body["coverage_region"] == "london"
    assert body["is_current"] is False
    assert body["source"]["key"] == "london-councils-stock-take-2018"
    assert [question["number"] for question in body["questions"]] == [1, 2, 3, 4]
    assert body["questions"][1] == {
        "number": 2,
        "slug": "knife-crime-action-plan",
        "text": "Does the borough have a specific knife crime action plan?",
        "options": [{"slug": "yes", "label": "Yes"}, {"slug": "no", "label": "No"}],
    }
    assert [option["slug"] for option in body["questions"][0]["options"]] == [
        "corporate-approach",
        "in-community-safety-strategy",
        "in-development",
        "no",
    ]


@pytest.mark.parametrize(
    ("region", "expected"),
    [("london", ["london-councils-2018"]), ("wales", []), ("south_east", [])],
)
def test_coverage_region_gives_the_rounds_covering_it(client, region, expected):
    assert slugs(client.get(URL, {"coverage_region": region})) == expected


def test_coverage_region_tells_rounds_apart(client):
    StockTakeFactory(slug="testshire-2017", coverage_region="south_east")

    assert slugs(client.get(URL, {"coverage_region": "south_east"})) == ["testshire-2017"]
    assert slugs(client.get(URL, {"coverage_region": "london"})) == ["london-councils-2018"]


def test_the_latest_round_comes_first_and_ordering_reverses_it(client):
    StockTakeFactory(slug="round-2017", title="A round of 2017", conducted_on=dt.date(2017, 5, 1))
    StockTakeFactory(slug="round-2019", title="Z round of 2019", conducted_on=dt.date(2019, 5, 1))

    assert slugs(client.get(URL)) == ["round-2019", "london-councils-2018", "round-2017"]
    assert slugs(client.get(URL, {"ordering": "conducted_on"})) == [
        "round-2017",
        "london-councils-2018",
        "round-2019",
    ]
    assert slugs(client.get(URL, {"ordering": "-title"})) == [
        "round-2019",
        "london-councils-2018",
        "round-2017",
    ]
    assert slugs(client.get(URL, {"ordering": "title"})) == [
        "round-2017",
        "london-councils-2018",
        "round-2019",
    ]


def test_q_searches_titles_and_publishers(client):
    StockTakeFactory(slug="testshire-2017")

    assert slugs(client.get(URL, {"q": "London Councils"})) == ["london-councils-2018"]
    assert slugs(client.get(URL, {"q": "knife crime"})) == ["london-councils-2018"]
    assert slugs(client.get(URL, {"q": "Testshire"})) == ["testshire-2017"]


def test_a_stock_take_takes_no_list_filters(client):
    assert_invalid(
        client.get(f"{URL}london-councils-2018/", {"coverage_region": "london"}), "coverage_region"
    )


def test_csv_has_a_row_per_round_with_questions_joined(client):
    StockTakeFactory(slug="testshire-2017")

    header, rows = read_csv(client.get(URL, {"coverage_region": "london", "format": "csv"}))

    assert header == [
        "slug",
        "title",
        "publisher",
        "conducted_on",
        "published_on",
        "coverage_region",
        "is_current",
        "questions",
        *SOURCED_RECORD_COLUMNS,
    ]
    (row,) = rows
    assert row["slug"] == "london-councils-2018"
    assert row["is_current"] == "false"
    assert row["conducted_on"] == "2018-05-01"
    assert row["questions"] == "; ".join(QUESTION_SLUGS)
    assert row["source.publisher"] == "London Councils"


@pytest.mark.parametrize(
    "params",
    [{}, {"ordering": "title"}, {"coverage_region": "south_east"}, {"page_size": 2, "page": 2}],
    ids=["all", "ordered", "filtered", "page-2"],
)
def test_the_list_reads_as_its_serializer_writes_each_round(client, params):
    """A page is built from values(), not a serializer per round: its results are the
    JSON, byte for byte, that StockTakeSerializer (which the schema describes) writes of
    the same rounds: without a source, without questions, without dates, options out of
    the order they were made in."""
    StockTakeFactory(slug="unsourced", conducted_on=None, published_on=None)
    StockTakeFactory(slug="published", published_on=dt.date(2019, 2, 1), is_current=True)
    bare = StockTakeFactory(slug="bare")
    StockTakeQuestion.objects.filter(stock_take=bare).delete()
    question = StockTakeQuestion.objects.get(stock_take__slug="published")
    StockTakeOption.objects.create(question=question, slug="partly", label="Partly", order=0)
    StockTakeQuestion.objects.create(
        stock_take=question.stock_take, slug="first", number=0, text="Asked first?"
    )

    results = client.get(URL, params).json()["results"]

    rounds = {record.slug: record for record in stock_take_list(filters=params, user=None)}
    assert len(results) == min(params.get("page_size", len(rounds)), len(rounds))
    shown = [rounds[record["slug"]] for record in results]
    expected = StockTakeSerializer(shown, many=True).data
    render = JSONRenderer().render
    assert render(results) == render(expected)


def test_the_list_pages_by_cursor(client):
    StockTakeFactory.create_batch(3)

    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(URL, {"page_size": 2, "cursor": first["next_cursor"]})

    assert len(first["results"]) == 2
    assert slugs(second) == [
        record["slug"] for record in client.get(URL, {"page_size": 4}).json()["results"][2:]
    ]
