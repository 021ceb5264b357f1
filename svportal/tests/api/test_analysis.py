"""Analyst endpoints: stock-take summary and matrix, borough summary, compare, 360Giving."""

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer

from actionplans.models import ActionItem, ActionPlan
from boroughs.models import Borough, StockTakeAnswer, StockTakeQuestion
from boroughs.tests.factories import BoroughFactory
from conftest import require_service
from core.tests.api_support import csv_rows
from funding.models import Award, FundingStream
from svportal.grants360 import grants_package

pytestmark = pytest.mark.django_db

SUMMARY = "/api/v1/stock-takes/london-councils-2018/summary/"
MATRIX = "/api/v1/stock-takes/london-councils-2018/matrix/"
BOROUGH_SUMMARY = "/api/v1/borough-summary/"
COMPARE = "/api/v1/compare/"
GRANTS = "/api/v1/awards/360giving/"


def question(summary, slug):
    return next(q for q in summary["questions"] if q["slug"] == slug)


# --- The promise: an analyst with a token gets the 2018 summary as CSV -----------


def test_an_analyst_with_a_token_downloads_the_2018_summary_with_the_published_total(client):
    call_command("grant_role", "lga-analyst", "analyst", stdout=io.StringIO())
    token = Token.objects.create(user=get_user_model().objects.get(username="lga-analyst"))
    response = client.get(SUMMARY, {"format": "csv"}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "london-councils-2018-summary.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    action_plan = [
        row
        for row in rows
        if row["question"] == "Does the borough have a specific knife crime action plan?"
        and row["answer"] == "Yes"
    ]
    assert len(action_plan) == 1
    row = action_plan[0]
    assert (row["published_count"], row["published_denominator"]) == ("22", "33")
    assert row["published_quote"] == (
        "Twenty-two boroughs said that they had a specific knife crime action plan."
    )
    assert row["denominator"] == "33"
    assert row["recorded_count"] == "1"  # only Lewisham is named in the text


# --- Stock-take summary -----------------------------------------------------------------


def test_the_summary_counts_over_the_33_london_boroughs(client):
    summary = client.get(SUMMARY).json()
    assert summary["denominator"] == 33
    assert [q["number"] for q in summary["questions"]] == [1, 2, 3, 4]
    plan = question(summary, "knife-crime-action-plan")
    assert plan["answers"] == [
        {"option": "yes", "label": "Yes", "count": 1},
        {"option": "no", "label": "No", "count": 0},
    ]
    assert plan["recorded"] == 1
    assert len(plan["boroughs_without_answer"]) == 32
    assert "lewisham" not in {b["slug"] for b in plan["boroughs_without_answer"]}
    (total,) = plan["published_totals"]
    assert (total["count"], total["denominator"], total["option"]) == (22, 33, "yes")


def test_a_total_of_several_answers_keeps_its_quote(client):
    corporate = question(client.get(SUMMARY).json(), "corporate-approach")
    (total,) = corporate["published_totals"]
    assert total["option"] is None
    assert total["count"] == 30
    assert total["quote"].startswith("All but three boroughs said that either")


def test_a_recorded_answer_changes_the_tally_not_the_published_total(client):
    plan_question = StockTakeQuestion.objects.get(slug="knife-crime-action-plan")
    StockTakeAnswer.objects.create(
        question=plan_question,
        borough=Borough.objects.get(slug="camden"),
        option=plan_question.options.get(slug="no"),
        evidence="Recorded by the lead",
    )
    plan = question(client.get(SUMMARY).json(), "knife-crime-action-plan")
    assert [a["count"] for a in plan["answers"]] == [1, 1]
    assert len(plan["boroughs_without_answer"]) == 31
    assert plan["published_totals"][0]["count"] == 22


def test_an_unknown_round_is_a_404_and_parameters_are_checked(client):
    assert client.get("/api/v1/stock-takes/no-such-round/summary/").status_code == 404
    response = client.get(SUMMARY, {"region": "london"})
    assert response.status_code == 400
    assert "region" in response.json()["errors"]


