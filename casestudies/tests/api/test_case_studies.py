"""/api/v1/case-studies/: filters, paging, errors, CSV and who sees drafts, on the real data."""

import csv
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies import search, selectors
from casestudies.api.views import CaseStudySearchResultSerializer
from casestudies.models import CaseStudy, ExternalRating, Outcome
from casestudies.tests.factories import CaseStudyFactory, InterventionFactory, OutcomeFactory
from casestudies.tests.real_data import PUBLISHED_CASE_STUDIES
from core.tests.api_support import assert_invalid, assert_not_found, csv_rows, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/case-studies/"
REDBRIDGE = "redbridge-functional-family-therapy"
WAKEFIELD = "wakefield-diverting-young-people"


# --- Filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"borough": "redbridge"}, [REDBRIDGE]),
        ({"borough": "east-sussex"}, ["sussex-reboot-youth-coaching"]),
        ({"partnership": "sussex-reboot"}, ["sussex-reboot-youth-coaching"]),
        (
            {"approach": "contextual-safeguarding"},
            ["somerset-vru-information-sharing", "suffolk-data-led-gang-and-county-lines"],
        ),
        ({"intervention": "empower"}, ["safer-london-young-women-criminal-gangs"]),
        (
            {"category": "therapeutic"},
            [
                "north-east-lincolnshire-county-lines",
                "nottinghamshire-and-nottingham-vru-community-assets",
                REDBRIDGE,
                "suffolk-data-led-gang-and-county-lines",
                WAKEFIELD,
            ],
        ),
        (
            # Target age ranges that include 12, open-ended ones too (Bristol 10+, Bradford 9+).
            {"age": "12", "include_unstated_ages": "false"},
            [
                "bristol-involving-the-community",
                "bradford-learning-from-cse",
                "north-yorkshire-and-york-trusted-relationship-models",
                "northampton-youth-clubs-criminal-activity",
                REDBRIDGE,
                "safer-london-young-women-criminal-gangs",  # 11 to 24
                "sussex-reboot-youth-coaching",
            ],
        ),
        (
            {"age": "25", "include_unstated_ages": "false"},
            ["bristol-involving-the-community", "bradford-learning-from-cse"],
        ),
        (
            {"funding_stream": "trusted-relationships-fund"},
            [
                "bradford-learning-from-cse",
                "greater-manchester-psychologists-in-complex-safeguarding",
                "north-east-lincolnshire-county-lines",
                "north-yorkshire-and-york-trusted-relationship-models",
                "northampton-youth-clubs-criminal-activity",
            ],
        ),
        # Wakefield has two awards from this stream and is listed once.
        ({"funding_stream": "nhs-england-liaison-and-diversion"}, [WAKEFIELD]),
        (
            {"year": "2020"},
            [REDBRIDGE, "suffolk-data-led-gang-and-county-lines"],
        ),
        ({"year": "2017"}, ["bristol-involving-the-community"]),
        ({"status": "published", "borough": "redbridge"}, [REDBRIDGE]),
        ({"borough": "redbridge", "category": "mentoring"}, []),
    ],
)
def test_filters_return_the_matching_case_studies(client, params, expected):
    assert slugs(client.get(URL, params)) == expected


def test_age_excludes_a_range_that_does_not_include_it(client):
    CaseStudy.objects.filter(slug=REDBRIDGE).update(min_age=16, max_age=24)
    assert REDBRIDGE not in slugs(client.get(URL, {"age": "12"}))
    assert REDBRIDGE in slugs(client.get(URL, {"age": "16"}))
    assert REDBRIDGE in slugs(client.get(URL, {"age": "24"}))
    assert REDBRIDGE not in slugs(client.get(URL, {"age": "25"}))


