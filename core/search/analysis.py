"""How text becomes search tokens: the one analysis that documents and queries share.

Every search in the portal (case studies, interventions, the portal-wide search, the
API's `q`) reads text through `tokens`, on PostgreSQL and on SQLite alike, so the two
databases index and search exactly the same tokens and only rank them differently:

- Words are runs of letters and digits. Case and accents do not count ("Café" is "cafe").
- Apostrophes join ("young people's" is "peoples", "don't" is "dont").
- A hyphenated word is its parts *and* the parts joined: "trauma-informed" gives
  "trauma", "informed" and "traumainformed", so "trauma informed", "trauma-informed" and
  "traumainformed" all find it, and "co-ordinated" finds "coordinated".
- Letters joined by "&" are one word: "A&E" is "ae", as are "R&D" and "B&Q".
- American spellings become British ones (the breame package's word list): "organized"
  is "organised", "behavior" "behaviour", "program" "programme".
- Each word is stemmed by the Snowball English stemmer (Porter 2), as PostgreSQL's
  english configuration stems: "lines" and "line" are "line", "therapies" "therapi".

Stop words ("the", "of" …) are indexed, so that a quoted phrase matches exactly; a query
leaves them out of its free words (see core.search.query).
"""

import re
import threading
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

import snowballstemmer
from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS

#: A chunk of text searched as one: letters and digits, joined inside by apostrophes,
#: hyphens or ampersands ("people's", "trauma-informed", "A&E").
_CHUNK = re.compile(r"[^\W_]+(?:['’‘\-‐‑–&][^\W_]+)*")
_APOSTROPHES = re.compile(r"['’‘]")
_JOINERS = re.compile(r"[\-‐‑–&]")
#: "&" joins initials into one word only when every part is this short (A&E, R&D).
_INITIALS = 2

#: PostgreSQL's English stop words (tsearch_data/english.stop).
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()
)

