"""The portal-wide search, /search/ and /api/v1/search/, on the real data.

Relevance is asserted as properties that survive new records: the expected record is
among the first few of its kind, or comes before one that merely mentions a word. CI runs
this file on PostgreSQL and on SQLite, which must agree.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection

from actionplans.models import ActionItem, ActionPlan, Theme
from actionplans.search import ACTION_ITEMS
from actionplans.services import action_item_update
from boroughs.models import Borough, Organisation, Partnership
from boroughs.roles import role_grant
from casestudies.models import Approach, CaseStudy, Intervention, Setting
from casestudies.selectors import CaseStudyCriteria, Choice, case_study_search
from core.response_cache import VERSION_KEY
from funding.models import Award, FundingStream
from svportal.search import KINDS, KINDS_BY_KEY, portal_search
from tests.roles import sign_in_as

pytestmark = pytest.mark.django_db

WESTMINSTER_PLAN = "westminster-knife-crime-action-plan-2019"

#: (query, kind, the record expected, within the first n of its kind): what officers,
#: leads and analysts ask.
EXPECTED = [
    ("county lines", "case_studies", "north-east-lincolnshire-county-lines", 2),
    ("county lines", "case_studies", "suffolk-data-led-gang-and-county-lines", 2),
    ("county lines", "interventions", "suffolk-county-lines-signal-events", 5),
    ("county lines", "plan_items", "wkcap-county-lines-analysis", 1),
    ("GPS tagging", "interventions", "mopac-knife-crime-gps-tagging-on-licence", 1),
    ("GPS tagging", "plan_items", "wkcap-gps-tagging-pilot", 1),
    ("stop and search", "plan_items", "wkcap-stop-and-search", 1),
    ("test purchase", "plan_items", "wkcap-test-purchase-operations", 1),
    ("weapons sweeps", "plan_items", "wkcap-community-weapons-sweeps", 1),
    ("weapons sweeps", "interventions", "westminster-community-weapons-sweeps", 1),
    ("school exclusions", "plan_items", "wkcap-school-inclusion-pilot", 1),
    ("school exclusions", "interventions", "westminster-school-inclusion-pilot", 2),
    ("family therapy", "case_studies", "redbridge-functional-family-therapy", 1),
    ("family therapy", "interventions", "functional-family-therapy-families-are-forever", 2),
    ("family therapy", "plan_items", "wkcap-igxu-family-therapist", 1),
    ("public health approach", "plan_items", "wkcap-public-health-approach", 2),
    ("YOT", "plan_items", "wkcap-yot-trauma-informed-practice", 2),
    ("trusted relationships", "funding_streams", "trusted-relationships-fund", 1),
    (
        "trusted relationships",
        "case_studies",
        "north-yorkshire-and-york-trusted-relationship-models",
        1,
    ),
    ("early intervention youth fund", "funding_streams", "early-intervention-youth-fund", 1),
    ("EIYF", "funding_streams", "early-intervention-youth-fund", 1),
    ("YEF", "funding_streams", "youth-endowment-fund", 1),
    ("YEF", "awards", "yef-redbridge-functional-family-therapy", 1),
    ("Norfolk", "awards", "norfolk-early-intervention-youth-fund", 1),
    ("Sussex REBOOT", "case_studies", "sussex-reboot-youth-coaching", 1),
    ("Sussex REBOOT", "awards", "eiyf-2018-sussex-pcc-reboot", 1),
    ("young women gangs", "case_studies", "safer-london-young-women-criminal-gangs", 1),
    ("young women gangs", "interventions", "islington-abianda-young-women", 3),
    ("CSE", "case_studies", "bradford-learning-from-cse", 1),
    ("CSE", "interventions", "bradford-cse-hub", 2),
    ("contextual safeguarding", "interventions", "suffolk-contextual-safeguarding", 1),
    ("domestic abuse", "interventions", "waltham-forest-domestic-abuse-school-notifications", 1),
    ("knives", "plan_items", "wkcap-test-purchase-operations", 5),
    ("knife", "funding_streams", "anti-knife-crime-community-fund", 1),
    ("Westminster", "areas", "westminster", 1),
    ("barking dagenham", "areas", "barking-and-dagenham", 1),
    ("Metropolitan Police", "areas", "westminster", 60),
    ("Safer London", "organisations", "safer-london", 1),
    ("st giles trust", "organisations", "st-giles-trust", 1),
    ("St-Giles", "organisations", "st-giles-trust", 1),
    ("Ben Kinsella", "organisations", "ben-kinsella-trust", 1),
    ("ambulance", "organisations", "east-midlands-ambulance-service", 1),
]
#: (query, kind, a record that says what was typed, one found only through a synonym or
#: a passing mention, which must come later).
BEFORE = [
    ("YOT", "plan_items", "wkcap-yot-trauma-informed-practice", "wkcap-health-messages-yos"),
    (
        "county lines",
        "plan_items",
        "wkcap-county-lines-analysis",
        "wkcap-igxu-criminal-exploitation",
    ),
    ("knife", "plan_items", "wkcap-knife-crime-day-of-action", "wkcap-open-drug-markets"),
    # Several words: a case study that says them, apart, before one that only speaks of
    # criminal exploitation (a synonym), or holds the words far from each other.
    (
        "county lines",
        "case_studies",
        "southend-coordinated-approach",
        "bradford-learning-from-cse",
    ),
    (
        "county lines",
        "case_studies",
        "north-east-lincolnshire-county-lines",
        "somerset-vru-information-sharing",
    ),
    (
        "knife crime",
        "case_studies",
        "liverpool-schools-knife-crime",
        "bristol-involving-the-community",
    ),
    (
        "mentoring",
        "interventions",
        "spark2life-intensive-mentoring",
        "trusted-relationships-model-north-yorkshire-york",
    ),
]


def slugs(search, kind):
    group = next(group for group in search.groups if group.key == kind)
    return [result.slug for result in group.results]


def found(q, kind, *, user=None, limit=50):
    return slugs(portal_search(user=user or AnonymousUser(), q=q, kinds=[kind], limit=limit), kind)


@pytest.mark.parametrize(("q", "kind", "slug", "within"), EXPECTED)
def test_what_officers_look_for_comes_first(q, kind, slug, within):
    order = found(q, kind)
    assert slug in order[:within], order


@pytest.mark.parametrize(("q", "kind", "first", "later"), BEFORE)
def test_what_says_the_words_comes_before_what_only_touches_them(q, kind, first, later):
    order = found(q, kind)
    assert first in order, order
    assert later in order, order
    assert order.index(first) < order.index(later), order


def every_kind(q):
    search = portal_search(user=AnonymousUser(), q=q, limit=50)
    return {group.key: slugs(search, group.key) for group in search.groups}


@pytest.mark.parametrize(
    "forms",
    [
        ("organised crime", "organized crime", "ORGANISED Crime"),
        ("behaviour", "behavior"),
        ("programme", "program"),
        ("anti-social behaviour", "Anti-Social Behavior"),
        ("young people's", "young peoples", "Young People’s"),
    ],
    ids=lambda forms: forms[0],
)
def test_case_and_spelling_change_nothing_of_any_kind(forms):
    first = every_kind(forms[0])
    assert any(first.values()), forms[0]
    for q in forms[1:]:
        assert every_kind(q) == first, q


@pytest.mark.parametrize(
    "forms",
    [
        ("trauma-informed", "trauma informed"),
        ("co-ordinated", "coordinated"),
        ("anti-social behaviour", "antisocial behaviour", "ASB"),
        ("A&E", "a&e", "hospital", '"emergency department"'),
    ],
    ids=lambda forms: forms[0],
)
def test_hyphens_and_synonyms_find_the_same_of_every_kind(forms):
    first = {kind: set(found) for kind, found in every_kind(forms[0]).items()}
    assert any(first.values()), forms[0]
    for q in forms[1:]:
        assert {kind: set(found) for kind, found in every_kind(q).items()} == first, q


def test_organisations_are_found_however_a_word_is_spelt_or_typed():
    """The rules every kind follows hold for organisations: British or American spelling,
    case and hyphens change nothing."""
    programmes = found("programme", "organisations")
    assert "street-and-arrow" in programmes
    assert found("program", "organisations") == found("PROGRAMMES", "organisations") == programmes
    organisations = found("organisation", "organisations")
    assert "st-giles-trust" in organisations
    assert found("organization", "organisations") == organisations
    co_located = found("co-located", "organisations")
    assert {"st-giles-trust", "safer-london"} <= set(co_located)
    assert found("co located", "organisations") == found("colocated", "organisations")
    assert set(found("co located", "organisations")) == set(co_located)


def test_the_synonyms_widen_a_search_for_organisations(client):
    assert "glasgow-violence-reduction-unit" in found("VRU", "organisations")
    body = client.get("/api/v1/search/", {"q": "VCS", "kind": "organisations"}).json()
    assert "voluntary and community sector" in body["expanded_terms"]
    assert {"st-giles-trust", "safer-london"} <= {
        result["slug"] for result in body["groups"][0]["results"]
    }


def test_county_lines_finds_case_studies_interventions_and_plan_items_together(client):
    response = client.get("/search/", {"q": "county lines"})
    assert response.status_code == HTTPStatus.OK
    counts = {group.key: group.count for group in response.context["search"].groups}
    assert counts["case_studies"] >= 4
    assert counts["interventions"] >= 4
    assert counts["plan_items"] >= 1
    html = response.content.decode()
    assert "North East Lincolnshire Council: tackling county lines head-on" in html
    assert "Analyse County Lines operating from the borough" in html
    assert "Also searched for" in html  # criminal exploitation, which means the same


def test_trauma_informed_however_typed_agrees_with_the_approach_facet():
    facet = case_study_search(
        user=AnonymousUser(),
        criteria=CaseStudyCriteria(approaches=(Choice("trauma-informed", "Trauma-informed"),)),
    )
    by_facet = {case_study.slug for case_study in facet.results}
    assert len(by_facet) == 5
    results = {}
    for q in ("trauma-informed", "trauma informed", "Trauma-Informed"):
        search = portal_search(user=AnonymousUser(), q=q, limit=50)
        results[q] = {kind: set(slugs(search, kind)) for kind in ("case_studies", "plan_items")}
        assert results[q]["case_studies"] == by_facet, q
    # Typed as one word it finds what is written hyphenated, as every case study is.
    assert set(found("traumainformed", "case_studies")) == by_facet
    first = results["trauma-informed"]
    assert all(result == first for result in results.values())
    assert "wkcap-yot-trauma-informed-practice" in first["plan_items"]


def test_mentoring_a_and_e_finds_the_a_and_e_navigators(client):
    """The LGA 2019 guide's Glasgow navigators "work in four A&E units": one-to-one
    support (mentoring, through the synonym list) in hospital (A&E)."""
    search = portal_search(user=AnonymousUser(), q="mentoring A&E")
    assert slugs(search, "interventions")[:1] == ["glasgow-a-and-e-navigators"]
    assert {"navigator", "hospital"} <= set(search.expanded_terms)
    result = next(group for group in search.groups if group.key == "interventions").results[0]
    assert "<mark>navigators</mark>" in result.snippet
    assert "<mark>A&amp;E</mark>" in result.snippet
    html = client.get("/search/", {"q": "mentoring A&E"}).content.decode()
    assert "A&amp;E navigators (Glasgow Violence Reduction Unit)" in html


QUESTION = "what worked for under-18s drawn into county lines"


def test_a_question_in_everyday_words_finds_what_holds_some_of_them(client):
    """No record holds every word of an officer's question; rather than nothing, the
    search shows what holds some of them, the county lines case studies first, and
    says so."""
    response = client.get("/search/", {"q": QUESTION})
    search = response.context["search"]
    assert search.matched == "any"
    case_studies = slugs(search, "case_studies")
    assert {
        "north-east-lincolnshire-county-lines",
        "suffolk-data-led-gang-and-county-lines",
    } <= set(case_studies[:5])
    assert "wkcap-county-lines-analysis" in slugs(search, "plan_items")[:3]
    html = response.content.decode()
    assert "Nothing holds every word of" in html
    # The case-study page wants every word: the rest of them are listed here instead.
    assert search.groups[0].more_url.startswith("/search/?")
    api = client.get("/api/v1/search/", {"q": QUESTION}).json()
    assert api["matched"] == "any"
    assert [r["slug"] for r in api["groups"][0]["results"]] == case_studies[:5]
    assert api["groups"][0]["more_url"].startswith("http://testserver/api/v1/search/?")
    assert search.groups[1].count > 20  # interventions: a second page of them
    second = client.get("/search/", {"q": QUESTION, "kind": "interventions", "page": 2})
    assert second.context["search"].matched == "any"
    assert second.context["search"].groups[0].results


def test_a_search_whose_words_are_all_found_says_so():
    assert portal_search(user=AnonymousUser(), q="county lines").matched == "all"
    # One word found nowhere is nothing, not everything.
    assert portal_search(user=AnonymousUser(), q="xylophonic").matched == "all"


def test_every_kind_has_a_group_with_a_link_to_its_own_list(client):
    response = client.get("/search/", {"q": "knife"})
    search = response.context["search"]
    assert [group.key for group in search.groups] == [kind.key for kind in KINDS]
    urls = {group.key: group.more_url for group in search.groups}
    assert urls["areas"] == "/search/?q=knife&kind=areas"
    assert urls["organisations"] == "/search/?q=knife&kind=organisations"
    assert urls["case_studies"] == "/case-studies/?q=knife"
    assert urls["interventions"] == "/interventions/?q=knife"
    assert urls["plan_items"] == "/search/?q=knife&kind=plan_items"
    plan_items = search.groups[2]
    assert plan_items.count > len(plan_items.results) == 5  # the best five, and how many
    assert 'href="/search/?q=knife&amp;kind=plan_items"' in response.content.decode()


def test_one_kind_in_full_pages_through_every_match(client):
    first = client.get("/search/", {"q": "Westminster", "kind": "plan_items"})
    second = client.get("/search/", {"q": "Westminster", "kind": "plan_items", "page": 2})
    assert first.status_code == second.status_code == HTTPStatus.OK
    group_one, group_two = first.context["search"].groups[0], second.context["search"].groups[0]
    assert group_one.count == group_two.count > 20
    ids_one = [result.id for result in group_one.results]
    ids_two = [result.id for result in group_two.results]
    assert len(ids_one) == 20
    assert not set(ids_one) & set(ids_two)
    assert len(ids_one) + len(ids_two) == min(group_one.count, 40)
    beyond = client.get("/search/", {"q": "Westminster", "kind": "plan_items", "page": 99})
    assert beyond.status_code == HTTPStatus.OK
    # As on every list page: the last page, with a notice saying so.
    last = -(-group_one.count // 20)
    assert f"There is no page 99, so you are seeing the last page, page {last}." in (
        beyond.content.decode()
    )
    shown = beyond.context["search"].groups[0]
    assert shown.offset == (last - 1) * 20
    assert len(shown.results) == group_one.count - (last - 1) * 20


@pytest.mark.parametrize("q", ["knife crime", "county lines"])
def test_pages_of_several_words_follow_one_another_in_one_order(q):
    """Each page of case studies for several words (ranked from their postings on
    PostgreSQL, the rows of ranks tied with a page's last joined for their titles) is the
    next part of the one order, however pages cut it."""
    whole = portal_search(user=AnonymousUser(), q=q, kinds=["case_studies"], limit=9)
    (group,) = whole.groups
    assert group.count > 9
    pages = [
        portal_search(
            user=AnonymousUser(), q=q, kinds=["case_studies"], limit=3, offset=offset
        ).groups[0]
        for offset in (0, 3, 6)
    ]
    assert [page.count for page in pages] == [group.count] * 3
    paged = [(result.id, result.rank) for page in pages for result in page.results]
    assert paged == [(result.id, result.rank) for result in group.results]


def test_the_header_of_every_page_has_the_search_box(client):
    for path in ("/", "/case-studies/", "/funding/", "/boroughs/"):
        html = client.get(path).content.decode()
        assert 'action="/search/"' in html, path
        assert 'id="header-search"' in html, path


def test_a_blank_search_shows_the_form_only(client):
    response = client.get("/search/")
    assert response.status_code == HTTPStatus.OK
    assert response.context["search"].groups == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "knife " * 40}, "Enter search words of 200 characters or fewer"),
        ({"q": "knife", "kind": "boroughs"}, "Choose a kind of record the portal holds"),
        ({"q": "knife", "kind": "plan_items", "page": "two"}, "Enter a page number"),
    ],
)
def test_bad_input_on_the_page_is_a_400_that_says_why(client, params, message):
    response = client.get("/search/", params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    # The error summary links each error to the search box, the one field the page shows.
    assert f'<li><a href="#q">{message}</a></li>' in html
    assert 'id="q"' in html


def test_a_nul_character_on_the_page_is_a_400_that_finds_nothing(client):
    response = client.get("/search/", {"q": "knife\x00crime"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "There is a problem" in response.content.decode()
    assert not (response.context or {}).get("search")


# --- The API ------------------------------------------------------------------------------


def test_the_api_answers_with_groups_by_kind(client):
    response = client.get("/api/v1/search/", {"q": "county lines"})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["query"] == "county lines"
    assert "criminal exploitation" in body["expanded_terms"]
    assert [group["kind"] for group in body["groups"]] == [kind.key for kind in KINDS]
    groups = {group["kind"]: group for group in body["groups"]}
    case_studies = groups["case_studies"]
    assert case_studies["count"] >= 4
    assert case_studies["more_url"] == "http://testserver/api/v1/case-studies/?q=county+lines"
    assert case_studies["page_url"] == "http://testserver/case-studies/?q=county+lines"
    first = case_studies["results"][0]
    assert set(first) == {"id", "slug", "title", "url", "context", "snippet", "rank"}
    assert case_studies["next_url"] is None
    assert first["url"].startswith("http://testserver/case-studies/")
    assert "<mark>" in first["snippet"]
    assert [result["slug"] for result in groups["plan_items"]["results"]][:1] == [
        "wkcap-county-lines-analysis"
    ]
    assert groups["plan_items"]["more_url"].endswith(
        "/api/v1/search/?q=county+lines&kind=plan_items"
    )


@pytest.mark.parametrize("q", ["family therapy", "county lines", "YEF", "trauma informed"])
def test_the_api_and_the_page_agree(client, q):
    page = client.get("/search/", {"q": q}).context["search"]
    api = client.get("/api/v1/search/", {"q": q}).json()
    assert [group.count for group in page.groups] == [group["count"] for group in api["groups"]]
    assert [[r.slug for r in group.results] for group in page.groups] == [
        [r["slug"] for r in group["results"]] for group in api["groups"]
    ]


def test_the_api_pages_through_one_kind(client):
    body = client.get(
        "/api/v1/search/", {"q": "Westminster", "kind": "plan_items", "page": 2}
    ).json()
    assert [group["kind"] for group in body["groups"]] == ["plan_items"]
    assert body["groups"][0]["count"] > 20
    assert 0 < len(body["groups"][0]["results"]) <= 20


def test_an_api_page_past_the_end_is_a_404_as_on_every_list(client):
    count = client.get("/api/v1/search/", {"q": "young", "kind": "awards"}).json()["groups"][0][
        "count"
    ]
    pages = max(1, -(-count // 20))
    last = client.get("/api/v1/search/", {"q": "young", "kind": "awards", "page": pages})
    assert last.status_code == HTTPStatus.OK
    response = client.get("/api/v1/search/", {"q": "young", "kind": "awards", "page": 999})
    assert response.status_code == HTTPStatus.NOT_FOUND
    body = response.json()
    assert body["code"] == "not_found"
    assert body["detail"] == f"There is no page 999: there are {pages} pages."
    # Nothing found has one page, empty, as an empty list does.
    nothing = {"q": "xylophonic", "kind": "organisations"}
    assert client.get("/api/v1/search/", nothing).status_code == HTTPStatus.OK
    assert client.get("/api/v1/search/", {**nothing, "page": 2}).status_code == 404


def test_an_organisation_is_found_and_links_to_its_page(client):
    body = client.get("/api/v1/search/", {"q": "Safer London", "kind": "organisations"}).json()
    (group,) = body["groups"]
    assert group["kind"] == "organisations"
    assert group["label"] == "Organisations"
    first = group["results"][0]
    assert first["slug"] == "safer-london"
    assert first["url"] == "http://testserver/organisations/safer-london/"
    assert first["context"] == "Organisation · Charity"
    assert group["page_url"] == ("http://testserver/search/?q=Safer+London&kind=organisations")
    assert client.get("/organisations/safer-london/").status_code == HTTPStatus.OK


def test_an_organisation_is_found_by_its_name_as_it_changes():
    organisation = Organisation.objects.get(slug="safer-london")
    organisation.name = "Wombat Youth Trust"
    organisation.save()
    assert found("wombat", "organisations") == ["safer-london"]
    Organisation.objects.create(name="Numbat Trust", slug="numbat-trust")
    assert found("numbat", "organisations") == ["numbat-trust"]
    Organisation.objects.filter(slug="numbat-trust").delete()
    assert found("numbat", "organisations") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "knife\x00crime"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "knife", "kind": "boroughs"}, "kind"),
        ({"q": "knife", "page": "0", "kind": "awards"}, "page"),
        ({"q": "knife", "page": "2"}, "page"),
        ({"q": "knife", "sort": "rank"}, "sort"),
    ],
)
def test_bad_input_in_the_api_is_a_400_naming_the_parameter(client, params, field):
    response = client.get("/api/v1/search/", params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]


def test_the_schema_documents_the_search(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/search/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"q", "kind", "page"}
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = response["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) >= {
        "query",
        "expanded_terms",
        "groups",
    }
    assert "404" in operation["responses"]  # a page past the last
    kind = next(parameter for parameter in operation["parameters"] if parameter["name"] == "kind")
    assert "organisations" in kind["schema"]["enum"]


# --- Who sees what ------------------------------------------------------------------------


ROLES = {
    "anonymous": None,
    "lead of other": ("lead", "westminster"),
    "officer of own": ("officer", "lambeth"),
    "lead of own": ("lead", "lambeth"),
    "analyst": ("analyst", None),
    "editor": ("editor", None),
}
SEES_THE_DRAFT = {"officer of own", "lead of own", "analyst", "editor"}


@pytest.fixture
def draft_item():
    westminster = ActionPlan.objects.get(slug=WESTMINSTER_PLAN)
    plan = ActionPlan.objects.create(
        title="Lambeth knife crime plan (draft)",
        slug="lambeth-knife-crime-plan-draft",
        borough=Borough.objects.get(slug="lambeth"),
        framework=westminster.framework,
        status=ActionPlan.Status.DRAFT,
    )
    return ActionItem.objects.create(
        plan=plan,
        theme=westminster.framework.themes.first(),
        slug="zebra-hubs",
        title="Open zebra youth hubs on every estate",
    )


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_plans_items_are_found_only_by_those_who_may_read_them(client, draft_item, role):
    sign_in_as(client, role, ROLES[role])
    page = client.get("/search/", {"q": "zebra hubs"})
    api = client.get("/api/v1/search/", {"q": "zebra hubs"}).json()
    page_items = [r.slug for r in page.context["search"].groups[2].results]
    api_items = [r["slug"] for r in api["groups"][2]["results"]]
    assert page_items == api_items
    if role in SEES_THE_DRAFT:
        assert page_items == ["zebra-hubs"]
        assert api["groups"][2]["count"] == 1
        assert "Open zebra youth hubs" in page.content.decode()
    else:
        # Nothing holds both words for them; what holds "hubs" is not the draft.
        assert "zebra-hubs" not in page_items
        assert "Open zebra youth hubs" not in page.content.decode()


def _draft_case_study_of(*boroughs):
    draft = CaseStudy.objects.create(
        title="Zebra crossings patrolled by youth workers",
        slug="zebra-crossings-draft",
        summary="A draft about zebra crossings.",
        status=CaseStudy.Status.DRAFT,
    )
    draft.boroughs.set(Borough.objects.filter(slug__in=boroughs))
    return draft


def test_a_draft_of_two_of_ones_boroughs_is_found_and_counted_once(client, django_user_model):
    """Staff read their boroughs' drafts through a join; a draft of two of them is still
    one match."""
    draft = _draft_case_study_of("lambeth", "westminster")
    officer = django_user_model.objects.create_user("officer-of-two")
    for slug in ("lambeth", "westminster"):
        role_grant(user=officer, role="officer", borough=Borough.objects.get(slug=slug))
    search = portal_search(user=officer, q="zebra crossings")
    case_studies = search.groups[0]
    assert [result.slug for result in case_studies.results] == [draft.slug]
    assert case_studies.count == 1
    assert found("zebra crossings", "case_studies") == []  # not for the public


@pytest.mark.parametrize("role", ROLES)
def test_a_word_counts_the_drafts_only_of_those_who_may_read_them(client, draft_item, role):
    """One word is counted from its postings less those of what the reader may not see:
    a published case study and a public plan item count for everyone, the drafts beside
    them (a case study of two of Lambeth's neighbours' and Lambeth's own boroughs, a plan
    item of Lambeth's draft plan) only for those who may read them, each once."""
    _draft_case_study_of("lambeth", "southwark")
    CaseStudy.objects.create(
        title="Zebra mentoring", slug="zebra-mentoring", summary="Zebra.", status="published"
    )
    ActionItem.objects.create(
        plan=ActionPlan.objects.get(slug=WESTMINSTER_PLAN),
        theme=draft_item.theme,
        slug="zebra-patrols",
        title="Zebra patrols",
    )
    sign_in_as(client, role, ROLES[role])
    groups = client.get("/api/v1/search/", {"q": "zebra"}).json()["groups"]
    counts = {group["kind"]: group["count"] for group in groups}
    sees = 2 if role in SEES_THE_DRAFT else 1
    assert (counts["case_studies"], counts["plan_items"]) == (sees, sees)
    page = client.get("/search/", {"q": "zebra"}).context["search"]
    assert [group.count for group in page.groups] == [group["count"] for group in groups]


# --- Documents kept current on write -------------------------------------------------------


def test_plan_items_are_found_by_their_words_as_they_change(django_user_model):
    item = ActionItem.objects.get(
        plan__slug=WESTMINSTER_PLAN, slug="wkcap-test-purchase-operations"
    )
    editor = django_user_model.objects.create_user("editor")
    role_grant(user=editor, role="editor", borough=None)
    assert found("quokka", "plan_items") == []
    action_item_update(
        item=item,
        acting_user=editor,
        expected_version=item.version,
        changes={"description": "Test purchases now cover quokka-themed knives."},
    )
    assert found("quokka", "plan_items") == [item.slug]
    added = ActionItem.objects.create(
        plan=item.plan, theme=item.theme, slug="quokka-patrols", title="Quokka patrols"
    )
    assert set(found("quokka", "plan_items")) == {item.slug, added.slug}
    added.delete()
    assert found("quokka", "plan_items") == [item.slug]


def test_plan_items_follow_their_plans_borough():
    plan = ActionPlan.objects.get(slug=WESTMINSTER_PLAN)
    westminster = plan.borough
    westminster.name = "City of Wombatminster"
    westminster.save()
    assert len(found("wombatminster", "plan_items", limit=100)) == plan.items.count()
    plan.borough = Borough.objects.get(slug="lambeth")
    plan.save()
    assert found("wombatminster", "plan_items") == []
    assert len(found("Lambeth", "plan_items", limit=100)) == plan.items.count()


def test_a_plans_title_does_not_make_every_item_a_match():
    """Westminster's is a knife crime action plan; "knife" finds the items about knives."""
    plan_items = found("knife", "plan_items", limit=100)
    assert "wkcap-test-purchase-operations" in plan_items
    assert "wkcap-school-inclusion-pilot" not in plan_items


def test_an_area_is_found_by_its_name_as_it_changes():
    lambeth = Borough.objects.get(slug="lambeth")
    assert found("Lambeth", "areas") == ["lambeth"]
    lambeth.police_force = "Wallaby Constabulary"
    lambeth.save()
    assert found("wallaby", "areas") == ["lambeth"]


def test_funding_documents_follow_awards_streams_and_recipients():
    award = Award.objects.get(slug="norfolk-early-intervention-youth-fund")
    stream = FundingStream.objects.get(slug="early-intervention-youth-fund")
    assert found("Lambeth", "awards") == []
    award.recipient_boroughs.add(Borough.objects.get(slug="lambeth"))
    assert found("Lambeth", "awards") == [award.slug]
    stream.name = "Early Intervention Platypus Fund"
    stream.save()
    assert found("platypus", "funding_streams") == [stream.slug]
    assert award.slug in found("platypus", "awards")
    award.delete()
    assert found("Lambeth", "awards") == []


def _new_record(kind, name):
    """A new record of `kind` named `name`, saved as the admin saves one: a row at a time."""
    slug = f"{name.lower()}-{kind.replace('_', '-')}"
    if kind == "case_studies":
        return CaseStudy.objects.create(
            title=name, slug=slug, year=2019, status=CaseStudy.Status.PUBLISHED
        )
    if kind == "interventions":
        return Intervention.objects.create(
            name=name,
            slug=slug,
            category=Intervention.Category.MENTORING,
            prevention_level=Intervention.PreventionLevel.TARGETED,
        )
    if kind == "plan_items":
        plan = ActionPlan.objects.get(slug=WESTMINSTER_PLAN)
        theme = plan.items.first().theme
        return ActionItem.objects.create(plan=plan, theme=theme, slug=slug, title=name)
    stream = FundingStream.objects.get(slug="early-intervention-youth-fund")
    if kind == "funding_streams":
        return FundingStream.objects.create(funder=stream.funder, name=name, slug=slug)
    if kind == "awards":
        return Award.objects.create(stream=stream, title=name, slug=slug)
    if kind == "organisations":
        return Organisation.objects.create(
            name=name, slug=slug, kind=Organisation.Kind.CHARITY, description="Mentoring."
        )
    return Borough.objects.create(
        name=name,
        slug=slug,
        gss_code="E07999999",
        kind=Borough.Kind.DISTRICT,
        region="south_east",
        police_force="Testshire Police",
    )


@pytest.mark.parametrize("kind", [kind.key for kind in KINDS])
def test_a_record_of_every_kind_is_found_once_saved_and_not_once_deleted(kind):
    record = _new_record(kind, "Quokkafield")
    assert found("quokkafield", kind) == [record.slug]
    name_field = "title" if hasattr(record, "title") else "name"
    setattr(record, name_field, "Wallabyfield")
    record.save()
    assert found("wallabyfield", kind) == [record.slug]
    assert found("quokkafield", kind) == []
    record.delete()
    assert found("wallabyfield", kind) == []


# --- Plan items from their words' postings (PostgreSQL) ---------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="postings are kept on PostgreSQL only"
)


def _postings_not_the_document(table="actionplans_actionitem"):
    """The records of `table` whose postings, joined, are not their stored document."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.id FROM {table} i LEFT JOIN ("  # noqa: S608 (names written here)
            "  SELECT record_id, string_agg(entry, ' ')::tsvector AS document"
            f"  FROM {table}_postings GROUP BY record_id"
            ") p ON p.record_id = i.id "
            "WHERE i.search_vector IS DISTINCT FROM p.document "
            "AND NOT (i.search_vector IS NULL AND p.document IS NULL) "
            f"UNION ALL SELECT record_id FROM {table}_postings "
            f"WHERE record_id NOT IN (SELECT id FROM {table})"
        )
        return [row[0] for row in cursor.fetchall()]


@on_postgresql
def test_plan_items_postings_are_each_document_word_by_word_whoever_writes_it(
    django_user_model,
):
    assert not _postings_not_the_document()
    item = ActionItem.objects.get(
        plan__slug=WESTMINSTER_PLAN, slug="wkcap-test-purchase-operations"
    )
    editor = django_user_model.objects.create_user("editor")
    role_grant(user=editor, role="editor", borough=None)
    action_item_update(
        item=item,
        acting_user=editor,
        expected_version=item.version,
        changes={"description": "Test purchases of 'quoted' back\\slashed co-ordinated knives."},
    )
    added = ActionItem.objects.create(
        plan=item.plan, theme=item.theme, slug="quokka-patrols", title="Quokka patrols"
    )
    ActionItem.objects.filter(pk=item.pk).update(search_vector=None)
    assert not _postings_not_the_document()
    assert found("quokka", "plan_items") == [added.slug]
    added.delete()
    assert not _postings_not_the_document()
    assert found("quokka", "plan_items") == []


@on_postgresql
def test_awards_postings_are_each_document_word_by_word_whoever_writes_it():
    assert not _postings_not_the_document("funding_award")
    award = Award.objects.get(slug="norfolk-early-intervention-youth-fund")
    award.purpose = "Quokka mentoring, 'quoted' and co-ordinated."
    award.save()
    award.recipient_boroughs.add(Borough.objects.get(slug="lambeth"))
    assert not _postings_not_the_document("funding_award")
    assert found("quokka", "awards") == [award.slug]
    award.delete()
    assert not _postings_not_the_document("funding_award")
    assert found("quokka", "awards") == []


@on_postgresql
def test_interventions_postings_are_each_document_word_by_word_whoever_writes_it():
    table = "casestudies_intervention"
    assert not _postings_not_the_document(table)
    intervention = Intervention.objects.get(slug="bradford-cse-hub")
    intervention.description = "Quokka mentoring, 'quoted' back\\slashed and co-ordinated."
    intervention.save()
    added = Intervention.objects.create(name="Quokka patrols", slug="quokka-patrols")
    assert not _postings_not_the_document(table)
    assert set(found("quokka", "interventions")) == {intervention.slug, added.slug}
    added.delete()
    intervention.description = "A hub."
    intervention.save()
    assert not _postings_not_the_document(table)
    assert found("quokka", "interventions") == []


#: One word (from its postings, in order from their index), a word with synonyms,
#: several words with synonyms, a phrase, a word left out, either group, synonyms of
#: several words, a question no record holds every word of.
WHOLE_DOCUMENT_QUERIES = [
    "young",
    "knife",
    "county lines",
    '"county lines"',
    "knife crime -london",
    "psychologists or hospital",
    "A&E",
    "what worked for under-18s drawn into county lines",
]


@on_postgresql
@pytest.mark.parametrize(
    ("kind", "visible"),
    [
        ("case_studies", lambda: CaseStudy.objects.visible_to(AnonymousUser())),
        ("plan_items", lambda: ActionItem.objects.visible_to(AnonymousUser())),
        ("awards", lambda: Award.objects.all()),
        ("interventions", lambda: Intervention.objects.all()),
    ],
    ids=["case_studies", "plan_items", "awards", "interventions"],
)
@pytest.mark.parametrize("q", WHOLE_DOCUMENT_QUERIES)
def test_what_is_found_its_order_and_count_are_those_of_the_whole_documents(kind, visible, q):
    """Case studies, plan items, awards and interventions are matched, ranked and counted
    from the postings of the searched words: the same as from their whole documents, each
    rank as shown."""
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F, FloatField, Value
    from django.db.models.expressions import ExpressionWrapper

    from core.search.index import SYNONYM_WEIGHT, WEIGHT_NAMES, WEIGHTS, postgresql_query

    if kind == "awards" and q == "A&E":
        pytest.skip("no award is about A&E or hospitals")
    search = portal_search(user=AnonymousUser(), q=q, kinds=[kind], limit=50)
    query = search.query  # every word, or (a question) any of them
    weights = [WEIGHTS[name] for name in reversed(WEIGHT_NAMES)]
    rank = SearchRank(F("search_vector"), postgresql_query(query.typed()), weights=weights)
    if query.widened:
        widened = SearchRank(F("search_vector"), postgresql_query(query), weights=weights)
        rank = ExpressionWrapper(rank + widened * Value(SYNONYM_WEIGHT), output_field=FloatField())
    by_document = list(
        visible()
        .filter(search_vector=postgresql_query(query))
        .annotate(rank=rank)
        .order_by("-rank", *KINDS_BY_KEY[kind].order)
        .values_list("pk", "rank")[:50]
    )
    (group,) = search.groups
    assert group.count == visible().filter(search_vector=postgresql_query(query)).count()
    assert group.count > 0
    assert [(result.id, result.rank) for result in group.results] == [
        (pk, round(rank, 6)) for pk, rank in by_document
    ]


# --- Query counts ---------------------------------------------------------------------------


def _more_plan_items(count):
    plan = ActionPlan.objects.get(slug=WESTMINSTER_PLAN)
    theme = plan.framework.themes.first()
    ActionItem.objects.bulk_create(
        ActionItem(plan=plan, theme=theme, slug=f"bulk-knife-{n}", title=f"Knife amnesty bin {n}")
        for n in range(count)
    )
    ACTION_ITEMS.store(ActionItem.objects.filter(slug__startswith="bulk-knife-"))


def _finding(groups):
    """How many kinds found something: each reads the rows it shows, by id."""
    return sum(1 for group in groups if group.count)


def test_the_page_costs_two_queries_per_kind_however_many_match(client, django_assert_num_queries):
    """For each kind (case studies, interventions, plan items, funding streams, awards,
    areas), 1 ranking and counting its matches, and, if it found any, 1 reading the rows
    it shows."""
    finding = _finding(portal_search(user=AnonymousUser(), q="knife").groups)
    assert 0 < finding < len(KINDS)
    with django_assert_num_queries(len(KINDS) + finding):
        client.get("/search/", {"q": "knife"})
    _more_plan_items(60)
    with django_assert_num_queries(len(KINDS) + finding):
        response = client.get("/search/", {"q": "knife"})
    assert response.context["search"].groups[2].count > 60


def test_organisations_cost_the_same_however_many_match(client, django_assert_num_queries):
    """Organisations alone, page and API: 1 ranking and counting them, 1 reading the
    rows shown."""
    for path in ("/search/", "/api/v1/search/"):
        with django_assert_num_queries(2):
            client.get(path, {"q": "charity", "kind": "organisations"})
    Organisation.objects.bulk_create(
        Organisation(name=f"Youth Charity {n}", slug=f"youth-charity-{n}", kind="charity")
        for n in range(40)
    )
    KINDS_BY_KEY["organisations"].index.store(
        Organisation.objects.filter(slug__startswith="youth-charity-")
    )
    for path in ("/search/", "/api/v1/search/"):
        with django_assert_num_queries(2):
            response = client.get(path, {"q": "charity", "kind": "organisations"})
    assert response.json()["groups"][0]["count"] > 40


def test_a_signed_in_lead_costs_the_same_however_many_match(client, django_assert_num_queries):
    """1 user, 1 their groups, 1 their borough roles (read once for every kind; the
    session is read from the cache), then for each kind 1 ranking and counting, and 1
    reading the rows shown if it found any."""
    lead = sign_in_as(client, "lead", ("lead", "lambeth"))
    finding = _finding(portal_search(user=lead, q="knife").groups)
    with django_assert_num_queries(3 + len(KINDS) + finding):
        client.get("/search/", {"q": "knife"})
    _more_plan_items(60)
    with django_assert_num_queries(3 + len(KINDS) + finding):
        response = client.get("/search/", {"q": "knife"})
    assert response.context["search"].groups[2].count > 60


def test_a_question_costs_two_rankings_per_kind_however_many_match(
    client, django_assert_num_queries
):
    """Every word, for each kind (nothing found, so no rows read), then some of the
    words, for each kind, and the rows shown of each kind that found some: case studies,
    interventions, plan items, funding streams, awards, areas."""
    finding = _finding(portal_search(user=AnonymousUser(), q=QUESTION).groups)
    with django_assert_num_queries(2 * len(KINDS) + finding):
        client.get("/search/", {"q": QUESTION})
    _more_plan_items(60)
    with django_assert_num_queries(2 * len(KINDS) + finding):
        response = client.get("/search/", {"q": QUESTION})
    assert response.context["search"].matched == "any"


def test_the_api_costs_what_the_page_does_however_many_match(client, django_assert_num_queries):
    """As the page: for each kind, 1 ranking and counting, 1 reading the rows shown if
    it found any."""
    finding = _finding(portal_search(user=AnonymousUser(), q="knife").groups)
    with django_assert_num_queries(len(KINDS) + finding):
        before = client.get("/api/v1/search/", {"q": "knife"}).json()["groups"][2]["count"]
    _more_plan_items(60)
    with django_assert_num_queries(len(KINDS) + finding):
        response = client.get("/api/v1/search/", {"q": "knife"})
    assert response.json()["groups"][2]["count"] == before + 60


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.key)
def test_the_rows_shown_hold_all_their_results_say(kind, django_assert_num_queries):
    """Each kind reads only the fields its results show, and every one of them: a
    result's title, link, context and snippet cost no query after the one reading its
    rows, whichever records they are (plan items of a borough's plan and of a
    partnership's, case studies with a partnership and without)."""
    from core.search import search_query
    from svportal.search import _shown

    query = search_query("knife")
    records = kind.records(AnonymousUser())
    ranks = [(pk, 0.5) for pk in records.order_by("pk").values_list("pk", flat=True)]
    assert ranks
    with django_assert_num_queries(1):
        rows = _shown(kind, records, ranks)
        said = [(*kind.describe(row), kind.index.snippet(row, query)) for row in rows]
    assert len(said) == len(ranks)
    assert all(title and url and context for title, url, context, _ in said)


# --- A search made again ----------------------------------------------------------------------


@pytest.fixture
def search_cache(settings):
    settings.SVPORTAL_SEARCH_CACHE_SECONDS = 600
    cache.delete(VERSION_KEY)  # nothing kept by an earlier test is reachable
    yield
    cache.delete(VERSION_KEY)


def _api_search(client, **params):
    return client.get("/api/v1/search/", {"q": "knife", **params}).json()


def test_a_search_made_again_reads_only_the_rows_it_shows(
    client, search_cache, django_assert_num_queries
):
    """Made again, the search answers the same, reading only the rows it shows by their
    ids: one query for each kind that found something (none for the others), however
    many match; a write moves the data version on and the next search is made afresh."""
    first = _api_search(client)
    finding = sum(1 for group in first["groups"] if group["count"])
    assert 0 < finding < len(KINDS)  # both cases below: kinds with and without matches
    with django_assert_num_queries(finding):
        assert _api_search(client) == first
    _more_plan_items(60)
    with django_assert_num_queries(len(KINDS) + finding):
        after = _api_search(client)
    assert after["groups"][2]["count"] == first["groups"][2]["count"] + 60
    with django_assert_num_queries(finding):
        assert _api_search(client) == after


def test_a_kept_search_finds_what_changes_at_once(client, search_cache):
    assert found("quokka", "plan_items") == []
    item = ActionItem.objects.get(plan__slug=WESTMINSTER_PLAN, slug="wkcap-stop-and-search")
    item.title = "Stop and search quokka patrols"
    item.save()
    assert found("quokka", "plan_items") == ["wkcap-stop-and-search"]
    paged = _api_search(client, q="quokka", kind="plan_items")
    assert [result["slug"] for result in paged["groups"][0]["results"]] == [item.slug]
    item.delete()
    assert found("quokka", "plan_items") == []
    assert _api_search(client, q="quokka", kind="plan_items")["groups"][0]["count"] == 0


def test_pages_of_a_kept_search_follow_one_another(client, search_cache):
    _more_plan_items(45)
    pages = [
        _api_search(client, kind="plan_items", page=number)["groups"][0] for number in (1, 2, 3)
    ]
    again = [
        _api_search(client, kind="plan_items", page=number)["groups"][0] for number in (1, 2, 3)
    ]
    assert again == pages
    shown = [result["slug"] for page in pages for result in page["results"]]
    assert len(shown) == len(set(shown)) == min(pages[0]["count"], 60)
    assert found("knife", "plan_items", limit=60) == shown


@pytest.mark.parametrize("lead_first", [True, False])
def test_a_kept_search_is_not_shared_with_who_may_not_see_it(
    client, draft_item, search_cache, lead_first
):
    """Whoever searches first, the draft plan's item is found by its borough's lead and
    never by the public."""
    lead = sign_in_as(client, "lead of own", ROLES["lead of own"])
    for as_lead in [lead_first, not lead_first] * 2:
        if as_lead:
            client.force_login(lead)
        else:
            client.logout()
        items = _api_search(client, q="zebra hubs")["groups"][2]
        assert ("zebra-hubs" in [result["slug"] for result in items["results"]]) == as_lead


def test_one_ranking_serves_the_groups_and_the_first_pages_of_a_kind(
    client, search_cache, django_assert_num_queries
):
    """After the search of every kind, each of the first pages of plan items, on the page
    or in the API, reads only its rows: 1 query."""
    _more_plan_items(45)
    client.get("/search/", {"q": "knife"})
    for number in (1, 2, 3):
        with django_assert_num_queries(1):
            _api_search(client, kind="plan_items", page=number)
        with django_assert_num_queries(1):
            client.get("/search/", {"q": "knife", "kind": "plan_items", "page": number})


def test_a_page_beyond_those_kept_together_is_searched_and_kept_alone(client, search_cache):
    _more_plan_items(110)
    everything = found("knife", "plan_items", limit=140)
    assert len(everything) > 120
    for _ in range(2):
        sixth = _api_search(client, kind="plan_items", page=6)["groups"][0]
        assert [result["slug"] for result in sixth["results"]] == everything[100:120]
        assert sixth["count"] == len(everything)


def _visible(kind, records):
    """The slugs of `records` an anonymous reader's search may show."""
    if kind == "case_studies":
        records = records.filter(status=CaseStudy.Status.PUBLISHED)
    elif kind == "plan_items":
        records = records.exclude(plan__status=ActionPlan.Status.DRAFT)
    return set(records.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("model", "through", "kind"),
    [
        (Theme, "items", "plan_items"),
        (Borough, "case_studies", "case_studies"),
        (Partnership, "case_studies", "case_studies"),
        (Approach, "case_studies", "case_studies"),
        (Setting, "case_studies", "case_studies"),
        (Setting, "interventions", "interventions"),
        (FundingStream, "awards", "awards"),
        (Borough, "awards", "awards"),
        (Organisation, "awards", "awards"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_a_renamed_record_finds_the_records_that_name_it(model, through, kind):
    """A theme, area, approach, setting, stream or recipient renamed (as the admin saves
    it) is found at once in the documents of the records that name it, and the old
    name no longer finds them through it."""
    named = next(
        record
        for record in model.objects.order_by("pk")
        if _visible(kind, getattr(record, through).all())
    )
    expected = _visible(kind, getattr(named, through).all())
    assert set(found("zyzzogeton", kind, limit=500)) == set()
    named.name = "Zyzzogeton"
    named.save()
    assert set(found("zyzzogeton", kind, limit=500)) == expected