def test_a_case_study_without_an_age_range_is_listed_for_any_age_unless_left_out(client):
    """12 of the 19 state no ages, the county-lines ones among them: they may include 12."""
    listed = slugs(client.get(URL, {"age": "12", "page_size": "500"}))
    assert "liverpool-schools-knife-crime" in listed  # no target ages stated
    assert "north-east-lincolnshire-county-lines" in listed
    assert len(listed) == 7 + 12
    left_out = slugs(client.get(URL, {"age": "12", "include_unstated_ages": "false"}))
    assert "liverpool-schools-knife-crime" not in left_out
    assert len(left_out) == 7
    assert REDBRIDGE not in slugs(client.get(URL, {"age": "16"}))  # states 10 to 14


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"age": "12", "include_unstated_ages": "maybe"}, "include_unstated_ages"),
        ({"age": "12.5"}, "age"),
        ({"age": "-1"}, "age"),
        ({"age": "100"}, "age"),
        ({"age": "999999999999999999999"}, "age"),
        ({"evidence_level__gte": "6"}, "evidence_level__gte"),
        ({"evidence_level__gte": "-1"}, "evidence_level__gte"),
        ({"evaluation_design": "anecdote"}, "evaluation_design"),
        ({"outcome_type": "happiness"}, "outcome_type"),
        ({"setting": "moon"}, "setting"),
        ({"ordering": "-evidence"}, "ordering"),
    ],
)
def test_bad_evidence_and_age_values_are_a_400(client, params, parameter):
    assert_invalid(client.get(URL, params), parameter)


# --- Paging and search (the first page, orderings, modified_after and query counts of the
# whole list: tests/api/test_list_contract.py) ---------------------------------------------


def test_pages_walk_the_whole_list_in_order(client):
    everything = slugs(client.get(URL, {"page_size": "500"}))
    first = client.get(URL, {"page_size": "5"}).json()
    assert first["count"] == PUBLISHED_CASE_STUDIES
    assert len(first["results"]) == 5
    assert first["previous"] is None
    assert "page=2" in first["next"]
    walked = []
    for page in range(1, 5):
        walked += slugs(client.get(URL, {"page_size": "5", "page": str(page)}))
    assert walked == everything
    last = client.get(URL, {"page_size": "5", "page": "4"}).json()
    assert len(last["results"]) == 4
    assert last["next"] is None
    assert last["previous"] is not None
    assert slugs(client.get(URL, {"page_size": "5", "page": "last"})) == everything[-4:]


def test_page_links_keep_the_filters(client):
    first = client.get(URL, {"category": "mentoring", "page_size": "2"}).json()
    assert first["count"] == 5
    assert "category=mentoring" in first["next"]
    second = client.get(first["next"]).json()
    assert "category=mentoring" in second["previous"]
    assert len(second["results"]) == 2


def test_a_page_past_the_end_is_a_404(client):
    assert_not_found(client.get(URL, {"page_size": "5", "page": "5"}))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("family therapy", [REDBRIDGE]),  # every word must match
        # Barking and Dagenham's text mentions its neighbour, Redbridge; Redbridge's own
        # case study ranks first.
        ("Redbridge", [REDBRIDGE, "barking-and-dagenham-positive-diversionary-activities"]),
        ("Somerset", ["somerset-vru-information-sharing"]),
        ("zebra crossing", []),
    ],
)
def test_q_searches_the_text(client, q, expected):
    """The most relevant first; PostgreSQL's stemming may add weaker matches after them."""
    found = slugs(client.get(URL, {"q": q}))
    assert found[: len(expected)] == expected
    if not expected:
        assert found == []


# --- Detail ------------------------------------------------------------------------------


def test_detail_by_slug(client):
    response = client.get(f"{URL}{REDBRIDGE}/")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["slug"] == REDBRIDGE
    assert body["title"].startswith("Redbridge: family therapy")
    assert body["status"] == "published"
    assert body["year"] == 2020
    assert body["boroughs"] == [{"slug": "redbridge", "name": "Redbridge", "gss_code": "E09000026"}]
    assert body["partnership"] is None
    assert (body["min_age"], body["max_age"]) == (10, 14)
    assert body["settings"] == ["home"]
    assert {i["slug"] for i in body["interventions"]} == {
        "redbridge-family-intervention-team",
        "functional-family-therapy-families-are-forever",
    }
    assert body["awards"] == [
        {
            "slug": "yef-redbridge-functional-family-therapy",
            "title": body["awards"][0]["title"],
            "amount": "700000.00",
            "amount_is_minimum": True,
        }
    ]
    assert len(body["outcomes"]) == 6
    assert body["contact"]["name"] == "Sabina Samad"
    assert body["source"]["key"] == "lga-public-health-approach-2020"
    assert body["source_section"] == "Case studies › Redbridge"


def test_detail_refuses_list_parameters(client):
    assert_invalid(client.get(f"{URL}{REDBRIDGE}/", {"page": "2"}), "page")


