"""/api/v1/action-items/: filters (overdue and due dates too), errors and CSV, on Westminster's
plan's 40 items."""

import csv
import io
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from actionplans.api.serializers import ActionItemSerializer
from actionplans.models import ActionItem, ActionPlan
from actionplans.selectors import action_item_list
from actionplans.tests.factories import ActionItemFactory, ActionPlanFactory, add_items
from actionplans.tests.real_data import (
    WESTMINSTER_ITEM_COUNT,
    WESTMINSTER_PLAN,
    set_due,
    set_due_dates,
)
from boroughs.models import Borough
from boroughs.tests.factories import PartnershipFactory
from core.response_cache import VERSION_KEY
from core.tests.api_support import assert_invalid, assert_not_found, csv_rows, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/action-items/"
PLAN = WESTMINSTER_PLAN
ITEM_COUNT = WESTMINSTER_ITEM_COUNT


def all_slugs(client, params=None):
    return slugs(client.get(URL, {"page_size": "500", **(params or {})}))


def item(slug):
    return ActionItem.objects.get(plan__slug=PLAN, slug=slug)


#: Items past due and still open once `due_dates` has run.
OVERDUE = {"wkcap-robbery-squad", "wkcap-gps-tagging-pilot", "wkcap-open-drug-markets"}


@pytest.fixture
def due_dates():
    """Due dates on seven items (the real data has none); three of them are overdue."""
    return set_due_dates()


@pytest.fixture
def redbridge_items():
    """Two items of a Redbridge plan, beside Westminster's."""
    plan = ActionPlanFactory(slug="redbridge-plan", borough=Borough.objects.get(slug="redbridge"))
    return [i.slug for i in ActionItemFactory.create_batch(2, plan=plan, lead_agency="Redbridge")]


# --- Filters -----------------------------------------------------------------------------


def test_each_listed_item_names_its_plan(client):
    assert client.get(URL).json()["results"][0]["plan"] == {
        "slug": PLAN,
        "title": "Westminster Local Knife Crime Action Plan",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"theme": "governance"},
            [
                "wkcap-public-health-approach",
                "wkcap-prevention-matrix",
                "wkcap-performance-dashboard",
                "wkcap-jsna-youth-offenders",
                "wkcap-shared-violence-dataset",
                "wkcap-engage-health-partners",
            ],
        ),
        (
            {"status": "not_started"},
            [
                "wkcap-shared-violence-dataset",
                "wkcap-engage-health-partners",
                "wkcap-gps-tagging-pilot",
                "wkcap-future-days-of-action",
                "wkcap-health-messages-yos",
            ],
        ),
        (
            {"lead_agency": "METROPOLITAN police"},  # part of the name, any case
            [
                "wkcap-robbery-squad",
                "wkcap-open-drug-markets",
                "wkcap-targeted-patrols-specialist-units",
                "wkcap-high-risk-venues",
                "wkcap-stop-and-search",
                "wkcap-test-purchase-operations",
                "wkcap-safer-schools-officers",
            ],
        ),
        (
            {"lead_agency": "igxu", "status": "complete"},
            [
                "wkcap-igxu-criminal-exploitation",
                "wkcap-igxu-family-therapist",
                "wkcap-igxu-expansion",
            ],
        ),
        (
            {"theme": "keeping-weapons-off-our-streets", "status": "complete"},
            ["wkcap-knife-crime-day-of-action"],
        ),
        (
            {"q": "IGXU"},
            [
                "wkcap-jsna-youth-offenders",
                "wkcap-gmace-meeting",
                "wkcap-county-lines-analysis",
                "wkcap-igxu-criminal-exploitation",
                "wkcap-igxu-family-therapist",
                "wkcap-igxu-casework",
                "wkcap-igxu-expansion",
            ],
        ),
        ({"q": "robbery squad"}, ["wkcap-robbery-squad"]),
        ({"theme": "prevent"}, []),  # a theme of another framework
    ],
)
def test_filters_return_the_matching_items(client, params, expected):
    assert all_slugs(client, params) == expected


