"""as_at: Westminster's plan and its items as they stood at the end of a day, rebuilt from
the history, on the plan page and in the API (docs/decisions/0010)."""

import dataclasses
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

from actionplans.history import PlanFields, end_of_day, items_as_at, plans_as_at
from actionplans.models import ActionItem, ActionPlan, Framework, StatusUpdate
from actionplans.services import (
    PLAN_FIELDS,
    action_item_create,
    action_item_update,
    action_plan_create,
    action_plan_update,
)
from boroughs.models import Borough
from boroughs.roles import role_grant
from core.tests.api_support import assert_invalid, csv_rows, read_csv

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SLUG = "westminster-knife-crime-action-plan-2019"
PAGE = "/boroughs/westminster/action-plan/"
PLAN_API = f"/api/v1/action-plans/{SLUG}/"
ITEMS_API = "/api/v1/action-items/"
TITLE = "Westminster Local Knife Crime Action Plan"
NO_RECORD = "The portal has no record of Westminster's plan before 10 September 2019"


@contextmanager
def on(year, month, day, hour=12, minute=0):
    """Make the services' changes at this London time."""
    moment = dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)
    with mock.patch.object(timezone, "now", return_value=moment):
        yield moment


def long(day):
    return f"{day.day} {day:%B %Y}"


def text_of(response):
    html = response.content.decode()
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def item(slug):
    return ActionItem.objects.select_related("plan").get(plan__slug=SLUG, slug=slug)


def change(user, slug, note="", **changes):
    current = item(slug)
    return action_item_update(
        item=current,
        acting_user=user,
        expected_version=current.version,
        changes=changes,
        note=note,
    )


def page_items(response):
    """slug -> item, of the plan page's items."""
    return {i.slug: i for _, items in response.context["themes"] for i in items}


def page_theme_of(response, slug):
    return next(
        theme.name for theme, items in response.context["themes"] if slug in {i.slug for i in items}
    )


def api_items(client, day, **params):
    response = client.get(ITEMS_API, {"plan": SLUG, "page_size": 500, "as_at": day, **params})
    assert response.status_code == HTTPStatus.OK, response.content
    return {row["slug"]: row for row in response.json()["results"]}


@pytest.fixture
def lead():
    user = get_user_model().objects.create_user("westminster-lead")
    role_grant(user=user, role="lead", borough=Borough.objects.get(slug="westminster"))
    return user


@pytest.fixture
def days():
    """(yesterday, today) in London."""
    today = timezone.localdate()
    return today - dt.timedelta(days=1), today


@pytest.fixture
def mash_completed_today(lead):
    """The lead marks MASH information sharing (on track in the 2019 report) complete."""
    updated = change(lead, "wkcap-mash", status="complete")
    # "today" is the day the change was made, even if midnight passes during the test.
    today = timezone.localdate(updated.last_updated_at)
    return today - dt.timedelta(days=1), today


@pytest.fixture
def mash_history(lead):
    """MASH goes at risk with a due date in March 2020, and is completed under another
    theme and title in January 2021."""
    with on(2020, 3, 1):
        change(
            lead,
            "wkcap-mash",
            status="at_risk",
            progress=20,
            due_date=dt.date(2020, 6, 30),
            note="Data-sharing agreement not signed",
        )
    governance = item("wkcap-mash").plan.framework.themes.get(slug="governance")
    with on(2021, 1, 15):
        change(
            lead,
            "wkcap-mash",
            status="complete",
            progress=100,
            theme=governance,
            title="MASH information sharing agreed",
        )


# --- The promise: an earlier state of Westminster's plan ----------------------------


def test_a_status_changed_today_shows_as_it_was_yesterday_on_the_page(client, mash_completed_today):
    yesterday, today = mash_completed_today
    response = client.get(PAGE, {"as_at": yesterday.isoformat()})
    assert response.status_code == HTTPStatus.OK
    assert page_items(response)["wkcap-mash"].status == "on_track"
    assert page_items(response)["wkcap-mash"].last_updated_at is None
    page = text_of(response)
    assert f"You are looking at the plan as it stood on {long(yesterday)}" in page
    assert "13 complete" in page
    assert 'href="/boroughs/westminster/action-plan/">View the plan as it is today' in (
        response.content.decode()
    )

    response = client.get(PAGE, {"as_at": today.isoformat()})
    assert page_items(response)["wkcap-mash"].status == "complete"
    assert "14 complete" in text_of(response)

    live = client.get(PAGE)
    assert page_items(live)["wkcap-mash"].status == "complete"
    assert "You are looking at the plan as it stood" not in text_of(live)


