"""Search, the same on PostgreSQL and SQLite, for every searchable record of the portal.

- analysis: how text becomes tokens (case, accents, hyphens, A&E, spelling, stemming);
- query: what people type, read as web-search syntax and widened by synonyms;
- synonyms: the portal's synonym list, kept as data;
- index: each model's stored documents, matched and ranked by the database;
- snippets: the text around what was found, marked.

See docs/decisions/0012-one-search.md.
"""

from .index import (
    POSTINGS_PLANNER_SETTINGS,
    SearchIndex,
    SearchIndexStorage,
    SearchPostingsStorage,
    deferred,
    indexes,
    store_all,
)
from .query import MAX_TERMS, ParsedQuery, SearchQuery, parse_query, search_query
from .snippets import snippet

__all__ = [
    "MAX_TERMS",
    "POSTINGS_PLANNER_SETTINGS",
    "ParsedQuery",
    "SearchIndex",
    "SearchIndexStorage",
    "SearchPostingsStorage",
    "SearchQuery",
    "deferred",
    "indexes",
    "parse_query",
    "search_query",
    "snippet",
    "store_all",
]
