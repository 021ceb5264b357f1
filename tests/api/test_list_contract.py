"""What every list of reference records keeps alike, checked on each: its first page in its
default order, its orderings, its search, modified_after, and queries that do not grow with
the records it lists. What one resource alone does (its filters, its detail, its CSV
columns) is tested in its app."""

import datetime as dt
from http import HTTPStatus

import pytest

from boroughs.models import Borough, Organisation, Partnership, StockTake
from boroughs.tests.factories import (
    BoroughFactory,
    OrganisationFactory,
    PartnershipFactory,
    StockTakeFactory,
)
from core.tests.api_support import assert_queries_do_not_grow, slugs
from funding.models import Funder, FundingStream
from funding.tests.factories import FunderFactory, FundingStreamFactory
from funding.tests.real_data import ALL_FUNDERS, ALL_STREAMS

pytestmark = pytest.mark.django_db

#: Records on a page when the request names no page_size.
DEFAULT_PAGE_SIZE = 50


def make_partnerships(count):
    for partnership in PartnershipFactory.create_batch(count):
        partnership.members.add(BoroughFactory())


def make_streams(count):
    funder = FunderFactory()
    FundingStreamFactory.create_batch(count, funder=funder)


#: (list, how many records it holds, the slugs its first page starts with).
FIRST_PAGES = [
    pytest.param("/api/v1/boroughs/", 334, ["adur", "allerdale", "amber-valley"], id="boroughs"),
    pytest.param(
        "/api/v1/organisations/", 57, ["abianda", "arc-theatre", "audioactive"], id="organisations"
    ),
    pytest.param(
        "/api/v1/partnerships/",
        31,
        [
            "response-and-rescue-partnership",
            "avon-and-somerset",
            "barking-and-dagenham-community-safety-partnership",
        ],
        id="partnerships",
    ),
    pytest.param("/api/v1/stock-takes/", 1, ["london-councils-2018"], id="stock-takes"),
    pytest.param("/api/v1/funders/", 9, ALL_FUNDERS, id="funders"),
    pytest.param("/api/v1/funding-streams/", 12, ALL_STREAMS, id="funding-streams"),
]


@pytest.mark.parametrize(("url", "count", "first"), FIRST_PAGES)
def test_anyone_can_list_the_records_a_page_at_a_time_in_the_default_order(
    client, url, count, first
):
    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["count"] == count
    assert len(body["results"]) == min(count, DEFAULT_PAGE_SIZE)
    assert body["next"] == (f"http://testserver{url}?page=2" if count > DEFAULT_PAGE_SIZE else None)
    assert body["previous"] is None
    assert slugs(response)[: len(first)] == first


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
]


@pytest.mark.parametrize(("url", "ordering", "first"), ORDERINGS)
def test_ordering_puts_these_records_first(client, url, ordering, first):
    assert slugs(client.get(url, {"ordering": ordering}))[: len(first)] == first


#: (list, ordering, every slug of the list in that order).
WHOLE_ORDERINGS = [
    ("/api/v1/funders/", "name", ALL_FUNDERS),
    ("/api/v1/funders/", "-name", ALL_FUNDERS[::-1]),
    ("/api/v1/funding-streams/", "name", ALL_STREAMS),
    ("/api/v1/funding-streams/", "-name", ALL_STREAMS[::-1]),
]


@pytest.mark.parametrize(("url", "ordering", "expected"), WHOLE_ORDERINGS)
def test_ordering_sorts_the_whole_list(client, url, ordering, expected):
    assert slugs(client.get(url, {"ordering": ordering})) == expected


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


#: (list, its model, a factory of one more record, the record changed, modified_after).
MODIFIED_AFTER = [
    pytest.param(
        "/api/v1/boroughs/", Borough, BoroughFactory, "york", "2099-01-01T00:00:00Z", id="boroughs"
    ),
    # A date alone is taken as its midnight.
    pytest.param(
        "/api/v1/organisations/",
        Organisation,
        OrganisationFactory,
        "redthread",
        "2099-01-01",
        id="organisations",
    ),
    pytest.param(
        "/api/v1/partnerships/",
        Partnership,
        PartnershipFactory,
        "somerset-vru",
        "2099-01-01T00:00:00Z",
        id="partnerships",
    ),
    pytest.param(
        "/api/v1/stock-takes/",
        StockTake,
        StockTakeFactory,
        "london-councils-2018",
        "2099-01-01T00:00:00Z",
        id="stock-takes",
    ),
    pytest.param(
        "/api/v1/funders/", Funder, FunderFactory, "mopac", "2099-01-01T00:00:00Z", id="funders"
    ),
    pytest.param(
        "/api/v1/funding-streams/",
        FundingStream,
        FundingStreamFactory,
        "youth-endowment-fund",
        "2099-01-01T00:00:00Z",
        id="funding-streams",
    ),
]


@pytest.mark.parametrize(("url", "model", "make_one", "changed", "since"), MODIFIED_AFTER)
def test_modified_after_gives_only_the_records_changed_since(
    client, url, model, make_one, changed, since
):
    make_one()
    model.objects.filter(slug=changed).update(modified_at=dt.datetime(2099, 1, 2, tzinfo=dt.UTC))

    response = client.get(url, {"modified_after": since})

    assert slugs(response) == [changed]
    assert response.json()["results"][0]["modified_at"] == "2099-01-02T00:00:00Z"


#: (list, a maker of N records, queries for the whole list on one page, queries for it as
#: CSV): the same with 3 records made and with 30 more. What each query reads is said above
#: its row.
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
]


@pytest.mark.parametrize(("url", "make", "page_queries", "csv_queries"), QUERIES)
def test_list_queries_do_not_grow(
    client, django_assert_num_queries, url, make, page_queries, csv_queries
):
    assert_queries_do_not_grow(
        django_assert_num_queries,
        page_queries,
        make=make,
        fetch=lambda: client.get(url, {"page_size": 500}),
    )


@pytest.mark.parametrize(("url", "make", "page_queries", "csv_queries"), QUERIES)
def test_csv_queries_do_not_grow(
    client, django_assert_num_queries, url, make, page_queries, csv_queries
):
    assert_queries_do_not_grow(
        django_assert_num_queries,
        csv_queries,
        make=make,
        fetch=lambda: client.get(url, {"format": "csv"}),
    )