def test_a_status_changed_today_shows_as_it_was_yesterday_in_the_api(client, mash_completed_today):
    yesterday, today = mash_completed_today
    before = api_items(client, yesterday.isoformat())
    assert len(before) == 40
    assert before["wkcap-mash"]["status"] == "on_track"
    assert before["wkcap-mash"]["progress"] is None
    assert before["wkcap-mash"]["version"] == 1
    assert before["wkcap-mash"]["last_updated_by"] is None
    assert before["wkcap-mash"]["as_at"] == yesterday.isoformat()

    after = api_items(client, today.isoformat())
    assert after["wkcap-mash"]["status"] == "complete"
    assert after["wkcap-mash"]["progress"] == 100
    assert after["wkcap-mash"]["version"] == 2
    assert after["wkcap-mash"]["last_updated_by"] == "westminster-lead"

    # as_at today agrees with the items as they stand, field for field.
    live = {
        row["slug"]: row
        for row in client.get(ITEMS_API, {"plan": SLUG, "page_size": 500}).json()["results"]
    }
    assert {slug: {**row, "as_at": None} for slug, row in after.items()} == {
        slug: {**row, "as_at": None} for slug, row in live.items()
    }


def test_an_item_added_today_is_absent_as_at_yesterday(client, lead, days):
    plan = ActionPlan.objects.get(slug=SLUG)
    added = action_item_create(
        plan=plan,
        acting_user=lead,
        fields={"title": "Knife amnesty bins", "theme": plan.framework.themes.first()},
    )
    yesterday, today = days
    yesterday = min(yesterday, timezone.localdate(added.last_updated_at) - dt.timedelta(days=1))

    response = client.get(PAGE, {"as_at": yesterday.isoformat()})
    assert added.slug not in page_items(response)
    assert len(page_items(response)) == 40
    assert added.slug not in api_items(client, yesterday.isoformat())
    assert client.get(PLAN_API, {"as_at": yesterday.isoformat()}).json()["item_count"] == 40

    assert added.slug in page_items(client.get(PAGE, {"as_at": today.isoformat()}))
    assert api_items(client, today.isoformat())[added.slug]["title"] == "Knife amnesty bins"
    assert client.get(PLAN_API, {"as_at": today.isoformat()}).json()["item_count"] == 41


def test_a_plan_level_change_is_undone(client, lead, days):
    plan = ActionPlan.objects.get(slug=SLUG)
    action_plan_update(
        plan=plan,
        acting_user=lead,
        expected_version=plan.version,
        changes={
            "title": "Westminster Knife Crime Action Plan 2026",
            "overseen_by": "Safer Westminster Partnership Board",
            "last_refreshed_on": dt.date(2026, 4, 1),
            "period_end": dt.date(2027, 3, 31),
        },
    )
    yesterday, today = days
    body = client.get(PLAN_API, {"as_at": yesterday.isoformat()}).json()
    assert body["title"] == TITLE
    assert body["overseen_by"] == "Community Safety"
    assert body["last_refreshed_on"] == "2019-05-01"
    assert body["period_end"] is None
    assert body["version"] == 1
    assert body["as_at"] == yesterday.isoformat()
    assert body["item_count"] == 40

    response = client.get(PAGE, {"as_at": yesterday.isoformat()})
    assert f'<h1 class="govuk-heading-l">{TITLE}</h1>' in response.content.decode()
    assert "Community Safety" in text_of(response)
    row = api_items(client, yesterday.isoformat())["wkcap-mash"]
    assert row["plan"] == {"slug": SLUG, "title": TITLE}

    body = client.get(PLAN_API, {"as_at": today.isoformat()}).json()
    assert body["title"] == "Westminster Knife Crime Action Plan 2026"
    assert body["last_refreshed_on"] == "2026-04-01"
    assert body["version"] == 2


