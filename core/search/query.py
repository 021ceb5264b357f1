"""Reading a search: the one query language of every search in the portal.

People type web-search syntax: words (every one must match), "quoted phrases",
-excluded words or phrases, and `or` between alternatives ("county lines or hospital" is
(county and lines) or hospital, as PostgreSQL's websearch_to_tsquery reads it). It is
parsed here, never by a database, so both databases read a query alike, and anything
malformed (`"unclosed`, `---`, `&&||`, `(`) is searched as the plain words it holds —
never an error. A query that holds no word at all matches nothing.

Reading a query then widens it (`expand`):

- each word or phrase is read by core.search.analysis, so hyphens, case, accents and
  British or American spelling do not change what it finds;
- the portal's synonyms (core.search.synonyms) add alternatives: "A&E" also searches for
  "emergency department" and "hospital", "county lines" typed as two words also for
  "criminal exploitation". What was added is listed (`SearchQuery.expanded_terms`) so
  that pages and the API can say so;
- common words ("the", "of") are left out of a group's free words unless it has no
  other; inside quotes every word counts.

The result is a tree of `Match`es — token sequences, adjacent (a phrase) or anywhere —
that core.search.backends turns into PostgreSQL's tsquery or SQLite's FTS5 MATCH.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product
from typing import Any, TypeVar

from . import analysis, synonyms

#: Words and phrases a query may hold; the rest are ignored.
MAX_TERMS = 12

_Kept = TypeVar("_Kept")

_TOKEN = re.compile(r'(-*)"([^"]*)"?|([^\s"]+)')
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


# --- What was typed ------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str  # words separated by single spaces, as typed (case kept)
    phrase: bool = False  # typed in quotes

    def websearch(self) -> str:
        return f'"{self.text}"' if self.phrase else self.text


@dataclass(frozen=True)
class Group:
    """Terms that must all match, and excluded terms none of which may."""

    terms: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()

    def websearch(self) -> str:
        return " ".join(
            [term.websearch() for term in self.terms]
            + [f"-{term.websearch()}" for term in self.excluded]
        )


@dataclass(frozen=True)
class ParsedQuery:
    """A search as typed: groups separated by `or`, any of which may match; within a
    group every term must match and no excluded one may."""

    text: str = ""
    groups: tuple[Group, ...] = ()

    def __bool__(self) -> bool:
        """Whether anything was asked for at all (a blank query asks for nothing)."""
        return bool(self.text.strip())

    @property
    def matches_nothing(self) -> bool:
        """Typed, but no word in it: nothing can match."""
        return bool(self) and not self.groups

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group.terms]

    @property
    def excluded(self) -> list[Term]:
        return [term for group in self.groups for term in group.excluded]

    def websearch(self) -> str:
        """The query in web-search syntax, as parsed here."""
        return " or ".join(group.websearch() for group in self.groups)


def _term(typed: list[str], phrase: bool) -> Term | None:
    words = [cleaned for cleaned in (_EDGE_PUNCTUATION.sub("", word) for word in typed) if cleaned]
    if not words:
        return None
    return Term(" ".join(words), phrase)


def parse_query(text: str | None) -> ParsedQuery:
    """Read a query in web-search syntax; whatever is typed, never an error."""
    text = (text or "").strip()
    groups: list[Group] = []
    terms: list[Term] = []
    excluded: list[Term] = []
    count = 0

    def close_group() -> None:
        if terms or excluded:
            groups.append(Group(tuple(terms), tuple(excluded)))
        terms.clear()
        excluded.clear()

    for match in _TOKEN.finditer(text):
        if count >= MAX_TERMS:
            break
        dashes, phrase, word = match.groups()
        if word is not None and word.lower() == "or":
            close_group()
            continue
        if word is not None:
            negated = word.startswith("-")
            term = _term([word.lstrip("-")], phrase=False)
        else:
            negated = bool(dashes)
            term = _term(phrase.split(), phrase=True)
        if term is None:  # punctuation alone, such as --- or &&||: nothing to search for
            continue
        count += 1
        (excluded if negated else terms).append(term)
    close_group()
    return ParsedQuery(text=text, groups=tuple(groups))


# --- What is searched for ------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Tokens that must all be found: next to each other in this order (`adjacent`,
    a phrase) or anywhere in the same record."""

    tokens: tuple[str, ...]
    adjacent: bool = False


@dataclass(frozen=True)
class Either:
    """Alternatives, any one of which will do: forms of what was typed, and synonyms."""

    matches: tuple[Match, ...]  # what was typed
    synonyms: tuple[Match, ...] = ()  # what the synonym list adds

    @property
    def all_matches(self) -> tuple[Match, ...]:
        return self.matches + self.synonyms

    def typed(self) -> "Either":
        return Either(self.matches)


@dataclass(frozen=True)
class Clause:
    """A group of the query: every one of `required`, none of `excluded`."""

    required: tuple[Either, ...] = ()
    excluded: tuple[Either, ...] = ()

    def typed(self) -> "Clause":
        return Clause(tuple(either.typed() for either in self.required), self.excluded)


