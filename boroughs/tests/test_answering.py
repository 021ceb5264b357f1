"""Leads answer the current stock-take round for their own borough, with evidence."""

import datetime as dt
import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model

from boroughs.models import Borough, StockTake, StockTakeAnswer, StockTakeOption, StockTakeQuestion
from boroughs.roles import role_grant

pytestmark = pytest.mark.django_db
PAGE = "/boroughs/westminster/stock-takes/london-2026/answer/"
API = "/api/v1/stock-takes/london-2026/answers/"


@pytest.fixture
def current_round():
    """A new, open round with the 2018 round's questions."""
    previous = StockTake.objects.get(slug="london-councils-2018")
    round_ = StockTake.objects.create(
        title="London Councils stock-take 2026",
        slug="london-2026",
        publisher="London Councils",
        conducted_on=dt.date(2026, 11, 1),
        coverage_region="london",
        is_current=True,
    )
    for question in previous.questions.all():
        new = StockTakeQuestion.objects.create(
            stock_take=round_, slug=question.slug, number=question.number, text=question.text
        )
        for option in question.options.all():
            StockTakeOption.objects.create(
                question=new, slug=option.slug, label=option.label, order=option.order
            )
    return round_


def user_with(role, borough=None):
    user = get_user_model().objects.create_user(f"{role}-{borough or 'all'}")
    role_grant(user=user, role=role, borough=Borough.objects.get(slug=borough) if borough else None)
    return user


def all_answers(**overrides):
    data = {}
    for number, option in [(1, "corporate-approach"), (2, "yes"), (3, "yes"), (4, "yes")]:
        data[f"q{number}-option"] = option
        data[f"q{number}-evidence"] = f"Evidence for question {number}"
    data.update(overrides)
    return data


def test_a_lead_answers_every_question_with_evidence(client, current_round):
    lead = user_with("lead", "westminster")
    client.force_login(lead)
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, all_answers())
    assert response.status_code == HTTPStatus.FOUND
    answers = StockTakeAnswer.objects.filter(question__stock_take=current_round)
    assert answers.count() == 4
    plan_answer = answers.get(question__slug="knife-crime-action-plan")
    assert (plan_answer.borough.slug, plan_answer.option.slug) == ("westminster", "yes")
    assert plan_answer.answered_by == lead
    assert plan_answer.evidence == "Evidence for question 2"
    # The round's summary counts it.
    summary = client.get("/api/v1/stock-takes/london-2026/summary/").json()
    plan = next(q for q in summary["questions"] if q["slug"] == "knife-crime-action-plan")
    assert plan["answers"][0] == {"option": "yes", "label": "Yes", "count": 1}


def test_missing_evidence_or_answer_is_explained_and_nothing_is_saved(client, current_round):
    client.force_login(user_with("lead", "westminster"))
    response = client.post(PAGE, all_answers(**{"q2-evidence": "", "q3-option": ""}))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "Question 2: Enter the evidence for this answer" in page
    assert "Question 3: Select an answer" in page
    assert not StockTakeAnswer.objects.filter(question__stock_take=current_round).exists()


def test_an_answer_outside_the_options_is_refused(client, current_round):
    client.force_login(user_with("lead", "westminster"))
    response = client.post(PAGE, all_answers(**{"q2-option": "maybe"}))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not StockTakeAnswer.objects.filter(question__stock_take=current_round).exists()


@pytest.mark.parametrize(
    ("role", "borough", "status"),
    [
        ("lead", "lambeth", HTTPStatus.FORBIDDEN),
        ("officer", "westminster", HTTPStatus.FORBIDDEN),
        ("analyst", None, HTTPStatus.FORBIDDEN),
    ],
)
def test_only_the_boroughs_lead_may_answer(client, current_round, role, borough, status):
    client.force_login(user_with(role, borough))
    assert client.post(PAGE, all_answers()).status_code == status
    assert not StockTakeAnswer.objects.filter(question__stock_take=current_round).exists()


def test_anonymous_visitors_are_asked_to_sign_in(client, current_round):
    response = client.post(PAGE, all_answers())
    assert response["Location"].startswith("/accounts/login/")


def test_a_closed_round_takes_no_answers(client):
    client.force_login(user_with("lead", "westminster"))
    response = client.get("/boroughs/westminster/stock-takes/london-councils-2018/answer/")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_api_records_an_answer_for_the_leads_borough(client, current_round):
    client.force_login(user_with("lead", "westminster"))
    body = {
        "borough": "westminster",
        "question": "knife-crime-action-plan",
        "option": "yes",
        "evidence": "Plan refreshed May 2019",
    }
    response = client.post(API, json.dumps(body), content_type="application/json")
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["label"] == "Yes"
    assert StockTakeAnswer.objects.get(question__stock_take=current_round).evidence == (
        "Plan refreshed May 2019"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"borough": "lambeth"}, None),
        ({"option": "perhaps"}, "option"),
        ({"evidence": "   "}, "evidence"),
        ({"question": "colour"}, "question"),
        ({"borough": "atlantis"}, "borough"),
    ],
)
def test_the_api_refuses_bad_answers_and_saves_nothing(client, current_round, changes, field):
    client.force_login(user_with("lead", "westminster"))
    body = {
        "borough": "westminster",
        "question": "knife-crime-action-plan",
        "option": "yes",
        "evidence": "A plan",
        **changes,
    }
    response = client.post(API, json.dumps(body), content_type="application/json")
    if field is None:
        assert response.status_code == HTTPStatus.FORBIDDEN
    else:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert field in response.json()["errors"]
    assert not StockTakeAnswer.objects.filter(question__stock_take=current_round).exists()


def test_the_api_refuses_a_closed_round(client):
    client.force_login(user_with("lead", "westminster"))
    body = {
        "borough": "westminster",
        "question": "knife-crime-action-plan",
        "option": "yes",
        "evidence": "A plan",
    }
    response = client.post(
        "/api/v1/stock-takes/london-councils-2018/answers/",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "closed" in response.json()["errors"]["question"][0]
