"""Search documents: stored per record, matched and ranked in the database.

A searchable model has a `SearchIndex`: a function that gives each record's text by
weight — A (its name or title) above B (its summary), C (the rest of its own text) and
D (the text of what it links to) — which core.search.analysis turns into tokens. The
same tokens are stored on both databases:

- PostgreSQL: the model's `search_vector` column, a tsvector of the tokens under the
  `simple` configuration (the analysis is done already), GIN-indexed by the migration
  operation `SearchIndexStorage`; matched with @@ and ranked with ts_rank.
- SQLite: an FTS5 table beside the model's (`<table>_fts`, columns a–d, rowid the
  record's id), made by the same operation; matched with MATCH and ranked with bm25.
  The model's `search_vector` column stays empty there.

Long documents (case studies) are never read to search on PostgreSQL: a table of each
word's postings, kept from the documents by triggers (SearchPostingsStorage), matches a
word and ranks by what ts_rank gives, the same to the last bit (docs/decisions/0012).

Documents are a cache of the records' text. Each app's search module refreshes a
record's document when it or what it links to changes (its signal receivers only keep
this cache fresh); `deferred()` gathers those refreshes and makes them once, at the end
of a bulk load or a service's transaction.
"""

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, reduce
from typing import Any, TypeVar

from django.contrib.postgres.search import SearchQuery as PgQuery
from django.contrib.postgres.search import SearchRank, SearchVector, SearchVectorField
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models import (
    Expression,
    ExpressionWrapper,
    F,
    Field,
    FilteredRelation,
    FloatField,
    ForeignObjectRel,
    Func,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.signals import post_delete, post_save
from django.db.models.sql.compiler import SQLCompiler
from django.utils.safestring import SafeString

from ..api.pagination import without_joins_for_columns_alone
from ..response_cache import bump_data_version
from . import analysis, snippets
from .query import Clause, Either, Match, SearchQuery

WEIGHT_NAMES = ("A", "B", "C", "D")
#: ts_rank's default weights for A, B, C and D; bm25 is given the same.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
#: How much a match through a synonym counts, against one of what was typed.
SYNONYM_WEIGHT = 0.25
#: On SQLite, a word's occurrences in one weight's text count up to this.
MAX_COUNTED = 5
#: Records whose documents are written in one statement.
BATCH = 500
#: The PostgreSQL text-search configuration: `simple`, as the tokens arrive analysed.
CONFIG = "simple"
#: SQLite's tokenizer: splits on anything but letters and digits, which is all it sees.
FTS5_TOKENIZE = "unicode61 remove_diacritics 0"

#: A record's text by weight name ("A" to "D").
Texts = dict[str, str]
#: What an index gives for a queryset's records: (pk, texts) each.
#: A queryset of any model, given back of the same kind (its own methods kept).
_Rows = TypeVar("_Rows", bound="QuerySet[Any]")

Documents = Callable[["QuerySet[Any]"], Iterable[tuple[int, Texts]]]


def fts_table(db_table: str) -> str:
    return f"{db_table}_fts"


def _vendor(using: str) -> str:
    return connections[using].vendor


def _quote(using: str, name: str) -> str:
    return connections[using].ops.quote_name(name)


# --- The query, as each database reads it -----------------------------------------------------


def _pg_match(match: Match) -> PgQuery:
    return PgQuery(
        " ".join(match.tokens),
        search_type="phrase" if match.adjacent else "plain",
        config=CONFIG,
    )


def _pg_either(either: Either) -> PgQuery:
    return reduce(lambda left, right: left | right, [_pg_match(m) for m in either.all_matches])


def _pg_clause(clause: Clause) -> PgQuery:
    parts = [_pg_either(either) for either in clause.required]
    parts += [~_pg_either(either) for either in clause.excluded]
    return reduce(lambda left, right: left & right, parts)


class _CompiledOnce(PgQuery):
    """A query's tsquery expression, compiled the first time a statement reads it and
    then shared by every statement that does: its SQL names no column, so it reads the
    same in each. A portal search reads it in every kind's match and rank, each of which
    resolved and compiled the whole tree of nested calls again (a copy of each node)."""

    def __init__(self, query: SearchQuery, tree: PgQuery) -> None:
        Func.__init__(self)  # no source expressions: the tree is compiled whole
        self.query, self.tree = query, tree
        self.config, self.invert = None, False
        #: The tree's SQL and parameters, once compiled; shared by this expression's
        #: copies, which every statement that resolves it makes.
        self.compiled: dict[str, tuple[str, tuple[str | int, ...]]] = {}

    @cached_property
    def identity(self) -> tuple[Any, ...]:
        return (self.__class__, self.query)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[str | int, ...]]:
        if "sql" not in self.compiled:
            self.compiled["sql"] = compiler.compile(self.tree.resolve_expression(compiler.query))
        return self.compiled["sql"]


def postgresql_query(query: SearchQuery) -> PgQuery:
    """The expanded query as a tsquery expression (nested to_tsquery calls, each word a
    parameter), built and compiled once for the query, whichever statements read it."""

    def tree() -> PgQuery:
        whole = reduce(lambda left, right: left | right, [_pg_clause(c) for c in query.clauses])
        return _CompiledOnce(query, whole)

    return query.kept("postgresql_query", tree)


