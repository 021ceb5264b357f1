"""as_at on the borough summary and compare, API and pages: plans and items as they stood
at the end of a day, rebuilt from the history (docs/decisions/0010)."""

import datetime as dt
import html as markup
import re
from contextlib import contextmanager
from http import HTTPStatus
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplans.dated_figures import dated_figures_at
from actionplans.models import ActionItem, ActionPlan, Framework
from actionplans.services import (
    action_item_create,
    action_item_update,
    action_plan_create,
    action_plan_update,
)
from actionplans.tests.factories import ActionItemFactory, ActionPlanFactory
from boroughs.models import Borough
from boroughs.roles import role_grant
from boroughs.tests.factories import BoroughFactory
from casestudies.tests.factories import CaseStudyFactory
from core.tests.api_support import assert_invalid, csv_rows

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SUMMARY_API = "/api/v1/borough-summary/"
COMPARE_API = "/api/v1/compare/"
BOROUGHS = "/boroughs/"
COMPARE = "/compare/"
SLUG = "westminster-knife-crime-action-plan-2019"
NO_RECORD = "The portal has no record of Westminster's plan before 10 September 2019"
AS_LOADED = {
    "not_started": 5,
    "on_track": 22,
    "at_risk": 0,
    "off_track": 0,
    "complete": 13,
    "cancelled": 0,
}


@contextmanager
def on(year, month, day, hour=12):
    moment = dt.datetime(year, month, day, hour, tzinfo=LONDON)
    with mock.patch.object(timezone, "now", return_value=moment):
        yield moment


def long(day):
    return f"{day.day} {day:%B %Y}"


def text_of(response):
    html = response.content.decode()
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def row_of(rows, slug):
    return next(row for row in rows if row["borough"]["slug"] == slug)


def table_row(response, slug):
    html = response.content.decode().split('id="boroughs-table"', 1)[1]
    return html.split(f'href="/boroughs/{slug}/"', 1)[1].split("</tr>", 1)[0]


def make_lead(username, slug):
    user = get_user_model().objects.create_user(username)
    role_grant(user=user, role="lead", borough=Borough.objects.get(slug=slug))
    return user


def change(user, slug, note="", **changes):
    item = ActionItem.objects.get(plan__slug=SLUG, slug=slug)
    return action_item_update(
        item=item, acting_user=user, expected_version=item.version, changes=changes, note=note
    )


@pytest.fixture
def lead():
    return make_lead("westminster-lead", "westminster")


@pytest.fixture
def completed_today(lead):
    """Today the lead completes an item that was on track; returns (yesterday, today)."""
    updated = change(lead, "wkcap-mash", status="complete")
    today = timezone.localdate(updated.last_updated_at)
    return today - dt.timedelta(days=1), today


@pytest.fixture
def lambeth_plan_in_2020():
    """Lambeth's lead drafts a plan in January 2020, adds an item in February and makes
    the plan active in May."""
    lambeth_lead = make_lead("lambeth-lead", "lambeth")
    framework = Framework.objects.get(slug="mopac-knife-crime-strategy-2017")
    with on(2020, 1, 10):
        plan = action_plan_create(
            acting_user=lambeth_lead,
            borough=Borough.objects.get(slug="lambeth"),
            framework=framework,
            title="Lambeth knife crime plan",
            status="draft",
        )
    with on(2020, 2, 1):
        action_item_create(
            plan=plan,
            acting_user=lambeth_lead,
            fields={"title": "Youth hubs", "theme": framework.themes.get(slug="governance")},
        )
    with on(2020, 5, 1):
        action_plan_update(
            plan=plan,
            acting_user=lambeth_lead,
            expected_version=plan.version,
            changes={"status": "active"},
        )
    return plan


# --- Borough summary API -----------------------------------------------------------------------


def test_the_summary_as_at_yesterday_has_the_old_status(client, completed_today):
    yesterday, today = completed_today
    before = row_of(client.get(SUMMARY_API, {"as_at": yesterday.isoformat()}).json(), "westminster")
    assert before["items"] == AS_LOADED
    assert before["percent_complete"] == 32.5
    assert before["item_count"] == 40
    assert before["as_at"] == yesterday.isoformat()
    assert before["last_plan_update"] == "2019-05-01"
    assert before["active_plan"]["slug"] == SLUG

    after = row_of(client.get(SUMMARY_API, {"as_at": today.isoformat()}).json(), "westminster")
    assert after["items"] == {**AS_LOADED, "on_track": 21, "complete": 14}
    assert after["percent_complete"] == 35.0
    assert after["last_plan_update"] == today.isoformat()

    live = row_of(client.get(SUMMARY_API).json(), "westminster")
    assert "as_at" not in live
    assert {**after, "as_at": None} == {**live, "as_at": None}


