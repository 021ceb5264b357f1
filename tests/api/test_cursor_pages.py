"""Cursor pages (decision 0031): every list can be walked by `cursor` beside `page`, and a
walk neither skips nor repeats a row when rows are inserted or deleted between requests."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan
from actionplans.tests.factories import ActionItemFactory, ActionPlanFactory
from core.tests.api_support import assert_invalid, slugs

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/action-items/"
PLAN = "westminster-knife-crime-action-plan-2019"


def walk(client, url, params, *, between=None):
    """Every slug of a list, a page at a time by cursor: page 1, then its next_cursor, then
    each page's `next`. ``between(n)`` runs after page n is read."""
    first = client.get(url, params)
    page = first.json()
    walked = slugs(first)
    assert page["next_cursor"] is None or page["next"]
    cursor, number = page["next_cursor"], 1
    if cursor is None:
        return walked
    if between:
        between(number)
    response = client.get(url, {**params, "cursor": cursor})
    while True:
        number += 1
        page = response.json()
        walked += slugs(response)
        assert "count" not in page
        assert page["previous"] is None
        if page["next"] is None:
            assert page["next_cursor"] is None
            return walked
        assert parse_qs(urlsplit(page["next"]).query)["cursor"] == [page["next_cursor"]]
        if between:
            between(number)
        response = client.get(page["next"])


def everything(client, url, params=None):
    return slugs(client.get(url, {**(params or {}), "page_size": "500"}))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/boroughs/",
        "/api/v1/organisations/",
        "/api/v1/partnerships/",
        "/api/v1/frameworks/",
        "/api/v1/action-plans/",
        ITEMS,
        "/api/v1/case-studies/",
        "/api/v1/interventions/",
        "/api/v1/funders/",
        "/api/v1/funding-streams/",
        "/api/v1/awards/",
    ],
)
def test_every_list_walked_by_cursor_gives_what_its_pages_give(client, url):
    assert walk(client, url, {"page_size": "7"}) == everything(client, url)


def test_a_walk_by_cursor_takes_a_filter_and_an_ordering(client):
    params = {"ordering": "-title", "status": "complete"}
    assert walk(client, ITEMS, {**params, "page_size": "3"}) == everything(client, ITEMS, params)


def test_rows_inserted_or_deleted_between_requests_neither_repeat_nor_skip_a_row(client):
    plan = ActionPlan.objects.get(slug=PLAN)
    before = everything(client, ITEMS)
    added = []

    def change(number):
        # Each time: a row read already deleted (OFFSET would then skip one), a new item at
        # the head of the list (OFFSET would repeat one), and a new item at the very end.
        ActionItem.objects.filter(plan=plan, slug=before[number - 1]).delete()
        ActionItemFactory(plan=ActionPlanFactory(slug=f"aa-plan-{number}"), slug=f"early-{number}")
        last = ActionItemFactory(
            plan=ActionPlanFactory(slug=f"zz-plan-{number}"), slug=f"late-{number}"
        )
        added.append(last.slug)

    walked = walk(client, ITEMS, {"page_size": "9"}, between=change)
    assert len(walked) == len(set(walked))
    # Every row there from start to end is read once, in order; rows added after the
    # walk's position are read too; rows added before it are not.
    assert walked == before + added
    assert not any(slug.startswith("early-") for slug in walked)


def test_empty_values_are_walked_in_one_place_on_every_database(client):
    plan = ActionPlan.objects.get(slug=PLAN)
    for day, item in zip(
        (dt.date(2020, 1, 1), dt.date(2021, 1, 1), dt.date(2020, 1, 1)),
        plan.items.order_by("pk")[:3],
        strict=True,
    ):
        ActionItem.objects.filter(pk=item.pk).update(due_date=day)
    for ordering, term in (
        ("-due_date", F("due_date").desc(nulls_first=True)),
        ("due_date", F("due_date").asc(nulls_last=True)),
    ):
        expected = list(ActionItem.objects.order_by(term, "pk").values_list("slug", flat=True))
        assert walk(client, ITEMS, {"ordering": ordering, "page_size": "6"}) == expected
        assert everything(client, ITEMS, {"ordering": ordering}) == expected


def test_a_cursor_page_costs_one_query_whatever_the_depth(client, django_assert_num_queries):
    """No count: one query for the page's rows, at two sizes of the list."""
    first = client.get(ITEMS, {"page_size": "5"}).json()
    with django_assert_num_queries(1):
        deeper = client.get(ITEMS, {"page_size": "5", "cursor": first["next_cursor"]}).json()
    ActionItemFactory.create_batch(20, plan=ActionPlanFactory(slug="zz-plan"))
    with CaptureQueriesContext(connection) as queries:
        client.get(ITEMS, {"page_size": "5", "cursor": deeper["next_cursor"]})
    assert len(queries) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": ""},
        {"cursor": "eyJvIjpbInBrIl0sInYiOlsxXX0:forged:signature"},
    ],
)
def test_a_cursor_that_is_not_one_is_a_400(client, params):
    assert_invalid(client.get(ITEMS, params), "cursor")


def test_a_cursor_for_another_ordering_or_with_a_page_is_a_400(client):
    cursor = client.get(ITEMS, {"page_size": "5"}).json()["next_cursor"]
    assert_invalid(client.get(ITEMS, {"cursor": cursor, "ordering": "title"}), "cursor")
    assert_invalid(client.get(ITEMS, {"cursor": cursor, "page": "2"}), "cursor")


def test_a_list_as_it_stood_on_a_day_has_no_cursor(client):
    today = timezone.localdate().isoformat()
    page = client.get(ITEMS, {"as_at": today, "page_size": "5"}).json()
    assert page["next_cursor"] is None
    assert_invalid(client.get(ITEMS, {"as_at": today, "cursor": "x"}), "cursor")
