"""/api/v1/interventions/: filters, paging, errors and CSV, on the real data."""

import json
from http import HTTPStatus

import pytest

from casestudies.api.serializers import ReportedOutcomeSerializer
from casestudies.models import Intervention, Outcome
from casestudies.tests.factories import CaseStudyFactory, InterventionFactory, OutcomeFactory
from casestudies.tests.real_data import INTERVENTION_COUNT
from core.tests.api_support import assert_invalid, csv_rows, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/interventions/"
FFT = "functional-family-therapy-families-are-forever"


def all_slugs(client, params=None):
    return slugs(client.get(URL, {"page_size": "500", **(params or {})}))


# --- Filters -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "health"}, {"wakefield-liaison-and-diversion", "glasgow-a-and-e-navigators"}),
        (
            {"category": "advocacy"},
            {"empower", "graft", "london-gang-exit"},
        ),
        ({"setting": "police-custody"}, {"wakefield-liaison-and-diversion"}),
        ({"setting": "sport"}, {"lbbd-positive-diversionary-activities"}),
        ({"provider": "safer-london"}, {"empower", "london-gang-exit", "islington-vcs-mentoring"}),
        (
            {"provider": "st-giles-trust"},
            {"islington-st-giles-key-working", "westminster-igu-frontline-services"},
        ),
        (
            # Ranges that include 12, open-ended ones too; not London Gang Exit (16 to 24),
            # Mister Shapeshifter (9 to 11) or GPS tagging (18 and over).
            {"age": "12", "include_unstated_ages": "false"},
            {
                "empower",
                FFT,
                "growing-against-violence",
                "westminster-igxu-gangs-and-exploitation-casework",
                "reboot-police-referral-pathway",
                "reboot-youth-coaching",
                "response-and-rescue",  # up to 24
                "bradford-trusted-relationships-programme",
                "trusted-relationships-model-north-yorkshire-york",
                "free2talk-youth-clubs",
            },
        ),
        (
            {"age": "30", "include_unstated_ages": "false"},
            {"mopac-knife-crime-gps-tagging-on-licence", "somebodys-sister-somebodys-daughter"},
        ),
        (
            {"category": "therapeutic", "prevention_level": "intensive"},
            {
                FFT,
                "north-east-lincolnshire-theatre-photography-projects",
                "suffolk-trauma-informed-case-formulation",
            },
        ),
        ({"category": "health", "setting": "school"}, set()),
    ],
)
def test_filters_return_the_matching_interventions(client, params, expected):
    assert set(all_slugs(client, params)) == expected


def test_age_excludes_ranges_that_do_not_include_it(client):
    listed = all_slugs(client, {"age": "12"})
    assert "london-gang-exit" not in listed  # 16 to 24
    assert "mister-shapeshifter" not in listed  # 9 to 11
    assert "london-gang-exit" in all_slugs(client, {"age": "16"})
    # Those that state no ages are listed too, unless left out.
    assert "operation-gravity" in listed
    assert "operation-gravity" not in all_slugs(
        client, {"age": "12", "include_unstated_ages": "false"}
    )


def test_evidence_filters_and_ordering(client):
    assert all_slugs(client, {"evidence_level__gte": "3"}) == ["wakefield-liaison-and-diversion"]
    assert set(all_slugs(client, {"evidence_level": "2"})) == {
        "bradford-cse-hub",
        "empower",
        "somebodys-sister-somebodys-daughter",
        "waltham-forest-joint-police-council-operations",
        "youth-work-plus",
    }
    assert set(all_slugs(client, {"evaluation_design": "monitoring"})) == {
        "mister-shapeshifter",
        "stop-knives-save-lives-northampton",
        "spark2life-intensive-mentoring",
        "reboot-youth-coaching",
        "lifeskills-lessons",
    }
    ordered = client.get(URL, {"ordering": "-evidence_level", "page_size": "500"}).json()
    levels = [row["evidence"]["level"] for row in ordered["results"]]
    assert levels == sorted(levels, reverse=True)
    assert levels[0] == 3