def test_the_summary_counts_only_items_that_existed(client, lead):
    plan = ActionPlan.objects.get(slug=SLUG)
    added = action_item_create(
        plan=plan,
        acting_user=lead,
        fields={"title": "Knife amnesty bins", "theme": plan.framework.themes.first()},
    )
    today = timezone.localdate(added.last_updated_at)
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert (
        row_of(client.get(SUMMARY_API, {"as_at": yesterday}).json(), "westminster")["item_count"]
        == 40
    )
    assert (
        row_of(client.get(SUMMARY_API, {"as_at": today.isoformat()}).json(), "westminster")[
            "item_count"
        ]
        == 41
    )


def test_overdue_is_counted_on_the_day(client, lead):
    with on(2020, 3, 1):
        change(lead, "wkcap-mash", due_date=dt.date(2020, 6, 30))
    with on(2020, 9, 1):
        change(lead, "wkcap-mash", status="complete")

    def overdue(day):
        rows = client.get(SUMMARY_API, {"as_at": day, "region": "london"}).json()
        return row_of(rows, "westminster")["overdue_items"]

    assert overdue("2020-06-30") == 0
    assert overdue("2020-07-01") == 1
    assert overdue("2020-09-01") == 0


def test_only_a_plan_active_on_the_day_counts(client, lambeth_plan_in_2020):
    def lambeth(day):
        return row_of(client.get(SUMMARY_API, {"as_at": day}).json(), "lambeth")

    assert lambeth("2020-04-30")["active_plan"] is None
    assert lambeth("2020-04-30")["plan_state"] == "not_recorded"
    assert lambeth("2020-04-30")["item_count"] is None
    assert lambeth("2020-05-01")["active_plan"]["slug"] == lambeth_plan_in_2020.slug
    assert lambeth("2020-05-01")["items"]["not_started"] == 1
    # Before Lambeth's record begins, but after Westminster's: no error, and no Lambeth plan.
    rows = client.get(SUMMARY_API, {"as_at": "2019-12-01"}).json()
    assert row_of(rows, "lambeth")["active_plan"] is None
    assert row_of(rows, "westminster")["active_plan"]["slug"] == SLUG


def test_the_summary_refuses_a_day_before_the_record_begins(client):
    assert client.get(SUMMARY_API, {"as_at": "2019-09-10"}).status_code == HTTPStatus.OK
    messages = assert_invalid(client.get(SUMMARY_API, {"as_at": "2019-09-09"}), "as_at")
    assert messages == [f"{NO_RECORD}."]


def test_boroughs_with_no_plan_have_no_record_to_refuse(client):
    rows = client.get(SUMMARY_API, {"kind": "county", "as_at": "2000-01-01"}).json()
    assert rows
    assert all(row["active_plan"] is None for row in rows)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2020-13-01", "Enter a real date as YYYY-MM-DD, for example 2020-06-01."),
        ("yesterday", "Enter a real date as YYYY-MM-DD, for example 2020-06-01."),
        ("tomorrow", "Enter a real date as YYYY-MM-DD, for example 2020-06-01."),
        ("FUTURE", "Choose a date today or earlier."),
    ],
)
def test_bad_days_are_a_400_naming_as_at(client, raw, message):
    if raw == "FUTURE":
        raw = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert assert_invalid(client.get(SUMMARY_API, {"as_at": raw}), "as_at") == [message]
    params = {"boroughs": "westminster,lambeth", "as_at": raw}
    assert assert_invalid(client.get(COMPARE_API, params), "as_at") == [message]


def test_the_summary_as_at_as_csv(client, completed_today):
    yesterday, _ = completed_today
    rows = csv_rows(
        client.get(SUMMARY_API, {"region": "london", "as_at": yesterday, "format": "csv"})
    )
    westminster = next(row for row in rows if row["borough"] == "Westminster")
    assert westminster["items_complete"] == "13"
    assert westminster["percent_complete"] == "32.5"
    assert westminster["as_at"] == yesterday.isoformat()
    live = csv_rows(client.get(SUMMARY_API, {"region": "london", "format": "csv"}))
    assert "as_at" not in live[0]


# --- Compare API -------------------------------------------------------------------------------


