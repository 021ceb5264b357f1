"""How text and queries are read (core.search.analysis, query, synonyms): no database."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.search import analysis, search_query, synonyms
from core.search.query import Match

pytestmark = pytest.mark.no_database


def clauses(q):
    """Each clause's required alternatives as sets of (tokens, adjacent), for comparing."""
    return [
        [
            {(match.tokens, match.adjacent) for match in either.all_matches}
            for either in clause.required
        ]
        for clause in search_query(q).clauses
    ]


def test_a_hyphenated_word_is_its_parts_and_the_parts_joined():
    assert analysis.document("trauma-informed practice").split() == [
        "trauma",
        "inform",
        "practis",  # practice and practise are one
        "traumainform",
    ]
    assert clauses("trauma-informed") == [
        [{(("trauma", "inform"), False), (("traumainform",), False)}]
    ]
    assert clauses("trauma informed") == [[{(("trauma",), False)}, {(("inform",), False)}]]


def test_initials_joined_by_an_ampersand_are_one_word():
    assert analysis.tokens("A&E and R&D, not Health&Safety") == [
        "ae",
        "and",
        "rd",
        "not",
        "health",
        "safeti",
    ]


def test_case_accents_and_american_spellings_do_not_count():
    assert analysis.tokens("Organized BEHAVIOR program café") == analysis.tokens(
        "organised behaviour programme cafe"
    )


def test_a_synonym_is_found_however_its_hyphens_are_typed():
    for typed in ("anti-social behaviour", "antisocial behavior", "anti social behaviour"):
        assert "ASB" in search_query(typed).expanded_terms, typed
    either = search_query("anti-social behaviour").clauses[0].required[0]
    assert Match(("antisoci", "behaviour")) in either.matches


def test_synonyms_widen_a_word_and_say_what_they_added():
    query = search_query("A&E")
    assert query.expanded_terms == (
        "accident and emergency",
        "emergency department",
        "hospital",
    )
    (either,) = query.clauses[0].required
    assert either.matches == (Match(("ae",)),)
    assert Match(("emergenc", "depart"), adjacent=True) in either.synonyms


def test_a_synonym_of_several_words_is_found_among_free_words():
    query = search_query("mentoring county lines")
    assert "criminal exploitation" in query.expanded_terms
    assert "navigator" in query.expanded_terms
    first, second = query.clauses[0].required
    assert first.matches == (Match(("mentor",)),)
    assert second.matches == (Match(("counti", "line")),)  # both words, anywhere
    # Without its common words: "accident emergency" is "accident and emergency".
    assert "A&E" in search_query("accident emergency").expanded_terms


def test_what_the_typed_words_already_say_is_not_listed_as_added():
    assert "county lines" not in search_query("county lines").expanded_terms
    assert "A&E" not in search_query("a&e").expanded_terms
    assert search_query("knives").expanded_terms[0] == "knife"


def test_excluded_words_are_not_widened():
    query = search_query("gangs -hospital")
    assert query.expanded_terms == ()
    assert query.clauses[0].excluded[0].synonyms == ()


def test_common_words_are_left_out_of_free_words_but_not_out_of_phrases():
    assert clauses("the county") == [[{(("counti",), False)}]]
    assert clauses("the") == [[{(("the",), False)}]]
    assert clauses('"young people at risk"') == [[{(("young", "peopl", "at", "risk"), True)}]]


def test_the_synonym_file_is_checked(tmp_path):
    bad = tmp_path / "synonyms.toml"
    bad.write_text('[[group]]\nterms = ["alone"]\n')
    with pytest.raises(ImproperlyConfigured, match="group 1: list two or more terms"):
        synonyms.read_groups(bad)
    bad.write_text('[[group]]\nterms = ["fine", "---"]\n')
    with pytest.raises(ImproperlyConfigured, match="has no word to search"):
        synonyms.read_groups(bad)
    bad.write_text("[[group]\n")
    with pytest.raises(ImproperlyConfigured, match=str(bad)):
        synonyms.read_groups(bad)


def test_the_portal_synonyms_file_reads():
    from django.conf import settings

    groups = synonyms.read_groups(settings.SVPORTAL_SEARCH_SYNONYMS)
    assert len(groups) >= 10
    assert any("A&E" in [display for display, _, _ in group] for group in groups)


def test_a_query_loosened_takes_any_of_its_words_and_keeps_its_exclusions():
    query = search_query('"county lines" hospital -london')
    assert query.asks_for_several
    loosened = query.any_word()
    assert [len(clause.required) for clause in loosened.clauses] == [1, 1]
    assert all(len(clause.excluded) == 1 for clause in loosened.clauses)
    assert {m.tokens for c in loosened.clauses for m in c.required[0].matches} == {
        ("counti", "line"),
        ("hospit",),
    }
    assert loosened.expanded_terms == query.expanded_terms
    assert not search_query("hospital").asks_for_several


def test_words_read_at_once_by_many_threads_are_read_as_one_thread_reads_them():
    """gunicorn's threaded workers read queries at the same time: no thread may spoil
    another's words (a shared stemmer did, and the search answered 500)."""
    from concurrent.futures import ThreadPoolExecutor

    words = [
        f"{stem}{ending}"
        for stem in ("youth", "violen", "mentor", "prevent", "train")
        for ending in ("", "s", "ing", "ed", "ation", "ations", "ness", "ful")
    ]
    expected = {word: analysis.token.__wrapped__(word) for word in words}

    def read(offset):
        return {word: analysis.token.__wrapped__(word) for word in words[offset:] * 50}

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read, range(16)))
    for result in results:
        assert result == {word: expected[word] for word in result}


@pytest.mark.parametrize(
    ("text", "searched"),
    [
        ("Youngsters, then young people; young, Young-led work.", "young"),
        ("The zapword-based scheme, then zapword alone and zapwords.", "zapword"),
        ("Co-ordinated work; coordinated again, co-ordination.", "co-ordinated"),
        ("At A&E first, then a&e, then AE.", "A&E"),
        ("People's work, peoples' work and people work.", "peoples"),
        ("xquorn quornx (quorn) «quorn» quorn.", "quorn"),
        ("Unquorn. and then quorn. at last", "quorn"),
        ("Organized, organised and organizing work.", "organized"),
        ("Café cafe CAFÉ.", "cafe"),
        ("Nothing here at all.", "zebra"),
        ("", "young"),
    ],
)
def test_found_chunks_are_every_chunk_of_a_searched_token_from_the_first(text, searched):
    """Snippets read a text from its first searched word on (found through its words
    split at whitespace, never by walking what comes before): what they find is exactly
    the chunks a walk of the whole text gives whose tokens were searched for."""
    tokens = search_query(searched).marked_tokens
    every = [
        chunk
        for chunk in analysis.chunks(text)
        if any(token in tokens for token in chunk.all_tokens)
    ]
    for _ in range(2):  # the words unread, then read
        assert list(analysis.found_chunks(text, tokens)) == every
    if searched != "zebra" and text:
        assert every
