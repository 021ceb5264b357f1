"""How the API's lists are paged: by number (`page`, decision 0029) or by cursor (`cursor`,
decision 0031).

A cursor is the position after a row, in the list's order: the values of the ordering's
fields for that row, ending with its id, signed so that it cannot be forged. The next page
is the rows after that position, whatever was inserted or deleted before it since, so a
walk by cursors never skips or repeats a row, and a deep page costs what the first does.
"""

import datetime as dt
import decimal
import operator
from collections.abc import Collection, Mapping, Sequence
from functools import cached_property, reduce
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Expression, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy, RawSQL
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import ExtraWhere, WhereNode
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.inputs import is_whole_number
from core.response_cache import kept_under_data_version

if TYPE_CHECKING:  # rest_framework.views reads the settings, which name this module
    from rest_framework.views import APIView

MAX_PAGE_SIZE = 500
CURSOR_SALT = "core.api.pagination.cursor"
#: A list's order as a cursor follows it: fields by name or by a path through foreign keys
#: (plan__slug), "-" for descending, ending with the id.
Ordering = list[str]


def kept_count(records: QuerySet[Any]) -> int:
    """How many rows ``records`` has, kept for SVPORTAL_LIST_COUNT_CACHE_SECONDS under the
    data version (docs/decisions/0039) and keyed by the query without its order: counting
    every visible item of every plan is most of what a page of the items costs at national
    scale, and the same count serves every page and order of a list until a write."""
    records = without_joins_for_columns_alone(records)
    seconds: int = settings.SVPORTAL_LIST_COUNT_CACHE_SECONDS
    if seconds <= 0:
        return records.count()
    sql, params = records.order_by().query.get_compiler(using=records.db).as_sql()
    return kept_under_data_version(
        repr(("count", sql, params)), records.count, using=records.db, seconds=seconds
    )


def without_joins_for_columns_alone(records: QuerySet[Any]) -> QuerySet[Any]:
    """``records`` for counting: without the joins that only fetch what a row shows.

    A list read with values() or select_related() joins every record each row names (an
    item's plan, borough, theme, updater and source), and Django counts the rows with
    those joins in place. Over 100,000 items that made PostgreSQL read every item's whole
    row (170 MB at national scale) where the plan's status alone decides which count: the
    count took 230-300 ms, without the joins 30 ms (an index-only scan of the items' plan
    ids). A join is left out only where it can neither drop nor repeat a row: one record
    at most per row (a foreign key followed forwards) and either an outer join or a
    foreign key that may not be empty and is enforced by the database. Joins the
    conditions use, and those they pass through, stay."""
    query = records.query
    if (
        query.combinator
        or query.distinct
        or query.group_by is not None
        or query.is_sliced
        or query.extra
        or _holds_raw_sql(query.where)  # its SQL may name any table: nothing is left out
    ):
        return records
    query = query.chain()
    query.clear_ordering(force=True)
    query.select_related = False
    needed: set[str] = set()
    read = [query.where, *query.annotations.values()]
    for column in query._gen_cols(read, include_external=True):  # type: ignore[attr-defined]
        alias = column.alias
        while alias is not None and alias not in needed:
            needed.add(alias)
            alias = getattr(query.alias_map.get(alias), "parent_alias", None)
    for alias, join in query.alias_map.items():
        if alias in needed or not isinstance(join, Join):
            continue  # the base table, or a join the conditions read
        if not _cannot_change_the_count(join):
            return records
        query.alias_refcount[alias] = 0
    counted: QuerySet[Any] = records.model._default_manager.all()
    counted.query = query
    return counted


def _holds_raw_sql(node: Any) -> bool:
    if isinstance(node, (ExtraWhere, RawSQL)):
        return True
    children = getattr(node, "children", None)
    if children is None and hasattr(node, "get_source_expressions"):
        children = node.get_source_expressions()
    return any(_holds_raw_sql(child) for child in children or ())


