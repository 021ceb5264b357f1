"""Case-study and intervention search (core.search, with the documents casestudies/search.py
describes) on whichever database the suite runs on: the query language, matching, ranking
on the page, snippets, and the stored search documents and how they are kept fresh."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from boroughs.models import Borough
from boroughs.tests.factories import BoroughFactory
from casestudies import search, services
from casestudies.models import CaseStudy, Intervention
from casestudies.selectors import CaseStudyCriteria, case_study_search
from casestudies.tests.factories import (
    CaseStudyFactory,
    InterventionFactory,
    OutcomeFactory,
)
from core.search import parse_query

pytestmark = pytest.mark.django_db

REDBRIDGE = "redbridge-functional-family-therapy"
NE_LINCS = "north-east-lincolnshire-county-lines"


def titles(q, **criteria):
    result = case_study_search(
        user=AnonymousUser(), criteria=CaseStudyCriteria(q=q, sort="relevance", **criteria)
    )
    return [case_study.title for case_study in result.results]


def result_slugs(response):
    return [case_study.slug for case_study in response.context["page"].object_list]


def visible_text(response):
    main = response.content.decode().split("<main", 1)[1]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


# --- Reading a query ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "websearch"),
    [
        ("county lines", "county lines"),
        ('"county lines" -london', '"county lines" -london'),
        ("county or hospital lines", "county or hospital lines"),
        ('-"north east" knife', 'knife -"north east"'),
        # Malformed syntax is read as the plain words it holds.
        ('"unclosed phrase', '"unclosed phrase"'),
        ("---", ""),
        ("&&||", ""),
        ("(", ""),
        ("((county)) lines!", "county lines"),
        ("or county or", "county"),
        ("--- or county", "county"),
        ("A&E FFT-FAF", "A&E FFT-FAF"),
    ],
)
def test_queries_are_read_as_web_search_syntax(typed, websearch):
    assert parse_query(typed).websearch() == websearch


def test_a_query_without_words_matches_nothing_but_a_blank_one_everything():
    assert search.parse_query("&&||").matches_nothing
    assert not search.parse_query("   ")
    assert not search.parse_query("  ").matches_nothing


def test_a_query_keeps_at_most_twelve_terms():
    parsed = parse_query(" ".join(f"w{n}" for n in range(30)))
    assert len(parsed.terms) == search.MAX_TERMS


# --- Matching ------------------------------------------------------------------------------


def test_every_word_must_match_and_a_phrase_as_one():
    CaseStudyFactory(title="Phrasetest county lines work", summary="Plain.")
    CaseStudyFactory(title="Phrasetest lines of the county", summary="Plain.")
    assert set(titles("phrasetest county lines")) == {
        "Phrasetest county lines work",
        "Phrasetest lines of the county",
    }
    assert titles('phrasetest "county lines"') == ["Phrasetest county lines work"]


def test_a_minus_leaves_out_and_or_takes_either():
    CaseStudyFactory(title="Ortest hospital navigators", summary="Plain.")
    CaseStudyFactory(title="Ortest school assemblies", summary="Plain.")
    CaseStudyFactory(title="Ortest youth clubs", summary="Plain.")
    assert set(titles("ortest hospital or ortest school")) == {
        "Ortest hospital navigators",
        "Ortest school assemblies",
    }
    assert set(titles("ortest -school -clubs")) == {"Ortest hospital navigators"}
    # As websearch_to_tsquery reads it: (ortest and hospital) or clubs.
    assert set(titles("ortest hospital or clubs")) >= {
        "Ortest hospital navigators",
        "Ortest youth clubs",
    }
    assert "Ortest school assemblies" not in titles("ortest hospital or clubs")


def test_words_match_the_start_of_words_not_their_middle():
    CaseStudyFactory(title="Wordtest national guidelines", summary="Plain.")
    CaseStudyFactory(title="Wordtest county lines", summary="Plain.")
    assert titles("wordtest lines") == ["Wordtest county lines"]
    assert titles("wordtest line") == ["Wordtest county lines"]


def test_linked_records_are_searched_providers_and_outcome_quotes_too():
    intervention = InterventionFactory(name="Zorbling programme")
    case_study = CaseStudyFactory(title="Linktest", summary="Plain.", interventions=[intervention])
    OutcomeFactory(case_study=case_study, metric="Arrests", quote="Fewer quarvels than before")
    assert titles("zorbling") == ["Linktest"]
    assert titles("quarvels") == ["Linktest"]


def test_malformed_searches_are_plain_words_on_the_page_never_an_error(client):
    for q in ('"unclosed', "---", "&&||", "(", ")(", '"', "-", "or", "%", "_"):
        response = client.get("/case-studies/", {"q": q})
        assert response.status_code == 200, q
        assert response.context["page"].paginator.count == 0, q
        assert "No case studies match." in visible_text(response)
    found = client.get("/case-studies/", {"q": '"county lines'})
    assert NE_LINCS in result_slugs(found)


def test_only_common_words_are_still_searched():
    """Common words are indexed: a query of nothing else still finds what holds them."""
    assert len(titles("the")) == CaseStudy.objects.filter(status="published").count()


# --- Ranking and snippets on the page --------------------------------------------------------


def test_with_search_words_the_most_relevant_come_first(client):
    response = client.get("/case-studies/", {"q": "county lines"})
    slugs = result_slugs(response)
    assert slugs[0] in {NE_LINCS, "suffolk-data-led-gang-and-county-lines"}
    ranks = [case_study.search_rank for case_study in response.context["page"].object_list]
    assert ranks == sorted(ranks, reverse=True)
    assert 'value="relevance" selected' in response.content.decode()


def test_another_order_can_still_be_chosen(client):
    response = client.get("/case-studies/", {"q": "county lines", "sort": "title"})
    titles_shown = [c.title for c in response.context["page"].object_list]
    assert titles_shown == sorted(titles_shown)


def test_without_search_words_there_is_no_relevance_to_sort_by(client):
    response = client.get("/case-studies/", {"sort": "relevance"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="relevance"' not in page
    titles_shown = [c.title for c in response.context["page"].object_list]
    assert titles_shown == sorted(titles_shown)


def test_results_show_a_snippet_with_the_words_marked(client):
    response = client.get("/case-studies/", {"q": "family therapy"})
    page = response.content.decode()
    redbridge = response.context["page"].object_list[0]
    assert redbridge.slug == REDBRIDGE
    assert "<mark>" in str(redbridge.snippet)
    assert str(redbridge.snippet) in page
    assert re.search(r"<mark>(functional )?family( therapy)?</mark>", page, re.IGNORECASE)


def test_a_snippet_escapes_everything_but_its_marks(client):
    CaseStudyFactory(
        title="Escapetest",
        summary='Before <script>alert("x")</script> & <b>bold</b> the zindlewort work after.',
    )
    response = client.get("/case-studies/", {"q": "zindlewort"})
    snippet = str(response.context["page"].object_list[0].snippet)
    # The tags are escaped, or (PostgreSQL's ts_headline) left out; never markup.
    assert "<script>" not in snippet
    assert "<b>" not in snippet
    assert "&amp;" in snippet
    assert "alert(&quot;x&quot;)" in snippet
    assert "<mark>zindlewort</mark>" in snippet
    assert "<script>alert" not in response.content.decode()


def test_marks_typed_into_a_text_cannot_make_marks():
    CaseStudyFactory(
        title="Sentineltest",
        summary="A <mark>trick</mark> \ue000<i>trick</i>\ue001 then the glimbert word.",
    )
    result = case_study_search(
        user=AnonymousUser(), criteria=CaseStudyCriteria(q="glimbert", sort="relevance")
    )
    snippet = str(result.snippet(result.results[0]))
    assert "<i>" not in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1
    assert "<mark>glimbert</mark>" in snippet


def test_a_snippet_is_the_text_around_the_first_match():
    CaseStudyFactory(
        title="Windowtest",
        summary=" ".join(f"word{n}" for n in range(200))
        + " the needle here "
        + " ".join(f"word{n}" for n in range(200)),
    )
    result = case_study_search(
        user=AnonymousUser(), criteria=CaseStudyCriteria(q="needle", sort="relevance")
    )
    snippet = str(result.snippet(result.results[0]))
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>needle</mark>" in snippet
    assert len(snippet.split()) < 50


def test_a_word_only_in_the_last_section_gives_its_snippet_on_every_search():
    CaseStudyFactory(
        title="Lasttest",
        summary="Zorbling work in the borough.",
        solution="Zorbling work with families.",
        challenge="Zorbling work at school gates.",
        impact="Zorbling work reached more families.",
        lessons_learned="Learnt with the **Wexmoor** panel and its zorbling work.",
    )
    for q in ("wexmoor", "zorbling", "wexmoor"):  # the sections' words read in between
        result = case_study_search(user=AnonymousUser(), criteria=CaseStudyCriteria(q=q))
        snippets = [str(result.snippet(study)) for study in result.results]
        if q == "wexmoor":
            assert snippets == ["Learnt with the <mark>Wexmoor</mark> panel and its zorbling work."]
        else:
            assert snippets == ["<mark>Zorbling</mark> work in the borough."]


def test_a_snippet_is_one_line_whatever_the_whitespace():
    CaseStudyFactory(
        title="Spacetest",
        summary="  Work\u00a0with the\u2003Quimbly\n\n\tteam.\r\n",
    )
    result = case_study_search(user=AnonymousUser(), criteria=CaseStudyCriteria(q="quimbly"))
    assert str(result.snippet(result.results[0])) == "Work with the <mark>Quimbly</mark> team."


def test_a_snippet_marks_other_spellings_and_synonyms():
    CaseStudyFactory(
        title="Marktest",
        summary="Work organised with the zumbling team at the emergency department.",
    )
    result = case_study_search(
        user=AnonymousUser(), criteria=CaseStudyCriteria(q="organized zumbling A&E")
    )
    snippet = str(result.snippet(result.results[0]))
    assert "<mark>organised</mark>" in snippet
    assert "<mark>zumbling</mark>" in snippet
    assert "<mark>emergency department</mark>" in snippet


@pytest.mark.parametrize("extra", [3, 30])
def test_searched_list_queries_do_not_grow(client, django_assert_num_queries, extra):
    """1 for every facet, the ages and the count (the counts stored over the published, how
    many of them match and the stored values of the fewer side: those that match or those
    that do not, in one query), 1 page of case studies with partnership and source (ranked
    and with snippets), 1 their boroughs, 1 their approaches, 1 their headline outcomes."""
    CaseStudyFactory.create_batch(extra, title="Querytest study")
    with django_assert_num_queries(5):
        response = client.get("/case-studies/?q=querytest")
    assert response.context["page"].paginator.count == extra


def test_interventions_are_searched_most_relevant_first(client):
    response = client.get("/interventions/", {"q": "family therapy"})
    slugs = [intervention.slug for intervention in response.context["page"].object_list]
    assert set(slugs[:2]) == {
        "functional-family-therapy-families-are-forever",
        "westminster-igxu-family-therapy",
    }


# --- Stored search documents ------------------------------------------------------------------


def test_documents_live_where_each_database_indexes_them():
    """A GIN index on PostgreSQL, an FTS5 table on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'casestudies_casestudy' "
                "AND indexdef LIKE '%%USING gin (search_vector)%%'"
            )
        else:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = 'casestudies_casestudy_fts' "
                "AND sql LIKE '%%fts5%%'"
            )
        assert cursor.fetchone() is not None