@pytest.mark.parametrize(("status", "count"), [("on_track", 22), ("complete", 13)])
def test_status_filter_counts(client, status, count):
    body = client.get(URL, {"status": status, "page_size": "500"}).json()
    assert body["count"] == count
    assert {row["status"] for row in body["results"]} == {status}


def test_borough_and_plan_filters(client, redbridge_items):
    assert client.get(URL).json()["count"] == ITEM_COUNT + 2
    assert sorted(all_slugs(client, {"borough": "redbridge"})) == sorted(redbridge_items)
    assert sorted(all_slugs(client, {"plan": "redbridge-plan"})) == sorted(redbridge_items)
    assert len(all_slugs(client, {"borough": "westminster"})) == ITEM_COUNT
    assert len(all_slugs(client, {"plan": PLAN})) == ITEM_COUNT
    assert all_slugs(client, {"borough": "lambeth"}) == []
    assert all_slugs(client, {"borough": "westminster", "plan": "redbridge-plan"}) == []
    assert sorted(all_slugs(client, {"lead_agency": "redbridge"})) == sorted(redbridge_items)


def test_overdue_means_past_due_and_still_open(client, due_dates):
    assert set(all_slugs(client, {"overdue": "true"})) == OVERDUE
    not_overdue = all_slugs(client, {"overdue": "false"})
    assert len(not_overdue) == ITEM_COUNT - len(OVERDUE)
    assert not OVERDUE & set(not_overdue)
    # Complete, cancelled, due today, due later and undated items are not overdue.
    assert {
        "wkcap-public-health-approach",
        "wkcap-future-days-of-action",
        "wkcap-mash",
        "wkcap-victim-analysis",
        "wkcap-youth-services-500k",
    } <= set(not_overdue)


def test_overdue_combines_with_other_filters(client, due_dates):
    assert set(all_slugs(client, {"overdue": "true", "lead_agency": "metropolitan"})) == {
        "wkcap-robbery-squad",
        "wkcap-open-drug-markets",
    }
    assert all_slugs(client, {"overdue": "true", "theme": "governance"}) == []


def test_overdue_is_empty_in_the_real_data(client):
    assert all_slugs(client, {"overdue": "true"}) == []
    assert len(all_slugs(client, {"overdue": "false"})) == ITEM_COUNT


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"due_before": "2020-01-01"}, {"wkcap-future-days-of-action", "wkcap-gps-tagging-pilot"}),
        (
            {"due_after": "2020-01-01"},
            {
                "wkcap-open-drug-markets",
                "wkcap-public-health-approach",
                "wkcap-robbery-squad",
                "wkcap-mash",
                "wkcap-victim-analysis",
            },
        ),
        (
            {"due_after": "2019-07-01", "due_before": "2020-06-01"},
            {"wkcap-gps-tagging-pilot", "wkcap-open-drug-markets"},
        ),
        ({"due_before": "2019-01-01"}, set()),
    ],
)
def test_due_date_filters(client, due_dates, params, expected):
    assert set(all_slugs(client, params)) == expected


# --- Paging (the first page, orderings and modified_after: tests/api/test_list_contract.py) -