def _cannot_change_the_count(join: Join) -> bool:
    field = join.join_field
    followed_forwards = not getattr(field, "auto_created", False) and (
        getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False)
    )
    if not followed_forwards:
        return False  # a reverse or many-to-many join can repeat or drop rows
    return join.join_type == "LEFT OUTER JOIN" or (
        not getattr(field, "null", True) and getattr(field, "db_constraint", False)
    )


class IdsFirstPaginator(Paginator):  # type: ignore[type-arg]  # generic in the stubs alone
    """A paginator whose page of a queryset is read in two steps inside one query: the
    ids of the page's rows, in the list's order (sorting only the ids and the columns
    ordered by, however deep the page), then those rows alone with everything they show
    (decision 0029). A deep page then costs about what the first does, where OFFSET over
    the full rows made page 200 read and sort every row before it.

    Told the list's ``ordering`` (field paths, as cursors follow them), a page past the
    middle picks its ids counting from the end, in the reverse order: the last page then
    costs what the first does (the database keeps only the rows up to the page's, not
    every row before it)."""

    ordering: Ordering | None = None
    #: Fields of the order whose values are few (an item's plan: hundreds, against a
    #: hundred thousand items): a page after the first, in an order that begins with one,
    #: is sought through the rows counted per value (decision 0047).
    seek_by: Collection[str] = ()

    @cached_property
    def count(self) -> int:
        """How many rows the list has: kept_count's for a queryset, or the sum of the rows
        per value where a deep page has counted them (will_read), or where they are kept
        (decision 0039): then the first page keeps them for the pages after it."""
        if "groups" not in self.__dict__ and settings.SVPORTAL_LIST_COUNT_CACHE_SECONDS > 0:
            self.__dict__["groups"] = _groups(self.object_list, self._seek_term())
        if self.groups is not None:
            return sum(rows for _, rows in self.groups)
        records = self.object_list
        if not isinstance(records, QuerySet):
            counted: int = super().count
            return counted
        return kept_count(records)

    def will_read(self, number: int | str) -> None:
        """Told before the list is counted that page ``number`` (or "last") will be read: a
        page after the first, in an order sought by its first field, counts the rows per
        value of that field, and the list's count is their sum, so that the list is read
        once to count it and place the page, not twice."""
        if str(number).strip() != "1" and not {"count", "groups"} & self.__dict__.keys():
            self.__dict__["groups"] = _groups(self.object_list, self._seek_term())

    @cached_property
    def groups(self) -> list[tuple[Any, int]] | None:
        """The rows per value of the order's first field, in the list's order, where it is
        one of seek_by and will_read has asked for them; else None."""
        return None

    def _seek_term(self) -> str | None:
        records = self.object_list
        if (
            not self.ordering
            or _path(self.ordering[0]) not in self.seek_by
            or not isinstance(records, QuerySet)
            or not _through_required_key(records, _path(self.ordering[0]))
            or records.query.group_by is not None
            or records.query.distinct
            or records.query.combinator
            or records.query.is_sliced
        ):
            return None
        return self.ordering[0]

    def page(self, number: int | str) -> "Page[Any]":
        self.will_read(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # Paginator's own hook for making a page, which the stubs do not declare.
        page: Page[Any] = self._get_page(self.rows(bottom, top), number, self)  # type: ignore[attr-defined]
        return page

    def led_by_index(self, records: QuerySet[Any]) -> bool:
        """Whether the annotation ``records`` are ordered by first is read in that order
        from an index, with few rows to each value (relevance to one search word, from
        its postings), so that a deep page is best found from the value where it starts
        or ends, read from the nearer end of the list (_ids_from_the_value_at_an_edge),
        or towards the middle from how many rows each value has (_IdsWithinGroups);
        False by default."""
        return False

    def counted_in_place_of(self, records: QuerySet[Any]) -> QuerySet[Any] | None:
        """Rows quicker to count than ``records``, one for each of its rows and with the same
        value of the annotation they are ordered by first (led_by_index), from which
        _IdsWithinGroups counts the rows of each value; None (the default) where there are
        none, and ``records`` are counted."""
        return None

    def rows(self, bottom: int, top: int) -> Any:
        records = self.object_list
        if (
            bottom == 0  # the first page: LIMIT alone stops at its rows
            or not isinstance(records, QuerySet)
            or records.query.group_by is not None  # counted per row: read once, not twice
            or records.query.distinct
            or records.query.combinator
            or records.query.is_sliced
            or not records.ordered
        ):
            return records[bottom:top]
        term = self._seek_term()
        if self.groups is not None and term is not None:
            return _sought(records, self.groups, term, bottom, top)
        return _with_ids(records, self.page_ids(records, bottom, top))

    def page_ids(self, records: QuerySet[Any], bottom: int, top: int) -> Any:
        """The ids of the rows ``bottom`` to ``top`` of ``records`` in their order, as a
        subquery (a queryset or an expression) for ``pk__in``."""
        leading = _leading_term(records) if self.led_by_index(records) else None
        if leading is not None:
            # Read from the nearer end up to the page, or, towards the middle, from every
            # row's value counted (about four times quicker a row).
            if min(top, self.count - bottom) * 4 <= self.count:
                return _ids_from_the_value_at_an_edge(records, *leading, bottom, top, self.count)
            counted = self.counted_in_place_of(records)
            return _IdsWithinGroups(records, *leading, bottom, top, counted=counted)
        if self.ordering is not None and bottom > self.count - top:
            backwards = _in_cursor_order(records, [_reversed(term) for term in self.ordering])
            return _ids_in_order(backwards)[self.count - top : self.count - bottom]
        return _ids_in_order(records)[bottom:top]


def _through_required_key(records: QuerySet[Any], path: str) -> bool:
    """Whether ``path`` names a field of the record each row must point to (``plan__slug``:
    an item's plan): the rows per value are then counted per pointed-to record."""
    relation, _, field = path.partition("__")
    try:
        key = records.model._meta.get_field(relation)
        target = key.related_model
        if not key.many_to_one or key.null or target is None or "__" in field:
            return False
        target._meta.get_field(field)
    except FieldDoesNotExist:
        return False
    return True


def _groups(records: Any, term: str | None) -> list[tuple[Any, int]] | None:
    """How many rows of ``records`` have each value of the field ``term`` orders by (a
    field of a record each row points to: ``plan__slug``), in that order, empty values
    placed as _in_cursor_order places them: one query, kept under the data version as the
    count is (decision 0039). None where ``term`` is None.

    Each pointed-to record's rows are counted by a subquery of its own, from the index of
    the rows' foreign key, rather than by joining and grouping every row: at national
    scale that grouping cost half as much again as counting the items, and this about
    what the count does."""
    if term is None:
        return None
    relation, _, field = _path(term).partition("__")
    rows_per_record = (
        without_joins_for_columns_alone(records)
        .order_by()
        .filter(**{relation: OuterRef("pk")})
        .values(relation)
        .annotate(rows=Count("*"))
        .values("rows")
    )
    target = records.model._meta.get_field(relation).related_model
    grouped = (
        target._default_manager.annotate(rows=Coalesce(Subquery(rows_per_record), 0))
        .order_by(_order_term(f"-{field}" if term.startswith("-") else field))
        .values_list(field, "rows")
    )

    def read() -> list[tuple[Any, int]]:
        return [(value, rows) for value, rows in grouped if rows]

    seconds: int = settings.SVPORTAL_LIST_COUNT_CACHE_SECONDS
    if seconds <= 0:
        return read()
    sql, params = grouped.query.get_compiler(using=records.db).as_sql()
    kept: list[tuple[Any, int]] = kept_under_data_version(
        repr(("groups", sql, params)), read, using=records.db, seconds=seconds
    )
    return kept


def _sought(
    records: QuerySet[Any], groups: list[tuple[Any, int]], term: str, bottom: int, top: int
) -> QuerySet[Any]:
    """Rows ``bottom`` to ``top`` of ``records``, read from the rows of the values of
    ``term``'s field they fall in (``groups``: the rows per value, in the list's order)
    rather than after every row before them: a page of items is then sorted from its own
    plan's items or two, wherever it falls in a hundred thousand."""
    path = _path(term)
    values: list[Any] = []
    skip = start = 0
    for value, rows in groups:
        end = start + rows
        if end > bottom and start < top:
            if not values:
                skip = bottom - start
            if value not in values:  # records that share a value are read together
                values.append(value)
        start = end
        if start >= top:
            break
    if not values:
        return records.none()
    within = Q(**{f"{path}__in": [value for value in values if value is not None]})
    if None in values:
        within |= Q(**{f"{path}__isnull": True})
    return records.filter(within)[skip : skip + top - bottom]


def _leading_term(records: QuerySet[Any]) -> tuple[str, bool] | None:
    """The name of the annotation ``records`` are ordered by first, and whether
    descending; None where they are ordered first by anything else."""
    terms = records.query.order_by
    if not terms:
        return None
    term = terms[0]
    if isinstance(term, str):
        name, descending = term.lstrip("-"), term.startswith("-")
    elif isinstance(term, OrderBy) and isinstance(term.expression, F):
        name, descending = getattr(term.expression, "name", ""), term.descending
    else:
        return None
    return (name, descending) if name in records.query.annotations else None


class _IdsWithinGroups(Expression):
    """The ids of the rows ``bottom`` to ``top`` of ``records``, ordered first by the
    annotation ``name`` (_leading_term), found by counting the rows of each of its
    values first and ordering by the rest of the order only the rows of the values
    that hold the page, as a subquery for ``pk__in``.

    OFFSET made PostgreSQL order every row before the page by all the order's terms:
    for page 200 of a search for a word most case studies hold, 10,000 titles sorted.
    The value is relevance to one word, read with the ids from an index of the word's
    postings by score, and a word's matches have a few hundred distinct scores: how many
    rows each has is read from that index alone, and the page's rows are those of the
    one or two scores that hold it, sorted by title. One query, as before: the counts are
    a common table expression of the ids' subquery, and the OFFSET within those scores
    is worked out by the database. Where the paginator names rows quicker to count in the
    records' place (counted_in_place_of: the word's postings, less those of the few
    records the list leaves out), those are counted."""

    output_field = IntegerField()

    def __init__(
        self,
        records: QuerySet[Any],
        name: str,
        descending: bool,
        bottom: int,
        top: int,
        *,
        counted: QuerySet[Any] | None = None,
    ) -> None:
        super().__init__()
        self.records, self.name, self.descending = records, name, descending
        self.bottom, self.top = bottom, top
        #: Rows counted in place of the records' (IdsFirstPaginator.counted_in_place_of).
        self.counted = counted

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        name, descending = self.name, self.descending
        narrow = _ids_in_order(self.records)
        rows_of_records = self.counted
        if rows_of_records is None:
            rows_of_records = without_joins_for_columns_alone(self.records)
        counted = (
            rows_of_records.order_by()
            .values(**{_VALUE: F(name)})
            .annotate(**{_ROWS_OF_VALUE: Count("*")})
        )
        counted_sql, counted_params = counted.query.get_compiler(connection=connection).as_sql()
        quote = connection.ops.quote_name
        value, rows, before, groups = (
            quote(_VALUE),
            quote(_ROWS_OF_VALUE),
            quote(_ROWS_BEFORE),
            quote(_PAGE_GROUPS),
        )
        order = "DESC" if descending else "ASC"
        # Names only (the annotation's, and the common table expression's, named in code).
        wanted = (
            f"WITH {groups} AS (SELECT {value}, {before} FROM ("  # noqa: S608
            f"SELECT {value}, {rows}, SUM({rows}) OVER (ORDER BY {value} {order}) - {rows} "
            f"AS {before} FROM ({counted_sql}) AS counted) AS placed "
            f"WHERE {before} < %s AND {before} + {rows} > %s)"
        )
        within = narrow.filter(
            **{
                f"{name}__gte": RawSQL(f"SELECT MIN({value}) FROM {groups}", ()),  # noqa: S608, S611
                f"{name}__lte": RawSQL(f"SELECT MAX({value}) FROM {groups}", ()),  # noqa: S608, S611
            }
        )
        ids_sql, ids_params = within.query.get_compiler(connection=connection).as_sql()
        sql = (
            f"({wanted} {ids_sql} LIMIT %s "  # noqa: S608  (names only, as above)
            f"OFFSET %s - (SELECT MIN({before}) FROM {groups}))"
        )
        params = (
            *counted_params,
            self.top,
            self.bottom,
            *ids_params,
            self.top - self.bottom,
            self.bottom,
        )
        return sql, params


#: The names _IdsWithinGroups gives its counts.
_VALUE, _ROWS_OF_VALUE, _ROWS_BEFORE, _PAGE_GROUPS = (
    "grouped_value",
    "rows_of_value",
    "rows_before",
    "page_groups",
)


def _ids_from_the_value_at_an_edge(
    records: QuerySet[Any], name: str, descending: bool, bottom: int, top: int, count: int
) -> QuerySet[Any]:
    """The ids of the rows ``bottom`` to ``top`` of the ``count`` of ``records``, ordered
    first by the annotation ``name``, read in that order from an index: the page's rows
    are the first of those whose value is the same as or before that of the row at
    ``top`` (read from the index alone, up to that row), so that only they are ordered
    by the rest of the order; past the middle the same from the end, in the reverse
    order, from the value of the row at ``bottom``.

    OFFSET made PostgreSQL order every row before the page by every term of the order:
    for page 200 of a search for a word most case studies hold, 10,000 matches sorted by
    their titles. Read from the end, the last page now reads its fifty rows and those
    tied with them, as the first does."""
    narrow = without_joins_for_columns_alone(records)
    value = F(name)
    if bottom <= count - top:
        edge = narrow.order_by(value.desc() if descending else value.asc())
        at_edge = edge.values(**{_EDGE_VALUE: value})[top - 1 : top]
        within = records.filter(**{f"{name}__{'gte' if descending else 'lte'}": at_edge})
        return _ids_in_order(within)[bottom:top]
    edge = narrow.order_by(value.asc() if descending else value.desc())
    at_edge = edge.values(**{_EDGE_VALUE: value})[count - bottom - 1 : count - bottom]
    within = records.filter(**{f"{name}__{'lte' if descending else 'gte'}": at_edge})
    return _ids_in_order(within).reverse()[count - top : count - bottom]


#: The name _ids_from_the_value_at_an_edge gives the value it reads.
_EDGE_VALUE = "edge_value"


def _ids_in_order(records: QuerySet[Any]) -> QuerySet[Any]:
    """The ids of ``records`` in their order, without the joins that only fetch what a row
    shows (without_joins_for_columns_alone; the order's own joins are made again). The
    database drops such a join itself, but keeps reading the column it joined on: an
    item's updater and source made PostgreSQL read each item from the table where the
    columns of the order (its plan, theme, order and id) are in one index, so page 200 of
    the items read 10,000 rows from the table instead of from that index."""
    narrow = without_joins_for_columns_alone(records)
    if narrow is not records:
        query = records.query
        ordering = query.order_by or (query.default_ordering and records.model._meta.ordering)
        narrow = narrow.order_by(*(ordering or ()))
    return narrow.values("pk")


class KeptPagesPaginator(IdsFirstPaginator):
    """An IdsFirstPaginator whose pages of a list ordered by an expression (relevance to
    search words, which costs a read of every match) keep the ids they picked under the
    data version for ``kept_seconds`` (0: not kept): the same page asked for again, by
    anyone whose list is the same query, reads only its own rows until the next write."""

    kept_seconds = 0

    def rows(self, bottom: int, top: int) -> Any:
        records = self.object_list
        if (
            self.kept_seconds <= 0
            or not isinstance(records, QuerySet)
            or not _ordered_by_annotation(records)
            or records.query.group_by is not None
            or records.query.distinct
            or records.query.combinator
            or records.query.is_sliced
            or not records.ordered
        ):
            return super().rows(bottom, top)
        sql, params = records.values("pk").query.get_compiler(using=records.db).as_sql()
        picked = records.model._default_manager.using(records.db).filter(
            pk__in=self.page_ids(records, bottom, top)
        )
        ids = kept_under_data_version(
            repr((sql, params, bottom, top)),
            lambda: list(picked.values_list("pk", flat=True)),
            using=records.db,
            seconds=self.kept_seconds,
        )
        return _with_ids(records, ids)


def _ordered_by_annotation(records: QuerySet[Any]) -> bool:
    """Whether ``records`` are ordered by a value computed for each row (such as relevance to
    search words), which no index gives in order."""
    for term in records.query.order_by:
        expression = term.expression if isinstance(term, OrderBy) else term
        name = expression.lstrip("-") if isinstance(expression, str) else None
        if isinstance(expression, F):
            name = getattr(expression, "name", None)  # the stubs do not declare it
        if name in records.query.annotations:
            return True
    return False


def _with_ids(records: QuerySet[Any], ids: QuerySet[Any] | list[int]) -> QuerySet[Any]:
    """The rows of ``records`` whose ids are ``ids``, which ``records``' own conditions
    picked already. Where no join of ``records`` can repeat a row (it joins only what
    each row points to), those conditions are not applied again: a costly one, such as
    matching search words through an index, would otherwise run a second time for the
    page, and for a deep page the planner may even run it once per row."""
    page = records.all()
    if all(_single_valued(join) for join in page.query.alias_map.values()):
        page.query.where = WhereNode()
    return page.filter(pk__in=ids)


def _single_valued(join: Any) -> bool:
    """Whether a table of a query's FROM gives each row at most one partner: the
    query's own table, or a join along a foreign key from the row's side."""
    if not isinstance(join, Join):
        return True
    field = join.join_field
    return (
        join.filtered_relation is None
        and not getattr(field, "one_to_many", False)
        and not getattr(field, "many_to_many", False)
    )


# --- Cursors ---------------------------------------------------------------------------------


def cursor_ordering(records: Any) -> Ordering | None:
    """The list's order as field paths ("-due_date", "plan__slug", …, ending with the id),
    or None where a cursor cannot follow it: not a queryset, ordered by an expression, or
    without a unique last term."""
    if not isinstance(records, QuerySet) or records.query.combinator or records.query.distinct:
        return None
    given = list(records.query.order_by) or list(records.model._meta.ordering)
    terms = [term for term in given if isinstance(term, str)]
    if not terms or len(terms) != len(given):
        return None
    if any(term.lstrip("-") in ("?", "") or "." in term for term in terms):
        return None
    if terms[-1].lstrip("-") not in ("pk", "id"):
        return None  # rows that tie would have no order between them
    if not all(_is_value(records, _path(term)) for term in terms):
        return None
    return [str(term) for term in terms]


def _is_value(records: QuerySet[Any], path: str) -> bool:
    """Whether ``path`` names one stored value per row: a field, or one through foreign
    keys; not a relation (ordered by its model's own ordering), a many-valued one, nor an
    annotation (such as relevance to q, computed afresh on each request)."""
    model = records.model
    names = path.split("__")
    for position, name in enumerate(names):
        if name == "pk":
            return position == len(names) - 1
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.is_relation:
            if field.many_to_many or field.one_to_many or position == len(names) - 1:
                return False
            model = field.related_model
        elif position != len(names) - 1:
            return False
    return True


def _path(term: str) -> str:
    return term.lstrip("-")


def _reversed(term: str) -> str:
    return term[1:] if term.startswith("-") else f"-{term}"


def _in_cursor_order(records: QuerySet[Any], ordering: Ordering) -> QuerySet[Any]:
    """``records`` in ``ordering`` with empty values placed the same on every database
    (last ascending, first descending, as PostgreSQL does), so that a cursor's condition
    (_after) and the order agree."""
    return records.order_by(*(_order_term(term) for term in ordering))


def _order_term(term: str) -> OrderBy:
    """One term of a cursor's order, empty values last ascending and first descending."""
    if term.startswith("-"):
        return F(_path(term)).desc(nulls_first=True)
    return F(_path(term)).asc(nulls_last=True)


def _after(ordering: Ordering, values: Sequence[Any]) -> Q:
    """The rows after the position ``values`` in ``ordering``: a row whose first terms equal
    the position's and whose next term comes after it."""
    alternatives = []
    equal = Q()
    for term, value in zip(ordering, values, strict=True):
        path, descending = _path(term), term.startswith("-")
        if value is None:
            # Empty values come last ascending (nothing comes after them) and first
            # descending (every value comes after them).
            later = Q(**{f"{path}__isnull": False}) if descending else None
            same = Q(**{f"{path}__isnull": True})
        else:
            lookup = "lt" if descending else "gt"
            later = Q(**{f"{path}__{lookup}": value})
            if not descending:
                later |= Q(**{f"{path}__isnull": True})
            same = Q(**{path: value})
        if later is not None:
            alternatives.append(equal & later)
        equal &= same
    if not alternatives:
        return Q(pk__in=[])
    return reduce(operator.or_, alternatives)


def _encoded(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):  # datetimes too, to the microsecond
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _value(record: Any, path: str) -> Any:
    if isinstance(record, Mapping):  # a row of values(), which names the path
        return record[path]
    for name in path.split("__"):
        if record is None:
            return None
        record = getattr(record, name)
    return record


def cursor_after(record: Any, ordering: Ordering) -> str:
    """The opaque cursor of the position after ``record`` in ``ordering``."""
    values = [_encoded(_value(record, _path(term))) for term in ordering]
    signer = signing.Signer(salt=CURSOR_SALT)
    return signer.sign_object({"o": ordering, "v": values}, compress=True)


def read_cursor(text: str, ordering: Ordering | None) -> list[Any]:
    """The position a cursor names in ``ordering``; a 400 if it is not one of ours, was
    made for another order (or other filters' ordering), or the list has no cursors."""
    if ordering is None:
        raise ValidationError(
            {
                "cursor": [
                    "This list cannot be read by cursor in this order (with as_at, or "
                    "ordered by relevance to q); use page."
                ]
            }
        )
    try:
        position = signing.Signer(salt=CURSOR_SALT).unsign_object(text)
    except (signing.BadSignature, ValueError):
        raise ValidationError(
            {"cursor": ["Not a cursor: use the next or next_cursor of an earlier page."]}
        ) from None
    if not isinstance(position, dict) or position.get("o") != ordering:
        raise ValidationError(
            {
                "cursor": [
                    "This cursor was made for another ordering: ask with the ordering it "
                    "came from, or start again from page 1."
                ]
            }
        )
    values: list[Any] = position["v"]
    return values


def no_such_page(number: Any, pages: int) -> NotFound:
    """The 404 of a list's page asked for past its last: the same on every API list."""
    return NotFound(f"There is no page {number}: there are {pages} pages.")


class PortalPagination(PageNumberPagination):
    """`page` and `page_size` (1–500); a malformed value is a 400, not a silent default.
    Or `cursor`, from an earlier page's `next_cursor` or `next`: the rows after it, with no
    count (decision 0031)."""

    django_paginator_class = IdsFirstPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"

    #: Set while answering: the cursor asked for (cursor pages), and the next one.
    cursor: str | None = None
    next_cursor: str | None = None

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not is_whole_number(raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise ValidationError(
                {"page_size": [f"Enter a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return int(raw)

    def check_parameters(self, request: Request) -> str | None:
        """Refuse a malformed page or page_size, also where the whole list is given (CSV)."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not is_whole_number(raw) and raw != "last":
            raise ValidationError({"page": ["Enter a page number: a whole number from 1."]})
        if raw is not None and self.cursor_query_param in request.query_params:
            raise ValidationError(
                {"cursor": ["Ask for a page or a cursor, not both: a cursor names its page."]}
            )
        self.get_page_size(request)
        return raw

    def paginate_queryset(
        self, queryset: Any, request: Request, view: "APIView | None" = None
    ) -> list[Any]:
        raw = self.check_parameters(request)
        self.request = request
        ordering = cursor_ordering(queryset)
        if ordering is not None:
            # Pages by number in the cursors' order, so that a page's next_cursor goes on
            # from where it ends (on PostgreSQL the order is the same as before).
            queryset = _in_cursor_order(queryset, ordering)
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is not None:
            return self.paginate_by_cursor(queryset, cursor, ordering, request)
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        paginator.ordering = ordering
        listing = getattr(view, "listing", None)
        paginator.seek_by = getattr(listing, "seek_by", ())
        number = raw or 1
        paginator.will_read(number)
        try:
            self.page = paginator.page(paginator.num_pages if number == "last" else number)
        except InvalidPage:
            raise no_such_page(number, paginator.num_pages) from None
        rows = list(self.page)
        if ordering is not None and rows and self.page.has_next():
            self.next_cursor = cursor_after(rows[-1], ordering)
        return rows

    def paginate_by_cursor(
        self, queryset: QuerySet[Any], cursor: str, ordering: Ordering | None, request: Request
    ) -> list[Any]:
        """The page after ``cursor``: one row more is read to know whether another follows."""
        values = read_cursor(cursor, ordering)
        if ordering is None:  # read_cursor has refused it
            return []
        size = self.get_page_size(request)
        self.cursor = cursor
        rows = list(queryset.filter(_after(ordering, values))[: size + 1])
        if len(rows) > size:
            rows = rows[:size]
            self.next_cursor = cursor_after(rows[-1], ordering)
        return rows

    def get_next_link(self) -> str | None:
        if self.cursor is None:
            link: str | None = super().get_next_link()
            return link
        if self.next_cursor is None or self.request is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_previous_link(self) -> str | None:
        if self.cursor is not None:
            return None  # cursors go forward; an earlier page's cursor still names it
        link: str | None = super().get_previous_link()
        return link

    def get_paginated_response(self, data: Any) -> Response:
        body: dict[str, Any]
        if self.cursor is None:
            body = {
                "count": self.page.paginator.count if self.page is not None else 0,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
            }
        else:
            body = {"next": self.get_next_link(), "previous": None}
        return Response({**body, "next_cursor": self.next_cursor, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated: dict[str, Any] = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        properties["count"]["description"] = "How many records match; absent on cursor pages."
        properties["next"]["description"] = (
            "The next page's address (by page number, or by cursor on cursor pages); null on "
            "the last."
        )
        properties["previous"]["description"] = (
            "The previous page's address by page number; null on the first and on cursor pages."
        )
        properties["next_cursor"] = {
            "type": "string",
            "nullable": True,
            "description": "The cursor of the rows after this page, for a walk that no "
            "insertion or deletion can disturb (ask again with cursor=…); null on the last "
            "page.",
        }
        paginated["required"] = [name for name in paginated["required"] if name != "count"]
        paginated["required"].append("next_cursor")
        return paginated

    def get_schema_operation_parameters(self, view: "APIView") -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number from 1, or last. Past the last page is a 404.",
                "schema": {"type": "string", "pattern": r"^([0-9]{1,18}|last)$"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, 1 to {MAX_PAGE_SIZE} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Instead of page: the next_cursor of an earlier page (with the "
                "same filters, q and ordering), for the records after its last one. Rows "
                "inserted or deleted meanwhile neither shift nor repeat the pages that "
                "follow, and a deep page costs what the first does. Not with as_at, nor "
                "where q orders by relevance. A cursor that is not one, or was made for "
                "another ordering, is a 400.",
                "schema": {"type": "string"},
            },
        ]