def test_plans_read_as_values_carry_every_field_a_change_sets_back():
    """A summary of every council rebuilds plans read as PlanFields: each field a change
    may set (PLAN_FIELDS) is read, and set back as on a plan instance."""
    assert set(PLAN_FIELDS) <= set(PlanFields.READ)
    assert set(PLAN_FIELDS) <= {field.name for field in dataclasses.fields(PlanFields)}


def test_changes_on_several_days_are_undone_newest_first(client, mash_history):
    mash = item("wkcap-mash")

    def on_day(day):
        return api_items(client, day)[mash.slug]

    as_loaded = on_day("2020-02-29")
    assert (as_loaded["status"], as_loaded["progress"], as_loaded["due_date"]) == (
        "on_track",
        None,
        None,
    )
    assert as_loaded["title"] == "Multi-Agency Safeguarding Hub information sharing"
    assert as_loaded["theme"]["slug"] == "protecting-and-educating-young-people"
    assert as_loaded["last_updated_at"] is None

    at_risk = on_day("2020-03-01")
    assert (at_risk["status"], at_risk["progress"], at_risk["due_date"]) == (
        "at_risk",
        20,
        "2020-06-30",
    )
    assert at_risk["theme"]["slug"] == "protecting-and-educating-young-people"
    assert at_risk["last_updated_at"].startswith("2020-03-01")
    assert at_risk["version"] == 2
    # Overdue on the day: due on 30 June 2020 and still open on 1 July.
    assert on_day("2020-06-30")["is_overdue"] is False
    assert on_day("2020-07-01")["is_overdue"] is True

    done = on_day("2021-01-15")
    assert (done["status"], done["progress"], done["theme"]["slug"]) == (
        "complete",
        100,
        "governance",
    )
    assert done["title"] == "MASH information sharing agreed"
    assert done["is_overdue"] is False
    assert done["version"] == 3

    # The page groups the item under the theme it had on the day.
    response = client.get(PAGE, {"as_at": "2020-06-01"})
    assert page_theme_of(response, mash.slug) == "Protecting and educating young people"
    assert page_items(response)[mash.slug].get_status_display() == "At risk"
    assert page_theme_of(client.get(PAGE), mash.slug) == "Governance"
    response = client.get(PAGE, {"as_at": "2020-07-01"})
    assert response.context["overdue"] == 1
    assert "1 overdue" in text_of(response)


def test_the_day_ends_at_midnight_in_london(client, lead):
    """A change at 23:30 on 30 June 2020 (BST) is part of 30 June; one at 00:30 on 1 July
    (23:30 UTC on 30 June) is not."""
    with on(2020, 6, 30, 23, 30):
        change(lead, "wkcap-mash", status="at_risk", note="Late change")
    with on(2020, 7, 1, 0, 30):
        change(lead, "wkcap-mash", status="off_track", note="Just after midnight")
    assert api_items(client, "2020-06-29")["wkcap-mash"]["status"] == "on_track"
    assert api_items(client, "2020-06-30")["wkcap-mash"]["status"] == "at_risk"
    assert api_items(client, "2020-07-01")["wkcap-mash"]["status"] == "off_track"
    assert end_of_day(dt.date(2020, 6, 30)) == dt.datetime(2020, 6, 30, 23, tzinfo=dt.UTC)