def test_compare_as_at_a_day(client, completed_today, lambeth_plan_in_2020):
    yesterday, today = completed_today
    params = {"boroughs": "westminster,lambeth"}
    body = client.get(COMPARE_API, {**params, "as_at": "2020-03-01"}).json()
    assert body["as_at"] == "2020-03-01"
    westminster, lambeth = body["boroughs"]
    assert westminster["items"] == AS_LOADED
    assert len(westminster["themes_covered"]) == 6
    assert lambeth["active_plan"] is None  # still a draft
    assert lambeth["themes_covered"] == []

    body = client.get(COMPARE_API, {**params, "as_at": yesterday.isoformat()}).json()
    westminster, lambeth = body["boroughs"]
    assert westminster["percent_complete"] == 32.5
    assert lambeth["active_plan"]["title"] == "Lambeth knife crime plan"
    assert lambeth["themes_covered"] == ["Governance"]

    body = client.get(COMPARE_API, {**params, "as_at": today.isoformat()}).json()
    assert body["boroughs"][0]["percent_complete"] == 35.0
    live = client.get(COMPARE_API, params).json()
    assert live["as_at"] is None
    assert {**body, "as_at": None} == live


def test_compare_refuses_a_day_before_the_record_of_the_plans_compared(client):
    params = {"boroughs": "westminster,lambeth", "as_at": "2019-01-01"}
    assert assert_invalid(client.get(COMPARE_API, params), "as_at") == [f"{NO_RECORD}."]
    # Two boroughs without a plan in the portal: nothing to refuse, and no plans.
    body = client.get(COMPARE_API, {"boroughs": "lambeth,redbridge", "as_at": "2019-01-01"})
    assert body.status_code == HTTPStatus.OK
    assert [row["active_plan"] for row in body.json()["boroughs"]] == [None, None]


def test_compare_as_csv_carries_the_day(client):
    rows = csv_rows(
        client.get(
            COMPARE_API,
            {"boroughs": "westminster,redbridge", "as_at": "2020-06-01", "format": "csv"},
        )
    )
    assert [row["as_at"] for row in rows] == ["2020-06-01", "2020-06-01"]


# --- Boroughs table page -----------------------------------------------------------------------


def test_the_table_as_at_yesterday_shows_the_old_figures(client, completed_today):
    yesterday, today = completed_today
    response = client.get(BOROUGHS, {"as_at": yesterday.isoformat()})
    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    assert (
        f"You are looking at the boroughs' action plans as they stood on {long(yesterday)}" in page
    )
    assert "case studies, awards and funding are as they are today" in page
    assert "32.5%" in table_row(response, "westminster")
    assert "35%" in table_row(client.get(BOROUGHS, {"as_at": today.isoformat()}), "westminster")
    live = client.get(BOROUGHS)
    assert "35%" in table_row(live, "westminster")
    assert "You are looking at" not in text_of(live)


def test_the_table_keeps_the_day_in_its_links(client):
    response = client.get(
        BOROUGHS, {"region": "london", "sort": "-complete", "as_at": "2020-06-01"}
    )
    html = response.content.decode()
    assert 'href="?region=london&amp;sort=complete&amp;as_at=2020-06-01"' in html
    assert (
        'href="/api/v1/borough-summary/?region=london&amp;as_at=2020-06-01&amp;format=csv"' in html
    )
    assert (
        'href="/boroughs/?region=london&amp;sort=-complete">View the table as it is today' in html
    )
    assert '<input type="hidden" name="as_at" value="2020-06-01">' in html