def _fts_token(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts_match(match: Match) -> str:
    if match.adjacent:
        return '"' + " ".join(token.replace('"', '""') for token in match.tokens) + '"'
    return "(" + " AND ".join(_fts_token(token) for token in match.tokens) + ")"


def _fts_either(either: Either) -> str:
    return "(" + " OR ".join(_fts_match(match) for match in either.all_matches) + ")"


def fts5_expression(eithers: Iterable[Either]) -> str:
    """Alternatives that must all match, as an FTS5 MATCH expression (every token quoted,
    so nothing typed is read as FTS5 syntax)."""
    return " AND ".join(_fts_either(either) for either in eithers)


class Fts5RowIds(Expression):
    """The ids of the records whose FTS5 row matches `expression` (all rows without
    one), as a subquery for `pk__in`."""

    output_field = IntegerField()

    def __init__(self, table: str, expression: str | None = None) -> None:
        super().__init__()
        self.table, self.expression = table, expression

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        table = connection.ops.quote_name(self.table)
        # The table is a model's, named in code; what was typed is only ever a parameter.
        if self.expression is None:
            return f"(SELECT rowid FROM {table})", ()  # noqa: S608
        return f"(SELECT rowid FROM {table} WHERE {table} MATCH %s)", (self.expression,)  # noqa: S608


#: A PostgreSQL function giving the ids of a table's records whose document matches a
#: tsquery, always through the document's GIN index (made by SearchMatchesFunction).
MATCHES_FUNCTION = "search_matching_ids"


class IndexMatches(Expression):
    """The ids of the records whose stored document matches `query` (a tsquery
    expression), found through the GIN index, as a subquery for `pk__in`.

    For a word most records hold, PostgreSQL's planner rightly expects the index to save
    no page reads and reads every row instead, but each row's long document is stored
    out of line (TOAST) and is fetched and unpacked to be matched: about ten times what
    the index costs. The function matches with sequential scans disabled, so only the
    index is read; the records are then joined by id."""

    output_field = IntegerField()

    def __init__(self, table: str, column: str, query: Any) -> None:
        super().__init__()
        self.table, self.column, self.query = table, column, query

    def get_source_expressions(self) -> list[Any]:
        return [self.query]

    def set_source_expressions(self, expressions: Sequence[Any]) -> None:
        (self.query,) = expressions

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        query_sql, query_params = compiler.compile(self.query)
        sql = f"(SELECT {MATCHES_FUNCTION}(%s::regclass, %s, {query_sql}))"
        return sql, (self.table, self.column, *query_params)


def postings_table(db_table: str) -> str:
    return f"{db_table}_postings"


#: What a statement holding SearchIndex.ranked_from_postings_sql sets for itself first,
#: in the same round trip (SET LOCAL: for that statement alone in autocommit, inside a
#: transaction until it ends). The planner cannot tell how many records the words'
#: postings hold (it guesses 200) and would group them in a hash table, a buffer for each
#: of 20,000 records; merged in order of record, each record's document is written and
#: read before the next one's.
POSTINGS_PLANNER_SETTINGS = "SET LOCAL enable_hashagg = off; "
#: A token the `simple` configuration reads as one word, as typed.
_PLAIN_WORD = re.compile(r"[a-z0-9]+")


def _any_of_words(query: SearchQuery) -> list[str] | None:
    """The words any one of which makes a record match `query`, where that is all the
    query asks (one word, or its alternatives, each a single plain word); else None."""
    if len(query.clauses) != 1:
        return None
    (clause,) = query.clauses
    if clause.excluded or len(clause.required) != 1:
        return None
    matches = clause.required[0].all_matches
    if any(
        len(match.tokens) != 1 or not _PLAIN_WORD.fullmatch(match.tokens[0]) for match in matches
    ):
        return None
    return sorted({match.tokens[0] for match in matches})


def _one_word(query: SearchQuery | None) -> str | None:
    """The word `query` asks for, where it asks for one plain word alone (no synonym, none
    excluded), whose rank is then that word's own; else None."""
    words = _any_of_words(query) if query and not query.matches_nothing else None
    if words is None or len(words) != 1 or query is None or query.widened:
        return None
    return words[0]


def _every_word(query: SearchQuery) -> list[str] | None:
    """Every word `query` names (typed, synonyms, excluded), where each is a plain word
    that a posting holds as such and every group requires one; else None."""
    words: set[str] = set()
    for clause in query.clauses:
        if not clause.required:
            return None  # a record holding none of the words could match
        for either in (*clause.required, *clause.excluded):
            for match in either.all_matches:
                if not all(_PLAIN_WORD.fullmatch(token) for token in match.tokens):
                    return None
                words.update(match.tokens)
    return sorted(words)


#: How many words a query's postings can tell apart by a bit of their own (a bigint's).
_WORD_BITS = 63


def _words_held_sql(query: SearchQuery, words: list[str]) -> str | None:
    """A condition on `bit_or(word_bit)`, the bits of the words (each `1 << n`, n its place
    in `words`) whose postings a record has, that every record matching `query` meets: for
    some group, each of its required alternatives has some match all of whose words the
    record holds. A phrase or an excluded word asks more, which the document's match
    checks; this only saves building the documents of records that cannot match. None
    where the words are too many for a bit each."""
    if len(words) > _WORD_BITS:
        return None
    place = {word: n for n, word in enumerate(words)}
    clauses = []
    for clause in query.clauses:
        eithers = []
        for either in clause.required:
            masks = sorted(
                {
                    sum(1 << place[token] for token in set(match.tokens))
                    for match in either.all_matches
                }
            )
            held = [f"bit_or(word_bit) & {mask} = {mask}" for mask in masks]
            eithers.append(" OR ".join(held) or "false")
        clauses.append(" AND ".join(f"({either})" for either in eithers) or "true")
    return " OR ".join(f"({clause})" for clause in clauses)


def _postgresql_rank(document: Any, query: SearchQuery) -> Expression:
    """ts_rank of `document` for what `query` typed, plus SYNONYM_WEIGHT times its rank for
    the query widened by synonyms."""
    weights = [WEIGHTS[name] for name in reversed(WEIGHT_NAMES)]
    typed = SearchRank(document, postgresql_query(query.typed()), weights=weights)
    if not query.widened:
        return typed
    widened = SearchRank(document, postgresql_query(query), weights=weights)
    return ExpressionWrapper(typed + widened * Value(SYNONYM_WEIGHT), output_field=FloatField())


class PostingsOfWords(Expression):
    """The ids of the records whose document holds any of `words`, read from their
    postings (SearchPostingsStorage) rather than the documents or the GIN index, as a
    subquery for `pk__in`."""

    output_field = IntegerField()

    def __init__(self, table: str, words: list[str]) -> None:
        super().__init__()
        self.table, self.words = table, words

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        postings = connection.ops.quote_name(postings_table(self.table))
        # The table is a model's, named in code; what was typed is only ever a parameter.
        sql = f"(SELECT record_id FROM {postings} WHERE word = ANY(%s::text[]))"  # noqa: S608
        return sql, (self.words,)


class Fts5Rank(Expression):
    """A rank like PostgreSQL's ts_rank for SQLite, whose bm25 weighs a word by how rare
    it is and so, over a few hundred records, counts "county lines" as nothing.

    Each alternative of the query scores, in each column (weight), the weight times how
    often it appears there, counting up to MAX_COUNTED; alternatives from synonyms count
    SYNONYM_WEIGHT as much. The sum s is scaled to s / (s + 1), between 0 and 1. The
    words are counted in the outer record's FTS5 row (its stored tokens, space-separated),
    a lookup by rowid."""

    output_field = FloatField()

    def __init__(self, table: str, scored: Sequence[tuple[Match, float]]) -> None:
        """`scored`: (Match, factor) pairs."""
        super().__init__()
        self.table, self.scored = table, scored
        self.pk: Any = F("pk")

    def resolve_expression(
        self,
        query: Any | None = None,
        allow_joins: bool = True,
        reuse: set[str] | None = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> "Fts5Rank":
        resolved = self.copy()
        resolved.pk = self.pk.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def get_source_expressions(self) -> list[Any]:
        return [self.pk]

    def set_source_expressions(self, expressions: Sequence[Combinable | Expression]) -> None:
        (self.pk,) = expressions

    @staticmethod
    def _count(column: str, needle: str) -> tuple[str, list[str | int]]:
        """How often ` needle ` appears in the column, its tokens each wrapped in spaces
        of their own so that neighbouring matches are all counted."""
        spaced = f"(' ' || replace({column}, ' ', '  ') || ' ')"
        sql = f"((length({spaced}) - length(replace({spaced}, %s, ''))) / %s)"
        return sql, [needle, len(needle)]

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str | int, ...]]:
        pk_sql, pk_params = compiler.compile(self.pk)
        table = connection.ops.quote_name(self.table)
        terms: list[str] = []
        params: list[str | int] = []
        for match, factor in self.scored:
            units = [match.tokens] if match.adjacent else [(token,) for token in match.tokens]
            for tokens in units:
                needle = " " + "  ".join(tokens) + " "
                for name in WEIGHT_NAMES:
                    count_sql, count_params = self._count(name.lower(), needle)
                    terms.append(f"min({count_sql}, {MAX_COUNTED}) * {WEIGHTS[name] * factor}")
                    params += count_params
        total = " + ".join(terms) or "0"
        # The table is a model's, named in code; what was typed is only ever a parameter.
        sql = (
            f"COALESCE((SELECT ({total}) * 1.0 / (({total}) + 1.0) "  # noqa: S608
            f"FROM {table} WHERE {table}.rowid = {pk_sql}), 0.0)"
        )
        return sql, (*params, *params, *pk_params)