def test_outcome_type_lists_interventions_of_case_studies_reporting_it(client):
    assert set(all_slugs(client, {"outcome_type": "knife_crime"})) == {
        # Nottinghamshire's case study and Waltham Forest's report knife crime figures.
        "my-voice-writing-programme",
        "juno-womens-aid-young-people-domestic-violence-pilot",
        "notts-work-with-young-men-vulnerable-to-gangs",
        "mentors-in-violence-prevention",
        "waltham-forest-joint-police-council-operations",
        "safe-and-together-model",
        "waltham-forest-community-mentors",
        "lifeskills-lessons",
        "waltham-forest-domestic-abuse-school-notifications",
        "big-youth-conversation",
    }


@pytest.mark.parametrize(
    ("level", "count"), [("universal", 30), ("targeted", 45), ("intensive", 15)]
)
def test_prevention_level_filter(client, level, count):
    response = client.get(URL, {"prevention_level": level, "page_size": "500"})
    assert response.json()["count"] == count
    assert {row["prevention_level"] for row in response.json()["results"]} == {level}


# --- Paging and search (the first page, orderings, modified_after and query counts of the
# whole list: tests/api/test_list_contract.py) ---------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("family therapy", {FFT, "westminster-igxu-family-therapy"}),
        # Providers' names are searched too.
        (
            "St Giles",
            {
                "redbridge-family-intervention-team",
                "islington-st-giles-key-working",
                "islington-vcs-mentoring",
                "westminster-igu-frontline-services",
            },
        ),
        ("Family Psychology Mutual", {FFT}),
        ("unicorn", set()),
    ],
)
def test_q_searches_names_descriptions_and_providers(client, q, expected):
    assert set(all_slugs(client, {"q": q})) == expected


# --- Detail ------------------------------------------------------------------------------


def test_detail_by_slug(client):
    response = client.get(f"{URL}{FFT}/")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["slug"] == FFT
    assert body["name"] == "Functional Family Therapy – Gangs/Families Are Forever (FFT-FAF)"
    assert body["category"] == "therapeutic"
    assert body["prevention_level"] == "intensive"
    assert (body["min_age"], body["max_age"]) == (10, 14)
    assert body["settings"] == ["home"]
    assert body["providers"] == [
        {"slug": "family-psychology-mutual", "name": "Family Psychology Mutual"}
    ]
    assert body["evidence"] == {
        "level": 0,
        "level_name": "No outcome evidence",
        "status": "planned",
        "design": "comparison_group",
        "evaluated_by": "academic",
        "quote": "Families are Forever in Redbridge is operating as a feasibility study and "
        "pilot, with evaluation led by Greenwich University. Following a feasibility study "
        "phase, work with families will begin in July 2020. There will also be a control group.",
        "source": {
            "title": body["source"]["title"],
            "publisher": "Local Government Association",
            "document": "001_12a81a32a57cb326.txt",
            "url": "",
            "section": "Case studies › Redbridge › Impact",
        },
    }
    assert body["source"]["key"] == "lga-public-health-approach-2020"


def test_detail_refuses_unknown_parameters(client):
    assert_invalid(client.get(f"{URL}{FFT}/", {"category": "health"}), "category")


