"""The award list and detail; the 360Giving export is tested with the other exports."""

from http import HTTPStatus

import pytest
from rest_framework.renderers import JSONRenderer

from core.tests.api_support import assert_invalid, assert_queries_do_not_grow, read_csv, slugs
from funding.api.serializers import AwardSerializer
from funding.selectors import award_list
from funding.tests.factories import AwardFactory, FundingStreamFactory, make_awards
from funding.tests.real_data import DATED_AWARDS

pytestmark = pytest.mark.django_db

URL = "/api/v1/awards/"

TRUSTED_RELATIONSHIPS = {
    "bradford-trusted-relationships-fund",
    "north-east-lincolnshire-trusted-relationships-fund",
    "northampton-trusted-relationships-fund",
    "trf-2018-greater-manchester-psychologists",
    "trf-2018-north-yorkshire-and-york",
}
YOUTH_ENDOWMENT = "yef-redbridge-functional-family-therapy"
JOINT_EIYF = "eiyf-2019-barking-and-dagenham-and-redbridge"


def test_borough_gives_the_awards_to_that_borough_once_each(client):
    response = client.get(URL, {"borough": "redbridge"})

    assert sorted(slugs(response)) == [JOINT_EIYF, YOUTH_ENDOWMENT]
    youth_endowment = next(a for a in response.json()["results"] if a["slug"] == YOUTH_ENDOWMENT)
    assert youth_endowment["amount"] == "700000.00"
    assert youth_endowment["amount_is_minimum"] is True
    assert youth_endowment["amount_text"] == "over £700,000"
    assert youth_endowment["stream"] == {
        "slug": "youth-endowment-fund",
        "name": "Youth Endowment Fund",
    }
    assert youth_endowment["funder"] == {"slug": "home-office", "name": "Home Office"}
    assert youth_endowment["recipient_boroughs"] == [
        {"slug": "redbridge", "name": "Redbridge", "gss_code": "E09000026"}
    ]
    assert youth_endowment["recipient_partnership"] is None
    assert youth_endowment["recipient_organisation"] is None


def test_a_joint_award_is_listed_under_each_borough(client):
    response = client.get(URL, {"borough": "barking-and-dagenham"})

    assert slugs(response) == [JOINT_EIYF]
    assert [b["slug"] for b in response.json()["results"][0]["recipient_boroughs"]] == [
        "barking-and-dagenham",
        "redbridge",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stream": "trusted-relationships-fund"}, TRUSTED_RELATIONSHIPS),
        ({"stream": "youth-endowment-fund"}, {YOUTH_ENDOWMENT}),
        ({"stream": "prosecutions-fund"}, set()),
        ({"funder": "mopac"}, {"lcpf-response-and-rescue", "safer-london-london-gang-exit-mopac"}),
        (
            {"funder": "nhs-england"},
            {
                "wakefield-liaison-and-diversion-nhs-england-pilot",
                "wakefield-liaison-and-diversion-leeds-bradford-nhs-england",
            },
        ),
        ({"funder": "scottish-government"}, set()),
        (
            {"borough": "bristol"},
            {"bristol-anti-knife-crime-community-fund", "bristol-youth-investment-fund"},
        ),
        ({"borough": "barnet"}, set()),
        (
            {"borough": "redbridge", "funder": "home-office", "stream": "youth-endowment-fund"},
            {YOUTH_ENDOWMENT},
        ),
        ({"borough": "redbridge", "stream": "trusted-relationships-fund"}, set()),
    ],
)
def test_filters_give_exactly_the_matching_awards(client, params, expected):
    assert set(slugs(client.get(URL, params))) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"awarded_after": "2019-01-01"}, DATED_AWARDS[:2]),
        ({"awarded_after": "2019-01-02"}, DATED_AWARDS[:1]),
        ({"awarded_before": "2013-12-31"}, DATED_AWARDS[-1:]),
        ({"awarded_before": "2012-12-31"}, []),
        ({"awarded_after": "2018-01-01", "awarded_before": "2018-12-31"}, DATED_AWARDS[2:6]),
        ({"ending_before": "2020-03-31"}, [DATED_AWARDS[0], "eiyf-2018-cleveland-pcc"]),
        ({"ending_before": "2020-03-30"}, []),
        ({"funder": "home-office", "awarded_after": "2018-06-01"}, DATED_AWARDS[:3]),
    ],
)
def test_date_filters_are_inclusive(client, params, expected):
    assert slugs(client.get(URL, params)) == expected


def test_q_searches_titles_purposes_boroughs_and_streams(client):
    assert set(slugs(client.get(URL, {"q": "wakefield"}))) == {
        "wakefield-liaison-and-diversion-nhs-england-pilot",
        "wakefield-liaison-and-diversion-leeds-bradford-nhs-england",
    }
    assert slugs(client.get(URL, {"q": "Dagenham"})) == [JOINT_EIYF]
    assert set(slugs(client.get(URL, {"q": "endowment"}))) == {YOUTH_ENDOWMENT}
    assert slugs(client.get(URL, {"q": "Ipswich"})) == ["suffolk-public-sector-leaders-sage"]