def test_a_plan_activated_after_the_day_was_not_the_active_plan(client):
    lambeth = Borough.objects.get(slug="lambeth")
    lead = get_user_model().objects.create_user("lambeth-lead")
    role_grant(user=lead, role="lead", borough=lambeth)
    framework = Framework.objects.get(slug="mopac-knife-crime-strategy-2017")
    with on(2020, 1, 10):
        plan = action_plan_create(
            acting_user=lead,
            borough=lambeth,
            framework=framework,
            title="Lambeth knife crime plan",
            status="draft",
        )
    with on(2020, 2, 1):
        action_item_create(
            plan=plan,
            acting_user=lead,
            fields={"title": "Youth hubs", "theme": framework.themes.first()},
        )
    with on(2020, 5, 1):
        plan = action_plan_update(
            plan=plan, acting_user=lead, expected_version=plan.version, changes={"status": "active"}
        )
    page = "/boroughs/lambeth/action-plan/"

    response = client.get(page, {"as_at": "2020-01-09"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The portal has no record of Lambeth's plan before 10 January 2020" in text_of(response)

    response = client.get(page, {"as_at": "2020-04-30"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["plan"] is None
    assert "Lambeth had no active knife crime action plan on 30 April 2020." in text_of(response)

    response = client.get(page, {"as_at": "2020-05-01"})
    assert response.context["plan"].title == "Lambeth knife crime plan"
    assert list(page_items(response)) == ["youth-hubs"]

    detail = f"/api/v1/action-plans/{plan.slug}/"
    assert client.get(detail, {"as_at": "2020-05-01"}).json()["status"] == "active"
    # While it was a draft, only Lambeth's staff (and analysts and editors) saw it.
    refused = client.get(detail, {"as_at": "2020-04-30"})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json()["errors"] == {
        "as_at": ["On that day the plan was a draft, which only its borough can see."]
    }
    items = client.get("/api/v1/action-items/", {"plan": plan.slug, "as_at": "2020-04-30"})
    assert items.json()["count"] == 0
    client.force_login(lead)
    assert client.get(detail, {"as_at": "2020-04-30"}).json()["status"] == "draft"
    assert client.get(detail, {"as_at": "2020-01-31"}).json()["item_count"] == 0
    assert client.get(detail, {"as_at": "2020-02-01"}).json()["item_count"] == 1
    items = client.get("/api/v1/action-items/", {"plan": plan.slug, "as_at": "2020-04-30"})
    assert [item["slug"] for item in items.json()["results"]] == ["youth-hubs"]


# --- Days the portal cannot show ---------------------------------------------------------------


def test_the_record_begins_on_the_reports_publication(client):
    response = client.get(PAGE, {"as_at": "2019-09-10"})
    assert response.status_code == HTTPStatus.OK
    assert len(page_items(response)) == 40
    assert len(api_items(client, "2019-09-10")) == 40

    response = client.get(PAGE, {"as_at": "2019-09-09"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "<title>Error: Westminster knife crime action plan – SV Portal</title>" in html
    assert f'<a href="#as_at_day">{markup.escape(NO_RECORD)}</a>' in html
    assert page_items(response)  # the plan as it stands, below the message
    for url, params in [(PLAN_API, {}), (ITEMS_API, {"plan": SLUG}), (ITEMS_API, {})]:
        messages = assert_invalid(client.get(url, {**params, "as_at": "2019-09-09"}), "as_at")
        assert messages == [f"{NO_RECORD}."]


def test_a_day_in_the_future_is_refused(client, days):
    tomorrow = (days[1] + dt.timedelta(days=1)).isoformat()
    response = client.get(PAGE, {"as_at": tomorrow})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert '<a href="#as_at_day">Choose a date today or earlier</a>' in response.content.decode()
    for url, params in [(PLAN_API, {}), (ITEMS_API, {"plan": SLUG})]:
        messages = assert_invalid(client.get(url, {**params, "as_at": tomorrow}), "as_at")
        assert messages == ["Choose a date today or earlier."]


@pytest.mark.parametrize("raw", ["2020-13-01", "yesterday", "2020-02-30", "20200601", "2020-6-1"])
def test_a_malformed_day_is_a_400_naming_as_at_and_an_error_message(client, raw):
    for url, params in [(PLAN_API, {}), (ITEMS_API, {"plan": SLUG})]:
        messages = assert_invalid(client.get(url, {**params, "as_at": raw}), "as_at")
        assert messages == ["Enter a real date as YYYY-MM-DD, for example 2020-06-01."]
    response = client.get(PAGE, {"as_at": raw})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert '<a href="#as_at_day">The date must be a real date</a>' in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert "govuk-input--error" in html


def test_a_blank_day_means_as_it_stands(client):
    response = client.get(PAGE, {"as_at": ""})
    assert response.status_code == HTTPStatus.OK
    assert response.context["as_at"] is None
    # The API's contract: a parameter is given with a value or left out.
    response = client.get(PLAN_API, {"as_at": ""})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"] == {"as_at": ["Give a value, or leave the parameter out."]}
    assert client.get(PLAN_API).json()["item_count"] == 40


def test_the_date_boxes_lead_to_the_link_to_share(client):
    response = client.get(PAGE, {"as_at_day": "1", "as_at_month": "6", "as_at_year": "2020"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{PAGE}?as_at=2020-06-01"
    response = client.get(PAGE, {"as_at_day": "1", "as_at_year": "2020"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert '<a href="#as_at_month">The date must include a month</a>' in (response.content.decode())


def test_the_form_shows_the_day_being_viewed(client):
    html = client.get(PAGE, {"as_at": "2020-06-01"}).content.decode()
    assert "View the plan as it stood on" in html
    assert re.search(r'name="as_at_day" value="01"', html)
    assert re.search(r'name="as_at_month" value="06"', html)
    assert re.search(r'name="as_at_year" value="2020"', html)


def test_edit_links_are_hidden_when_viewing_the_past(client, lead, days):
    client.force_login(lead)
    yesterday, today = days
    live = client.get(PAGE).content.decode()
    assert "Add an item" in live
    assert "Change the plan's details" in live
    assert "/edit/" in live
    past = client.get(PAGE, {"as_at": yesterday.isoformat()}).content.decode()
    assert "Add an item" not in past
    assert "Upload items" not in past
    assert "Change the plan's details" not in past
    assert "/edit/" not in past
    assert "Add an item" in client.get(PAGE, {"as_at": today.isoformat()}).content.decode()


# --- The items list's filters, search and order apply to the items as they were -------------


def test_filters_apply_to_the_items_as_they_were(client, mash_history):
    mash = "wkcap-mash"
    assert list(api_items(client, "2020-06-01", status="at_risk")) == [mash]
    assert mash not in api_items(client, "2020-06-01", status="complete")
    assert mash in api_items(client, "2021-01-15", status="complete")
    assert mash not in api_items(client, "2020-06-01", theme="governance")
    assert mash in api_items(client, "2021-06-01", theme="governance")
    assert list(api_items(client, "2020-07-01", overdue="true")) == [mash]
    assert mash not in api_items(client, "2020-06-30", overdue="true")
    assert list(api_items(client, "2020-06-01", due_before="2020-07-01")) == [mash]
    assert list(api_items(client, "2020-06-01", q="Safeguarding Hub")) == [mash]
    assert not api_items(client, "2020-06-01", q="agreed MASH")
    assert list(api_items(client, "2021-06-01", q="agreed MASH")) == [mash]
    assert len(api_items(client, "2020-06-01", lead_agency="family")) == len(
        api_items(client, "2021-06-01", lead_agency="family")
    )


def test_ordering_applies_to_the_items_as_they_were(client, mash_history):
    by_progress = list(api_items(client, "2020-06-01", ordering="progress"))
    assert by_progress[0] == "wkcap-mash"  # 20%, before the complete items' 100%
    assert list(api_items(client, "2020-02-01", ordering="progress"))[0] != "wkcap-mash"
    by_title = list(api_items(client, "2021-06-01", ordering="-title"))
    titles = [item(slug).title for slug in by_title]
    assert titles == sorted(titles, reverse=True)
    default = list(api_items(client, "2020-06-01"))
    assert default[0] == "wkcap-public-health-approach"
    assert default == list(api_items(client, "2020-02-01"))


def test_the_list_as_at_pages(client):
    response = client.get(ITEMS_API, {"plan": SLUG, "as_at": "2020-06-01", "page_size": 15})
    body = response.json()
    assert body["count"] == 40
    assert len(body["results"]) == 15
    assert "page=2" in body["next"]
    assert "as_at=2020-06-01" in body["next"]
    last = client.get(
        ITEMS_API, {"plan": SLUG, "as_at": "2020-06-01", "page_size": 15, "page": 3}
    ).json()
    assert len(last["results"]) == 10
    assert last["next"] is None


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"theme": "atlantis"}, "theme"),
        ({"plan": "atlantis-plan"}, "plan"),
        ({"borough": "atlantis"}, "borough"),
        ({"status": "lost"}, "status"),
        ({"ordering": "borough"}, "ordering"),
        ({"modified_after": "2020-01-01T00:00:00Z"}, "modified_after"),
        ({"page": "x"}, "page"),
    ],
)
def test_bad_list_parameters_with_as_at_are_a_400_naming_them(client, params, parameter):
    assert_invalid(client.get(ITEMS_API, {"as_at": "2020-06-01", **params}), parameter)


def test_the_list_as_at_as_csv(client, mash_history):
    header, rows = read_csv(
        client.get(ITEMS_API, {"plan": SLUG, "as_at": "2020-06-01", "format": "csv"})
    )
    assert "as_at" in header
    assert len(rows) == 40
    mash = next(row for row in rows if row["slug"] == "wkcap-mash")
    assert (mash["status"], mash["as_at"], mash["theme.slug"]) == (
        "at_risk",
        "2020-06-01",
        "protecting-and-educating-young-people",
    )
    live = csv_rows(client.get(ITEMS_API, {"plan": SLUG, "format": "csv"}))
    assert "as_at" not in live[0]


def test_other_endpoints_refuse_as_at(client):
    mash = item("wkcap-mash")
    assert_invalid(client.get(f"{ITEMS_API}{mash.pk}/", {"as_at": "2020-06-01"}), "as_at")
    assert_invalid(client.get("/api/v1/action-plans/", {"as_at": "2020-06-01"}), "as_at")
    assert_invalid(client.get(f"{PLAN_API}history/", {"as_at": "2020-06-01"}), "as_at")


def test_a_plan_as_it_stood_has_no_etag(client):
    assert client.get(PLAN_API).has_header("ETag")
    response = client.get(PLAN_API, {"as_at": "2020-06-01"})
    assert response.status_code == HTTPStatus.OK
    assert not response.has_header("ETag")
    assert "as_at" not in client.get(PLAN_API).json()


def test_a_rebuilt_record_cannot_be_saved(mash_history):
    plans = plans_as_at(
        ActionPlan.objects.select_related("source").filter(slug=SLUG), dt.date(2020, 6, 1)
    )
    items = items_as_at(
        plans.plans, ActionItem.objects.filter(plan__slug=SLUG).select_related("source"), plans.day
    ).items
    mash = next(i for i in items if i.slug == "wkcap-mash")
    assert mash.status == "at_risk"
    with pytest.raises(RuntimeError, match="cannot be saved"):
        mash.save()
    with pytest.raises(RuntimeError, match="cannot be saved"):
        plans.plans[0].save()
    assert item("wkcap-mash").status == "complete"


# --- Queries do not grow with the plan or its history ---------------------------------------


def add_items_with_history(lead, count):
    plan = ActionPlan.objects.get(slug=SLUG)
    theme = plan.framework.themes.last()
    for n in range(count):
        added = action_item_create(
            plan=plan, acting_user=lead, fields={"title": f"Extra {n}", "theme": theme}
        )
        action_item_update(
            item=added,
            acting_user=lead,
            expected_version=added.version,
            changes={"status": "complete"},
        )
    return StatusUpdate.objects.filter(item__plan=plan).count()


@pytest.mark.parametrize("extra", [1, 20])
def test_plan_page_as_at_queries_do_not_grow(client, lead, django_assert_num_queries, extra):
    """1 borough, 1 its plans, 1 plan changes, 1 items, 1 item updates, 1 themes, 1 the
    history of the interventions the items deliver (the evidence profile as it stood)."""
    assert add_items_with_history(lead, extra) == 2 * extra
    today = timezone.localdate().isoformat()
    with django_assert_num_queries(7):
        response = client.get(PAGE, {"as_at": today})
    assert len(page_items(response)) == 40 + extra


@pytest.mark.parametrize("extra", [1, 20])
def test_plan_detail_as_at_queries_do_not_grow(client, lead, django_assert_num_queries, extra):
    """1 plan, 1 plan changes, 1 items, 1 item updates, 1 themes."""
    add_items_with_history(lead, extra)
    today = timezone.localdate().isoformat()
    with django_assert_num_queries(5):
        response = client.get(PLAN_API, {"as_at": today})
    assert response.json()["item_count"] == 40 + extra


@pytest.mark.parametrize("extra", [1, 20])
def test_items_list_as_at_queries_do_not_grow(client, lead, django_assert_num_queries, extra):
    """1 the plan named exists, 1 plans, 1 plan changes, 1 items, 1 item updates,
    1 themes."""
    add_items_with_history(lead, extra)
    today = timezone.localdate().isoformat()
    with django_assert_num_queries(6):
        response = client.get(
            ITEMS_API, {"plan": SLUG, "as_at": today, "status": "complete", "page_size": 500}
        )
    assert response.json()["count"] == 13 + extra
