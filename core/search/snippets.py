"""Snippets: the text around the words a search found, each found word marked.

Cut in Python from the fields already fetched, for the rows a page shows only, and the
same on both databases: a word is marked when its tokens (core.search.analysis) are
among those searched for, synonyms included, so "organized" marks "organised" and
"A&E" marks "hospital" where the synonym found it. Snippets are HTML: everything
escaped, each run of marked words inside one <mark>.
"""

import itertools
import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import analysis
from .query import SearchQuery

#: Snippet length, in words around the first match.
SNIPPET_WORDS = 35

#: (pattern, replacement, what the pattern cannot match without): most texts hold no
#: links or emphasis, and a search for a literal is much cheaper than a pattern's.
_MARKDOWN = [
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1", ("[",)),  # [text](link) -> text
    (re.compile(r"(\*\*|__|`)"), "", ("**", "__", "`")),
    (re.compile(r"(?m)^\s*(#+|[-*+]|\d+\.)\s+"), "", ()),
]


def plain(text: str) -> str:
    """Markdown's marks removed and whitespace collapsed: a snippet is one line of text."""
    for pattern, replacement, needs in _MARKDOWN:
        if not needs or any(literal in text for literal in needs):
            text = pattern.sub(replacement, text)
    # str.split() splits at the runs of whitespace a \s+ pattern matches, ends stripped.
    return " ".join(text.split())


def _marked(text: str, spans: Iterable[tuple[int, int]]) -> SafeString:
    """`text` escaped, the (start, end) spans in <mark>, neighbouring ones as one."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    html: list[str] = []
    position = 0
    for start, end in merged:
        html.append(escape(text[position:start]))
        html.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    html.append(escape(text[position:]))
    return mark_safe("".join(html))  # noqa: S308 - every piece escaped above


def _window(
    text: str, start: int, end: int, words: int = SNIPPET_WORDS
) -> tuple[int, int, bool, bool]:
    """(from, to, cut before, cut after): about `words` words of `text` (one line, words
    one space apart) around text[start:end]: up to a third of them before it, from the
    start of a word, and the rest after it, to the end of one. Found by looking for the
    spaces either side, not by splitting the whole text."""
    kept_before = 0
    begin = start
    while kept_before <= words // 3:
        begin = text.rfind(" ", 0, begin)
        if begin == -1:
            break
        kept_before += 1
    cut_before = begin != -1
    keep_after = max(words - min(kept_before, words // 3), 1)
    finish, position = end, end
    for _ in range(keep_after):
        finish = text.find(" ", position)
        if finish == -1:
            return (begin + 1 if cut_before else 0), len(text), cut_before, False
        position = finish + 1
    return (begin + 1 if cut_before else 0), finish, cut_before, True


def snippet(texts: Iterable[str | None], query: SearchQuery | None) -> SafeString:
    """The text around the first match in `texts` (tried in order), escaped, every match
    in it marked; the start of the first text when none matches."""
    # Each text is made plain only when it is tried: most snippets come from the first.
    plain_texts = (plain(text) for text in texts if text and text.strip())
    first_text = next(plain_texts, None)
    if first_text is None:
        return mark_safe("")  # noqa: S308 - nothing to escape
    tokens = query.marked_tokens if query else frozenset()
    for text in itertools.chain([first_text], plain_texts) if tokens else ():
        # Read from the first match to the end of its window, not the whole text.
        first = next(analysis.found_chunks(text, tokens), None)
        if first is None:
            continue
        begin, finish, cut_before, cut_after = _window(text, first.start, first.end)
        found = [first, *analysis.found_chunks(text, tokens, start=first.end, end=finish)]
        spans = [
            (chunk.start - begin, chunk.end - begin)
            for chunk in found
            if chunk.start >= begin and chunk.end <= finish
        ]
        html = _marked(text[begin:finish], spans)
        return mark_safe(("… " if cut_before else "") + html + (" …" if cut_after else ""))  # noqa: S308
    words = first_text.split(" ")
    cut = " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")
    return mark_safe(escape(cut))  # noqa: S308 - escaped
