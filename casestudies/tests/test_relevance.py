"""Relevance on the real data: queries people ask, with the case studies that should come
first. Run on both databases by CI (scripts/test.sh), through the page and the API, which
must agree. The portal-wide search has its own table (tests/test_portal_search.py).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from casestudies.selectors import CaseStudyCriteria, Choice, case_study_search

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
    # Synonyms widen a search, but what was typed ranks first.
    ("CSE", ["bradford-learning-from-cse"]),
    ("A&E", [SOUTHEND]),
    ("knives", ["liverpool-schools-knife-crime"]),
]
#: The Approach facet's trauma-informed case studies: the search finds these five
#: however "trauma-informed" is typed, whether or not their text uses the words.
TRAUMA_INFORMED = {
    "barking-and-dagenham-positive-diversionary-activities",
    GREATER_MANCHESTER,
    "redcar-and-cleveland-youth-work-plus-asb-hotspots",
    SUFFOLK,
    "waltham-forest-young-people-violence-reduction-partnership",
}
#: (query, case studies it must not find)
LEFT_OUT = [
    ('"county lines" -london', [NE_LINCOLNSHIRE, NORFOLK]),
    ("county lines -suffolk", [SUFFOLK]),
]
#: Ways of typing one search that must find the same case studies in the same order:
#: case and spelling make no difference at all.
SAME_ORDER = [
    ("organised crime", "organized crime", "ORGANISED Crime"),
    ("behaviour", "behavior", "Behaviour"),
    ("programme", "program", "PROGRAMME"),
    ("anti-social behaviour", "anti-social behavior", "Anti-Social Behaviour"),
    ("young people's", "young peoples", "Young People’s"),
]
#: Ways of typing one search that must find the same case studies, each ranked by how
#: well it matches what was typed: hyphens (a hyphenated word also matches its parts
#: joined) and synonyms.
SAME_RESULTS = [
    ("trauma-informed", "trauma informed", "TRAUMA-INFORMED"),
    ("anti-social behaviour", "antisocial behaviour", "anti social behaviour", "ASB"),
    ("co-ordinated", "coordinated"),
    ("A&E", "a&e", '"accident and emergency"', '"emergency department"', "hospital"),
    ("CSE", "child sexual exploitation", "cse"),
    ("county lines", '"criminal exploitation"', '"child criminal exploitation"', "CCE"),
]


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
def test_the_best_matches_come_first_on_the_page(q, first):
    order = page_order(q)
    assert set(order[: len(first)]) == set(first), order


@pytest.mark.parametrize(("q", "first"), FIRST)
def test_the_best_matches_come_first_in_the_api(client, q, first):
    order = api_order(client, q)
    assert set(order[: len(first)]) == set(first), order


def test_the_county_lines_titles_lead():
    assert set(page_order("county lines")[:2]) == {NE_LINCOLNSHIRE, SUFFOLK}


def test_trauma_informed_search_agrees_with_the_approach_facet():
    facet = case_study_search(
        user=AnonymousUser(),
        criteria=CaseStudyCriteria(approaches=(Choice("trauma-informed", "Trauma-informed"),)),
    )
    assert {case_study.slug for case_study in facet.results} == TRAUMA_INFORMED
    for q in ("trauma-informed", "trauma informed"):
        assert set(page_order(q)) == TRAUMA_INFORMED, q


@pytest.mark.parametrize("forms", SAME_ORDER, ids=lambda forms: forms[0])
def test_case_and_spelling_do_not_change_the_results(client, forms):
    first = page_order(forms[0])
    assert first, forms[0]
    for q in forms[1:]:
        assert page_order(q) == first, q
        assert api_order(client, q) == first, q


@pytest.mark.parametrize("forms", SAME_RESULTS, ids=lambda forms: forms[0])
def test_hyphens_and_synonyms_do_not_change_what_is_found(client, forms):
    first = set(page_order(forms[0]))
    assert first, forms[0]
    for q in forms[1:]:
        assert set(page_order(q)) == first, q
        assert set(api_order(client, q)) == first, q


@pytest.mark.parametrize(("q", "left_out"), LEFT_OUT)
def test_excluded_words_leave_case_studies_out(client, q, left_out):
    found = page_order(q)
    assert found, q
    assert not set(found) & set(left_out)
    assert api_order(client, q) == found


@pytest.mark.parametrize("q", ['"unclosed', "---", "&&||", "(", '"county lines', "or", "-"])
def test_malformed_syntax_is_searched_as_plain_words(client, q):
    page = client.get("/case-studies/", {"q": q})
    api = client.get("/api/v1/case-studies/", {"q": q})
    assert page.status_code == 200
    assert api.status_code == 200
    assert [c.slug for c in page.context["page"].object_list] == api_order(client, q)
    if q == '"county lines':
        assert set(api_order(client, q)[:4]) == {NE_LINCOLNSHIRE, SUFFOLK, NORFOLK, SOUTHEND}