# --- An index ------------------------------------------------------------------------------------


_deferred = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Refresh the documents asked for inside the block once, when it ends."""
    if getattr(_deferred, "pending", None) is not None:  # inside another: it will refresh
        yield
        return
    _deferred.pending = {}
    try:
        yield
    except BaseException:
        _deferred.pending = None  # the block failed: its writes are not to be indexed
        raise
    pending, _deferred.pending = _deferred.pending, None
    for index, pks in pending.items():
        index.store(index.model._default_manager.filter(pk__in=pks))


#: Every index, by model label, for refreshing them all (the loader, the daily task).
registry: dict[str, "SearchIndex"] = {}


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """How one model is searched.

    `documents(queryset)` yields (pk, {weight: text}) for the records of `queryset`, in a
    fixed number of queries whatever their number; weights it leaves out are empty."""

    model: type[Model]
    documents: Documents
    #: The fields a snippet is cut from, tried in order.
    snippet_fields: tuple[str, ...] = ()
    field: str = "search_vector"
    #: Whether documents are long enough to be stored out of line (TOAST), so that on
    #: PostgreSQL they are never read to search: the model's migrations keep their words'
    #: postings (SearchPostingsStorage), from which records are matched and ranked.
    long_documents: bool = False
    #: Where the model's migrations keep its documents' postings (SearchPostingsStorage),
    #: its relation to them (an unmanaged model of the postings table, with `word` and
    #: `score`): on PostgreSQL a search for one word matches from them and reads its best
    #: records in order from their index, not by ranking every match.
    postings: str = ""
    #: A condition that most records meet and that most lists of them carry alone (case
    #: studies: published, all the public sees): such a list's matches for one word are
    #: counted from the word's postings, less those of the few records that fail it
    #: (postings_in_place_of).
    usual: Q | None = None

    def __post_init__(self) -> None:
        registry[self.model._meta.label] = self

    def _using(self, queryset: "QuerySet[Any] | None" = None) -> str:
        return queryset.db if queryset is not None else router.db_for_write(self.model)

    @property
    def table(self) -> str:
        return fts_table(self.model._meta.db_table)

    # --- Writing -------------------------------------------------------------------------

    def refresh(self, pks: Iterable[int | None]) -> None:
        """Bring these records' documents up to date (now, or when `deferred()` ends)."""
        wanted = {pk for pk in pks if pk is not None}
        if not wanted:
            return
        pending = getattr(_deferred, "pending", None)
        if pending is not None:
            pending.setdefault(self, set()).update(wanted)
            return
        self.store(self.model._default_manager.filter(pk__in=wanted))

    def store(self, queryset: "QuerySet[Any]") -> int:
        """Write the documents of the records of `queryset`. Returns how many."""
        using = self._using(queryset)
        count = 0
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            batch = pks[start : start + BATCH]
            rows = [
                (pk, {name: analysis.document(text) for name, text in texts.items()})
                for pk, texts in self.documents(
                    self.model._default_manager.using(using).filter(pk__in=batch)
                )
            ]
            if _vendor(using) == "postgresql":
                self._store_postgresql(rows, using)
            else:
                self._store_fts5(batch, rows, using)
            count += len(rows)
        if count:
            bump_data_version()  # what searches find has changed
        return count

    def _store_postgresql(self, rows: list[tuple[int, Texts]], using: str) -> None:
        records = []
        for pk, texts in rows:
            record = self.model(pk=pk)
            vectors: list[Combinable] = [
                SearchVector(Value(texts.get(name, "")), weight=name, config=CONFIG)
                for name in WEIGHT_NAMES
            ]
            setattr(record, self.field, reduce(lambda left, right: left + right, vectors))
            records.append(record)
        self.model._default_manager.using(using).bulk_update(records, [self.field])

    def _store_fts5(self, batch: list[int], rows: list[tuple[int, Texts]], using: str) -> None:
        table = _quote(using, self.table)
        marks = ", ".join("%s" for _ in batch)
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", batch)  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {table} (rowid, a, b, c, d) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
                [[pk, *(texts.get(name, "") for name in WEIGHT_NAMES)] for pk, texts in rows],
            )

    def forget(self, pks: Iterable[int | None]) -> None:
        """Drop deleted records' documents (SQLite's live apart from the records)."""
        using = self._using()
        gone = [pk for pk in pks if pk is not None]
        if not gone or _vendor(using) == "postgresql":
            return
        table = _quote(using, self.table)
        marks = ", ".join("%s" for _ in gone)
        with connections[using].cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", gone)  # noqa: S608

    def follow_own_records(self) -> None:
        """Refresh a record's document whenever it is saved and forget it when it is
        deleted, however either is done: the services, the admin, the loader. What the
        document names of other records is followed by the app's own receivers."""
        uid = f"core.search.{self.model._meta.label_lower}"
        post_save.connect(
            self._record_saved, sender=self.model, weak=False, dispatch_uid=f"{uid}.saved"
        )
        post_delete.connect(
            self._record_deleted, sender=self.model, weak=False, dispatch_uid=f"{uid}.deleted"
        )

    def follow_names(self, *models: type[Model], through: str) -> None:
        """Refresh the documents of this index's records that name a record of `models`
        whenever that record is saved again (a new record is named by none yet):
        `through` is the reverse relation from it to them, e.g. a borough's
        `case_studies`."""

        def named_saved(
            sender: type[Model], instance: Model, created: bool = False, **kwargs: Any
        ) -> None:
            if not created:
                self.refresh(getattr(instance, through).values_list("pk", flat=True))

        for model in models:
            post_save.connect(
                named_saved,
                sender=model,
                weak=False,
                dispatch_uid=(
                    f"core.search.{self.model._meta.label_lower}.names."
                    f"{model._meta.label_lower}.{through}"
                ),
            )

    def _record_saved(self, sender: type[Model], instance: Model, **kwargs: Any) -> None:
        self.refresh([instance.pk])

    def _record_deleted(self, sender: type[Model], instance: Model, **kwargs: Any) -> None:
        self.forget([instance.pk])

    def missing(self, queryset: "QuerySet[Any]") -> "QuerySet[Any]":
        """The records of `queryset` without a document."""
        if _vendor(queryset.db) == "postgresql":
            return queryset.filter(**{f"{self.field}__isnull": True})
        return queryset.exclude(pk__in=Fts5RowIds(self.table))

    # --- Reading -------------------------------------------------------------------------

    def matching(self, queryset: _Rows, query: SearchQuery | None) -> _Rows:
        """The records of `queryset` that match `query` (a core.search.query.SearchQuery);
        all of them if it is blank, none if it holds no word."""
        if not query:
            return queryset
        if query.matches_nothing:
            return queryset.none()
        if _vendor(queryset.db) == "postgresql":
            if self.postings and _one_word(query) is not None:
                return self._with_posting(queryset, query)
            if self.long_documents:
                table = self.model._meta.db_table
                words = _any_of_words(query)
                if words is not None:
                    return queryset.filter(pk__in=PostingsOfWords(table, words))
                matches = IndexMatches(table, self.field, postgresql_query(query))
                return queryset.filter(pk__in=matches)
            return queryset.filter(**{self.field: postgresql_query(query)})
        conditions: list[Q] = []
        for clause in query.clauses:
            condition = Q()
            if clause.required:
                condition &= Q(pk__in=Fts5RowIds(self.table, fts5_expression(clause.required)))
            for either in clause.excluded:
                condition &= ~Q(pk__in=Fts5RowIds(self.table, fts5_expression([either])))
            conditions.append(condition)
        return queryset.filter(reduce(lambda left, right: left | right, conditions))

    def matches_counted_cheaply(self, query: SearchQuery | None, using: str) -> bool:
        """Whether how many records match `query` costs little beside reading the matches
        (matching_ids): an FTS5 lookup on SQLite, the postings of its words on
        PostgreSQL; not several words or a phrase matched through the GIN index, whose
        every match is read again by each query that reads them."""
        if not query or _vendor(using) != "postgresql" or not self.long_documents:
            return True  # no words: every record, counted without reading any twice
        words = _any_of_words(query) if not query.matches_nothing else None
        return bool(self.postings) and words is not None

    def matching_ids(self, query: SearchQuery | None, using: str) -> "QuerySet[Any]":
        """The ids of every record that matches `query` (all of them if it is blank), of
        whatever status, as a subquery of one column, `record`. For words the postings
        hold (PostgreSQL), read from the postings alone, without the records: how many
        match is then an index-only count, and a join to other ids costs no read of the
        records."""
        words = _any_of_words(query) if query and not query.matches_nothing else None
        if self.postings and words is not None and _vendor(using) == "postgresql":
            postings, record = self._postings_table(using)
            return postings.filter(word__in=words).values(record=F(record.attname))
        records: QuerySet[Any] = self.model._default_manager.using(using).all()
        return self.matching(records, query).values(record=F("pk"))

    def _postings_table(self, using: str) -> "tuple[QuerySet[Any], Field[Any, Any]]":
        """Every posting of the model's records, and a posting's field of its record."""
        relation = self.model._meta.get_field(self.postings)
        if not isinstance(relation, ForeignObjectRel) or relation.related_model is None:
            raise TypeError(f"{self.postings} names no relation to {self.model}'s postings")
        postings: QuerySet[Any] = relation.related_model._default_manager.using(using)
        return postings, relation.field

    def rank(self, query: SearchQuery | None, using: str) -> Expression:
        """An expression for `search_rank`: higher is more relevant, 0 for no match.

        What was typed ranks a record; synonyms count SYNONYM_WEIGHT as much, so that a
        record found only through a synonym follows those that say what was typed."""
        if not query or query.matches_nothing or not query.positive_matches:
            return Value(0.0, output_field=FloatField())
        if _vendor(using) == "sqlite":
            scored = [
                (match, factor)
                for clause in query.clauses
                for either in clause.required
                for matches, factor in ((either.matches, 1.0), (either.synonyms, SYNONYM_WEIGHT))
                for match in matches
            ]
            return Fts5Rank(self.table, scored)
        # Built once a search: each kind's statement resolves a copy of it.
        return query.kept(
            f"postgresql_rank:{self.field}", lambda: _postgresql_rank(F(self.field), query)
        )

    def ranked_from_postings_sql(
        self, query: SearchQuery | None, compiler: SQLCompiler
    ) -> tuple[str, tuple[Any, ...]] | None:
        """On PostgreSQL, SQL giving each record whose document matches `query` (`id`) and
        its `search_rank`, both worked out in one pass over the postings of the query's
        words: each record's entries for them, joined, are its document cut down to those
        words, which match and rank as the whole document does (the rank, without
        normalisation, reads only the searched words' positions and weights). For several
        words, or synonyms, instead of matching through the GIN index, which must read
        every candidate's document to check a phrase, and ranking every match's document.
        Only for long documents: a short one (a plan item's) is matched and ranked
        quicker from itself, as its words' postings outnumber the matches many times over
        (plan items for `knife crime` at national scale, 3,000 matches: 0.6 s from the
        postings, 70 ms from the documents). None where the postings cannot serve: short
        documents, no postings, another database, a word the postings do not hold as such,
        or a group of the query with no word required (ranks_from_postings)."""
        if query is None or not self.ranks_from_postings(query, compiler.connection.alias):
            return None
        words = _every_word(query)
        if words is None:
            return None
        document = RawSQL("document", (), output_field=SearchVectorField())
        rank_sql, rank_params = compiler.compile(
            _postgresql_rank(document, query).resolve_expression(compiler.query)
        )
        match_sql, match_params = compiler.compile(
            postgresql_query(query).resolve_expression(compiler.query)
        )
        postings = compiler.connection.ops.quote_name(postings_table(self.model._meta.db_table))
        # The table is a model's, named in code; what was typed is only ever a parameter.
        # Each word's postings come from the primary key in order of record, and are
        # merged in that order (MergeAppend; POSTINGS_PLANNER_SETTINGS) into each record's
        # document, rather than all of them sorted by record first (case studies for
        # `county lines` at national scale: 55,751 postings).
        # OFFSET 0 keeps the match outside the grouping: pushed into it, it read each
        # document from its text to match it and read it again to be ranked, and reading
        # a tsvector from its text is most of what ranking from the postings costs.
        # Each word's postings carry the word's bit, and a record's document is built
        # only if the words it holds could match (HAVING): reading the documents from
        # their text is the most of what this costs, and a record holding one word of
        # `county lines`, or `child` without `criminal exploitation`, cannot match (case
        # studies at a tenth of national scale: 1,170 of 1,979 documents built, 732 match).
        held = _words_held_sql(query, words)
        each_word = " UNION ALL ".join(
            f"(SELECT record_id, entry, {1 << n if held else 0}::bigint AS word_bit "  # noqa: S608
            f"FROM {postings} WHERE word = %s ORDER BY record_id)"
            for n in range(len(words))
        )
        having = f" HAVING {held}" if held else ""
        sql = (
            f"SELECT record_id AS id, {rank_sql} AS search_rank FROM ("  # noqa: S608
            "SELECT record_id, string_agg(entry, ' ')::tsvector AS document "
            f"FROM ({each_word}) AS postings GROUP BY record_id{having} OFFSET 0"
            f") AS documents WHERE document @@ {match_sql}"
        )
        return sql, (*rank_params, *words, *match_params)

    def ranks_from_postings(self, query: SearchQuery | None, using: str) -> bool:
        """Whether ranked_from_postings_sql can match and rank `query`: long documents with
        postings, on PostgreSQL, and a query of words the postings hold as such, each group
        requiring one. Asked before any SQL is written for it."""
        return bool(
            self.long_documents
            and self.postings
            and query
            and not query.matches_nothing
            and _vendor(using) == "postgresql"
            and _every_word(query) is not None
        )

    #: The join of a record to its posting of the one word searched for.
    _POSTING = "searched_posting"

    def _with_posting(self, queryset: _Rows, query: SearchQuery | None) -> _Rows:
        """The records of `queryset` joined to their posting of the one word `query` asks
        for: those that hold it, each once (a record has one posting of a word)."""
        # Joined already (matched, now ranked): the stubs do not declare the joins' names.
        if self._POSTING in getattr(queryset.query, "_filtered_relations", {}):
            return queryset
        return self._with_posting_of(queryset, _one_word(query))

    def _with_posting_of(self, queryset: _Rows, word: str | None) -> _Rows:
        condition = Q(**{f"{self.postings}__word": word})
        joined: _Rows = queryset.annotate(
            **{self._POSTING: FilteredRelation(self.postings, condition=condition)}
        ).filter(**{f"{self._POSTING}__score__isnull": False})
        return joined

    def ranks_from_index(self, query: SearchQuery | None, using: str) -> bool:
        """Whether `ranked` reads the best records for `query` in order from an index (a
        word's postings by score), so that a first page stops after its rows, rather than
        ranking every match: counting them is then best left to a query of its own."""
        return (
            bool(self.postings) and _one_word(query) is not None and _vendor(using) == "postgresql"
        )

    def ranked_in_index_order(self, queryset: "QuerySet[Any]") -> bool:
        """Whether `queryset`'s `search_rank` is its records' score for the one word searched
        for (`ranked`, from their postings): read in order from the postings' index, with
        a few hundred distinct values among a word's matches, so that a deep page of a
        list ordered by it is found from the score where it starts or ends
        (core.api.pagination.IdsFirstPaginator.led_by_index)."""
        query = queryset.query
        if self._POSTING not in getattr(query, "_filtered_relations", {}):
            return False
        target = getattr(query.annotations.get("search_rank"), "target", None)
        return getattr(target, "column", None) == "score"

    def postings_in_place_of(self, ranked: "QuerySet[Any]") -> "QuerySet[Any] | None":
        """The postings of the word searched for of `ranked`'s records, one each, with the
        same `search_rank`, where they are read without those records: where `ranked`
        (ranked_in_index_order) has no condition but holding the word, or but that and
        `usual`. They are then the word's postings, less those of the records that fail
        `usual`; None for any other list (another filter, several words).

        Counting the matches of each score (core.api.pagination._IdsWithinGroups) then
        reads the word's postings from their index alone, and the few records that fail
        `usual` from theirs, rather than joining every match to its record: the middle
        page of the published case studies for `young` at national scale (19,000
        matches) counted them in about 2 ms rather than 8."""
        if not self.ranked_in_index_order(ranked):
            return None
        # The word of the join to its posting (_with_posting_of), whose condition Django
        # has renamed after the join: the list read without the records must be the list.
        relation = ranked.query._filtered_relations[self._POSTING]  # type: ignore[attr-defined]
        words = [value for name, value in relation.condition.children if name.endswith("word")]
        if len(words) != 1:
            return None
        (word,) = words
        sql, params = _conditions(ranked)
        matched = [
            usual
            for usual, (listed, listed_params) in self._lists_of_a_word(ranked.db).items()
            if sql == listed
            and params == tuple(word if param == _ANY_WORD else param for param in listed_params)
        ]
        if not matched:
            return None
        usual = matched[0]  # every record first, should `usual` hold them all
        records = self.model._default_manager.using(ranked.db)
        postings, record = self._postings_table(ranked.db)
        postings = postings.filter(word=word)
        if usual:  # else every record holding the word: each has its posting (triggers)
            postings = postings.exclude(**{f"{record.name}__in": records.exclude(self.usual)})
        in_place: QuerySet[Any] = postings.annotate(search_rank=F("score"))
        return in_place

    def _lists_of_a_word(self, using: str) -> dict[bool, tuple[str, tuple[Any, ...]]]:
        """The SQL of the lists postings_in_place_of reads from the postings (the ids of
        the usual records holding a word, True, and of every one, False), the word a
        parameter (_ANY_WORD): made once, as each list's is compared with them."""
        key = (self.model._meta.label, using)
        if key not in _LISTS_OF_A_WORD:
            records = self.model._default_manager.using(using)
            lists = {False: _conditions(self._with_posting_of(records.all(), _ANY_WORD))}
            if self.usual is not None:
                usual = records.filter(self.usual)
                lists[True] = _conditions(self._with_posting_of(usual, _ANY_WORD))
            _LISTS_OF_A_WORD[key] = lists
        return _LISTS_OF_A_WORD[key]

    def ranked(self, queryset: _Rows, query: SearchQuery | None) -> _Rows:
        """`queryset` annotated with `search_rank`."""
        if self.ranks_from_index(query, queryset.db):
            # Each record's posting of the word holds the rank ts_rank gives it, and the
            # word's postings are indexed by it: the best come first, without the rest.
            by_posting: _Rows = self._with_posting(queryset, query).annotate(
                search_rank=F(f"{self._POSTING}__score")
            )
            return by_posting
        ranked: _Rows = queryset.annotate(search_rank=self.rank(query, queryset.db))
        return ranked

    def snippet(self, record: Model, query: SearchQuery | None) -> SafeString:
        """The record's snippet for `query`, as safe HTML."""
        return snippets.snippet([getattr(record, name) for name in self.snippet_fields], query)


