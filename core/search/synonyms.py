"""The portal's synonyms: a list kept as data, in the TOML file the setting
SVPORTAL_SEARCH_SYNONYMS names (fixtures/search_synonyms.toml), reviewed like code.

Each group lists terms that mean the same to the portal's users; a search for any of them
also searches for the others:

    [[group]]
    terms = ["A&E", "accident and emergency", "emergency department", "hospital"]
    why = "The seeds speak of A&E units, NHS A&E departments and hospital admissions."

Terms are read as queries are (core.search.analysis), so "A&E", "a&e" and "A & E" are
one term, and a term of several words is searched as a phrase. Typed as free words
(`county lines`), a multi-word term is recognised without its common words
("accident emergency" is "accident and emergency").
"""

import tomllib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import analysis

#: A listed term: (as displayed, its tokens, every way it can be typed).
Term = tuple[str, tuple[str, ...], frozenset[tuple[str, ...]]]
#: Terms that mean the same.
Group = tuple[Term, ...]


def read_groups(path: str | Path) -> list[Group]:
    """The groups of the synonym file at `path`: [(display, tokens, keys), …] each, the
    keys every way the term's tokens can be typed (analysis.token_variants), with or
    without its common words.
    A malformed file is an ImproperlyConfigured error naming the file and the group."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImproperlyConfigured(f"Search synonyms {path}: {error}") from error
    groups: list[Group] = []
    for number, group in enumerate(data.get("group", []), start=1):
        terms = group.get("terms") if isinstance(group, dict) else None
        if not isinstance(terms, list) or len(terms) < 2:
            raise ImproperlyConfigured(
                f"Search synonyms {path}, group {number}: list two or more terms."
            )
        entries: list[Term] = []
        for term in terms:
            tokens = tuple(analysis.tokens(term)) if isinstance(term, str) else ()
            if not tokens:
                raise ImproperlyConfigured(
                    f"Search synonyms {path}, group {number}: {term!r} has no word to search."
                )
            keys = analysis.token_variants(term) | analysis.token_variants(
                term, without_common_words=True
            )
            entries.append((term.strip(), tokens, frozenset(keys - {()})))
        groups.append(tuple(entries))
    return groups


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, ...], list[Group]]:
    """tokens -> the groups holding a term that can be typed so."""
    by_tokens: dict[tuple[str, ...], list[Group]] = {}
    for group in read_groups(settings.SVPORTAL_SEARCH_SYNONYMS):
        for _, _, keys in group:
            for key in keys:
                if group not in by_tokens.setdefault(key, []):
                    by_tokens[key].append(group)
    return by_tokens


def alternatives(tokens: Sequence[str]) -> list[tuple[str, list[tuple[str, ...]]]]:
    """The other terms that mean what `tokens` means: [(display, readings), …], each
    term with every way its tokens read ("anti-social behaviour" as anti social
    behaviour and as antisocial behaviour), without repeats and without the term that
    `tokens` types."""
    found: list[tuple[str, list[tuple[str, ...]]]] = []
    seen = {tuple(tokens)}
    for group in _index().get(tuple(tokens), ()):
        for display, term_tokens, keys in group:
            if term_tokens in seen or tuple(tokens) in keys:
                continue
            seen.add(term_tokens)
            readings = sorted(analysis.token_variants(display), key=lambda r: r != term_tokens)
            found.append((display, readings))
    return found


def readings(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """Other ways of typing the listed term that `tokens` types, with common words:
    "anti social behaviour" is also "antisocial behaviour". Empty for unlisted words."""
    found: set[tuple[str, ...]] = set()
    for group in _index().get(tuple(tokens), ()):
        for _, _, keys in group:
            if tuple(tokens) in keys:
                found |= {key for key in keys if len(key) > 0}
    found.discard(tuple(tokens))
    return sorted(found)


def clear_cache() -> None:
    """Forget the file as read (tests that change the setting call this)."""
    _index.cache_clear()