def test_every_loaded_record_has_its_document():
    for index in (search.CASE_STUDIES, search.INTERVENTIONS):
        records = index.model.objects.all()
        assert records.exists()
        assert not index.missing(records).exists()


def test_services_store_the_document_after_each_write():
    editor = _editor()
    redbridge = Borough.objects.get(slug="redbridge")
    draft = services.case_study_create_draft(
        acting_user=editor,
        title="Vectortest draft",
        summary="About flumbering.",
        boroughs=[redbridge],
    )
    found = search.matching(CaseStudy.objects.all(), search.CASE_STUDIES, parse("flumbering"))
    assert list(found) == [draft]
    services.case_study_update(
        case_study=draft,
        acting_user=editor,
        expected_version=draft.version,
        changes={"summary": "About grobbling now."},
    )
    assert not search.matching(CaseStudy.objects.all(), search.CASE_STUDIES, parse("flumbering"))
    assert list(
        search.matching(CaseStudy.objects.all(), search.CASE_STUDIES, parse("grobbling"))
    ) == [draft]


def parse(q):
    return search.parse_query(q)


def test_a_change_made_elsewhere_is_found_at_once():
    case_study = CaseStudy.objects.get(slug=REDBRIDGE)
    case_study.summary += " Now with snorklewicks."  # as the admin would save it
    case_study.save()
    assert titles("snorklewicks") == [case_study.title]


