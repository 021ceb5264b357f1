"""Full-text search (casestudies/search.py) on whichever database the suite runs on: the
query language, matching, ranking on the page, snippets, and on PostgreSQL the stored
search documents and how they are kept fresh."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import BooleanField, F, Func

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

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
only_postgresql = pytest.mark.skipif(not POSTGRESQL, reason="stored vectors are PostgreSQL's")
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
    assert search.parse_query(typed).websearch() == websearch


def test_a_query_without_words_matches_nothing_but_a_blank_one_everything():
    assert search.parse_query("&&||").matches_nothing
    assert not search.parse_query("   ")
    assert not search.parse_query("  ").matches_nothing


def test_a_query_keeps_at_most_twelve_terms():
    parsed = search.parse_query(" ".join(f"w{n}" for n in range(30)))
    assert len(parsed.terms) == search.MAX_TERMS


def test_only_common_words_cannot_be_full_text():
    assert not search.parse_query("the and of").full_text
    assert search.parse_query("the county").full_text
    assert search.parse_query("A&E").full_text  # PostgreSQL keeps its e


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
    """PostgreSQL has no lexemes for "the": it is searched as SQLite searches."""
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


def test_the_markers_typed_into_a_text_cannot_make_marks():
    CaseStudyFactory(
        title="Sentineltest",
        summary=f"A {search.START}<i>trick</i>{search.STOP} then the glimbert word.",
    )
    result = case_study_search(
        user=AnonymousUser(), criteria=CaseStudyCriteria(q="glimbert", sort="relevance")
    )
    snippet = str(result.snippet(result.results[0]))
    assert "<i>" not in snippet
    assert search.START not in snippet
    assert search.STOP not in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1


def test_a_plain_snippet_is_the_text_around_the_first_match():
    words = " ".join(f"word{n}" for n in range(200))
    text = f"{words} the needle here {words}"
    snippet = str(search.plain_snippet([text], search.parse_query("needle")))
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>needle</mark>" in snippet
    assert len(snippet.split()) < 50


@pytest.mark.parametrize("extra", [3, 30])
def test_searched_list_queries_do_not_grow(client, django_assert_num_queries, extra):
    """As the unfiltered list (ranked and with snippets in the same queries): 1 borough
    facet, 1 region, 1 approach, 1 intervention category, 1 funding stream, 1 year, 1 age,
    1 count, 1 page of case studies with partnership and source, 1 their boroughs,
    1 their approaches."""
    CaseStudyFactory.create_batch(extra, title="Querytest study")
    with django_assert_num_queries(11):
        response = client.get("/case-studies/?q=querytest+study")
    assert response.context["page"].paginator.count == extra


def test_interventions_are_searched_most_relevant_first(client):
    response = client.get("/interventions/", {"q": "family therapy"})
    slugs = [intervention.slug for intervention in response.context["page"].object_list]
    assert set(slugs[:2]) == {
        "functional-family-therapy-families-are-forever",
        "westminster-igxu-family-therapy",
    }


# --- Stored search documents (PostgreSQL) ----------------------------------------------------


def stored(case_study):
    return CaseStudy.objects.filter(pk=case_study.pk).values_list("search_vector", flat=True)[0]


@only_postgresql
def test_the_stored_document_is_the_computed_one():
    """Refreshing stores exactly what the search computes for a case study without one."""
    assert services.case_studies_refresh_search_vectors(missing_only=False) > 0
    differs = Func(
        F("search_vector"),
        search.CASE_STUDIES.document(),
        template="%(expressions)s",
        arg_joiner=" IS DISTINCT FROM ",
        output_field=BooleanField(),
    )
    assert CaseStudy.objects.count() > 0
    assert not CaseStudy.objects.annotate(differs=differs).filter(differs=True).exists()


@only_postgresql
def test_the_search_vector_has_its_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'casestudies_casestudy' "
            "AND indexname = 'case_study_search_vector_gin'"
        )
        assert "USING gin (search_vector)" in cursor.fetchone()[0]


@only_postgresql
def test_services_store_the_document_after_each_write():
    editor = _editor()
    redbridge = Borough.objects.get(slug="redbridge")
    draft = services.case_study_create_draft(
        acting_user=editor,
        title="Vectortest draft",
        summary="About flumbering.",
        boroughs=[redbridge],
    )
    assert stored(draft) is not None
    assert "flumber" in stored(draft)
    services.case_study_update(
        case_study=draft,
        acting_user=editor,
        expected_version=draft.version,
        changes={"summary": "About grobbling now."},
    )
    assert "grobbl" in stored(draft)
    assert "flumber" not in stored(draft)


@only_postgresql
def test_a_change_made_elsewhere_clears_the_stored_document_and_is_still_found():
    services.case_studies_refresh_search_vectors(missing_only=False)
    case_study = CaseStudy.objects.get(slug=REDBRIDGE)
    assert stored(case_study) is not None
    case_study.summary += " Now with snorklewicks."  # as the admin would save it
    case_study.save()
    assert stored(case_study) is None
    assert titles("snorklewicks") == [case_study.title]
    services.case_studies_refresh_search_vectors()
    assert "snorklewick" in stored(case_study)
    assert titles("snorklewicks") == [case_study.title]


@only_postgresql
@pytest.mark.parametrize(
    "change",
    [
        "rename a borough",
        "link an intervention",
        "rename an intervention",
        "record an outcome",
        "add a borough from the borough's side",
    ],
)
def test_changing_what_a_case_study_links_to_clears_its_document(change):
    borough = BoroughFactory(name="Plainton")
    intervention = InterventionFactory(name="Plain programme")
    case_study = CaseStudyFactory(title="Clearingtest", boroughs=[borough], interventions=[])
    services.case_studies_refresh_search_vectors(missing_only=False)
    assert stored(case_study) is not None
    if change == "rename a borough":
        borough.name = "Wozzleton"
        borough.save()
        word = "wozzleton"
    elif change == "link an intervention":
        case_study.interventions.add(intervention)
        word = "plain programme"
    elif change == "rename an intervention":
        case_study.interventions.add(intervention)
        services.case_studies_refresh_search_vectors()
        intervention.name = "Wozzle programme"
        intervention.save()
        word = "wozzle"
    elif change == "record an outcome":
        OutcomeFactory(case_study=case_study, metric="Wozzles prevented")
        word = "wozzles"
    else:
        BoroughFactory(name="Wozzlebury").case_studies.add(case_study)
        word = "wozzlebury"
    assert stored(case_study) is None
    assert "Clearingtest" in titles(word)


@pytest.mark.skipif(POSTGRESQL, reason="SQLite has no stored vectors")
def test_sqlite_stores_no_vectors():
    assert services.case_studies_refresh_search_vectors(missing_only=False) == 0
    assert not CaseStudy.objects.exclude(search_vector=None).exists()


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