#: A word no request can search for (a parameter holds it in place of the word), and the
#: lists of it by index and database (SearchIndex._lists_of_a_word).
_ANY_WORD = "\x00any word"
_LISTS_OF_A_WORD: dict[tuple[str, str], dict[bool, tuple[str, tuple[Any, ...]]]] = {}


def _conditions(records: "QuerySet[Any]") -> tuple[str, tuple[Any, ...]]:
    """Which rows ``records`` holds, as SQL: its ids without the joins that only fetch what
    a row shows, in no order."""
    ids = without_joins_for_columns_alone(records).order_by().values("pk")
    sql, params = ids.query.get_compiler(using=records.db).as_sql()
    return sql, tuple(params)


def indexes() -> list[SearchIndex]:
    return list(registry.values())


def store_all(*, missing_only: bool = True) -> int:
    """Store the documents of every searchable model's records (by default only of
    those without one); returns how many."""
    count = 0
    for index in indexes():
        records = index.model._default_manager.all()
        count += index.store(index.missing(records) if missing_only else records)
    return count


# --- Migrations ----------------------------------------------------------------------------------


class _DocumentsStorage(Operation):
    """A migration operation on the stored search documents of a table, outside the
    models' state."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, db_table: str, field: str = "search_vector") -> None:
        self.db_table, self.field = db_table, field

    def deconstruct(self) -> tuple[str, list[str], dict[str, str]]:
        return self.__class__.__name__, [self.db_table], {"field": self.field}

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    # The states play no part: what is made or dropped depends on the table alone.
    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self.forwards(schema_editor)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self.backwards(schema_editor)

    def forwards(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        raise NotImplementedError

    def backwards(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        raise NotImplementedError


class SearchIndexStorage(_DocumentsStorage):
    """Where a model's search documents live: on PostgreSQL a GIN index on its
    `search_vector` column; on SQLite an FTS5 table beside it."""

    @property
    def _gin_name(self) -> str:
        return f"{self.db_table}_search_gin"[:63]

    def forwards(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        quote = schema_editor.quote_name
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(self._gin_name)} "
                f"ON {quote(self.db_table)} USING gin ({quote(self.field)})"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {quote(fts_table(self.db_table))} "
                f"USING fts5(a, b, c, d, tokenize='{FTS5_TOKENIZE}')"
            )

    def backwards(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        quote = schema_editor.quote_name
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(self._gin_name)}")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TABLE IF EXISTS {quote(fts_table(self.db_table))}")

    def describe(self) -> str:
        return f"Search documents of {self.db_table}: GIN (PostgreSQL) or FTS5 (SQLite)"


#: A posting's word as a tsvector's or tsquery's text writes it: quoted, with any quote
#: or backslash in it doubled.
_QUOTED_WORD = "'''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || ''''"
#: A posting's entry: its word with its positions and weights, as a tsvector's text writes
#: them ('word':3A,17C), so that a record's entries for some words, joined with spaces,
#: read as its document cut down to those words.
_POSTING_ENTRY = (
    f"{_QUOTED_WORD} || "  # noqa: S608  (SQL written here: no input)
    "CASE WHEN cardinality(positions) > 0 THEN ':' || array_to_string(ARRAY("
    "SELECT position || weight FROM unnest(positions, weights) AS p(position, weight)), ',') "
    "ELSE '' END"
)
#: What ts_rank gives the record for its word alone, with WEIGHTS: a search for one word
#: ranks by it, so its best records are read in order from an index.
_POSTING_SCORE = (
    "ts_rank('{" + ",".join(str(WEIGHTS[name]) for name in reversed(WEIGHT_NAMES)) + "}', "
    f"entry::tsvector, ({_QUOTED_WORD})::tsquery)"
)


class SearchPostingsStorage(_DocumentsStorage):
    """On PostgreSQL, each word of each stored document of a table with its positions and
    weights (`<table>_postings`: word, record_id, entry), kept by triggers on the table
    whenever a document is written, cleared or deleted, whoever writes it, and filled from
    the documents already stored. A search reads the postings of its words only
    (PostingsOfWords, SearchIndex.ranked): for a long document, a small part of it. On SQLite,
    whose FTS5 table is read instead, the table is made but stays empty."""

    @property
    def _postings(self) -> str:
        return postings_table(self.db_table)

    @property
    def _function(self) -> str:
        return f"{self._postings}_kept"[:63]

    def _trigger(self, event: str) -> str:
        return f"{self._postings}_{event}"[:63]

    def forwards(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        quote = schema_editor.quote_name
        if schema_editor.connection.vendor != "postgresql":
            # Empty, so that a model of the postings reads the same on any database.
            schema_editor.execute(
                f"CREATE TABLE {quote(self._postings)} (word text NOT NULL, "
                "record_id bigint NOT NULL, entry text NOT NULL, score real NOT NULL, "
                "PRIMARY KEY (word, record_id))"
            )
            return
        table, field = quote(self.db_table), quote(self.field)
        postings, function = quote(self._postings), quote(self._function)
        schema_editor.execute(
            f"CREATE TABLE {postings} (word text NOT NULL, record_id bigint NOT NULL, "
            "entry text NOT NULL, score real NOT NULL, "
            "PRIMARY KEY (word, record_id) INCLUDE (entry))"
        )
        schema_editor.execute(
            f"CREATE INDEX {quote(self._postings + '_best')} "
            f"ON {postings} (word, score DESC, record_id)"
        )
        # The names are a model's, from its migration.
        schema_editor.execute(
            f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {postings};
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM {postings}
        WHERE word = ANY(tsvector_to_array(OLD.{field})) AND record_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {postings} (word, record_id, entry, score)
        SELECT lexeme, NEW.id, entry, {_POSTING_SCORE}
        FROM (SELECT lexeme, {_POSTING_ENTRY} AS entry FROM unnest(NEW.{field})) AS words;
    END IF;
    RETURN NULL;
END $$"""  # noqa: S608
        )
        for event, when in (
            ("INSERT", f"FOR EACH ROW WHEN (NEW.{field} IS NOT NULL)"),
            (f"UPDATE OF {field}", f"FOR EACH ROW WHEN (OLD.{field} IS DISTINCT FROM NEW.{field})"),
            ("DELETE", "FOR EACH ROW"),
            ("TRUNCATE", "FOR EACH STATEMENT"),
        ):
            name = quote(self._trigger(event.split()[0].lower()))
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} {when} "
                f"EXECUTE FUNCTION {function}()"
            )
        schema_editor.execute(
            f"INSERT INTO {postings} (word, record_id, entry, score) "  # noqa: S608
            f"SELECT lexeme, id, entry, {_POSTING_SCORE} FROM (SELECT lexeme, id, "
            f"{_POSTING_ENTRY} AS entry FROM {table}, unnest({table}.{field})) AS words"
        )

    def backwards(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        quote = schema_editor.quote_name
        if schema_editor.connection.vendor != "postgresql":
            schema_editor.execute(f"DROP TABLE IF EXISTS {quote(self._postings)}")
            return
        for event in ("insert", "update", "delete", "truncate"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {quote(self._trigger(event))} ON {quote(self.db_table)}"
            )
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {quote(self._function)}()")
        schema_editor.execute(f"DROP TABLE IF EXISTS {quote(self._postings)}")

    def describe(self) -> str:
        return f"Postings of the search documents of {self.db_table} (PostgreSQL)"


#: The function IndexMatches calls, read from the GIN index alone: sequential scans are
#: disabled inside it (a function with settings of its own is never inlined, so they hold).
#: `%%` as the schema editor formats it.
_CREATE_MATCHES_FUNCTION = """
CREATE OR REPLACE FUNCTION search_matching_ids(documents regclass, field name, query tsquery)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE ROWS 1000 SET enable_seqscan = off AS $$
BEGIN
    RETURN QUERY EXECUTE format('SELECT id::bigint FROM %%s WHERE %%I @@ $1', documents, field)
    USING query;
END $$
"""


def create_matches_function(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """For a migration (RunPython): make the function IndexMatches calls, on PostgreSQL."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_CREATE_MATCHES_FUNCTION)


def drop_matches_function(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"DROP FUNCTION IF EXISTS {MATCHES_FUNCTION}(regclass, name, tsquery)"
        )
