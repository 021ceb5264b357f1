"""The case-study list's search in the API: full-text `q`, relevance order, each result's
rank and snippet, and the facet counts beside the results."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from boroughs.models import Borough
from boroughs.roles import role_grant
from boroughs.tests.factories import BoroughFactory
from casestudies.tests.factories import CaseStudyFactory
from core.response_cache import VERSION_KEY
from core.tests.api_support import assert_invalid, csv_rows, slugs

pytestmark = pytest.mark.django_db

URL = "/api/v1/case-studies/"
REDBRIDGE = "redbridge-functional-family-therapy"
SUFFOLK = "suffolk-data-led-gang-and-county-lines"
PUBLISHED_COUNT = 19
FACETS = {
    "borough",
    "region",
    "approach",
    "category",
    "funding_stream",
    "year",
    "evidence_level",
    "evaluation_design",
    "outcome_type",
    "setting",
    "cost_band",
}


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()


def facet(body, name):
    return {option["value"]: option for option in body["facets"][name]}


def counts(body, name):
    return {value: option["count"] for value, option in facet(body, name).items()}


# --- Results ---------------------------------------------------------------------------------


def test_the_list_keeps_its_keys_and_adds_facets(client):
    body = get(client)
    assert list(body) == ["count", "next", "previous", "next_cursor", "results", "facets"]
    assert body["count"] == PUBLISHED_COUNT
    assert set(body["facets"]) == FACETS


def test_with_q_the_most_relevant_come_first_with_rank_and_snippet(client):
    body = get(client, q="family therapy")
    first = body["results"][0]
    assert first["slug"] == REDBRIDGE
    assert first["rank"] > 0
    assert "<mark>" in first["snippet"]
    ranks = [record["rank"] for record in body["results"]]
    assert ranks == sorted(ranks, reverse=True)


def test_deep_pages_of_a_search_walk_its_results_in_order(client):
    """Past the first page the rows are picked by rank first, then read by id: the pages
    join up as one long page lists them, filters and all."""
    borough = BoroughFactory(slug="deepshire")
    for number in range(23):
        CaseStudyFactory(
            title=f"Deeppage study {number:02d}",
            summary=" ".join(["deeppage"] * (number % 4 + 1)),
            boroughs=[borough],
        )
    query = {"q": "deeppage", "borough": "deepshire"}
    everything = [row["slug"] for row in get(client, **query, page_size=100)["results"]]
    assert len(everything) == 23
    walked = []
    for number in (1, 2, 3, 4):
        walked += [row["slug"] for row in get(client, **query, page_size=7, page=number)["results"]]
    assert walked == everything


def _tied_studies(word, count, *, borough=None, **fields):
    """`count` case studies saying `word` one to four times in their summaries, so that
    many share each rank and only their titles order them."""
    return [
        CaseStudyFactory(
            title=f"{word.title()} study {(number * 7) % count:02d}",
            summary=" ".join([word] * (number % 4 + 1)),
            boroughs=[borough or BoroughFactory()],
            **fields,
        )
        for number in range(count)
    ]


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_of_a_one_word_search_is_the_part_of_the_whole_list_it_names(client, signed_in):
    """A deep page of a search for one word is found from how many matches each rank has
    (only the ranks that hold it are sorted by title): page by page, at any page size
    and past any number of ties, the pages are the one long list cut up, drafts a reader
    may see included, in the API and on the page."""
    borough = BoroughFactory(slug="tieshire")
    _tied_studies("tiepage", 29, borough=borough)
    _tied_studies("tiepage", 5, borough=borough, status="draft")
    if signed_in:
        client.force_login(get_user_model().objects.create_superuser("tie-editor", password="x"))
    everything = [row["slug"] for row in get(client, q="tiepage", page_size=100)["results"]]
    assert len(everything) == (34 if signed_in else 29)
    for size in (3, 7, 20):
        walked = []
        for number in range(1, len(everything) // size + 2):
            walked += [
                row["slug"]
                for row in get(client, q="tiepage", page_size=size, page=number)["results"]
            ]
        assert walked == everything, size
    shown = []
    for number in (1, 2):
        page = client.get("/case-studies/", {"q": "tiepage", "page": number})
        shown += [study.slug for study in page.context["page"]]
    assert shown == everything[:40]


@pytest.mark.parametrize(
    ("reader", "query"),
    [
        ("public", {}),
        ("editor", {}),
        ("officer", {}),
        ("public", {"year": 2019}),
        ("editor", {"year": 2019}),
    ],
)
def test_the_middle_pages_place_the_matches_the_reader_sees_and_no_others(client, reader, query):
    """The middle pages of a search for one word are placed from how many matches each rank
    has, counted for the published studies from the word's postings less those of the
    studies not published: drafts and studies in review, ranked above and among the
    published, must be left out for the public exactly once, and kept for an editor (and
    for an officer, their borough's). Every page is the part of the one long list it
    names, with and without other filters."""
    borough = BoroughFactory(slug="hiddenshire")
    _tied_studies("midpage", 31, borough=borough)
    _tied_studies("midpage", 4, borough=borough, year=2020)  # left out by year=2019
    for status in ("draft", "in_review"):
        for times in (2, 6):  # ranked among the published, and above them all
            for number in range(3):
                CaseStudyFactory(
                    title=f"Midpage {status} {times} {number}",
                    summary=" ".join(["midpage"] * times),
                    status=status,
                    boroughs=[borough],
                )
    if reader == "editor":
        client.force_login(get_user_model().objects.create_superuser("mid-editor", password="x"))
    elif reader == "officer":
        user = get_user_model().objects.create_user("mid-officer", password="x")
        role_grant(user=user, role="officer", borough=borough)
        client.force_login(user)
    everything = get(client, q="midpage", page_size=100, **query)
    slugs_seen = [row["slug"] for row in everything["results"]]
    expected = (31 if reader == "public" else 43) + (0 if query else 4)
    assert len(slugs_seen) == everything["count"] == expected
    for size in (3, 4, 5):
        walked = []
        for number in range(1, -(-len(slugs_seen) // size) + 1):
            page = get(client, q="midpage", page_size=size, page=number, **query)
            assert page["count"] == len(slugs_seen)
            walked += [row["slug"] for row in page["results"]]
        assert walked == slugs_seen, size


@pytest.mark.parametrize("extra", [12, 40])
def test_a_deep_page_of_a_search_costs_the_queries_of_the_first(
    client, django_assert_num_queries, extra
):
    """As the first page (test_searching_costs_no_more_queries): the deep page's ids,
    picked within the ranks that hold it, are a subquery of its one query."""
    _tied_studies("deepcount", extra)
    last = (extra + 4) // 5
    with django_assert_num_queries(5):
        body = get(client, q="deepcount", page_size=5, page=last)
    assert len(body["results"]) == extra - (last - 1) * 5


def test_without_q_there_is_no_rank_or_snippet(client):
    record = get(client)["results"][0]
    assert record["rank"] is None
    assert record["snippet"] is None


def test_an_ordering_asked_for_wins_over_relevance(client):
    body = get(client, q="county lines", ordering="-title")
    titles = [record["title"] for record in body["results"]]
    assert titles == sorted(titles, reverse=True)
    assert all(record["rank"] is not None for record in body["results"])


def test_a_snippet_is_escaped_but_for_its_marks(client):
    CaseStudyFactory(title="Apitest", summary="<img src=x onerror=alert(1)> the frabjous day")
    (record,) = get(client, q="frabjous")["results"]
    assert "<img" not in record["snippet"]
    assert "<mark>frabjous</mark>" in record["snippet"]


@pytest.mark.parametrize("q", ['"unclosed', "---", "&&||", "(", ")", '"', "-"])
def test_malformed_q_is_never_an_error(client, q):
    assert get(client, q=q)["count"] == 0


def test_csv_is_ordered_by_relevance_without_rank_or_snippet_columns(client):
    rows = csv_rows(client.get(URL, {"format": "csv", "q": "county lines"}))
    assert [row["slug"] for row in rows] == slugs(client.get(URL, {"q": "county lines"}))
    assert "rank" not in rows[0]
    assert "snippet" not in rows[0]


def test_an_officer_searching_sees_their_drafts_ranked(client):
    """visible_to's DISTINCT and the rank's ordering go together."""
    redbridge = Borough.objects.get(slug="redbridge")
    user = get_user_model().objects.create_user("search-officer", password="x")
    role_grant(user=user, role="officer", borough=redbridge)
    CaseStudyFactory(title="Family therapy draft", status="draft", boroughs=[redbridge])
    client.force_login(user)
    body = get(client, q="family therapy")
    assert {record["title"] for record in body["results"]} >= {"Family therapy draft"}
    assert body["count"] == len(body["results"])


def test_interventions_come_most_relevant_first(client):
    response = client.get("/api/v1/interventions/", {"q": "FFT-FAF"})
    assert slugs(response)[0] == "functional-family-therapy-families-are-forever"


# --- Facets ----------------------------------------------------------------------------------


def test_facets_count_what_q_matches(client):
    body = get(client, q="county lines")
    years = counts(body, "year")
    assert sum(years.values()) == body["count"]
    assert counts(body, "borough")["suffolk"] == 1
    assert "redcar-and-cleveland" not in counts(body, "borough")  # not about county lines


def test_a_facet_ignores_its_own_filter_but_applies_the_others(client):
    body = get(client, q="county lines", borough="suffolk")
    assert body["count"] == 1
    boroughs = facet(body, "borough")
    assert boroughs["suffolk"]["selected"] is True
    assert boroughs["suffolk"]["count"] == 1
    # Other boroughs keep their counts, so another can be chosen instead ...
    assert boroughs["norfolk"]["count"] == 1
    assert boroughs["norfolk"]["selected"] is False
    # ... while every other facet counts Suffolk's case study only.
    assert counts(body, "region") == {"east_of_england": 1}
    assert sum(counts(body, "year").values()) == 1


def test_the_api_counts_as_the_page_does(client):
    query = {"q": "exploitation", "region": "london"}
    body = get(client, **query)
    page = client.get("/case-studies/", query)
    for page_facet in page.context["facets"]:
        assert counts(body, page_facet.name) == {
            option.value: option.count for option in page_facet.options
        }, page_facet.name
    assert body["count"] == page.context["page"].paginator.count


def test_facet_labels_are_names(client):
    body = get(client)
    assert facet(body, "borough")["redbridge"]["label"] == "Redbridge"
    assert facet(body, "region")["london"]["label"] == "London"
    assert facet(body, "category")["therapeutic"]["label"] == "Therapeutic"


def test_region_filters_and_refuses_what_is_not_a_region(client):
    body = get(client, region="london")
    assert body["count"] == 4
    assert_invalid(client.get(URL, {"region": "atlantis"}), "region")


def test_year_must_be_a_whole_number(client):
    assert get(client, year="2019")["count"] > 0
    assert_invalid(client.get(URL, {"year": "2019.5"}), "year")


def test_the_schema_documents_facets_rank_and_snippet(openapi_schema):
    schema = openapi_schema
    response = schema["paths"]["/api/v1/case-studies/"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    page = schema["components"]["schemas"][ref]
    assert set(page["properties"]) == {
        "count",
        "next",
        "previous",
        "next_cursor",
        "results",
        "facets",
    }
    assert set(page["properties"]["facets"]["properties"]) == FACETS
    item = page["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]
    result = schema["components"]["schemas"][item]["properties"]
    assert result["rank"]["nullable"] is True
    assert "<mark>" in result["snippet"]["description"]
    parameters = {
        p["name"]: p for p in schema["paths"]["/api/v1/case-studies/"]["get"]["parameters"]
    }
    assert "quotes" in parameters["q"]["description"]
    assert "region" in parameters


# --- Query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [2, 25])
def test_a_page_reads_what_its_studies_link_to_once_until_a_write(
    client, data_cache, django_assert_num_queries, extra
):
    """The boroughs, approaches, settings, interventions, ratings and headline outcomes of
    a page's case studies are kept for every reader of the page: read again, the page costs
    its count and its rows alone, however many studies it shows; a change to any of them
    shows at once."""
    studies = CaseStudyFactory.create_batch(extra, title="Keptlinks study")
    query = {"q": "keptlinks", "page_size": 50}
    first = get(client, **query)
    with django_assert_num_queries(1):  # the page's rows: the count and its links are kept
        again = get(client, **query)
    assert again["results"] == first["results"]
    borough = studies[0].boroughs.first()
    borough.name = "Renamed borough"
    borough.save()
    (shown,) = [row for row in get(client, **query)["results"] if row["slug"] == studies[0].slug]
    assert "Renamed borough" in [linked["name"] for linked in shown["boroughs"]]


@pytest.mark.parametrize("extra", [2, 25])
def test_searching_costs_no_more_queries(client, django_assert_num_queries, extra):
    """1 for the count with every facet's counts (the counts stored over the published, how
    many of them match and the stored values of the fewer side, in one query), 1 page of
    case studies (ranked, with snippets, partnership and source joined), then 1 for the
    boroughs, approaches, settings and interventions they link to (one UNION), 1 for the
    interventions' external ratings and 1 for the headline outcomes."""
    CaseStudyFactory.create_batch(extra, title="Countquery study")
    with django_assert_num_queries(5):
        body = get(client, q="countquery")
    assert body["count"] == extra
    assert sum(counts(body, "year").values()) == extra