@pytest.mark.parametrize(
    "change",
    [
        "rename a borough",
        "link an intervention",
        "rename an intervention",
        "record an outcome",
        "add a borough from the borough's side",
        "clear the boroughs from the borough's side",
        "delete the intervention",
    ],
)
def test_changing_what_a_case_study_links_to_changes_what_finds_it(change):
    borough = BoroughFactory(name="Plainton")
    intervention = InterventionFactory(name="Plain programme")
    case_study = CaseStudyFactory(title="Clearingtest", boroughs=[borough], interventions=[])
    found, gone = None, None
    if change == "rename a borough":
        borough.name = "Wozzleton"
        borough.save()
        found, gone = "wozzleton", "plainton"
    elif change == "link an intervention":
        case_study.interventions.add(intervention)
        found = '"plain programme"'
    elif change == "rename an intervention":
        case_study.interventions.add(intervention)
        intervention.name = "Wozzle programme"
        intervention.save()
        found, gone = "wozzle", '"plain programme"'
    elif change == "record an outcome":
        OutcomeFactory(case_study=case_study, metric="Wozzles prevented")
        found = "wozzles"
    elif change == "add a borough from the borough's side":
        BoroughFactory(name="Wozzlebury").case_studies.add(case_study)
        found = "wozzlebury"
    elif change == "clear the boroughs from the borough's side":
        borough.case_studies.clear()
        gone = "plainton"
    else:
        case_study.interventions.add(intervention)
        intervention.delete()
        gone = '"plain programme"'
    if found:
        assert "Clearingtest" in titles(found)
    if gone:
        assert "Clearingtest" not in titles(gone)
    assert "Clearingtest" in titles("clearingtest")