def test_pages_walk_the_whole_list(client):
    everything = all_slugs(client)
    first = client.get(URL, {"page_size": "15"}).json()
    assert first["count"] == ITEM_COUNT
    assert first["previous"] is None
    assert "page=2" in first["next"]
    pages = [slugs(client.get(URL, {"page_size": "15", "page": str(n)})) for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [15, 15, 10]
    assert pages[0] + pages[1] + pages[2] == everything
    assert client.get(URL, {"page_size": "15", "page": "3"}).json()["next"] is None
    assert_not_found(client.get(URL, {"page_size": "15", "page": "4"}))


def test_deep_pages_keep_the_lists_order_in_as_many_queries_as_the_first(
    client, due_dates, django_assert_num_queries
):
    # Undated items tie on due_date: the list's order still places every item once.
    ordered = {"ordering": "-due_date", "page_size": "7"}
    everything = all_slugs(client, {"ordering": "-due_date"})
    with CaptureQueriesContext(connection) as first:
        client.get(URL, ordered)
    walked = []
    for number in range(1, 7):
        with django_assert_num_queries(len(first)):
            walked += slugs(client.get(URL, {**ordered, "page": str(number)}))
    assert walked == everything
    assert len(walked) == 40


@pytest.mark.parametrize("number", [2, 5])  # counted from the start, and from the end
def test_a_deep_page_picks_its_ids_from_what_orders_the_list_alone(client, number):
    """In an order other than the plans' (which a deep page seeks through: below), its ids
    are picked without the joins that only fetch what a row shows (an item's updater and
    source), so the database reads them from the columns of the order and the conditions
    alone instead of reading every item before the page from the table."""
    ordered = {"ordering": "title"}
    everything = all_slugs(client, ordered)
    with CaptureQueriesContext(connection) as captured:
        page = slugs(client.get(URL, {**ordered, "page_size": "7", "page": str(number)}))
    assert page == everything[(number - 1) * 7 : number * 7]
    sql = captured.captured_queries[-1]["sql"]
    ids = sql[sql.index("IN (SELECT") : sql.index(" LIMIT")]
    assert "actionplans_actionplan" in ids  # drafts are left out
    assert "svportal_user" not in ids
    assert "boroughs_source" not in ids
    # The page's rows themselves still show their updater and source.
    assert "svportal_user" in sql[: sql.index("IN (SELECT")]


def plans_of_items(count):
    """``count`` plans of three items each, and a draft plan among them whose items an
    anonymous reader neither reads nor counts."""
    for plan in ActionPlanFactory.create_batch(count):
        ActionItemFactory.create_batch(3, plan=plan)
    ActionItemFactory.create_batch(4, plan=ActionPlanFactory(status=ActionPlan.Status.DRAFT))


@pytest.mark.parametrize("plans", [3, 12])
def test_a_deep_page_is_read_from_the_plans_it_falls_in(client, django_assert_num_queries, plans):
    """In the list's own order (by plan), a page after the first counts the items of each
    plan, which gives the list's count too, and reads its rows from the plans it falls in
    alone, not after every item before it: the same rows as the whole list's, in as many
    queries as the first page (1 items per plan, 1 the page), however many plans."""
    plans_of_items(plans)
    everything = all_slugs(client)
    assert len(everything) == ITEM_COUNT + 3 * plans
    numbers = -(-len(everything) // 7)
    walked = []
    for number in range(1, numbers + 1):
        with (
            django_assert_num_queries(2),
            CaptureQueriesContext(connection) as captured,
        ):
            body = client.get(URL, {"page_size": "7", "page": str(number)}).json()
        assert body["count"] == len(everything)
        walked += [row["slug"] for row in body["results"]]
    assert walked == everything
    sql = captured.captured_queries[-1]["sql"]
    assert '"actionplans_actionplan"."slug" IN (' in sql
    assert "IN (SELECT" not in sql
    last = client.get(URL, {"page_size": "7", "page": "last"}).json()
    assert [row["slug"] for row in last["results"]] == everything[(numbers - 1) * 7 :]
    assert_not_found(client.get(URL, {"page_size": "7", "page": str(numbers + 1)}))


def test_a_deep_page_of_a_filtered_list_is_sought_within_it(client, redbridge_items):
    """The items per plan are counted with the list's filters: a deep page of Westminster's
    items alone is the same as the same rows of the whole filtered list."""
    plans_of_items(3)
    chosen = {"borough": "westminster"}
    everything = all_slugs(client, chosen)
    assert len(everything) == ITEM_COUNT
    pages = [
        slugs(client.get(URL, {**chosen, "page_size": "9", "page": str(number)}))
        for number in range(1, 6)
    ]
    assert sum(pages, []) == everything


# --- Detail ------------------------------------------------------------------------------


def test_detail_by_id(client):
    expansion = item("wkcap-igxu-expansion")
    response = client.get(f"{URL}{expansion.pk}/")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["id"] == expansion.pk
    assert body["slug"] == "wkcap-igxu-expansion"
    assert body["title"] == "Expand the IGXU to RBKC and LBHF"
    assert body["plan"]["slug"] == PLAN
    assert body["borough"] == {
        "slug": "westminster",
        "name": "Westminster",
        "gss_code": "E09000033",
    }
    assert body["theme"] == {
        "slug": "supporting-victims-and-offering-ways-out-of-crime",
        "name": "Supporting victims of knife crime and offering ways out of crime",
    }
    assert body["lead_agency"] == "IGXU"
    assert body["status"] == "complete"
    assert body["progress"] == 100
    assert body["due_date"] is None
    assert body["is_overdue"] is False
    assert body["source_section"] == "5.2"


@pytest.mark.parametrize(
    ("slug", "overdue"),
    [
        ("wkcap-robbery-squad", True),  # on track, due yesterday
        ("wkcap-open-drug-markets", True),  # at risk, due in 2020
        ("wkcap-public-health-approach", False),  # complete
        ("wkcap-future-days-of-action", False),  # cancelled
        ("wkcap-mash", False),  # due today
        ("wkcap-victim-analysis", False),  # due next month
        ("wkcap-youth-services-500k", False),  # no due date
    ],
)
def test_detail_says_whether_the_item_is_overdue(client, due_dates, slug, overdue):
    body = client.get(f"{URL}{item(slug).pk}/").json()
    assert body["is_overdue"] is overdue


def test_the_list_says_which_items_are_overdue(client, due_dates):
    rows = client.get(URL, {"page_size": "500"}).json()["results"]
    assert {row["slug"] for row in rows if row["is_overdue"]} == OVERDUE


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_an_unknown_id_is_a_404(client, pk):
    assert_not_found(client.get(f"{URL}{pk}/"))


def test_items_are_not_looked_up_by_slug(client):
    assert_not_found(client.get(f"{URL}wkcap-mash/"))


def test_detail_refuses_unknown_parameters(client):
    assert_invalid(client.get(f"{URL}{item('wkcap-mash').pk}/", {"overdue": "true"}), "overdue")


# --- Refused parameters and values --------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"borough": "atlantis"}, "borough"),
        ({"plan": "atlantis-plan"}, "plan"),
        ({"theme": "wizardry"}, "theme"),
        ({"status": "lost"}, "status"),
        ({"overdue": "maybe"}, "overdue"),
        ({"overdue": "1"}, "overdue"),
        ({"due_before": "soon"}, "due_before"),
        ({"due_after": "2020-02-30"}, "due_after"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(client, params, parameter):
    assert_invalid(client.get(URL, params), parameter)


def test_unknown_parameters_are_a_400_naming_each(client):
    response = client.get(URL, {"due": "2020-01-01", "agency": "IGXU"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["errors"]) == {"due", "agency"}


# --- CSV ---------------------------------------------------------------------------------


def test_csv_is_every_item_with_a_header(client):
    response = client.get(URL, {"format": "csv", "page_size": "10"})
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response)
    assert [row["slug"] for row in rows] == all_slugs(client)
    assert len(rows) == ITEM_COUNT
    first = rows[0]
    assert first["id"] == str(item("wkcap-public-health-approach").pk)
    assert first["plan.slug"] == PLAN
    assert first["borough.slug"] == "westminster"
    assert first["theme.name"] == "Governance"
    assert first["status"] == "complete"
    assert first["progress"] == "100"
    assert first["is_overdue"] == "false"


def test_csv_honours_the_filters(client, due_dates):
    rows = csv_rows(client.get(URL, {"format": "csv", "overdue": "true"}))
    assert {row["slug"] for row in rows} == OVERDUE
    assert {row["is_overdue"] for row in rows} == {"true"}
    rows = csv_rows(client.get(URL, {"format": "csv", "lead_agency": "metropolitan"}))
    assert len(rows) == 7
    rows = csv_rows(
        client.get(URL, {"format": "csv", "due_before": "2020-01-01", "ordering": "-due_date"})
    )
    assert [row["slug"] for row in rows] == [
        "wkcap-gps-tagging-pilot",
        "wkcap-future-days-of-action",
    ]
    assert rows[0]["due_date"] == "2019-12-31"
    rows = csv_rows(client.get(URL, {"format": "csv", "theme": "governance", "status": "complete"}))
    assert len(rows) == 3


def test_csv_of_one_item(client):
    response = client.get(f"{URL}{item('wkcap-mash').pk}/", {"format": "csv"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert [row["slug"] for row in rows] == ["wkcap-mash"]


FORMULAS = {
    "wkcap-gmace-meeting": '=HYPERLINK("http://evil")',
    "wkcap-county-lines-analysis": "+1",
    "wkcap-robbery-squad": "-2",
    "wkcap-open-drug-markets": "@SUM(A1)",
    "wkcap-high-risk-venues": "\tX",
    "wkcap-stop-and-search": "\rY",
}


def test_csv_cells_that_would_be_formulas_start_with_an_apostrophe(client):
    for slug, title in FORMULAS.items():
        ActionItem.objects.filter(plan__slug=PLAN, slug=slug).update(title=title)
    set_due("wkcap-mash", None, progress=40, lead_agency="=1+1")
    rows = {row["slug"]: row for row in csv_rows(client.get(URL, {"format": "csv"}))}
    for slug, title in FORMULAS.items():
        assert rows[slug]["title"] == "'" + title
    assert rows["wkcap-mash"]["lead_agency"] == "'=1+1"
    # Numbers stay numbers; an unreported progress is empty.
    assert rows["wkcap-mash"]["progress"] == "40"
    assert rows["wkcap-public-health-approach"]["progress"] == "100"
    assert rows["wkcap-robbery-squad"]["progress"] == ""
    assert rows["wkcap-robbery-squad"]["version"] == "1"
    assert rows["wkcap-robbery-squad"]["id"] == str(item("wkcap-robbery-squad").pk)
    # Ordinary text is untouched.
    assert rows["wkcap-mash"]["title"] == "Multi-Agency Safeguarding Hub information sharing"


def test_csv_names_who_last_updated_each_item(client):
    add_items(2, get_user_model().objects.create_user(username="updater", password="x"))
    rows = csv_rows(client.get(URL, {"format": "csv"}))
    assert len(rows) == ITEM_COUNT + 2
    assert sum(row["last_updated_by"] == "updater" for row in rows) == 2


# --- Query counts (the whole list and its CSV: tests/api/test_list_contract.py) ------------


def test_overdue_filter_queries_do_not_grow(client, django_assert_num_queries):
    """1 count, 1 page of items, for overdue=true and for overdue=false (whose test for
    being overdue is a subquery of the same query)."""
    user = get_user_model().objects.create_user(username="updater", password="x")
    add_items(2, user)  # due in 2020 and on track: overdue
    with django_assert_num_queries(2):
        assert client.get(URL, {"overdue": "true"}).json()["count"] == 2
    with django_assert_num_queries(2):
        assert client.get(URL, {"overdue": "false"}).json()["count"] == ITEM_COUNT
    add_items(30, user)
    with django_assert_num_queries(2):
        assert client.get(URL, {"overdue": "true"}).json()["count"] == 32
    with django_assert_num_queries(2):
        assert client.get(URL, {"overdue": "false"}).json()["count"] == ITEM_COUNT


def test_the_count_is_kept_until_a_write(client, settings, django_assert_num_queries):
    """Kept under the data version and keyed by the list's query: another page of the same
    list reads only its rows; another filter, or a reader who may see a draft plan, has a
    count of its own; a new item is counted at once."""
    settings.SVPORTAL_LIST_COUNT_CACHE_SECONDS = 600
    cache.delete(VERSION_KEY)  # nothing kept by an earlier test is reachable
    draft = ActionPlanFactory(slug="draft-plan", status="draft")
    ActionItemFactory.create_batch(2, plan=draft)
    assert client.get(URL, {"page_size": 10}).json()["count"] == ITEM_COUNT
    with django_assert_num_queries(1):  # the page's rows alone
        again = client.get(URL, {"page_size": 10, "page": 2}).json()
    assert again["count"] == ITEM_COUNT
    complete = ActionItem.objects.public().filter(status="complete").count()
    assert client.get(URL, {"status": "complete"}).json()["count"] == complete

    client.force_login(get_user_model().objects.create_superuser(username="editor"))
    assert client.get(URL, {"page_size": 10}).json()["count"] == ITEM_COUNT + 2
    client.logout()

    ActionItemFactory(plan=ActionItem.objects.get(slug="wkcap-mash").plan)
    assert client.get(URL, {"page_size": 10}).json()["count"] == ITEM_COUNT + 1
    cache.delete(VERSION_KEY)


@pytest.mark.parametrize(
    "params",
    [{}, {"ordering": "-due_date"}, {"status": "on_track"}, {"page_size": 7, "page": 3}],
    ids=["all", "ordered", "filtered", "page-3"],
)
def test_the_list_reads_as_its_serializer_writes_each_item(client, due_dates, params):
    """A page is built from values(), not a serializer per item: its results are the JSON,
    byte for byte, that ActionItemSerializer (which the schema describes) writes of the same
    items: overdue or not, updated by someone or not, a plan without a borough."""
    user = get_user_model().objects.create_user(username="updater", password="x")
    add_items(2, user)
    partnership_plan = ActionPlanFactory(borough=None, partnership=PartnershipFactory())
    ActionItemFactory(plan=partnership_plan, progress=None)
    results = client.get(URL, {**params, "page_size": params.get("page_size", 500)}).json()[
        "results"
    ]

    items = {item.slug: item for item in action_item_list(filters=params, user=None)}
    assert results
    shown = [items[record["slug"]] for record in results]
    render = JSONRenderer().render
    assert render(results) == render(ActionItemSerializer(shown, many=True).data)


def test_the_count_reads_only_what_decides_which_items_are_listed(client):
    """Counted without the records each row shows (plan's borough, updater, source, theme):
    over 100,000 items those joins made the database read every item's whole row. The
    count is the same: an item without an updater or a source is still counted, and a
    filter on a joined record (the plan's borough) still counts only its items."""
    user = get_user_model().objects.create_user(username="updater", password="x")
    add_items(3, user)
    partnership = PartnershipFactory()
    ActionItemFactory(plan=ActionPlanFactory(borough=None, partnership=partnership), source=None)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"page_size": 10}).json()["count"] == ITEM_COUNT + 4
    counted = next(query["sql"] for query in queries if "COUNT(" in query["sql"].upper())
    for shown_only in ("boroughs_borough", "svportal_user", "boroughs_source", "actionplans_theme"):
        assert f'JOIN "{shown_only}"' not in counted
    assert client.get(URL, {"borough": "westminster"}).json()["count"] == ITEM_COUNT
    theme = ActionItem.objects.get(plan__slug=PLAN, slug="wkcap-mash").theme
    in_theme = ActionItem.objects.filter(plan__slug=PLAN, theme=theme).count()
    assert 0 < in_theme < ITEM_COUNT
    assert client.get(URL, {"theme": theme.slug}).json()["count"] == in_theme
