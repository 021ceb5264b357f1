"""The stock-take summary page."""

import re

import pytest

from boroughs.models import Borough, StockTake, StockTakeAnswer, StockTakeQuestion

from .factories import BoroughFactory

pytestmark = pytest.mark.django_db

PAGE = "/stock-takes/london-councils-2018/"


def text_of(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_2018_stock_take_shows_the_published_totals_and_their_quotes(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    assert "<title>Stock-take of Borough Activity" in html
    assert "London Councils, May 2018" in page
    assert "Twenty-two boroughs said that they had a specific knife crime action plan." in page
    assert "22 of 33" in page
    assert '<blockquote class="portal-quote">' in html
    # Question 4's total has no number: the source's words stand, and no bar is drawn.
    assert "Nearly all of 33: Boroughs with specific engagement" in page
    assert "Nearly all boroughs said the have specific engagement" in page
    assert "33 boroughs of London" in page


def test_the_summary_chart_has_a_table_beside_it(client):
    html = client.get(PAGE).content.decode()
    chart = html.split('<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart"', 1)[1]
    chart = chart.split("</svg>", 1)[0]
    assert 'role="img"' in chart
    assert "Question 2: 1 of 33 answers recorded; published total 22 of 33." in chart
    # The published 22 of 33 is drawn 22/33 of the bar's 280 units wide.
    assert 'width="187"' in chart
    table = html.split('id="summary-table"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"Question 2</a></th>\s*<td[^>]*>1 of 33</td>\s*<td[^>]*>22 of 33</td>", table)


def test_boroughs_without_a_recorded_answer_are_in_a_details_component(client):
    html = client.get(PAGE).content.decode()
    question_2 = html.split('id="question-2"', 1)[1].split('id="question-3"', 1)[0]
    assert '<details class="govuk-details">' in question_2
    assert "Boroughs with no recorded answer (32)" in question_2
    without = question_2.split("Boroughs with no recorded answer", 1)[1].split("</details>", 1)[0]
    assert 'href="/boroughs/westminster/"' in without
    assert 'href="/boroughs/lewisham/"' not in without  # Lewisham answered question 2


def test_the_page_links_the_csv_download(client):
    html = client.get(PAGE).content.decode()
    assert 'href="/api/v1/stock-takes/london-councils-2018/summary/?format=csv"' in html
    assert (
        client.get("/api/v1/stock-takes/london-councils-2018/summary/?format=csv").status_code
        == 200
    )


def test_the_matrix_has_a_row_per_covered_borough(client):
    html = client.get(PAGE).content.decode()
    matrix = html.split('id="matrix-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row" class="govuk-table__header"><a [^>]*>([^<]+)</a>', matrix)
    assert len(rows) == 33
    assert rows[0] == "Barking and Dagenham"
    assert '<a class="govuk-link" href="/boroughs/lewisham/">Lewisham</a></th>' in matrix
    lewisham = matrix.split(">Lewisham</a></th>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td[^>]*>(.*?)</td>", lewisham) == [
        '<span class="portal-secondary-text">No answer recorded</span>',
        "Yes",
        '<span class="portal-secondary-text">No answer recorded</span>',
        '<span class="portal-secondary-text">No answer recorded</span>',
    ]


def test_a_recorded_answer_changes_the_counts(client):
    question = StockTakeQuestion.objects.get(stock_take__slug="london-councils-2018", number=2)
    StockTakeAnswer.objects.create(
        question=question,
        borough=Borough.objects.get(slug="westminster"),
        option=question.options.get(slug="yes"),
    )
    page = text_of(client.get(PAGE))
    assert "Boroughs with no recorded answer (31)" in page
    assert "Q2 recorded 2 of 33" in page


def test_an_unknown_stock_take_is_a_styled_404(client):
    response = client.get("/stock-takes/atlantis-1999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("extra", [1, 20])
def test_stock_take_page_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 stock-take with its source; 5 summary (covered boroughs, questions, their options,
    the recorded answers, published totals), whose answers also fill the matrix and the
    maps; 2 maps of every question (London's areas, boundary source)."""
    stock_take = StockTake.objects.get(slug="london-councils-2018")
    questions = list(stock_take.questions.prefetch_related("options"))
    for _ in range(extra):
        place = BoroughFactory(region="london")
        for question in questions:
            StockTakeAnswer.objects.create(
                question=question, borough=place, option=question.options.first(), quote="Yes."
            )
    with django_assert_num_queries(8):
        response = client.get(PAGE)
    assert response.context["summary"].denominator == 33 + extra


def test_a_round_of_another_region_has_its_table_and_matrix_but_no_london_maps(client):
    """London's map of a question would say "No answer recorded" for every London area,
    none of which the round asked."""
    round_ = StockTake.objects.create(
        title="North East round",
        slug="north-east-round",
        publisher="North East councils",
        coverage_region="north_east",
    )
    question = StockTakeQuestion.objects.create(
        stock_take=round_, slug="plan", number=1, text="Do you have a plan?"
    )
    yes = question.options.create(slug="yes", label="Yes", order=0)
    question.options.create(slug="no", label="No", order=1)
    answered = BoroughFactory(region="north_east", name="Aville")
    StockTakeAnswer.objects.create(question=question, borough=answered, option=yes)
    covered = Borough.objects.in_region("north_east").count()
    response = client.get("/stock-takes/north-east-round/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "question-map-" not in html
    assert f"1 of {covered}" in text_of(response)
    matrix = html.split('id="matrix-table"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r'<th scope="row"', matrix)) == covered
    cells = re.findall(r"<td[^>]*>(.*?)</td>", matrix)
    assert cells.count("Yes") == 1
    assert cells.count('<span class="portal-secondary-text">No answer recorded</span>') == (
        covered - 1
    )
    aville = matrix.split(">Aville</a></th>", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td[^>]*>(.*?)</td>", aville) == ["Yes"]