def test_a_deleted_record_leaves_no_document():
    case_study = CaseStudyFactory(title="Deletetest blorvish")
    assert titles("blorvish") == ["Deletetest blorvish"]
    pk = case_study.pk
    case_study.delete()
    assert not search.CASE_STUDIES.matching(
        CaseStudy.objects.filter(pk=pk), parse("blorvish")
    ).exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM casestudies_casestudy_fts WHERE rowid = %s", [pk])
            assert cursor.fetchone()[0] == 0


def _editor():
    from django.contrib.auth import get_user_model

    from boroughs.roles import role_grant

    user = get_user_model().objects.create_user("vector-editor", password="a-long-passphrase-1")
    role_grant(user=user, role="editor")
    return user


def test_intervention_search_covers_providers():
    assert Intervention.objects.exists()
    response_titles = [
        intervention.slug
        for intervention in search.matching(
            Intervention.objects.all(), search.INTERVENTIONS, search.parse_query("St Giles")
        )
    ]
    assert "islington-st-giles-key-working" in response_titles


@pytest.mark.parametrize("path", ["/case-studies/", "/interventions/"])
def test_the_page_says_what_synonyms_it_also_searched_for(client, path):
    response = client.get(path, {"q": "A&E"})
    assert (
        "Also searched for ‘accident and emergency’, ‘emergency department’ and ‘hospital’"
        in visible_text(response)
    )
    plain = client.get(path, {"q": "psychologists"})
    assert "Also searched for" not in visible_text(plain)


