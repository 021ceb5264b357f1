"""Honest figures: what the portal records is told apart from what it does not know, in
pages, the API and its spreadsheets; published totals and inferred statuses say so."""

import csv
import io
import json

import pytest

from actionplans.models import ActionItem
from actionplans.services import action_item_update
from boroughs.models import Borough, StockTakeAnswer, StockTakeQuestion
from svportal.pages import complete_display, funding_display

from .test_as_at import make_lead
from .test_pages import text_of

pytestmark = pytest.mark.django_db

SUMMARY_API = "/api/v1/borough-summary/"


def row_of(rows, slug):
    return next(row for row in rows if row["borough"]["slug"] == slug)


def test_the_summary_says_which_plans_are_recorded_and_why_counts_are_null(client):
    rows = client.get(SUMMARY_API, {"region": "london"}).json()

    westminster = row_of(rows, "westminster")
    assert westminster["plan_state"] == "active"
    assert westminster["item_count"] == 40
    assert "items" not in westminster["not_recorded"]

    lambeth = row_of(rows, "lambeth")
    assert lambeth["plan_state"] == "not_recorded"
    assert lambeth["items"] is None
    assert lambeth["item_count"] is None
    assert lambeth["overdue_items"] is None
    assert lambeth["awards_total"] is None
    assert lambeth["not_recorded"]["overdue_items"] == "no_plan"
    assert lambeth["not_recorded"]["awards_total"] == "no_award"


def test_a_total_of_awards_none_of_which_states_its_amount_is_not_recorded_not_0(client):
    rows = client.get(SUMMARY_API, {"region": "london"}).json()
    westminster = row_of(rows, "westminster")  # one award, its amount not stated
    assert westminster["awards"] == westminster["awards_amount_not_stated"] == 1
    assert westminster["awards_total"] is None
    assert westminster["not_recorded"] == {"awards_total": "no_amount"}
    redbridge = row_of(rows, "redbridge")  # amounts stated, one as a floor
    assert redbridge["awards_total"] == "1200000.00"
    assert "awards_total" not in redbridge["not_recorded"]
    response = client.get(SUMMARY_API, {"region": "london", "format": "csv"})
    text = b"".join(response.streaming_content).decode()
    row = {row["gss_code"]: row for row in csv.DictReader(io.StringIO(text))}["E09000033"]
    assert row["awards_total"] == ""
    assert row["not_recorded"].startswith("No amount is stated for the awards to this borough")
    compared = client.get("/api/v1/compare/", {"boroughs": "westminster,redbridge"}).json()
    assert compared["boroughs"][0]["awards_total"] is None
    assert "Westminster London Active 32.5% 0 0 1 Amount not stated" in text_of(
        client.get("/boroughs/", {"region": "london"})
    )


def test_the_reasons_for_null_figures_come_in_the_order_of_the_figures(client):
    body = client.get(SUMMARY_API, {"region": "london"}).content
    lambeth = row_of(json.loads(body), "lambeth")
    assert list(lambeth["not_recorded"]) == [
        "items",
        "item_count",
        "overdue_items",
        "percent_complete",
        "interventions_in_plan",
        *(["interventions_in_use"] if lambeth["interventions_in_use"] is None else []),
        "awards_total",
    ]
    # The codes are written as plain strings.
    assert b'"not_recorded":{"items":"no_plan","item_count":"no_plan"' in body.replace(b" ", b"")


def test_a_reported_plan_is_carried_with_its_quote_and_a_recorded_no_is_none(client):
    rows = client.get(SUMMARY_API, {"region": "london"}).json()
    lewisham = row_of(rows, "lewisham")
    assert lewisham["plan_state"] == "not_recorded"  # reported, but the plan is not recorded
    assert lewisham["plan_reported"]["answer"] == "yes"
    assert lewisham["plan_reported"]["quote"].startswith("Lewisham’s local knife crime plan")

    question = StockTakeQuestion.objects.get(slug="knife-crime-action-plan")
    StockTakeAnswer.objects.create(
        question=question,
        borough=Borough.objects.get(slug="sutton"),
        option=question.options.get(slug="no"),
    )
    rows = client.get(SUMMARY_API, {"region": "london"}).json()
    assert row_of(rows, "sutton")["plan_state"] == "none"
    table = text_of(client.get("/boroughs/", {"region": "london"}))
    assert "Sutton London None (stock-take, May 2018)" in table


def test_the_summary_spreadsheet_leaves_unknown_counts_empty_and_says_why(client):
    response = client.get(SUMMARY_API, {"region": "london", "format": "csv"})
    text = b"".join(response.streaming_content).decode()
    rows = {row["gss_code"]: row for row in csv.DictReader(io.StringIO(text))}

    lambeth = rows["E09000022"]
    assert lambeth["plan_state"] == "not_recorded"
    assert lambeth["items_on_track"] == ""
    assert lambeth["overdue_items"] == ""
    assert "No action plan is recorded" in lambeth["not_recorded"]
    assert rows["E09000023"]["plan_reported"] == "Yes (london-councils-2018)"
    assert rows["E09000033"]["items_complete"] != ""


def test_the_boroughs_table_says_not_recorded_never_none(client):
    response = client.get("/boroughs/", {"region": "london"})
    summaries = {summary.borough.slug: summary for summary in response.context["summaries"]}
    page = text_of(response)

    assert "Lambeth London Not recorded" in page
    assert "Lewisham London Not recorded Reported “yes” in the May 2018 stock-take" in page
    assert complete_display(summaries["lambeth"]) == "Not recorded"
    assert funding_display(summaries["lambeth"]) == "Not recorded"
    assert " None " not in page