def add_answers(count):
    """Answer the action-plan question for `count` more London boroughs."""
    plan_question = StockTakeQuestion.objects.get(slug="knife-crime-action-plan")
    yes = plan_question.options.get(slug="yes")
    unanswered = Borough.objects.london().exclude(stock_take_answers__question=plan_question)
    for borough in unanswered[:count]:
        StockTakeAnswer.objects.create(question=plan_question, borough=borough, option=yes)


@pytest.mark.parametrize("extra", [1, 20])
def test_summary_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 stock-take, 1 covered boroughs, 1 questions, 1 options, 1 recorded answers
    (counted in Python), 1 published totals."""
    add_answers(extra)
    with django_assert_num_queries(6):
        client.get(SUMMARY)
    with django_assert_num_queries(6):
        b"".join(client.get(SUMMARY, {"format": "csv"}).streaming_content)


# --- Matrix -------------------------------------------------------------------------------


def test_the_matrix_has_a_row_per_borough_and_a_column_per_question(client):
    matrix = client.get(MATRIX).json()
    assert [q["slug"] for q in matrix["questions"]] == [
        "corporate-approach",
        "knife-crime-action-plan",
        "collaboration",
        "voluntary-sector-engagement",
    ]
    assert len(matrix["rows"]) == 33
    lewisham = next(row for row in matrix["rows"] if row["borough"]["slug"] == "lewisham")
    cell = next(a for a in lewisham["answers"] if a["question"] == "knife-crime-action-plan")
    assert (cell["option"], cell["label"]) == ("yes", "Yes")
    assert cell["quote"]
    barnet = next(row for row in matrix["rows"] if row["borough"]["slug"] == "barnet")
    assert all(answer["option"] is None for answer in barnet["answers"])


def test_the_matrix_as_csv(client):
    rows = csv_rows(client.get(MATRIX, {"format": "csv"}))
    assert len(rows) == 33
    assert list(rows[0]) == [
        "borough",
        "gss_code",
        "corporate-approach",
        "knife-crime-action-plan",
        "collaboration",
        "voluntary-sector-engagement",
    ]
    lewisham = next(row for row in rows if row["borough"] == "Lewisham")
    assert lewisham["knife-crime-action-plan"] == "Yes"


@pytest.mark.parametrize("extra", [1, 20])
def test_matrix_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 stock-take, 1 covered boroughs, 1 questions, 1 answers with their options."""
    add_answers(extra)
    with django_assert_num_queries(4):
        client.get(MATRIX)


# --- Borough summary ------------------------------------------------------------------------


def summary_row(rows, slug):
    return next(row for row in rows if row["borough"]["slug"] == slug)


def test_westminsters_row_in_the_borough_summary(client):
    rows = client.get(BOROUGH_SUMMARY, {"region": "london"}).json()
    assert len(rows) == 33
    westminster = summary_row(rows, "westminster")
    assert westminster["active_plan"]["slug"] == "westminster-knife-crime-action-plan-2019"
    assert westminster["items"] == {
        "not_started": 5,
        "on_track": 22,
        "at_risk": 0,
        "off_track": 0,
        "complete": 13,
        "cancelled": 0,
    }
    assert westminster["percent_complete"] == 32.5
    assert westminster["overdue_items"] == 0
    assert westminster["last_plan_update"] == "2019-05-01"


def test_the_borough_summary_counts_funding_and_practice(client):
    redbridge = summary_row(client.get(BOROUGH_SUMMARY).json(), "redbridge")
    assert redbridge["case_studies"] == 1
    # "over £700,000" from the Youth Endowment Fund and £500,000 of EIYF shared with
    # Barking and Dagenham.
    assert redbridge["awards"] == 2
    assert Decimal(redbridge["awards_total"]) == Decimal("1200000")
    assert redbridge["awards_total_is_minimum"] is True
    assert redbridge["awards_amount_not_stated"] == 0
    assert redbridge["interventions_in_use"] >= 1
    assert redbridge["active_plan"] is None
    assert redbridge["percent_complete"] is None