@dataclass(frozen=True)
class SearchQuery:
    """A query as the databases search it: clauses separated by `or`."""

    parsed: ParsedQuery = field(default_factory=ParsedQuery)
    clauses: tuple[Clause, ...] = ()
    #: The synonyms added, as the synonym list writes them, in the order first added.
    expanded_terms: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.parsed)

    @property
    def text(self) -> str:
        return self.parsed.text

    @property
    def matches_nothing(self) -> bool:
        return bool(self.parsed) and not self.clauses

    @property
    def positive_matches(self) -> list[Match]:
        """Every alternative that can make a record match, synonyms included."""
        return [
            match
            for clause in self.clauses
            for either in clause.required
            for match in either.all_matches
        ]

    @property
    def widened(self) -> bool:
        """Whether synonyms added anything."""
        return any(either.synonyms for clause in self.clauses for either in clause.required)

    def typed(self) -> "SearchQuery":
        """The query without the synonyms' alternatives: what ranks a record first."""
        return self.kept(
            "typed",
            lambda: SearchQuery(self.parsed, tuple(clause.typed() for clause in self.clauses)),
        )

    def kept(self, name: str, make: Callable[[], _Kept]) -> _Kept:
        """What `make()` gives, made the first time it is asked for by `name` and kept with
        the query: a form of it that every kind of a search reads (a database's expression
        of it), built once a search rather than once a kind. Kept apart from the fields,
        which alone make the query what it is (equality, hashing, its cache keys)."""
        kept: dict[str, Any] = self.__dict__.setdefault("_kept", {})
        if name not in kept:
            kept[name] = make()
        made: _Kept = kept[name]
        return made

    @property
    def asks_for_several(self) -> bool:
        """Whether some group of the query needs more than one word or phrase."""
        return any(len(clause.required) > 1 for clause in self.clauses)

    def any_word(self) -> "SearchQuery":
        """The query loosened: each word or phrase (with its synonyms) enough on its own,
        excluded words still excluded. Records holding more of them rank higher. For a
        search in everyday words that no record holds all of."""
        clauses = tuple(
            Clause((either,), clause.excluded)
            for clause in self.clauses
            for either in clause.required
        )
        return SearchQuery(self.parsed, clauses, self.expanded_terms)

    @property
    def marked_tokens(self) -> frozenset[str]:
        """Every token a snippet marks: those of what was typed and of its synonyms,
        common words left out unless there is nothing else."""
        tokens = {token for match in self.positive_matches for token in match.tokens}
        uncommon = {token for token in tokens if token not in analysis.STOP_WORDS}
        return frozenset(uncommon or tokens)


def _word_matches(word: str) -> tuple[Match, ...]:
    """The alternatives for one free word: its tokens anywhere (a hyphenated word's parts
    are not required to be adjacent, as if typed with a space), or its joined form."""
    chunks = list(analysis.chunks(word))
    tokens = tuple(token for chunk in chunks for token in chunk.tokens)
    if not tokens:
        return ()
    matches = [Match(tokens)]
    if len(chunks) == 1 and chunks[0].joined:
        matches.append(Match((chunks[0].joined,)))
    return tuple(matches)


def _phrase_match(text: str) -> Match | None:
    tokens = tuple(analysis.tokens(text))
    return Match(tokens, adjacent=len(tokens) > 1) if tokens else None


def _free_words(terms: list[Term]) -> list[str]:
    """The group's free words, less common words unless that would leave none."""
    words = [term.text for term in terms]
    kept = [word for word in words if not all(analysis.is_stop_word(w) for w in word.split())]
    return kept or words


def _expand_clause(group: Group, added: list[str]) -> Clause | None:
    required: list[Either] = []
    words = _free_words([term for term in group.terms if not term.phrase])
    for term in group.terms:
        if term.phrase:
            match = _phrase_match(term.text)
            if match:
                required.append(_with_synonyms((match,), match.tokens, added))
    position = 0
    word_tokens = [tuple(analysis.tokens(word)) for word in words]
    while position < len(words):
        # The longest run of words, from here, that the synonym list knows.
        for length in range(len(words) - position, 0, -1):
            run = tuple(t for tokens in word_tokens[position : position + length] for t in tokens)
            if length == 1 or synonyms.alternatives(run):
                break
        if length > 1:
            # Every way of reading the words together (a hyphenated one as its parts or
            # as one), or a synonym of them all.
            alternatives = [_word_matches(word) for word in words[position : position + length]]
            together = tuple(
                Match(tuple(t for match in combination for t in match.tokens))
                for combination in product(*alternatives)
            )
            required.append(_with_synonyms(together, run, added))
        else:
            matches = _word_matches(words[position])
            if matches:
                required.append(_with_synonyms(matches, word_tokens[position], added))
        position += length
    excluded: list[Either] = []
    for term in group.excluded:
        matches = _word_matches(term.text) if not term.phrase else ()
        phrase = _phrase_match(term.text) if term.phrase else None
        excluded_matches = (phrase,) if phrase else matches
        if excluded_matches:
            excluded.append(Either(excluded_matches))
    if not required and not excluded:
        return None
    return Clause(tuple(required), tuple(excluded))


def _with_synonyms(typed: tuple[Match, ...], tokens: tuple[str, ...], added: list[str]) -> Either:
    adjacent = all(match.adjacent for match in typed)
    readings = [
        Match(reading, adjacent=adjacent and len(reading) > 1)
        for reading in synonyms.readings(tokens)
    ]
    matches = typed + tuple(m for m in readings if m not in typed)
    extra: list[Match] = []
    for display, alternative_readings in synonyms.alternatives(tokens):
        for reading in alternative_readings:
            match = Match(reading, adjacent=len(reading) > 1)
            if match not in matches and match not in extra:
                extra.append(match)
                if display not in added:
                    added.append(display)
    return Either(tuple(matches), tuple(extra))


def expand(parsed: ParsedQuery) -> SearchQuery:
    """The parsed query as the databases search it, widened by analysis and synonyms."""
    added: list[str] = []
    clauses: list[Clause] = []
    for group in parsed.groups:
        clause = _expand_clause(group, added)
        if clause is not None:
            clauses.append(clause)
    return SearchQuery(parsed=parsed, clauses=tuple(clauses), expanded_terms=tuple(added))


def search_query(text: str | None) -> SearchQuery:
    """What `text` searches for: parsed and expanded."""
    return expand(parse_query(text))