def test_a_figure_not_known_is_a_dash_to_see_and_not_recorded_to_hear(client, settings):
    """Each unknown figure of the boroughs table is one cell: the words a screen reader
    says, hidden as GOV.UK hides them, and a dash the stylesheet draws and does not say."""
    html = client.get("/boroughs/", {"region": "london"}).content.decode()
    table = html[html.index('id="boroughs-table"') :]
    start = table.index('href="/boroughs/lambeth/"')
    lambeth = table[start : table.index("</tr>", start)]
    not_known = '<td class="portal-dash"><span>Not recorded</span></td>'
    assert lambeth.count(not_known) == 3  # complete, overdue items, funding
    assert "–" not in lambeth  # the dash is drawn, not written

    stylesheet = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    drawn = stylesheet[stylesheet.index(".portal-dash::before {") :]
    assert 'content: "\\2013" / "";' in drawn[: drawn.index("}")]  # an en dash, not spoken
    hidden = stylesheet[stylesheet.index(".portal-dash > span {") :]
    assert "clip-path: inset(50%) !important;" in hidden[: hidden.index("}")]


def test_the_home_page_gives_the_portals_figure_and_the_stock_takes(client):
    page = text_of(client.get("/"))

    assert "Boroughs whose active knife crime action plan is recorded in the portal 1" in page
    assert "22 of 33 London boroughs reported a knife crime action plan in June 2018" in page
    assert "“Twenty-two boroughs said that they had a specific knife crime action plan.”" in page


def test_a_quantity_without_a_number_is_published_as_such(client):
    body = client.get("/api/v1/stock-takes/london-councils-2018/summary/").json()
    question = next(q for q in body["questions"] if q["slug"] == "voluntary-sector-engagement")

    [total] = question["published_totals"]
    assert total["count"] is None
    assert total["quantity"] == "Nearly all"
    profile = text_of(client.get("/boroughs/croydon/"))
    assert "The source published, for all the boroughs it covers: Nearly all of 33" in profile


def test_statuses_inferred_from_the_narrative_say_so_with_their_sentence(client):
    item = ActionItem.objects.get(slug="wkcap-robbery-squad")
    assert item.status_inferred_from == (
        "Whilst still early days, notable successes are already being achieved by this new "
        "approach."
    )

    plan = client.get("/boroughs/westminster/action-plan/").content.decode()
    assert plan.count("Inferred<span") == 40
    page = text_of(client.get(f"/action-items/{item.pk}/"))
    assert "This status is inferred: the source does not state it." in page
    assert "notable successes are already being achieved" in page
    body = client.get(f"/api/v1/action-items/{item.pk}/").json()
    assert body["status_inferred_from"] == item.status_inferred_from


def test_a_status_the_lead_changes_is_no_longer_inferred():
    item = ActionItem.objects.get(slug="wkcap-robbery-squad")
    lead = make_lead("westminster-lead", "westminster")
    saved = action_item_update(
        item=item,
        acting_user=lead,
        expected_version=item.version,
        changes={"status": "complete", "progress": 100},
    )
    assert saved.status_inferred_from == ""
    untouched = ActionItem.objects.get(slug="wkcap-open-drug-markets")
    assert untouched.status_inferred_from


@pytest.mark.parametrize("path", ["/", "/funding/"])
def test_an_empty_ending_soon_panel_says_so_and_shows_the_latest_awards(client, path):
    html = client.get(path).content.decode()

    assert 'id="nothing-ending-soon"' in html
    assert 'id="latest-awards">The latest awards recorded</h3>' in html
    latest = html.split('id="latest-awards"', 1)[1].split("</table>", 1)[0]
    assert latest.count('<tr class="govuk-table__row">') == 6  # a header and five awards


def test_interventions_in_use_are_not_recorded_where_no_plan_and_no_case_study_is(client):
    profile = text_of(client.get("/boroughs/barnet/"))
    assert "Interventions in use Not recorded no plan recorded, 0 in case studies" in profile
    assert "Interventions in use 0" not in profile
    westminster = text_of(client.get("/boroughs/westminster/"))
    assert "Interventions in use 11 11 in its plan" in westminster


def test_compare_says_not_recorded_for_what_a_borough_without_a_plan_cannot_show(client):
    page = text_of(client.get("/compare/", {"boroughs": "westminster,ipswich"}))
    assert "Not recorded: no plan recorded and no published case study" in page
    assert "Not recorded: no published case study" in page
    assert "Only Ipswich Not known: no plan recorded and no published case study" in page
    assert " None " not in page.replace("Only Westminster None", "")


def test_the_api_gives_no_count_of_interventions_in_use_where_none_can_be_known(client):
    rows = client.get(SUMMARY_API, {"region": "london"}).json()
    barnet = row_of(rows, "barnet")
    assert barnet["interventions_in_use"] is None
    assert barnet["not_recorded"]["interventions_in_use"] == "no_interventions"
    assert row_of(rows, "westminster")["interventions_in_use"] == 11
    response = client.get(SUMMARY_API, {"region": "london", "format": "csv"})
    text = b"".join(response.streaming_content).decode()
    rows = {row["gss_code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["E09000003"]["interventions_in_use"] == ""


def test_each_reason_the_summary_gives_as_a_code_is_explained_in_the_api_schema(client):
    rows = client.get(SUMMARY_API).json()
    codes = {code for row in rows for code in row["not_recorded"].values()}
    assert codes == {"no_plan", "no_interventions", "no_award", "no_amount"}
    schema = client.get("/api/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["BoroughSummaryAsAt"]["properties"]["not_recorded"]
    assert set(field["additionalProperties"]["enum"]) == codes
    assert "no_plan: No action plan is recorded for this borough" in field["description"]
    assert "no_award: No award to this borough is recorded" in field["description"]
