"""What every list keeps alike, checked on each: its first page in its default order, its
pages, its orderings, its search, modified_after, and queries that do not grow with the records it
lists (each case on the lists it was written for; malformed values and unknown orderings
are refused in test_conventions.py). What one resource alone does (its filters, its
detail, its CSV columns) is tested in its app."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import resolve

from actionplans.models import ActionItem, ActionPlan, Framework
from actionplans.tests.factories import (
    ActionItemFactory,
    ActionPlanFactory,
    FrameworkFactory,
    add_frameworks,
    add_items,
)
from actionplans.tests.real_data import (
    REDBRIDGE_PLAN,
    SUSSEX_DRAFT_PLAN,
    WESTMINSTER_ITEM_COUNT,
    WESTMINSTER_PLAN,
    an_analyst_reads_two_plans_more,
    set_due_dates,
)
from boroughs.models import Borough, Organisation, Partnership, StockTake
from boroughs.tests.factories import (
    BoroughFactory,
    OrganisationFactory,
    PartnershipFactory,
    StockTakeFactory,
)
from casestudies.models import CaseStudy, Intervention, Outcome
from casestudies.tests.factories import (
    CaseStudyFactory,
    InterventionFactory,
    OutcomeFactory,
    SettingFactory,
)
from casestudies.tests.real_data import INTERVENTION_COUNT, PUBLISHED_CASE_STUDIES
from core.api.filters import Listing
from core.tests.api_support import assert_not_found, assert_queries_do_not_grow, slugs
from funding.models import Award, Funder, FundingStream
from funding.tests.factories import (
    AwardFactory,
    FunderFactory,
    FundingStreamFactory,
    make_awards,
)
from funding.tests.real_data import ALL_FUNDERS, ALL_STREAMS, DATED_AWARDS

pytestmark = pytest.mark.django_db

#: Records on a page when the request names no page_size.
DEFAULT_PAGE_SIZE = 50
#: Enough for the whole of any list on one page.
WHOLE = {"page_size": 500}

FRAMEWORKS_BY_NAME = [
    "curtail-treat-support-strengthen",
    "mopac-knife-crime-strategy-2017",
    "prevent-protect-prepare-pursue",
    "serious-violence-strategy-2018",
]
REDBRIDGE_CASE_STUDY = "redbridge-functional-family-therapy"
FFT = "functional-family-therapy-families-are-forever"

#: What a list's cases need beyond the real data, given the client: an analyst reads
#: the action plans, with Redbridge's and a draft of Sussex's beside Westminster's;
#: seven of Westminster's items have due dates.
GIVEN = {
    "/api/v1/action-plans/": an_analyst_reads_two_plans_more,
    "/api/v1/action-items/": lambda client: set_due_dates(),
}


def given(client, url):
    GIVEN.get(url, lambda client: None)(client)


def whole_list(client, url, params=None):
    """The rows of the whole list, on one page."""
    response = client.get(url, {**WHOLE, **(params or {})})
    slugs(response)  # a 200 with a page of records
    return response.json()["results"]


def make_partnerships(count):
    for partnership in PartnershipFactory.create_batch(count):
        partnership.members.add(BoroughFactory())


def make_streams(count):
    funder = FunderFactory()
    FundingStreamFactory.create_batch(count, funder=funder)


def in_the_databases_order(queryset, ordering):
    """Every slug of `queryset` as the database orders them, read when the test runs."""
    return lambda: list(queryset.order_by(ordering).values_list("slug", flat=True))


def reversed_(expected):
    return lambda: expected()[::-1]


WESTMINSTER_ITEMS_BY_TITLE = in_the_databases_order(
    ActionItem.objects.filter(plan__slug=WESTMINSTER_PLAN), "title"
)
INTERVENTIONS_BY_NAME = in_the_databases_order(Intervention.objects.all(), "name")


def slug_if(name):
    """A row's slug where it states `name` (rows that do not sort differently on SQLite and
    PostgreSQL, so they are left out)."""
    return lambda row: row["slug"] if row[name] else None


def every_slug(row):
    return row["slug"]


#: (list, how many records it holds, which of its rows' slugs are compared (every row's,
#: or those stating a field left empty elsewhere), the slugs the first page starts with (or
#: what reads them), and those it ends with).
FIRST_PAGES = [
    pytest.param(
        "/api/v1/boroughs/",
        334,
        every_slug,
        ["adur", "allerdale", "amber-valley"],
        [],
        id="boroughs",
    ),
    pytest.param(
        "/api/v1/organisations/",
        57,
        every_slug,
        ["abianda", "arc-theatre", "audioactive"],
        [],
        id="organisations",
    ),
    pytest.param(
        "/api/v1/partnerships/",
        31,
        every_slug,
        [
            "response-and-rescue-partnership",
            "avon-and-somerset",
            "barking-and-dagenham-community-safety-partnership",
        ],
        [],
        id="partnerships",
    ),
    pytest.param(
        "/api/v1/stock-takes/", 1, every_slug, ["london-councils-2018"], [], id="stock-takes"
    ),
    pytest.param("/api/v1/funders/", 9, every_slug, ALL_FUNDERS, [], id="funders"),
    pytest.param("/api/v1/funding-streams/", 12, every_slug, ALL_STREAMS, [], id="funding-streams"),
    # Every award with a date, newest first; on a tie, by title.
    pytest.param(
        "/api/v1/awards/",
        20,
        slug_if("awarded_on"),
        DATED_AWARDS,
        DATED_AWARDS[-1:],
        id="awards",
    ),
    pytest.param("/api/v1/frameworks/", 4, every_slug, FRAMEWORKS_BY_NAME, [], id="frameworks"),
    # Westminster's plan alone: a reader who is not signed in sees no draft.
    pytest.param("/api/v1/action-plans/", 1, every_slug, [WESTMINSTER_PLAN], [], id="action-plans"),
    # Westminster's 40 items in the plan's order: Governance's first item first, and last the
    # last item of Supporting victims.
    pytest.param(
        "/api/v1/action-items/",
        WESTMINSTER_ITEM_COUNT,
        every_slug,
        ["wkcap-public-health-approach"],
        ["wkcap-victim-analysis"],
        id="action-items",
    ),
    # Every published case study, by title.
    pytest.param(
        "/api/v1/case-studies/",
        PUBLISHED_CASE_STUDIES,
        every_slug,
        ["barking-and-dagenham-positive-diversionary-activities"],
        ["waltham-forest-young-people-violence-reduction-partnership"],
        id="case-studies",
    ),
    pytest.param(
        "/api/v1/interventions/",
        INTERVENTION_COUNT,
        every_slug,
        lambda: INTERVENTIONS_BY_NAME()[:3],
        [],
        id="interventions",
    ),
]
#: How many records each list holds in the real data.
REAL_COUNTS = {case.values[0]: case.values[1] for case in FIRST_PAGES}


@pytest.mark.parametrize(("url", "count", "compared", "first", "last"), FIRST_PAGES)
def test_anyone_can_list_the_records_a_page_at_a_time_in_the_default_order(
    client, url, count, compared, first, last
):
    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["count"] == count
    assert len(body["results"]) == min(count, DEFAULT_PAGE_SIZE)
    assert body["next"] == (f"http://testserver{url}?page=2" if count > DEFAULT_PAGE_SIZE else None)
    assert body["previous"] is None
    shown = [slug for slug in map(compared, body["results"]) if slug is not None]
    first = first() if callable(first) else first
    assert shown[: len(first)] == first
    assert shown[len(shown) - len(last) :] == last


#: Lists longer than a page.
LONG_LISTS = ["/api/v1/boroughs/", "/api/v1/organisations/", "/api/v1/interventions/"]


@pytest.mark.parametrize("url", LONG_LISTS)
def test_the_pages_hold_every_record_once_and_a_page_past_the_end_is_a_404(client, url):
    listed, number, body = [], 0, {"next": f"http://testserver{url}"}
    while body["next"]:
        number += 1
        body = client.get(url, {"page": number}).json()
        assert body["count"] == REAL_COUNTS[url]
        assert (body["previous"] is None) == (number == 1)
        listed += [row["slug"] for row in body["results"]]

    assert len(body["results"]) == REAL_COUNTS[url] - DEFAULT_PAGE_SIZE * (number - 1)
    assert len(listed) == len(set(listed)) == REAL_COUNTS[url]
    assert_not_found(client.get(url, {"page": number + 1}))


#: (list, ordering, the slugs it puts first).
ORDERINGS = [
    ("/api/v1/boroughs/", "name", ["adur", "allerdale", "amber-valley"]),
    ("/api/v1/boroughs/", "-name", ["york", "wyre-forest", "wyre"]),
    ("/api/v1/boroughs/", "gss_code", ["hartlepool", "middlesbrough", "redcar-and-cleveland"]),
    (
        "/api/v1/boroughs/",
        "-gss_code",
        ["greater-manchester-combined-authority", "west-sussex", "suffolk"],
    ),
    ("/api/v1/boroughs/", "-region,name", ["barnsley", "bradford", "calderdale"]),
    ("/api/v1/organisations/", "name", ["abianda", "arc-theatre", "audioactive"]),
    (
        "/api/v1/organisations/",
        "-name",
        ["young-westminster-foundation", "young-lambeth-cooperative"],
    ),
    ("/api/v1/organisations/", "kind,name", ["avenues-youth-project", "barnardos", "chance-uk"]),
    (
        "/api/v1/organisations/",
        "-kind,name",
        ["abianda", "family-psychology-mutual", "street-and-arrow"],
    ),
    ("/api/v1/partnerships/", "-name", ["westminster-youth-crime-prevention-partnership"]),
    ("/api/v1/partnerships/", "kind,name", ["barking-and-dagenham-community-safety-partnership"]),
    (
        "/api/v1/partnerships/",
        "-kind,name",
        ["nottingham-city-and-nottinghamshire-vru", "somerset-vru"],
    ),
    ("/api/v1/awards/", "title", ["bristol-anti-knife-crime-community-fund"]),
    ("/api/v1/awards/", "-title", ["bristol-youth-investment-fund"]),
    (
        "/api/v1/case-studies/",
        "title",
        ["barking-and-dagenham-positive-diversionary-activities"],
    ),
    (
        "/api/v1/case-studies/",
        "-title",
        ["waltham-forest-young-people-violence-reduction-partnership"],
    ),
    # 2012, 2013
    (
        "/api/v1/case-studies/",
        "year,title",
        ["bradford-learning-from-cse", "wakefield-diverting-young-people"],
    ),
    # Both of 2020
    (
        "/api/v1/case-studies/",
        "-year,title",
        [REDBRIDGE_CASE_STUDY, "suffolk-data-led-gang-and-county-lines"],
    ),
]


@pytest.mark.parametrize(("url", "ordering", "first"), ORDERINGS)
def test_ordering_puts_these_records_first(client, url, ordering, first):
    assert slugs(client.get(url, {"ordering": ordering}))[: len(first)] == first


#: (list, ordering, every slug of the list in that order, or what reads them).
WHOLE_ORDERINGS = [
    ("/api/v1/funders/", "name", ALL_FUNDERS),
    ("/api/v1/funders/", "-name", ALL_FUNDERS[::-1]),
    ("/api/v1/funding-streams/", "name", ALL_STREAMS),
    ("/api/v1/funding-streams/", "-name", ALL_STREAMS[::-1]),
    ("/api/v1/frameworks/", "name", FRAMEWORKS_BY_NAME),
    ("/api/v1/frameworks/", "-name", FRAMEWORKS_BY_NAME[::-1]),
    ("/api/v1/action-plans/", "title", [REDBRIDGE_PLAN, SUSSEX_DRAFT_PLAN, WESTMINSTER_PLAN]),
    ("/api/v1/action-plans/", "-title", [WESTMINSTER_PLAN, SUSSEX_DRAFT_PLAN, REDBRIDGE_PLAN]),
    (
        "/api/v1/action-plans/",
        "last_refreshed_on",
        [REDBRIDGE_PLAN, WESTMINSTER_PLAN, SUSSEX_DRAFT_PLAN],
    ),
    (
        "/api/v1/action-plans/",
        "-last_refreshed_on",
        [SUSSEX_DRAFT_PLAN, WESTMINSTER_PLAN, REDBRIDGE_PLAN],
    ),
    ("/api/v1/action-items/", "title", WESTMINSTER_ITEMS_BY_TITLE),
    ("/api/v1/action-items/", "-title", reversed_(WESTMINSTER_ITEMS_BY_TITLE)),
    ("/api/v1/interventions/", "name", INTERVENTIONS_BY_NAME),
    ("/api/v1/interventions/", "-name", reversed_(INTERVENTIONS_BY_NAME)),
]


@pytest.mark.parametrize(("url", "ordering", "expected"), WHOLE_ORDERINGS)
def test_ordering_sorts_the_whole_list(client, url, ordering, expected):
    given(client, url)
    expected = expected() if callable(expected) else expected

    assert slugs(client.get(url, {**WHOLE, "ordering": ordering})) == expected


#: (list, ordering, the ordering the other way): the list the other way is the same list
#: reversed.
REVERSED_ORDERINGS = [
    ("/api/v1/awards/", "title", "-title"),
    ("/api/v1/case-studies/", "title", "-title"),
]


@pytest.mark.parametrize(("url", "ordering", "other_way"), REVERSED_ORDERINGS)
def test_ordering_the_other_way_reverses_the_list(client, url, ordering, other_way):
    one_way = slugs(client.get(url, {**WHOLE, "ordering": ordering}))

    assert slugs(client.get(url, {**WHOLE, "ordering": other_way})) == one_way[::-1]


def stated(name):
    return lambda row: row[name]


#: (list, ordering, what of a row is compared, that of every row that states it in the
#: list's order).
ORDERED_VALUES = [
    pytest.param(
        "/api/v1/awards/",
        "-amount",
        stated("amount"),
        [
            "1160000.00",
            "1100000.00",
            "1000000.00",
            "890000.00",
            "800000.00",
            "700000.00",
            "700000.00",
            "546000.00",
            "500000.00",
            "500000.00",
        ],
        id="awards--amount",
    ),
    pytest.param(
        "/api/v1/awards/",
        "amount",
        stated("amount"),
        [
            "500000.00",
            "500000.00",
            "546000.00",
            "700000.00",
            "700000.00",
            "800000.00",
            "890000.00",
            "1000000.00",
            "1100000.00",
            "1160000.00",
        ],
        id="awards-amount",
    ),
    pytest.param(
        "/api/v1/awards/",
        "awarded_on,title",
        slug_if("awarded_on"),
        [
            "wakefield-liaison-and-diversion-nhs-england-pilot",
            "eiyf-2018-cleveland-pcc",
            "trf-2018-greater-manchester-psychologists",
            "trf-2018-north-yorkshire-and-york",
            "eiyf-2018-sussex-pcc-reboot",
            "eiyf-2019-barking-and-dagenham-and-redbridge",
            "svf-2019-20-avon-and-somerset",
        ],
        id="awards-awarded_on,title",
    ),
    pytest.param(
        "/api/v1/action-items/",
        "due_date",
        slug_if("due_date"),
        [
            "wkcap-future-days-of-action",
            "wkcap-gps-tagging-pilot",
            "wkcap-open-drug-markets",
            "wkcap-public-health-approach",
            "wkcap-robbery-squad",
            "wkcap-mash",
            "wkcap-victim-analysis",
        ],
        id="action-items-due_date",
    ),
    pytest.param(
        "/api/v1/action-items/",
        "-due_date",
        slug_if("due_date"),
        [
            "wkcap-victim-analysis",
            "wkcap-mash",
            "wkcap-robbery-squad",
            "wkcap-public-health-approach",
            "wkcap-open-drug-markets",
            "wkcap-gps-tagging-pilot",
            "wkcap-future-days-of-action",
        ],
        id="action-items--due_date",
    ),
]


@pytest.mark.parametrize(("url", "ordering", "shown", "expected"), ORDERED_VALUES)
def test_ordering_puts_the_rows_stating_it_in_this_order(client, url, ordering, shown, expected):
    given(client, url)
    values = [shown(row) for row in whole_list(client, url, {"ordering": ordering})]

    assert [value for value in values if value is not None] == expected


#: (list, ordering, the ordering the other way, the field it sorts by, its first and last
#: values): the rows follow the field's values, and the other way, the same values reversed.
SORTED_BY = [
    ("/api/v1/case-studies/", "year,title", "-year,title", "year", (2012, 2020)),
    (
        "/api/v1/interventions/",
        "category,name",
        "-category,name",
        "category",
        ("advocacy", "youth_work"),
    ),
]


@pytest.mark.parametrize(("url", "ordering", "other_way", "field", "ends"), SORTED_BY)
def test_ordering_by_a_field_sorts_the_rows_by_its_values_either_way(
    client, url, ordering, other_way, field, ends
):
    one_way = [row[field] for row in whole_list(client, url, {"ordering": ordering})]
    the_other_way = [row[field] for row in whole_list(client, url, {"ordering": other_way})]

    assert one_way == sorted(one_way)
    assert (one_way[0], one_way[-1]) == ends
    assert the_other_way == one_way[::-1]


#: (list, q, exactly the slugs it finds, in the list's order).
SEARCHES = [
    ("/api/v1/boroughs/", "york", ["east-riding-of-yorkshire", "north-yorkshire", "york"]),
    ("/api/v1/boroughs/", "E47", ["greater-manchester-combined-authority"]),
    ("/api/v1/boroughs/", "somerset north", ["bath-and-north-east-somerset", "north-somerset"]),
    ("/api/v1/organisations/", "theatre", ["arc-theatre", "gw-theatre-company"]),
    ("/api/v1/organisations/", "knife arch", ["merseyside-police"]),
    ("/api/v1/partnerships/", "reboot", ["sussex-reboot"]),
    ("/api/v1/partnerships/", "Ipswich", ["suffolk-against-gang-exploitation"]),
    ("/api/v1/funders/", "police", ["avon-and-somerset-pcc", "cleveland-pcc", "sussex-pcc"]),
    ("/api/v1/funders/", "policing", ["mopac"]),
    ("/api/v1/funding-streams/", "lottery", ["youth-investment-fund"]),
    ("/api/v1/funding-streams/", "endowment", ["youth-endowment-fund"]),
    (
        "/api/v1/funding-streams/",
        "MOPAC",
        ["london-crime-prevention-fund", "mopac-london-gang-exit"],
    ),
]


@pytest.mark.parametrize(("url", "q", "expected"), SEARCHES)
def test_q_finds_exactly_the_matching_records(client, url, q, expected):
    assert slugs(client.get(url, {"q": q})) == expected


@pytest.mark.parametrize("url", list(REAL_COUNTS))
def test_every_list_is_read_through_its_resources_listing(url):
    view = resolve(url).func.cls

    assert isinstance(view.listing, Listing)
    assert view.list_selector is not None
    assert view.filterset_class is view.listing.filterset_class


#: (list, its model, a factory of one more record, the records changed last,
#: a modified_after between the others' changes and theirs).
MODIFIED_AFTER = [
    pytest.param(
        "/api/v1/boroughs/",
        Borough,
        BoroughFactory,
        ["york"],
        "2099-01-01T00:00:00Z",
        id="boroughs",
    ),
    # A date alone is taken as its midnight.
    pytest.param(
        "/api/v1/organisations/",
        Organisation,
        OrganisationFactory,
        ["redthread"],
        "2099-01-01",
        id="organisations",
    ),
    pytest.param(
        "/api/v1/partnerships/",
        Partnership,
        PartnershipFactory,
        ["somerset-vru"],
        "2099-01-01T00:00:00Z",
        id="partnerships",
    ),
    pytest.param(
        "/api/v1/stock-takes/",
        StockTake,
        StockTakeFactory,
        ["london-councils-2018"],
        "2099-01-01T00:00:00Z",
        id="stock-takes",
    ),
    pytest.param(
        "/api/v1/funders/",
        Funder,
        FunderFactory,
        ["mopac"],
        "2099-01-01T00:00:00Z",
        id="funders",
    ),
    pytest.param(
        "/api/v1/funding-streams/",
        FundingStream,
        FundingStreamFactory,
        ["youth-endowment-fund"],
        "2099-01-01T00:00:00Z",
        id="funding-streams",
    ),
    pytest.param(
        "/api/v1/awards/",
        Award,
        AwardFactory,
        ["yef-redbridge-functional-family-therapy"],
        "2099-01-01T00:00:00Z",
        id="awards",
    ),
    pytest.param(
        "/api/v1/frameworks/",
        Framework,
        FrameworkFactory,
        ["prevent-protect-prepare-pursue"],
        "2099-01-01",
        id="frameworks",
    ),
    pytest.param(
        "/api/v1/action-plans/",
        ActionPlan,
        ActionPlanFactory,
        [WESTMINSTER_PLAN],
        "2099-01-01T00:00:00Z",
        id="action-plans",
    ),
    pytest.param(
        "/api/v1/action-items/",
        ActionItem,
        ActionItemFactory,
        ["wkcap-mash"],
        "2099-01-01T00:00:00Z",
        id="action-items",
    ),
    pytest.param(
        "/api/v1/case-studies/",
        CaseStudy,
        CaseStudyFactory,
        [REDBRIDGE_CASE_STUDY],
        "2099-01-01T00:00:00Z",
        id="case-studies",
    ),
    pytest.param(
        "/api/v1/interventions/",
        Intervention,
        InterventionFactory,
        [FFT, "graft"],
        "2099-01-01T00:00:00Z",
        id="interventions",
    ),
]


@pytest.mark.parametrize(("url", "model", "make_one", "changed", "since"), MODIFIED_AFTER)
def test_modified_after_gives_only_the_records_changed_since(
    client, url, model, make_one, changed, since
):
    given(client, url)
    model.objects.update(modified_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    make_one()
    model.objects.filter(slug__in=changed).update(
        modified_at=dt.datetime(2099, 1, 2, tzinfo=dt.UTC)
    )

    response = client.get(url, {**WHOLE, "modified_after": since})

    assert sorted(slugs(response)) == sorted(changed)
    assert {row["modified_at"] for row in response.json()["results"]} == {"2099-01-02T00:00:00Z"}
    # Before every change, the whole list; after the last, nothing.
    everything = slugs(client.get(url, WHOLE))
    assert slugs(client.get(url, {**WHOLE, "modified_after": "2019-12-31T00:00:00Z"})) == everything
    assert slugs(client.get(url, {"modified_after": "2099-01-02T12:00:00Z"})) == []


def make_items(count):
    updater, _ = get_user_model().objects.get_or_create(username="updater")
    add_items(count, updater)


def make_interventions(count):
    for intervention in InterventionFactory.create_batch(count, settings=[SettingFactory()]):
        OutcomeFactory(
            case_study=CaseStudyFactory(interventions=[intervention], outcomes=[]),
            outcome_type=Outcome.Type.OFFENDING,
        )


#: (list, a maker of N records, queries for the whole list on one page, queries for it as
#: CSV): the same with 3 records made and with 30 more, each listed beside the real data.
#: What each query reads is said above its row.
QUERIES = [
    # Page: 1 count, 1 page of boroughs joined to their sources.
    # CSV: 1 query, the boroughs joined to their sources, read in chunks.
    pytest.param("/api/v1/boroughs/", BoroughFactory.create_batch, 2, 1, id="boroughs"),
    # Page: 1 count, 1 page of organisations joined to their sources.
    # CSV: 1 query, the organisations joined to their sources, read in chunks.
    pytest.param(
        "/api/v1/organisations/", OrganisationFactory.create_batch, 2, 1, id="organisations"
    ),
    # Page: 1 count, 1 page of partnerships joined to their sources, 1 members prefetch.
    # CSV: 1 query for the partnerships joined to their sources, 1 members prefetch.
    pytest.param("/api/v1/partnerships/", make_partnerships, 3, 2, id="partnerships"),
    # Page: 1 count, 1 page of stock-takes joined to their sources, 1 for the page's
    # questions, 1 for their options.
    # CSV: 1 query for the stock-takes joined to their sources, 1 questions prefetch,
    # 1 options prefetch.
    pytest.param("/api/v1/stock-takes/", StockTakeFactory.create_batch, 4, 3, id="stock-takes"),
    # Page: 1 count, 1 page of funders joined to their sources.
    # CSV: 1 query, the funders joined to their sources, read in chunks.
    pytest.param("/api/v1/funders/", FunderFactory.create_batch, 2, 1, id="funders"),
    # Page: 1 count, 1 page of streams joined to their funders and sources.
    # CSV: 1 query, the streams joined to their funders and sources, read in chunks.
    pytest.param("/api/v1/funding-streams/", make_streams, 2, 1, id="funding-streams"),
    # Page: 1 count, 1 page of awards joined to stream, funder, partnership, organisation
    # and source, 1 recipient boroughs prefetch.
    # CSV: 1 query for the awards with the same joins, 1 recipient boroughs prefetch.
    pytest.param("/api/v1/awards/", make_awards, 3, 2, id="awards"),
    # Page: 1 count, 1 page of frameworks (owner and source joined), 1 themes prefetch.
    # CSV: 1 query for the frameworks (owner and source joined), 1 themes prefetch.
    pytest.param("/api/v1/frameworks/", add_frameworks, 3, 2, id="frameworks"),
    # Page: 1 count, 1 page of plans with borough, partnership, framework and source
    # joined and their items counted.
    # CSV: 1 query for the plans with the same joins and their items counted.
    pytest.param("/api/v1/action-plans/", ActionPlanFactory.create_batch, 2, 1, id="action-plans"),
    # Page: 1 count, 1 page of items with plan, plan's borough, theme, last updater and
    # source joined.
    # CSV: 1 query for the items with the same joins.
    pytest.param("/api/v1/action-items/", make_items, 2, 1, id="action-items"),
    # Page: 1 of the facets' counts stored over the published (with the count; the reader
    # sees no draft), 1 page of case studies (partnership and source joined), then 1 for
    # the boroughs, approaches, settings and interventions they link to (one UNION), 1 for
    # the interventions' external ratings and 1 for the headline outcomes.
    # CSV: 1 query for the case studies (partnership and source joined), then one prefetch
    # each for boroughs, approaches, settings, interventions, the interventions' external
    # ratings, awards and outcomes.
    pytest.param("/api/v1/case-studies/", CaseStudyFactory.create_batch, 5, 8, id="case-studies"),
    # Page: 1 count, 1 page of interventions (source joined), 1 settings prefetch,
    # 1 providers prefetch, 1 external ratings prefetch, 1 the published case studies
    # reporting results (source joined), 1 their headline outcomes (source joined).
    # CSV: 1 query for the interventions (source joined), then the same five prefetches.
    pytest.param("/api/v1/interventions/", make_interventions, 7, 6, id="interventions"),
]


@pytest.mark.parametrize(("url", "make", "page_queries", "csv_queries"), QUERIES)
def test_list_queries_do_not_grow(
    client, django_assert_num_queries, url, make, page_queries, csv_queries
):
    before = assert_queries_do_not_grow(
        django_assert_num_queries,
        page_queries,
        make=make,
        fetch=lambda: client.get(url, {"page_size": 500}),
    )
    assert before == REAL_COUNTS[url] + 3


@pytest.mark.parametrize(("url", "make", "page_queries", "csv_queries"), QUERIES)
def test_csv_queries_do_not_grow(
    client, django_assert_num_queries, url, make, page_queries, csv_queries
):
    before = assert_queries_do_not_grow(
        django_assert_num_queries,
        csv_queries,
        make=make,
        fetch=lambda: client.get(url, {"format": "csv"}),
    )
    assert before == REAL_COUNTS[url] + 3