# --- Refused parameters and values --------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"borough": "atlantis"}, "borough"),
        ({"partnership": "atlantis-csp"}, "partnership"),
        ({"approach": "magic"}, "approach"),
        ({"intervention": "nothing"}, "intervention"),
        ({"category": "wizardry"}, "category"),
        ({"age": "old"}, "age"),
        ({"funding_stream": "money-tree"}, "funding_stream"),
        ({"year": "last"}, "year"),
        ({"status": "lost"}, "status"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(client, params, parameter):
    assert_invalid(client.get(URL, params), parameter)


def test_unknown_parameters_are_a_400_naming_each(client):
    response = client.get(URL, {"colour": "red", "boro": "redbridge"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"colour", "boro"}


# --- CSV ---------------------------------------------------------------------------------


def test_csv_is_the_whole_list_streamed_with_a_header(client):
    response = client.get(URL, {"format": "csv", "page_size": "5"})  # CSV is never paged
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.csv"')
    rows = csv_rows(response)
    assert [row["slug"] for row in rows] == slugs(client.get(URL, {"page_size": "500"}))
    assert len(rows) == PUBLISHED_CASE_STUDIES
    assert {"slug", "title", "status", "year", "boroughs", "min_age"} <= set(rows[0])


def test_csv_honours_the_filters(client):
    rows = csv_rows(client.get(URL, {"format": "csv", "borough": "redbridge"}))
    assert len(rows) == 1
    assert rows[0]["slug"] == REDBRIDGE
    assert rows[0]["boroughs"] == "Redbridge"
    assert (rows[0]["min_age"], rows[0]["max_age"]) == ("10", "14")
    funded = csv_rows(
        client.get(URL, {"format": "csv", "funding_stream": "trusted-relationships-fund"})
    )
    assert [row["slug"] for row in funded] == slugs(
        client.get(URL, {"funding_stream": "trusted-relationships-fund"})
    )
    assert len(funded) == 5
    aged = csv_rows(client.get(URL, {"format": "csv", "age": "12"}))
    assert len(aged) == 19
    aged = csv_rows(
        client.get(URL, {"format": "csv", "age": "12", "include_unstated_ages": "false"})
    )
    assert len(aged) == 7


def test_csv_honours_search_and_ordering(client):
    rows = csv_rows(client.get(URL, {"format": "csv", "q": "family therapy"}))
    assert rows[0]["slug"] == REDBRIDGE
    assert len(rows) < 3  # every word must match: only Redbridge, and on PostgreSQL Suffolk
    rows = csv_rows(client.get(URL, {"format": "csv", "ordering": "-title"}))
    assert rows[0]["slug"] == "waltham-forest-young-people-violence-reduction-partnership"
    assert rows[-1]["slug"] == "barking-and-dagenham-positive-diversionary-activities"


def test_csv_keeps_each_rows_partnership_whatever_comes_first(client):
    """The columns come from the serializer, not from whichever row happens to be first."""
    # Redbridge (2020, no partnership) comes first; Suffolk (2020) has one.
    rows = csv_rows(client.get(URL, {"format": "csv", "ordering": "-year,title"}))
    assert rows[0]["slug"] == REDBRIDGE
    suffolk = next(row for row in rows if row["slug"] == "suffolk-data-led-gang-and-county-lines")
    assert suffolk.get("partnership.slug") == "suffolk-against-gang-exploitation"


def test_csv_of_one_case_study(client):
    response = client.get(f"{URL}{REDBRIDGE}/", {"format": "csv"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert len(rows) == 1
    assert rows[0]["slug"] == REDBRIDGE


def test_csv_neutralises_formulas(client):
    CaseStudy.objects.filter(slug=REDBRIDGE).update(
        title='=HYPERLINK("http://evil")', summary="@SUM(A1)", contact_name="+1"
    )
    row = csv_rows(client.get(URL, {"format": "csv", "borough": "redbridge"}))[0]
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["summary"] == "'@SUM(A1)"
    assert row["contact.name"] == "'+1"
    assert row["year"] == "2020"  # numbers stay numbers


# --- Lean lists ----------------------------------------------------------------------------


def test_the_list_shows_summaries_and_links_to_the_whole_case_study(client):
    """A list page carries what is needed to choose a case study; its sections, outcomes,
    awards and contact are at its `url`."""
    listed = client.get(URL).json()["results"]
    whole_sections = ("challenge", "solution", "impact", "lessons_learned", "outcomes", "contact")

    for record in listed:
        assert {"slug", "title", "summary", "boroughs", "source", "url"} <= set(record)
        assert not set(whole_sections) & set(record)
    first = listed[0]
    assert first["url"] == f"http://testserver{URL}{first['slug']}/"
    whole = client.get(first["url"]).json()
    assert set(whole_sections) <= set(whole)
    assert whole["summary"] == first["summary"]


def test_a_search_result_still_has_its_snippet(client):
    record = client.get(URL, {"q": "knife"}).json()["results"][0]
    assert record["snippet"]
    assert "challenge" not in record


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "knife"}, {"ordering": "-year,title"}, {"borough": "redbridge"}],
    ids=["all", "searched", "ordered", "filtered"],
)
def test_the_list_reads_as_its_serializer_writes_each_case_study(client, drafts, params):
    """A page is built from values(), not a serializer per row: its results are the JSON,
    byte for byte, that CaseStudySearchResultSerializer (which the schema describes) writes
    of the same case studies, drafts, ratings, decimals and missing links included."""
    intervention = InterventionFactory(slug="rated-mentoring")
    rate(intervention, scheme=ExternalRating.Scheme.EIF_GUIDEBOOK, note="Rated for 10 to 14")
    rate(intervention, rated_on="2021-02-01")
    unsourced = CaseStudyFactory(
        interventions=[intervention], status="draft", published_at=None, outcomes=[]
    )
    OutcomeFactory(
        case_study=unsourced,
        value=Decimal("12.5"),
        baseline=Decimal("40"),
        outcome_type=Outcome.Type.KNIFE_CRIME,
    )
    CaseStudy.objects.filter(pk=unsourced.pk).update(
        cost_per_participant=Decimal("1250"), cost_benefit_ratio=Decimal("3.2")
    )
    sign_in(client, "editor")
    editor = get_user_model().objects.get(username="editor")

    response = client.get(URL, {**params, "page_size": 500})

    studies = (
        selectors.case_study_list(filters=params, user=editor)
        .for_record()
        .prefetch_related(selectors.headline_outcomes())
    )
    request = APIRequestFactory().get(URL)
    context = {"request": request, "search": search.parse_query(params.get("q", ""))}
    expected = CaseStudySearchResultSerializer(studies, many=True, context=context).data
    assert expected
    render = JSONRenderer().render
    assert render(response.json()["results"]) == render(expected)


# --- Who sees drafts ---------------------------------------------------------------------

#: (role, borough slug) pairs per kind of user; None is an anonymous visitor.
USERS = {
    "anonymous": None,
    "signed in without a role": [],
    "officer of Redbridge": [("officer", "redbridge")],
    "lead of Wakefield": [("lead", "wakefield")],
    "officer of another borough": [("officer", "westminster")],
    "analyst": [("analyst", None)],
    "editor": [("editor", None)],
}

#: The drafts each kind of user may see: Redbridge's draft and Wakefield's case study in review.
VISIBLE_DRAFTS = {
    "anonymous": set(),
    "signed in without a role": set(),
    "officer of Redbridge": {REDBRIDGE},
    "lead of Wakefield": {WAKEFIELD},
    "officer of another borough": set(),
    "analyst": {REDBRIDGE, WAKEFIELD},
    "editor": {REDBRIDGE, WAKEFIELD},
}


@pytest.fixture
def drafts():
    CaseStudy.objects.filter(slug=REDBRIDGE).update(status="draft")
    CaseStudy.objects.filter(slug=WAKEFIELD).update(status="in_review")
    return {REDBRIDGE, WAKEFIELD}


def sign_in(client, who):
    grants = USERS[who]
    if grants is None:
        return
    user = get_user_model().objects.create_user(username=who.replace(" ", "-"), password="x")
    for role, borough in grants:
        role_grant(user=user, role=role, borough=borough and Borough.objects.get(slug=borough))
    client.force_login(user)


@pytest.mark.parametrize("who", list(USERS))
def test_the_list_shows_drafts_only_to_those_allowed(client, drafts, who):
    sign_in(client, who)
    listed = slugs(client.get(URL, {"page_size": "500"}))
    assert drafts & set(listed) == VISIBLE_DRAFTS[who]
    assert len(listed) == len(set(listed)) == PUBLISHED_CASE_STUDIES - 2 + len(VISIBLE_DRAFTS[who])
    drafts_only = slugs(client.get(URL, {"status": "draft"}))
    assert drafts_only == ([REDBRIDGE] if REDBRIDGE in VISIBLE_DRAFTS[who] else [])


@pytest.mark.parametrize("who", list(USERS))
def test_the_detail_of_a_draft_is_a_404_to_those_not_allowed(client, drafts, who):
    sign_in(client, who)
    for slug in drafts:
        response = client.get(f"{URL}{slug}/")
        if slug in VISIBLE_DRAFTS[who]:
            assert response.status_code == HTTPStatus.OK
            assert response.json()["status"] in {"draft", "in_review"}
        else:
            assert_not_found(response)


@pytest.mark.parametrize("who", list(USERS))
def test_the_csv_shows_drafts_only_to_those_allowed(client, drafts, who):
    sign_in(client, who)
    listed = {row["slug"] for row in csv_rows(client.get(URL, {"format": "csv"}))}
    assert drafts & listed == VISIBLE_DRAFTS[who]
    assert len(listed) == PUBLISHED_CASE_STUDIES - 2 + len(VISIBLE_DRAFTS[who])
    for slug in drafts:
        response = client.get(f"{URL}{slug}/", {"format": "csv"})
        if slug in VISIBLE_DRAFTS[who]:
            assert response.status_code == HTTPStatus.OK
            assert slug in response.content.decode("utf-8")
        else:
            assert_not_found(response)


def test_a_member_of_several_boroughs_sees_each_case_study_once(client, drafts):
    user = get_user_model().objects.create_user(username="sussex-lead", password="x")
    for slug in ("east-sussex", "west-sussex", "brighton-and-hove"):
        role_grant(user=user, role="lead", borough=Borough.objects.get(slug=slug))
    CaseStudy.objects.filter(slug="sussex-reboot-youth-coaching").update(status="draft")
    client.force_login(user)
    listed = slugs(client.get(URL, {"page_size": "500"}))
    assert listed.count("sussex-reboot-youth-coaching") == 1
    assert client.get(URL).json()["count"] == PUBLISHED_CASE_STUDIES - 2


def test_list_queries_for_an_officer_do_not_grow(client, drafts, django_assert_num_queries):
    """1 user (the session kept), 1 of the user's global roles (groups), 1 of their
    borough roles, 1 of the facets' counts stored over the published, 1 of every facet's
    counts over the drafts they may see (the count with them), 1 page of case studies,
    then 1 for the boroughs, approaches, settings and interventions they link to (one
    UNION), 1 for the interventions' external ratings and 1 for the headline outcomes."""
    redbridge = Borough.objects.get(slug="redbridge")
    user = get_user_model().objects.create_user(username="officer", password="x")
    role_grant(user=user, role="officer", borough=redbridge)
    client.force_login(user)
    CaseStudyFactory.create_batch(2, status="draft", boroughs=[redbridge])
    with django_assert_num_queries(9):
        assert client.get(URL).json()["count"] == PUBLISHED_CASE_STUDIES - 1 + 2
    CaseStudyFactory.create_batch(25, status="draft", boroughs=[redbridge])
    with django_assert_num_queries(9):
        assert client.get(URL).json()["count"] == PUBLISHED_CASE_STUDIES - 1 + 27


# --- Evidence, outcome, setting and age filters --------------------------------------------


def test_evidence_level_gte_and_ordering_put_the_best_evidenced_first(client):
    response = client.get(URL, {"evidence_level__gte": "2", "ordering": "-evidence_level"})
    rows = response.json()["results"]
    assert [row["slug"] for row in rows][0] == WAKEFIELD
    assert [row["evidence"]["level"] for row in rows] == [3, 2, 2, 2, 2, 2]
    assert all(row["evidence"]["quote"] for row in rows)
    facets = response.json()["facets"]
    assert {option["value"]: option["count"] for option in facets["evidence_level"]} == {
        "3": 1,
        "2": 5,
    }
    # Filtered to one level, the level facet still counts every level.
    exact = client.get(URL, {"evidence_level": "3"}).json()
    assert [row["slug"] for row in exact["results"]] == [WAKEFIELD]
    assert {option["value"]: option["count"] for option in exact["facets"]["evidence_level"]} == {
        "0": 7,
        "1": 6,
        "2": 5,
        "3": 1,
    }


def test_comparison_group_or_better_best_first_each_with_outcomes_and_cost(client):
    """The issue's "done when": filtered to comparison group or better and sorted by
    evidence, each result carries its evidence level, headline outcomes and cost."""
    rows = client.get(URL, {"evidence_level__gte": "3", "ordering": "-evidence_level"}).json()[
        "results"
    ]
    assert [row["slug"] for row in rows] == [WAKEFIELD]
    [wakefield] = rows
    assert wakefield["evidence"]["level"] == 3
    assert wakefield["headline_outcomes"], "Wakefield reports its results"
    first = wakefield["headline_outcomes"][0]
    assert {"metric", "value", "unit", "direction", "outcome_type", "quote"} <= set(first)
    assert first["outcome_type"] != "engagement" or all(
        outcome["outcome_type"] == "engagement" for outcome in wakefield["headline_outcomes"]
    )
    assert "band" in wakefield["cost"]


def test_a_list_result_shows_results_before_counts_of_engagement(client):
    study = CaseStudyFactory(title="Headline order", outcomes=[])
    OutcomeFactory(case_study=study, metric="Referrals", outcome_type="engagement", order=1)
    OutcomeFactory(case_study=study, metric="Reoffending", outcome_type="offending", order=2)
    OutcomeFactory(case_study=study, metric="Untyped count", outcome_type="", order=3)
    [row] = [
        r for r in client.get(URL, {"page_size": 100}).json()["results"] if r["slug"] == study.slug
    ]
    assert [outcome["metric"] for outcome in row["headline_outcomes"]] == [
        "Reoffending",
        "Referrals",
    ]


def rate(intervention, **fields):
    """A YEF Toolkit rating of ``intervention``, unless ``fields`` say otherwise."""
    return ExternalRating.objects.create(
        intervention=intervention,
        **{
            "scheme": ExternalRating.Scheme.YEF_TOOLKIT,
            "scale": "YEF evidence security (0–5)",
            "value": "3",
            "rated_on": "2024-01-01",
            "url": "https://example.org/toolkit/mentoring",
            **fields,
        },
    )


def test_case_studies_carry_the_external_ratings_of_the_interventions_they_use(client):
    intervention = InterventionFactory(slug="rated-mentoring")
    study = CaseStudyFactory(interventions=[intervention])
    rate(intervention)
    detail = client.get(f"{URL}{study.slug}/").json()
    assert detail["external_ratings"] == [
        {
            "intervention": "rated-mentoring",
            "scheme": "yef_toolkit",
            "scale": "YEF evidence security (0–5)",
            "value": "3",
            "rated_on": "2024-01-01",
            "url": "https://example.org/toolkit/mentoring",
            "note": "",
        }
    ]
    [row] = [
        r for r in client.get(URL, {"page_size": 100}).json()["results"] if r["slug"] == study.slug
    ]
    assert row["external_ratings"] == detail["external_ratings"]
    # A case study whose interventions no one has rated says so with an empty list.
    other = client.get(f"{URL}{CaseStudyFactory().slug}/").json()
    assert other["external_ratings"] == []


def test_outcome_type_setting_and_design_filter(client):
    assert slugs(client.get(URL, {"outcome_type": "school"})) == [
        "redcar-and-cleveland-youth-work-plus-asb-hotspots",
        "waltham-forest-young-people-violence-reduction-partnership",
    ]
    assert slugs(client.get(URL, {"evaluation_design": "comparison_group"})) == [
        REDBRIDGE,
        WAKEFIELD,
    ]
    assert slugs(
        client.get(URL, {"evaluation_design": "comparison_group", "evidence_level__gte": "3"})
    ) == [WAKEFIELD]  # noqa: E501
    at_home = slugs(client.get(URL, {"setting": "home"}))
    assert len(at_home) == 3
    assert REDBRIDGE in at_home
    for slug in at_home:
        assert "home" in client.get(f"{URL}{slug}/").json()["settings"]
    body = client.get(f"{URL}{WAKEFIELD}/").json()
    assert {outcome["outcome_type"] for outcome in body["outcomes"]} == {"engagement", "offending"}


@pytest.mark.parametrize(
    "query",
    [{"evidence_level": "3"}, {"evidence_level": ["2", "3"]}],
)
def test_the_count_is_of_the_results_listed_however_a_facet_is_given(client, query):
    """The count comes with the facets' counts; a facet given twice lists the case studies
    with either value (as the page does), and the count says how many are listed."""
    body = client.get(URL, {**query, "page_size": "500"}).json()
    assert body["count"] == len(body["results"]) > 0
    levels = {result["evidence"]["level"] for result in body["results"]}
    assert levels == {int(level) for level in query["evidence_level"]}