# A Snowball stemmer keeps the word it is stemming in itself, so two threads sharing one
# (gunicorn's threaded workers) corrupt each other's words: each thread has its own.
_stemmers = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=50_000)
def _fold(word: str) -> str:
    """Lower case, without accents."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=50_000)
def token(word: str) -> str:
    """The token of one word (letters and digits only): folded, British, stemmed."""
    word = _fold(word)
    word = AMERICAN_ENGLISH_SPELLINGS.get(word, word)
    stem: str = _stemmer().stemWord(word)
    return stem


def is_stop_word(word: str) -> bool:
    return _fold(word) in STOP_WORDS


@dataclass(frozen=True)
class Chunk:
    """A piece of text searched as one, where it is, and its tokens: `tokens` in the
    order they are read (for phrases), `joined` the hyphenated whole, if any."""

    start: int
    end: int
    words: tuple[str, ...]  # the words, folded, as typed: ("trauma", "informed")
    tokens: tuple[str, ...]
    joined: str | None = None

    @property
    def all_tokens(self) -> tuple[str, ...]:
        return (*self.tokens, self.joined) if self.joined else self.tokens


def chunks(text: str | None) -> Iterator[Chunk]:
    """The chunks of `text`, in order."""
    for match in _CHUNK.finditer(text or ""):
        yield _chunk(match)


def _chunk(match: re.Match[str]) -> Chunk:
    """The chunk of one match of _CHUNK."""
    if match.group(0).isalnum():  # one plain word, as most are: nothing to join or split
        word = match.group(0)
        return Chunk(match.start(), match.end(), (_fold(word),), (token(word),))
    raw = _APOSTROPHES.sub("", match.group(0))
    parts = [part for part in _JOINERS.split(raw) if part]
    if len(parts) > 1 and "&" in raw and all(len(part) <= _INITIALS for part in parts):
        parts = ["".join(parts)]  # A&E: one word
    words = tuple(_fold(part) for part in parts)
    tokens = tuple(token(part) for part in parts)
    joined = token("".join(parts)) if len(parts) > 1 else None
    return Chunk(match.start(), match.end(), words, tokens, joined)


def found_chunks(
    text: str, tokens: Collection[str], *, start: int | None = None, end: int | None = None
) -> Iterator[Chunk]:
    """The chunks of `text` any of whose tokens (a hyphenated word's joined one too) is
    one of `tokens`, in order: from the first, or from `start` (where no chunk goes on,
    such as the end of one), and up to `end` (those starting before it), if given. For
    snippets, which read long texts for a few words: the text is walked in Python from
    its first such chunk on, never before, and to the end of the snippet only."""
    if start is None:
        # No chunk spans whitespace, so a text's chunks are those of its words as split
        # at whitespace: most texts a snippet tries hold none of the words, and which of
        # its distinct words give one is a few set operations (_Vocabulary) after a split.
        words = _words_giving(set(text.split()), tokens)
        if not words:
            return
        start = min(_first_whole(text, word) for word in words)
    for match in _CHUNK.finditer(text, start):
        if end is not None and match.start() >= end:
            return
        word = match.group(0)
        if word.isalnum():
            if token(word) in tokens:
                yield Chunk(match.start(), match.end(), (_fold(word),), (token(word),))
            continue
        chunk = _chunk(match)
        if any(token_ in tokens for token_ in chunk.all_tokens):
            yield chunk


def _first_whole(text: str, word: str) -> int:
    """Where `word`, one of `text` split at whitespace, first stands whole in it (the
    start of `text` if nowhere: never, for such a word)."""
    end = len(text)
    at = text.find(word)
    while at != -1:
        after = at + len(word)
        if (at == 0 or text[at - 1].isspace()) and (after == end or text[after].isspace()):
            return at
        at = text.find(word, at + 1)
    return 0


class _Vocabulary:
    """The words (text split at whitespace) already read, and for each token the words
    that give it, so that which of a text's words give any of some tokens is a few set
    operations instead of a lookup per word."""

    #: Words kept at most; past it new words are looked up one by one, as they come.
    LIMIT = 200_000

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.by_token: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def learn(self, words: Collection[str]) -> None:
        with self._lock:
            if len(self.words) + len(words) > self.LIMIT:
                return
            # Each word's tokens are filed before the word counts as read: a text read at
            # the same time in another thread never takes a word as read without them.
            for word in words:
                for token_ in _word_tokens(word):
                    self.by_token.setdefault(token_, set()).add(word)
            self.words.update(words)


_vocabulary = _Vocabulary()


def _words_giving(words: set[str], tokens: Collection[str]) -> set[str]:
    """Those of `words` (pieces of text between whitespace) a chunk of which gives one of
    `tokens`."""
    unread = words - _vocabulary.words
    found = {word for word in unread if any(t in tokens for t in _word_tokens(word))}
    if unread:
        _vocabulary.learn(unread)
    for token_ in tokens:
        given = _vocabulary.by_token.get(token_)
        if given:
            found |= words & given
    return found


@lru_cache(maxsize=100_000)
def _word_tokens(word: str) -> tuple[str, ...]:
    """Every token of the chunks of `word`, a piece of text between whitespace (a
    hyphenated word's joined one too)."""
    if word.isalnum():
        return (token(word),)
    return tuple(token_ for match in _CHUNK.finditer(word) for token_ in _chunk(match).all_tokens)


def token_variants(text: str, *, without_common_words: bool = False) -> set[tuple[str, ...]]:
    """Every way `text`'s tokens can be read: each hyphenated word as its parts or as
    one ("anti-social behaviour" is anti social behaviour, or antisocial behaviour);
    common words left out if asked."""
    options: list[list[tuple[str, ...]]] = []
    for chunk in chunks(text):
        if without_common_words and all(word in STOP_WORDS for word in chunk.words):
            continue
        options.append([chunk.tokens, (chunk.joined,)] if chunk.joined else [chunk.tokens])
    return {tuple(t for part in combination for t in part) for combination in product(*options)}


def tokens(text: str) -> list[str]:
    """The tokens of `text` in reading order, hyphenated words' joined forms left out."""
    return [token_ for chunk in chunks(text) for token_ in chunk.tokens]


def document(text: str) -> str:
    """`text` as the space-separated tokens both databases index: every token in
    order (so phrases stay adjacent), then the joined forms of hyphenated words."""
    ordered: list[str] = []
    joined: list[str] = []
    for chunk in chunks(text):
        ordered.extend(chunk.tokens)
        if chunk.joined:
            joined.append(chunk.joined)
    return " ".join(ordered + joined)
