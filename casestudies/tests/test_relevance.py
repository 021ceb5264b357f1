"""Relevance on the real data: queries people ask, with the case studies that should come
first. Run on both databases by CI (scripts/test.sh), through the page and the API; on
PostgreSQL both with the stored search documents and, as right after loading, without.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from casestudies import services
from casestudies.selectors import CaseStudyCriteria, case_study_search

pytestmark = pytest.mark.django_db

REDBRIDGE = "redbridge-functional-family-therapy"
GREATER_MANCHESTER = "greater-manchester-psychologists-in-complex-safeguarding"
NE_LINCOLNSHIRE = "north-east-lincolnshire-county-lines"
SUFFOLK = "suffolk-data-led-gang-and-county-lines"
NORFOLK = "norfolk-enforcement-to-early-intervention"
SOUTHEND = "southend-coordinated-approach"

#: (query, the case studies that must come first, in any order among themselves)
FIRST = [
    ("family therapy", [REDBRIDGE]),
    ("psychologists", [GREATER_MANCHESTER]),
    # The two with county lines in their titles, then the two whose summaries open on it.
    ("county lines", [NE_LINCOLNSHIRE, SUFFOLK, NORFOLK, SOUTHEND]),
    ('"county lines"', [NE_LINCOLNSHIRE, SUFFOLK, NORFOLK, SOUTHEND]),
    ("A&E", [SOUTHEND]),  # its dashboard counts A&E visits
    ("hospital", [SUFFOLK, NORFOLK]),
    ("REBOOT", ["sussex-reboot-youth-coaching"]),
    ("knife crime", ["liverpool-schools-knife-crime"]),
    ("youth clubs", ["northampton-youth-clubs-criminal-activity"]),
    ("child sexual exploitation", ["bradford-learning-from-cse"]),
    ("Redbridge", [REDBRIDGE]),
    ("mentoring", ["barking-and-dagenham-positive-diversionary-activities"]),
    ("young women gangs", ["safer-london-young-women-criminal-gangs"]),
    ("trusted relationships", ["north-yorkshire-and-york-trusted-relationship-models"]),
]
#: (query, case studies it must not find)
LEFT_OUT = [
    ('"county lines" -london', [NE_LINCOLNSHIRE, NORFOLK]),
    ("county lines -suffolk", [SUFFOLK]),
]


@pytest.fixture(params=["stored", "computed"])
def documents(request):
    """Search with every case study's document stored (as after the services' writes), or
    none (as right after the data is loaded). The same on SQLite, which stores none."""
    if request.param == "stored":
        services.case_studies_refresh_search_vectors(missing_only=False)
    return request.param


def page_order(q):
    result = case_study_search(
        user=AnonymousUser(), criteria=CaseStudyCriteria(q=q, sort="relevance")
    )
    return [case_study.slug for case_study in result.results]


def api_order(client, q):
    response = client.get("/api/v1/case-studies/", {"q": q, "page_size": 50})
    assert response.status_code == 200, response.content
    return [record["slug"] for record in response.json()["results"]]


@pytest.mark.parametrize(("q", "first"), FIRST)
def test_the_best_matches_come_first_on_the_page(documents, q, first):
    order = page_order(q)
    assert set(order[: len(first)]) == set(first), order


@pytest.mark.parametrize(("q", "first"), FIRST)
def test_the_best_matches_come_first_in_the_api(client, documents, q, first):
    order = api_order(client, q)
    assert set(order[: len(first)]) == set(first), order


def test_the_county_lines_titles_lead(documents):
    assert set(page_order("county lines")[:2]) == {NE_LINCOLNSHIRE, SUFFOLK}


@pytest.mark.parametrize(("q", "left_out"), LEFT_OUT)
def test_excluded_words_leave_case_studies_out(client, documents, q, left_out):
    found = page_order(q)
    assert found, q
    assert not set(found) & set(left_out)
    assert api_order(client, q) == found


@pytest.mark.parametrize("q", ['"unclosed', "---", "&&||", "(", '"county lines', "or", "-"])
def test_malformed_syntax_is_searched_as_plain_words(client, documents, q):
    page = client.get("/case-studies/", {"q": q})
    api = client.get("/api/v1/case-studies/", {"q": q})
    assert page.status_code == 200
    assert api.status_code == 200
    assert [c.slug for c in page.context["page"].object_list] == api_order(client, q)
    if q == '"county lines':
        assert set(api_order(client, q)[:4]) == {NE_LINCOLNSHIRE, SUFFOLK, NORFOLK, SOUTHEND}