# --- Refused parameters and values --------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"category": "wizardry"}, "category"),
        ({"prevention_level": "extreme"}, "prevention_level"),
        ({"age": "old"}, "age"),
        ({"age": "-1"}, "age"),
        ({"age": "100"}, "age"),
        ({"setting": "moon"}, "setting"),
        ({"provider": "acme"}, "provider"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(client, params, parameter):
    assert_invalid(client.get(URL, params), parameter)


def test_unknown_parameters_are_a_400_naming_each(client):
    response = client.get(URL, {"evidence": "established", "borough": "redbridge"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["errors"]) == {"evidence", "borough"}


# --- CSV ---------------------------------------------------------------------------------


def test_csv_is_every_intervention_with_a_header(client):
    rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == INTERVENTION_COUNT  # not one page of 50
    assert {"slug", "name", "category", "prevention_level", "providers"} <= set(rows[0])
    assert len({row["slug"] for row in rows}) == INTERVENTION_COUNT


def test_csv_honours_the_filters(client):
    rows = csv_rows(client.get(URL, {"format": "csv", "provider": "safer-london"}))
    assert {row["slug"] for row in rows} == {
        "empower",
        "london-gang-exit",
        "islington-vcs-mentoring",
    }
    rows = csv_rows(
        client.get(
            URL,
            {
                "format": "csv",
                "age": "12",
                "include_unstated_ages": "false",
                "category": "therapeutic",
            },
        )
    )
    assert [row["slug"] for row in rows] == [FFT]
    assert rows[0]["providers"] == "Family Psychology Mutual"
    assert rows[0]["settings"] == "home"


def test_csv_honours_ordering(client):
    rows = csv_rows(client.get(URL, {"format": "csv", "ordering": "-name"}))
    assert [row["slug"] for row in rows] == all_slugs(client, {"ordering": "-name"})


def test_csv_neutralises_formulas(client):
    Intervention.objects.filter(slug=FFT).update(
        name='=HYPERLINK("http://evil")', description="-2", evidence_url=""
    )
    row = csv_rows(client.get(URL, {"format": "csv", "provider": "family-psychology-mutual"}))[0]
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["description"] == "'-2"
    assert row["min_age"] == "10"


# --- Headline outcomes ---------------------------------------------------------------------


def test_each_intervention_s_outcome_carries_its_case_study_and_source(client):
    """Reported by the case studies that use it, each with the case study and the source it
    comes from, in the case studies' shape."""
    outcomes = client.get(f"{URL}streetz-outreach/").json()["headline_outcomes"]
    loftus = next(o for o in outcomes if o["metric"] == "Anti-social behaviour incidents in Loftus")
    recorded = Outcome.objects.select_related("case_study", "source").get(
        metric="Anti-social behaviour incidents in Loftus"
    )
    assert loftus["case_study"] == {
        "slug": recorded.case_study.slug,
        "title": recorded.case_study.title,
    }
    assert loftus["source"]["title"] == recorded.source.title
    assert loftus["source_section"] == recorded.source_section
    assert loftus["quote"] == recorded.quote
    assert loftus["direction"] == "decrease"
    assert {o["case_study"]["slug"] for o in outcomes} == {recorded.case_study.slug}
    # Written as the schema's serializer writes it.
    assert loftus == json.loads(json.dumps(ReportedOutcomeSerializer(recorded).data))
    # The list says the same of it.
    listed = client.get(URL, {"q": "streetz"}).json()["results"]
    assert next(i for i in listed if i["slug"] == "streetz-outreach")["headline_outcomes"] == (
        outcomes
    )


def test_an_intervention_with_no_reported_outcome_has_none_listed(client):
    assert client.get(f"{URL}{FFT}/").json()["headline_outcomes"] == []


@pytest.mark.parametrize("size", [2, 12])
def test_an_intervention_s_queries_do_not_grow(client, django_assert_num_queries, size):
    """1 intervention with its source, 1 settings, 1 providers, 1 external ratings, 1 the
    published case studies reporting results (at most five, sources joined), 1 their
    headline outcomes (sources joined)."""
    intervention = InterventionFactory()
    for case_study in CaseStudyFactory.create_batch(size, interventions=[intervention]):
        OutcomeFactory.create_batch(
            size, case_study=case_study, outcome_type=Outcome.Type.OFFENDING
        )
    with django_assert_num_queries(6):
        response = client.get(f"{URL}{intervention.slug}/")
    reported = response.json()["headline_outcomes"]
    assert len({outcome["case_study"]["slug"] for outcome in reported}) == min(size, 5)
    assert len(reported) == size * min(size, 5)