@pytest.fixture
def data_cache(settings):
    settings.SVPORTAL_CASE_STUDY_SEARCH_CACHE_SECONDS = 600
    cache.delete(VERSION_KEY)  # nothing kept by an earlier test is reachable
    yield
    cache.delete(VERSION_KEY)


def test_a_search_is_counted_once_until_a_write(client, data_cache, django_assert_num_queries):
    """Its facet counts and total are kept: another sort or page of it reads them without
    counting again; a new case study is counted at once."""
    CaseStudyFactory.create_batch(3, title="Keptcount study")
    first = get(client, q="keptcount")
    assert first["count"] == 3
    with django_assert_num_queries(1):  # the page: no count, and its links are kept
        again = get(client, q="keptcount", ordering="-title")
    assert again["facets"] == first["facets"]
    assert again["count"] == 3
    assert client.get("/case-studies/", {"q": "keptcount"}).context["page"].paginator.count == 3
    CaseStudyFactory(title="Keptcount study four")
    after = get(client, q="keptcount")
    assert after["count"] == 4
    assert sum(counts(after, "year").values()) == 4


def test_a_page_by_relevance_is_picked_once_until_a_write(
    client, data_cache, django_assert_num_queries
):
    """The ids a page of a search picked by relevance are kept: asked for again, in the API
    or on the page, only its rows are read; a new, more relevant study moves it at once."""
    for number in range(5):
        CaseStudyFactory(
            title=f"Keptpage study {number}", summary=" ".join(["keptpage"] * (number + 1))
        )
    query = {"q": "keptpage", "page_size": 2, "page": 2}
    first = [row["slug"] for row in get(client, **query)["results"]]
    with django_assert_num_queries(1):  # the page's rows (its links are kept)
        again = [row["slug"] for row in get(client, **query)["results"]]
    assert again == first
    page = client.get("/case-studies/", {"q": "keptpage", "page": 1})
    assert [study.slug for study in page.context["page"]] == [
        row["slug"] for row in get(client, q="keptpage")["results"]
    ]
    CaseStudyFactory(title="Keptpage keptpage study", summary=" ".join(["keptpage"] * 9))
    moved = [row["slug"] for row in get(client, **query)["results"]]
    everything = [row["slug"] for row in get(client, q="keptpage")["results"]]
    assert moved == everything[2:4]
    assert moved != first


@pytest.mark.parametrize("extra", [2, 25])
def test_filtering_by_a_facet_costs_one_query_more(client, django_assert_num_queries, extra):
    """As searching, plus 1 to check that the borough slug names a borough."""
    borough = BoroughFactory(slug="countshire")
    CaseStudyFactory.create_batch(extra, title="Countquery study", boroughs=[borough])
    with django_assert_num_queries(6):
        body = get(client, q="countquery", borough="countshire", region="south_east")
    assert body["count"] == extra
    assert counts(body, "borough") == {"countshire": extra}
