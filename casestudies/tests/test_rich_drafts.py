"""Drafts as rich as the published case studies: outcomes (a formset), interventions
(picked or proposed), the awards that funded the work, ages, settings, contact, and the
evaluation in the evidence fields — on the page, with GOV.UK errors linking to each
field, and through the API."""

import json
import re
from decimal import Decimal
from html import unescape
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boroughs.models import Borough
from boroughs.roles import role_grant
from casestudies.models import CaseStudy, Intervention
from funding.models import Award

pytestmark = pytest.mark.django_db


def signed_in(name, role, borough=None):
    user = get_user_model().objects.create_user(name)
    role_grant(user=user, role=role, borough=Borough.objects.get(slug=borough) if borough else None)
    client = Client()
    client.force_login(user)
    return client


def redbridge_award():
    return Award.objects.filter(recipient_boroughs__slug="redbridge").order_by("pk").first()


def outcome_rows(*rows, extra=1):
    data = {
        "outcomes-TOTAL_FORMS": str(len(rows) + extra),
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "30",
    }
    for n, row in enumerate([*rows, *([{}] * extra)]):
        for name in ("metric", "outcome_type", "direction", "value", "unit", "period", "quote"):
            data[f"outcomes-{n}-{name}"] = row.get(name, "none" if name == "direction" else "")
    return data


def rich(**changes):
    data = {
        "title": "Redbridge family therapy",
        "summary": "Functional Family Therapy for young people at risk.",
        "boroughs": [Borough.objects.get(slug="redbridge").pk],
        "year": "2020",
        "challenge": "Young people drawn into gangs.",
        "solution": "FFT with the whole family.",
        "impact": "Fewer arrests.",
        "interventions": [Intervention.objects.order_by("name").first().pk],
        "proposed_interventions": "Parent peer mentors: parents who have been there.",
        "awards": [redbridge_award().pk],
        "evaluation_status": "completed",
        "evaluated_by": "independent",
        "evaluation_design": "before_after",
        "evidence_quote": "Arrests fell by 30 per cent in the year after therapy.",
        "cost_per_participant": "1850",
        "cost_quote": "Each family's therapy costs £1,850.",
        "cost_benefit_ratio": "",
        "cost_benefit_quote": "",
        "min_age": "10",
        "max_age": "17",
        "contact_name": "Sam Officer",
        "contact_email": "sam@redbridge.gov.uk",
        **outcome_rows(
            {
                "metric": "Arrests of young people in the programme",
                "outcome_type": "offending",
                "direction": "decrease",
                "value": "30",
                "unit": "percent",
                "period": "the year after therapy",
                "quote": "Arrests fell by 30 per cent.",
            },
            {"metric": "Families completing therapy", "value": "42", "unit": "count"},
        ),
    }
    data.update(changes)
    return data


def error_links(response):
    html = response.content.decode()
    summary = html[
        html.index("govuk-error-summary__list") : html.index(
            "</ul>", html.index("govuk-error-summary__list")
        )
    ]
    return [
        (link, unescape(text))
        for link, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    ]


def test_an_officer_drafts_a_case_study_as_rich_as_a_published_one():
    officer = signed_in("rb-officer", "officer", "redbridge")
    page = officer.get("/case-studies/new/").content.decode()
    for field in (
        "outcomes-0-metric",
        "interventions",
        "awards",
        "evaluation_status",
        "evidence_quote",
    ):
        assert f'name="{field}"' in page, field
    response = officer.post("/case-studies/new/", rich())
    assert response.status_code == HTTPStatus.FOUND, error_links(response)
    case_study = CaseStudy.objects.get(title="Redbridge family therapy")
    outcomes = list(case_study.outcomes.order_by("order"))
    assert [(o.metric, o.direction, o.value, o.unit, o.period) for o in outcomes] == [
        (
            "Arrests of young people in the programme",
            "decrease",
            Decimal("30"),
            "percent",
            "the year after therapy",
        ),
        ("Families completing therapy", "none", Decimal("42"), "count", ""),
    ]
    assert [o.outcome_type for o in outcomes] == ["offending", ""]
    assert (case_study.cost_per_participant, case_study.cost_benefit_ratio) == (
        Decimal("1850"),
        None,
    )
    assert list(case_study.awards.all()) == [redbridge_award()]
    assert case_study.interventions.count() == 1
    assert case_study.proposed_interventions.startswith("Parent peer mentors")
    assert (
        case_study.evaluation_status,
        case_study.evaluated_by,
        case_study.evaluation_design,
    ) == (
        "completed",
        "independent",
        "before_after",
    )
    preview = unescape(officer.get(response["Location"]).content.decode())
    assert (
        "Arrests of young people in the programme: 30% (decrease), the year after therapy"
        in preview
    )
    assert "Not yet in the list: Parent peer mentors" in preview
    assert "Evaluation completed or results reported, independent, before and after" in preview
    assert "£1850.00 per participant – “Each family's therapy costs £1,850.”" in preview


def test_the_outcomes_are_changed_and_removed_on_the_edit_page():
    officer = signed_in("rb-officer", "officer", "redbridge")
    officer.post("/case-studies/new/", rich())
    case_study = CaseStudy.objects.get(title="Redbridge family therapy")
    edit = officer.get(f"/case-studies/{case_study.slug}/edit/").content.decode()
    assert 'value="Families completing therapy"' in edit
    data = rich(version=str(case_study.version))
    data.update(
        outcome_rows({"metric": "Families completing therapy", "value": "45", "unit": "count"})
    )
    response = officer.post(f"/case-studies/{case_study.slug}/edit/", data)
    assert response.status_code == HTTPStatus.FOUND
    assert [(o.metric, o.value) for o in case_study.outcomes.all()] == [
        ("Families completing therapy", Decimal("45"))
    ]