def test_overdue_items_and_last_update_follow_the_plan(client):
    today = timezone.localdate()
    plan = ActionPlan.objects.get(borough__slug="westminster")
    for item in plan.items.exclude(status__in=["complete", "cancelled"])[:3]:
        item.due_date = today - dt.timedelta(days=1)
        item.last_updated_at = timezone.now()
        item.save()  # as the admin or the loader would: the plan's figures follow
    westminster = summary_row(client.get(BOROUGH_SUMMARY).json(), "westminster")
    assert westminster["overdue_items"] == 3
    assert westminster["last_plan_update"] == today.isoformat()


def test_the_borough_summary_filters_by_region_and_kind(client):
    counties = client.get(BOROUGH_SUMMARY, {"kind": "county"}).json()
    assert counties
    assert all(row["borough"]["kind"] == "county" for row in counties)
    response = client.get(BOROUGH_SUMMARY, {"region": "atlantis"})
    assert response.status_code == 400
    assert "region" in response.json()["errors"]


def test_the_borough_summary_as_csv(client):
    rows = csv_rows(client.get(BOROUGH_SUMMARY, {"region": "london", "format": "csv"}))
    assert len(rows) == 33
    westminster = next(row for row in rows if row["borough"] == "Westminster")
    assert westminster["items_complete"] == "13"
    assert westminster["percent_complete"] == "32.5"
    assert westminster["active_plan"] == "Westminster Local Knife Crime Action Plan"


def add_boroughs_with_plans(count):
    plan = ActionPlan.objects.get(borough__slug="westminster")
    theme = plan.framework.themes.first()
    for _ in range(count):
        borough = BoroughFactory(region="london")
        new_plan = ActionPlan.objects.create(
            title=f"{borough.name} plan",
            slug=f"{borough.slug}-plan",
            borough=borough,
            framework=plan.framework,
            status="active",
        )
        for n in range(3):
            ActionItem.objects.create(plan=new_plan, theme=theme, slug=f"item-{n}", title="Item")