def test_the_tables_date_boxes_lead_to_the_link_to_share(client):
    response = client.get(
        BOROUGHS,
        {
            "region": "london",
            "sort": "-complete",
            "as_at_day": "1",
            "as_at_month": "6",
            "as_at_year": "2020",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/boroughs/?region=london&sort=-complete&as_at=2020-06-01"


@pytest.mark.parametrize(
    ("params", "anchor", "message"),
    [
        ({"as_at": "2019-09-09"}, "as_at_day", NO_RECORD),
        ({"as_at": "2020-13-01"}, "as_at_day", "The date must be a real date"),
        ({"as_at": "yesterday"}, "as_at_day", "The date must be a real date"),
        ({"as_at": "FUTURE"}, "as_at_day", "Choose a date today or earlier"),
        ({"as_at_day": "1", "as_at_month": "6"}, "as_at_year", "The date must include a year"),
    ],
)
def test_the_table_explains_a_day_it_cannot_show(client, params, anchor, message):
    if params.get("as_at") == "FUTURE":
        params = {"as_at": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}
    response = client.get(BOROUGHS, params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "<title>Error: Boroughs – SV Portal</title>" in html
    assert f'<a href="#{anchor}">{markup.escape(message)}</a>' in html
    assert "You are looking at" not in html
    assert "32.5%" in table_row(response, "westminster")  # the table as it stands


# --- Compare page ------------------------------------------------------------------------------


def test_the_compare_page_as_at_a_day(client, completed_today):
    yesterday, _ = completed_today
    day = yesterday.isoformat()
    response = client.get(COMPARE, {"boroughs": "westminster,lambeth", "as_at": day})
    assert response.status_code == HTTPStatus.OK
    page = text_of(response)
    html = response.content.decode()
    assert (
        f"You are looking at these boroughs' action plans as they stood on {long(yesterday)}"
        in page
    )
    assert "32.5%" in page
    assert f'href="/boroughs/westminster/action-plan/?as_at={day}"' in html
    assert f'href="/compare/?boroughs=westminster,lambeth&amp;as_at={day}"' in html
    assert (
        f'href="/api/v1/compare/?boroughs=westminster,lambeth&amp;as_at={day}&amp;format=csv"'
        in (html)
    )
    assert (
        'href="/compare/?boroughs=westminster,lambeth">View the comparison as it is today' in html
    )
    assert "35%" in text_of(client.get(COMPARE, {"boroughs": "westminster,lambeth"}))


def test_the_compare_form_sends_the_day_to_the_link_to_share(client):
    response = client.get(
        COMPARE + "?boroughs=westminster&boroughs=lambeth&boroughs=&boroughs="
        "&as_at_day=1&as_at_month=6&as_at_year=2020"
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/compare/?boroughs=westminster,lambeth&as_at=2020-06-01"


@pytest.mark.parametrize(
    ("as_at", "message"),
    [
        ("2019-01-01", NO_RECORD),
        ("2020-13-01", "The date must be a real date"),
        ("FUTURE", "Choose a date today or earlier"),
    ],
)
def test_the_compare_page_explains_a_day_it_cannot_show(client, as_at, message):
    if as_at == "FUTURE":
        as_at = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.get(COMPARE, {"boroughs": "westminster,lambeth", "as_at": as_at})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert f'<a href="#as_at_day">{markup.escape(message)}</a>' in html
    assert 'id="comparison-table"' not in html


# --- Queries do not grow -----------------------------------------------------------------------


def add_boroughs_with_plans_and_history(count):
    """Boroughs with a plan of three items, each changed once by an editor."""
    editor = get_user_model().objects.create_user(f"editor-{count}")
    role_grant(user=editor, role="editor")
    for _ in range(count):
        place = BoroughFactory(region="london")
        plan = ActionPlanFactory(borough=place)
        for created in ActionItemFactory.create_batch(3, plan=plan):
            action_item_update(
                item=created,
                acting_user=editor,
                expected_version=created.version,
                changes={"status": "complete"},
            )
        CaseStudyFactory(boroughs=[place])


@pytest.mark.parametrize("extra", [1, 12])
def test_summary_api_as_at_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 boroughs with their case studies' and awards' figures as stored for each; 1 plans
    with their items' figures then (one stored row per plan), 1 plan changes; 1 the
    plans' links then, 1 which of the interventions delivered then the case studies
    describe; 1 stock-take answers on having a plan."""
    add_boroughs_with_plans_and_history(extra)
    today = timezone.localdate().isoformat()
    params = {"region": "london", "as_at": today}
    client.get(SUMMARY_API, params)  # works out the timelines of the plans written
    with django_assert_num_queries(6):
        rows = client.get(SUMMARY_API, params).json()
    assert sum(row["items"]["complete"] for row in rows if row["items"]) == 13 + 3 * extra


@pytest.mark.parametrize("extra", [1, 12])
def test_summary_api_as_at_after_writes_queries_do_not_grow(
    client, django_assert_num_queries, extra
):
    """The first read after plans were written works their timelines out again: the six
    queries of any read, and 1 first rows, 1 items, 1 their history, 1 rows stored, 1
    rows new or changed (none gone) for every twenty plans written."""
    add_boroughs_with_plans_and_history(extra)
    today = timezone.localdate().isoformat()
    with django_assert_num_queries(11):
        rows = client.get(SUMMARY_API, {"region": "london", "as_at": today}).json()
    assert sum(row["items"]["complete"] for row in rows if row["items"]) == 13 + 3 * extra


@pytest.mark.parametrize("extra", [1, 12])
def test_boroughs_table_as_at_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 boroughs with their case studies' and awards' figures as stored for each; 1 plans
    with their items' figures then (one stored row per plan), 1 plan changes; 1 the
    plans' links then, 1 which of the interventions delivered then the case studies
    describe; 1 stock-take answers on having a plan. 2 for the map of plans as they
    stand: the boundary source and the active plans (its areas and their stock-take
    answers are the table's)."""
    add_boroughs_with_plans_and_history(extra)
    today = timezone.localdate().isoformat()
    params = {"region": "london", "sort": "-complete", "as_at": today}
    client.get(BOROUGHS, params)  # works out the timelines of the plans written
    with django_assert_num_queries(8):
        response = client.get(BOROUGHS, params)
    assert len(response.context["rows"]) == 33 + extra


@pytest.mark.parametrize("items", [1, 30])
def test_compare_as_at_queries_do_not_grow(client, lead, django_assert_num_queries, items):
    """API and page alike: 1 boroughs; 1 plans, 1 plan changes, 1 items, 1 item updates,
    1 themes; 1 case studies, 1 awards, 1 interventions in use (from plans and case
    studies), 1 the plans' links then; 1 approaches (themes covered come from the items);
    1 stock-take answers on having a plan."""
    plan = ActionPlan.objects.get(slug=SLUG)
    for n in range(items):
        action_item_create(
            plan=plan,
            acting_user=lead,
            fields={"title": f"Extra {n}", "theme": plan.framework.themes.last()},
        )
    params = {"boroughs": "westminster,lambeth,redbridge", "as_at": timezone.localdate()}
    with django_assert_num_queries(12):
        body = client.get(COMPARE_API, params).json()
    assert body["boroughs"][0]["item_count"] == 40 + items
    with django_assert_num_queries(12):
        response = client.get(COMPARE, params)
    assert response.status_code == HTTPStatus.OK


# --- Figures then, read from the plans' stored timelines -----------------------------------


def test_figures_then_follow_an_items_known_history(lambeth_plan_in_2020):
    """A plan whose items changed before and after each day: the figures stored for each
    day (actionplans.dated_figures) are those its history gives."""
    plan = lambeth_plan_in_2020
    lead = get_user_model().objects.get(username="lambeth-lead")
    governance = plan.framework.themes.get(slug="governance")

    def edit(item, note="", **changes):
        item.refresh_from_db()
        return action_item_update(
            item=item, acting_user=lead, expected_version=item.version, changes=changes, note=note
        )

    hubs = plan.items.get(title="Youth hubs")  # added on 1 February 2020, not started
    with on(2020, 2, 1):
        mentors = action_item_create(
            plan=plan, acting_user=lead, fields={"title": "Mentors", "theme": governance}
        )
    with on(2020, 3, 1, hour=9):
        edit(hubs, due_date=dt.date(2020, 6, 30))
        march = edit(mentors, due_date=dt.date(2020, 5, 1))
    with on(2020, 4, 1):
        april = edit(hubs, status="on_track")
    with on(2020, 8, 1, hour=23):  # late in the day: still that day's figures
        august = edit(hubs, status="complete")
    with on(2020, 9, 1):
        edit(mentors, status="at_risk", note="No mentors recruited yet")
        edit(mentors, due_date=None)
    with on(2021, 1, 1):
        action_item_create(
            plan=plan, acting_user=lead, fields={"title": "Street teams", "theme": governance}
        )

    def figures(day):
        then = dated_figures_at([plan.pk], day)[plan.pk]
        return then.items_by_status, then.overdue_items, then.last_item_update

    assert figures(dt.date(2020, 1, 31)) == ({}, 0, None)
    assert figures(dt.date(2020, 3, 31)) == ({"not_started": 2}, 0, march.last_updated_at)
    assert figures(dt.date(2020, 7, 1)) == (
        {"on_track": 1, "not_started": 1},
        2,
        april.last_updated_at,
    )
    assert figures(dt.date(2020, 8, 1)) == (
        {"complete": 1, "not_started": 1},
        1,
        august.last_updated_at,
    )
    # The mentors' due date was cleared the day they went at risk: none is overdue.
    assert figures(dt.date(2020, 12, 31))[:2] == ({"complete": 1, "at_risk": 1}, 0)
    assert figures(dt.date(2021, 1, 1))[0] == {"complete": 1, "at_risk": 1, "not_started": 1}