def test_an_award_by_slug_names_its_recipients(client):
    response = client.get(f"{URL}eiyf-2018-sussex-pcc-reboot/")

    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["title"] == "Early Intervention Fund: Sussex Police and Crime Commissioner, REBOOT"
    assert body["recipient_boroughs"] == []
    assert body["recipient_partnership"] is None
    assert body["recipient_organisation"] == {
        "slug": "sussex-police-and-crime-commissioner",
        "name": "Sussex Police and Crime Commissioner",
    }
    assert body["amount"] == "890000.00"
    assert body["amount_is_minimum"] is True
    assert body["awarded_on"] == "2018-11-01"
    assert body["awarded_on_precision"] == "month"
    assert body["source"]["key"] == "lga-public-health-approach-2020"
    assert body["source_section"] == "Case studies › Sussex › The solution"


def test_an_award_to_a_partnership(client):
    body = client.get(f"{URL}svf-2019-20-avon-and-somerset/").json()

    assert body["recipient_partnership"] == {
        "slug": "avon-and-somerset",
        "name": "Avon and Somerset",
    }
    assert body["amount"] == "1160000.00"
    assert body["amount_is_minimum"] is False
    assert body["ends_on"] == "2020-03-31"


def test_the_errors_name_what_does_not_exist(client):
    assert assert_invalid(client.get(URL, {"borough": "atlantis"}), "borough") == [
        "There is no borough “atlantis”."
    ]
    assert assert_invalid(client.get(URL, {"stream": "atlantis"}), "stream") == [
        "There is no funding stream “atlantis”."
    ]


def test_an_award_takes_no_list_filters(client):
    assert_invalid(client.get(f"{URL}{YOUTH_ENDOWMENT}/", {"borough": "redbridge"}), "borough")


def test_csv_of_a_boroughs_awards_flattens_streams_funders_and_recipients(client):
    header, rows = read_csv(client.get(URL, {"borough": "redbridge", "format": "csv"}))

    assert header[:7] == [
        "slug",
        "title",
        "stream.slug",
        "stream.name",
        "funder.slug",
        "funder.name",
        "recipient_boroughs",
    ]
    assert {"amount", "amount_is_minimum", "source.title", "source_section"} <= set(header)
    by_slug = {row["slug"]: row for row in rows}
    assert set(by_slug) == {JOINT_EIYF, YOUTH_ENDOWMENT}
    youth_endowment = by_slug[YOUTH_ENDOWMENT]
    assert youth_endowment["stream.name"] == "Youth Endowment Fund"
    assert youth_endowment["funder.name"] == "Home Office"
    assert youth_endowment["recipient_boroughs"] == "Redbridge"
    assert youth_endowment["amount"] == "700000.00"
    assert youth_endowment["amount_is_minimum"] == "true"
    assert by_slug[JOINT_EIYF]["recipient_boroughs"] == "Barking and Dagenham; Redbridge"
    assert by_slug[JOINT_EIYF]["amount_is_minimum"] == "false"


def test_csv_honours_date_filters_and_ordering(client):
    _, rows = read_csv(
        client.get(
            URL, {"awarded_after": "2018-01-01", "ordering": "awarded_on,title", "format": "csv"}
        )
    )

    assert [row["slug"] for row in rows] == [
        DATED_AWARDS[3],
        DATED_AWARDS[4],
        DATED_AWARDS[5],
        DATED_AWARDS[2],
        DATED_AWARDS[1],
        DATED_AWARDS[0],
    ]


def test_csv_of_all_awards_keeps_every_recipient(client):
    header, rows = read_csv(client.get(URL, {"format": "csv"}))

    assert "recipient_organisation.name" in header
    by_slug = {row["slug"]: row for row in rows}
    assert (
        by_slug["eiyf-2018-sussex-pcc-reboot"]["recipient_organisation.name"]
        == "Sussex Police and Crime Commissioner"
    )


@pytest.mark.parametrize(
    "params",
    [{}, {"ordering": "amount"}, {"borough": "redbridge"}, {"page_size": 5, "page": 2}],
    ids=["all", "ordered", "filtered", "page-2"],
)
def test_the_list_reads_as_its_serializer_writes_each_award(client, params):
    """A page is built from values(), not a serializer per award: its results are the
    JSON, byte for byte, that AwardSerializer (which the schema describes) writes of the
    same awards: minimum amounts, partnerships, organisations, several boroughs, no funder,
    no source, no dates."""
    make_awards(3)
    AwardFactory(
        slug="undated", awarded_on=None, amount=None, stream=FundingStreamFactory(funder=None)
    )
    results = client.get(URL, {**params, "page_size": params.get("page_size", 500)}).json()[
        "results"
    ]

    awards = {award.slug: award for award in award_list(filters=params, user=None)}
    assert results
    shown = [awards[record["slug"]] for record in results]
    render = JSONRenderer().render
    assert render(results) == render(AwardSerializer(shown, many=True).data)


def test_award_list_of_a_borough_queries_do_not_grow(client, django_assert_num_queries):
    """1 check that the borough exists, 1 count, 1 page of awards with their joins,
    1 recipient boroughs prefetch."""
    assert_queries_do_not_grow(
        django_assert_num_queries,
        4,
        make=make_awards,
        fetch=lambda: client.get(URL, {"borough": "barking-and-dagenham"}),
    )