@pytest.mark.parametrize("extra", [1, 15])
def test_borough_summary_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 boroughs with their stored practice and award figures joined (casestudies and
    funding figures, boroughs.figures.figures_read), 1 active plans with their stored
    figures, overdue items among them (actionplans.figures), 1 stock-take answers on
    having a plan."""
    add_boroughs_with_plans(extra)
    with django_assert_num_queries(3):
        client.get(BOROUGH_SUMMARY, {"region": "london"})


@pytest.mark.parametrize("as_at", [None, "yesterday"])
def test_borough_summary_rows_are_what_the_schema_says(client, as_at):
    """The rows are built without DRF's serializer; they stay the serializer's, which the
    schema describes, field for field and in its order."""
    from casestudies.models import CaseStudy, Intervention
    from casestudies.tests.factories import CaseStudyFactory
    from svportal.api.serializers import BoroughSummaryAsAtSerializer, BoroughSummarySerializer
    from svportal.selectors import borough_summaries

    Intervention.objects.get(slug="empower").plan_items.add(
        ActionPlan.objects.get(borough__slug="westminster").items.first()
    )
    CaseStudyFactory(
        boroughs=[Borough.objects.get(slug="westminster")], status=CaseStudy.Status.PUBLISHED
    ).interventions.add(Intervention.objects.get(slug="empower"))
    question = StockTakeQuestion.objects.get(slug="knife-crime-action-plan")
    StockTakeAnswer.objects.create(
        question=question,
        borough=Borough.objects.get(slug="sutton"),
        option=question.options.get(slug="no"),
    )
    day = timezone.localdate() - dt.timedelta(days=1) if as_at else None
    rows = client.get(BOROUGH_SUMMARY, {"as_at": day.isoformat()} if day else {}).json()
    serializer = BoroughSummaryAsAtSerializer if as_at else BoroughSummarySerializer
    expected = json.loads(
        json.dumps(
            serializer(
                borough_summaries(Borough.objects.order_by("name"), as_at=day), many=True
            ).data
        )
    )
    assert [list(row) for row in rows] == [list(row) for row in expected]
    assert rows == expected
    assert {row["plan_state"] for row in rows} == {"active", "none", "not_recorded"}


# --- Compare --------------------------------------------------------------------------------


def test_compare_two_boroughs_side_by_side(client):
    comparison = client.get(COMPARE, {"boroughs": "westminster,lambeth"}).json()
    westminster, lambeth = comparison["boroughs"]
    assert westminster["borough"]["slug"] == "westminster"
    assert len(westminster["themes_covered"]) == 6
    assert lambeth["themes_covered"] == []
    assert set(lambeth["unique_interventions"]) == set(lambeth["interventions"])
    assert comparison["interventions_in_common"] == []


def test_interventions_in_common_and_unique(client):
    from casestudies.models import CaseStudy, Intervention

    shared = Intervention.objects.get(slug="empower")
    CaseStudy.objects.get(slug="redbridge-functional-family-therapy").interventions.add(shared)
    comparison = client.get(COMPARE, {"boroughs": "redbridge,lambeth"}).json()
    assert comparison["interventions_in_common"] == ["Empower"]
    redbridge = comparison["boroughs"][0]
    assert "Empower" not in redbridge["unique_interventions"]
    assert "Empower" in redbridge["interventions"]


@pytest.mark.parametrize(
    ("boroughs", "message"),
    [
        ("westminster", "Choose from 2 to 4 boroughs"),
        ("westminster,lambeth,redbridge,bexley,barnet", "Choose from 2 to 4 boroughs"),
        ("westminster,atlantis", "There is no borough “atlantis”."),
        ("westminster,westminster", "Name each borough once."),
        ("", "Choose from 2 to 4 boroughs"),
    ],
)
def test_compare_explains_a_bad_choice_of_boroughs(client, boroughs, message):
    response = client.get(COMPARE, {"boroughs": boroughs})
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["boroughs"])


def test_compare_as_csv_has_a_row_per_borough(client):
    rows = csv_rows(client.get(COMPARE, {"boroughs": "westminster,redbridge", "format": "csv"}))
    assert [row["borough"] for row in rows] == ["Westminster", "Redbridge"]
    assert "Governance" in rows[0]["themes_covered"]


@pytest.mark.parametrize("items", [1, 30])
def test_compare_queries_do_not_grow(client, django_assert_num_queries, items):
    """1 boroughs named; 5 borough summary (plans with their stored figures, overdue
    items among them; the areas' stored practice figures; the interventions in plans and
    case studies by name; the areas' stored award figures; stock-take answers on having a
    plan); 1 themes, 1 approaches."""
    plan = ActionPlan.objects.get(borough__slug="westminster")
    theme = plan.framework.themes.last()
    for n in range(items):
        ActionItem.objects.create(plan=plan, theme=theme, slug=f"extra-{n}", title="Extra")
    with django_assert_num_queries(8):
        client.get(COMPARE, {"boroughs": "westminster,lambeth,redbridge"})


# --- 360Giving --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def grants_validator():
    standards = Path(settings.SEED_DOCUMENTS_DIR).parent / "standards" / "360giving"
    if not standards.is_dir():
        require_service("The 360Giving schema", f"{standards} is missing")
    package = json.loads((standards / "360-giving-package-schema.json").read_text())
    grant = json.loads((standards / "360-giving-schema.json").read_text())
    registry = Registry().with_resources(
        [
            # The package refers to the grant schema by its published address.
            (grant["$id"], DRAFT202012.create_resource(grant)),
            (
                "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
                "360-giving-schema.json",
                DRAFT202012.create_resource(grant),
            ),
        ]
    )
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def test_the_360giving_package_is_valid(client, grants_validator):
    package = client.get(GRANTS).json()
    errors = sorted(grants_validator.iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert package["grants"]


def test_grants_carry_amounts_places_and_the_identifier_prefix(client, settings):
    settings.GRANTS_360_IDENTIFIER_PREFIX = "360G-testprefix"
    grants = {g["id"]: g for g in client.get(GRANTS).json()["grants"]}
    east_london = grants["360G-testprefix-eiyf-2019-barking-and-dagenham-and-redbridge"]
    assert east_london["amountAwarded"] == 500000
    assert east_london["currency"] == "GBP"
    assert east_london["awardDate"] == "2019-01-01"
    assert "Awarded in 2019; the source gives only the year." in east_london["description"]
    assert {
        (place["geoCode"], place["geoCodeType"]) for place in east_london["beneficiaryLocation"]
    } == {
        ("E09000002", "LONB"),
        ("E09000026", "LONB"),
    }
    assert east_london["grantProgramme"][0]["code"] == "early-intervention-youth-fund"
    assert east_london["fundingOrganization"][0]["name"] == "Home Office"
    cleveland = grants["360G-testprefix-eiyf-2018-cleveland-pcc"]
    assert cleveland["amountAwarded"] == 546000
    assert "The source states the amount as over £546,000." in cleveland["description"]


def test_awards_without_a_stated_amount_are_counted_not_invented(client):
    package = client.get(GRANTS).json()
    unstated = (
        Award.objects.filter(amount__isnull=True).count()
        + Award.objects.filter(amount__isnull=False, awarded_on__isnull=True).count()
    )
    assert len(package["grants"]) == Award.objects.count() - unstated
    assert f"{unstated} further awards" in package["description"]


def test_the_360giving_export_takes_the_award_filters(client):
    grants = client.get(GRANTS, {"stream": "trusted-relationships-fund"}).json()["grants"]
    assert grants
    assert {g["grantProgramme"][0]["code"] for g in grants} == {"trusted-relationships-fund"}
    assert client.get(GRANTS, {"stream": "atlantis"}).status_code == 400


def test_360giving_comes_in_pages_linked_by_next(client, grants_validator):
    whole = client.get(GRANTS).json()
    assert whole["next"] is None
    assert whole["previous"] is None
    seen, url, pages = [], f"{GRANTS}?page_size=4", 0
    while url:
        response = client.get(url)
        package = response.json()
        assert not list(grants_validator.iter_errors(package))
        assert package["description"] == whole["description"]
        assert len(package["grants"]) <= 4
        seen += [grant["id"] for grant in package["grants"]]
        url = package["next"]
        if url:
            assert response["Link"] == f'<{url}>; rel="next"'
        pages += 1
    assert pages == -(-len(whole["grants"]) // 4) > 1
    assert seen == [grant["id"] for grant in whole["grants"]]
    assert client.get(GRANTS, {"page": 999}).status_code == 404
    assert client.get(GRANTS, {"page_size": 501}).status_code == 400


def test_a_page_of_grants_reads_as_the_whole_package_writes_each_award(client):
    """A page is built from values(), not model instances: its grants are the JSON, byte
    for byte, that grant() writes of the same awards for the whole package (the export),
    month and minimum amounts, partnerships, organisations and unstated funders included."""
    stream = FundingStream.objects.get(slug="trusted-relationships-fund")
    stream.funder = None
    stream.save()
    Award.objects.filter(pk=Award.objects.filter(amount__isnull=False).first().pk).update(
        awarded_on=dt.date(2020, 3, 1), awarded_on_precision="month", ends_on=dt.date(2021, 1, 1)
    )
    awards = Award.objects.for_listing().order_by("slug")
    expected = grants_package(
        awards, prefix=settings.GRANTS_360_IDENTIFIER_PREFIX, issued=timezone.now()
    )

    page = client.get(GRANTS, {"page_size": 500}).json()

    render = JSONRenderer().render
    assert expected["grants"]
    assert render(page["grants"]) == render(expected["grants"])
    assert page["description"] == expected["description"]


@pytest.mark.parametrize("extra", [2, 25])
def test_360giving_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 count of awards that cannot be grants, 1 count of those that can, 1 page of awards
    with stream, funder and recipients, 1 recipient boroughs."""
    stream = FundingStream.objects.get(slug="trusted-relationships-fund")
    redbridge = Borough.objects.get(slug="redbridge")
    for n in range(extra):
        award = Award.objects.create(
            stream=stream,
            title=f"Grant {n}",
            slug=f"grant-{n}",
            amount=Decimal("1000"),
            awarded_on=dt.date(2019, 1, 1),
        )
        award.recipient_boroughs.add(redbridge)
    with django_assert_num_queries(4):
        client.get(GRANTS)