def test_mistakes_are_gov_uk_errors_linking_to_each_field_and_nothing_is_saved():
    officer = signed_in("rb-officer", "officer", "redbridge")
    before = CaseStudy.objects.count()
    data = rich(evidence_quote="", evaluated_by="academic", cost_quote="", cost_benefit_ratio="x")
    data.update(outcome_rows({"metric": "Arrests", "value": "lots"}, {"quote": "It went well."}))
    response = officer.post("/case-studies/new/", data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_links(response) == [
        ("id_evidence_quote", "Quote what the evaluation found, or the sentence that reports it"),
        ("id_cost_quote", "Say where the cost comes from: quote the sentence"),
        ("id_cost_benefit_ratio", "The return must be a number, like 5.48"),
        ("id_outcomes-0-value", "The value must be a number, like 41 or 12.5"),
        ("id_outcomes-0-unit", "Choose the unit of the value"),
        ("id_outcomes-1-metric", "Enter what was measured"),
        ("id_outcomes-1-value", "Enter the value measured, as a number"),
        ("id_outcomes-1-unit", "Choose the unit of the value"),
    ]
    html = response.content.decode()
    for anchor, _ in error_links(response):
        assert f'id="{anchor}"' in html, anchor
    assert response.content.decode().count("govuk-error-message") >= 6
    assert CaseStudy.objects.count() == before

    response = officer.post(
        "/case-studies/new/",
        rich(evaluation_status="none", evaluated_by="academic", evidence_quote=""),
    )
    assert error_links(response) == [
        ("id_evaluated_by", "No evaluation is reported: leave who evaluated it as not stated"),
        ("id_evaluation_design", "No evaluation is reported: leave how as not stated"),
    ]


def test_an_officer_links_only_their_boroughs_awards():
    officer = signed_in("wm-officer", "officer", "westminster")
    page = officer.get("/case-studies/new/").content.decode()
    assert f'name="awards" type="checkbox" value="{redbridge_award().pk}"' not in page
    data = rich(boroughs=[Borough.objects.get(slug="westminster").pk])
    response = officer.post("/case-studies/new/", data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert ("id_awards", "Tick only funding awards in the list") in error_links(response)


# --- The API --------------------------------------------------------------------------------


def api(client, method, url, body, **headers):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def api_body(**changes):
    return {
        "title": "Redbridge family therapy",
        "summary": "FFT.",
        "boroughs": ["redbridge"],
        "challenge": "Gangs.",
        "interventions": [Intervention.objects.order_by("name").first().slug],
        "awards": [redbridge_award().slug],
        "outcomes": [
            {
                "metric": "Arrests",
                "direction": "decrease",
                "value": "30",
                "unit": "percent",
                "period": "a year",
            }
        ],
        "evaluation_status": "completed",
        "evaluation_design": "before_after",
        "evidence_quote": "Arrests fell by 30 per cent.",
        "proposed_interventions": "Parent peer mentors.",
        "cost_benefit_ratio": "5.48",
        "cost_benefit_quote": "£5.48 saved for every £1 spent.",
        **changes,
    }


def test_the_same_fields_through_the_api():
    officer = signed_in("rb-officer", "officer", "redbridge")
    response = api(officer, "post", "/api/v1/case-studies/", api_body())
    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    assert [(o["metric"], o["value"], o["direction"]) for o in body["outcomes"]] == [
        ("Arrests", "30.00", "decrease")
    ]
    assert [a["slug"] for a in body["awards"]] == [redbridge_award().slug]
    assert body["proposed_interventions"] == "Parent peer mentors."
    assert body["evidence"]["level"] == 2

    url = f"/api/v1/case-studies/{body['slug']}/"
    response = api(
        officer,
        "patch",
        url,
        {"outcomes": [{"metric": "Families", "value": "42", "unit": "count"}]},
        HTTP_IF_MATCH=response["ETag"],
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert [o["metric"] for o in response.json()["outcomes"]] == ["Families"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcomes": [{"metric": "Arrests", "value": "30"}]}, "outcomes"),
        ({"outcomes": [{"metric": "Arrests", "value": "many", "unit": "count"}]}, "outcomes"),
        ({"awards": ["no-such-award"]}, "awards"),
        ({"cost_per_participant": "900"}, "cost_quote"),
        ({"cost_per_participant": "-1", "cost_quote": "q"}, "cost_per_participant"),
        ({"interventions": ["no-such-programme"]}, "interventions"),
        ({"evaluation_status": "completed", "evidence_quote": ""}, "evidence_quote"),
        (
            {"evaluation_status": "none", "evaluation_design": "randomised", "evidence_quote": ""},
            "evaluation_design",
        ),
    ],
)
def test_bad_rich_fields_through_the_api_are_400_naming_the_field(changes, field):
    officer = signed_in("rb-officer", "officer", "redbridge")
    before = CaseStudy.objects.count()
    response = api(officer, "post", "/api/v1/case-studies/", api_body(**changes))
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    # Errors in a nested field are named by their path, such as "outcomes.0.unit".
    assert field in {name.split(".")[0] for name in response.json()["errors"]}
    assert CaseStudy.objects.count() == before