# --- Ranking from the searched words' postings (PostgreSQL) -----------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="postings are kept on PostgreSQL only"
)


def _postings_differ_from_documents():
    """The case studies whose postings, joined, are not their stored document."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id FROM casestudies_casestudy c LEFT JOIN ("
            "  SELECT record_id, string_agg(entry, ' ')::tsvector AS document"
            "  FROM casestudies_casestudy_postings GROUP BY record_id"
            ") p ON p.record_id = c.id "
            "WHERE c.search_vector IS DISTINCT FROM p.document "
            "AND NOT (c.search_vector IS NULL AND p.document IS NULL) "
            "UNION ALL SELECT record_id FROM casestudies_casestudy_postings "
            "WHERE record_id NOT IN (SELECT id FROM casestudies_casestudy)"
        )
        return [row[0] for row in cursor.fetchall()]


@on_postgresql
def test_the_postings_are_each_document_word_by_word_whoever_writes_it():
    assert not _postings_differ_from_documents()
    editor = _editor()
    draft = services.case_study_create_draft(
        acting_user=editor,
        title="Postingtest draft",
        summary="About 'quoted' back\\slashed and co-ordinated words.",
        boroughs=[Borough.objects.get(slug="redbridge")],
    )
    services.case_study_update(
        case_study=draft,
        acting_user=editor,
        expected_version=draft.version,
        changes={"summary": "About grobbling now."},
    )
    CaseStudy.objects.filter(slug=REDBRIDGE).update(search_vector=None)  # as elsewhere
    assert titles("functional family therapy") == titles("functional family therapy")
    assert not _postings_differ_from_documents()
    CaseStudy.objects.filter(pk=draft.pk).delete()
    assert not _postings_differ_from_documents()


RANKED_QUERIES = [
    "young",  # a word most case studies hold
    "county lines",  # every word, and a synonym (criminal exploitation) counting less
    '"county lines"',  # a phrase
    "knife crime -london",  # a word left out
    "psychologists or hospital",  # either group
    "A&E",  # synonyms of several words
    "the",  # a common word alone
    "trauma-informed",  # a hyphenated word, its parts or joined
]


@on_postgresql
@pytest.mark.parametrize("q", RANKED_QUERIES)
def test_ranks_from_postings_are_those_of_the_whole_documents_to_the_last_bit(q):
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F, FloatField, Value
    from django.db.models.expressions import ExpressionWrapper

    from core.search.index import SYNONYM_WEIGHT, WEIGHT_NAMES, WEIGHTS, postgresql_query

    query = parse(q)
    weights = [WEIGHTS[name] for name in reversed(WEIGHT_NAMES)]
    whole = SearchRank(F("search_vector"), postgresql_query(query.typed()), weights=weights)
    if query.widened:
        widened = SearchRank(F("search_vector"), postgresql_query(query), weights=weights)
        whole = ExpressionWrapper(
            whole + widened * Value(SYNONYM_WEIGHT), output_field=FloatField()
        )
    found = search.with_rank(
        search.matching(CaseStudy.objects.all(), search.CASE_STUDIES, query),
        search.CASE_STUDIES,
        query,
    ).annotate(whole_rank=whole)
    ranks = list(found.values_list("search_rank", "whole_rank"))
    by_document = CaseStudy.objects.filter(search_vector=postgresql_query(query))
    assert len(ranks) == by_document.count() > 0
    assert all(rank == whole_rank for rank, whole_rank in ranks)
