"""One search across the portal: case studies, interventions, plan items, funding streams,
awards, areas and organisations, grouped by kind, the best matches first within each.

Every kind is searched as its own pages search it (core.search; each app's search.py says
what a record's document holds), over the records the user may see: published case
studies (and drafts for their own staff, analysts and editors), plan items of every plan
but drafts (and drafts for their borough's staff, analysts and editors). Each kind costs
one ranking, whatever the number of matches: the matches' ids ranked and counted in the
database, then the rows shown read by id. Snippets are cut in Python from those rows
only. Which records a search found, in which order, and how many, are kept under the
data version that every write moves on, so a search made again reads only the rows it
shows (docs/decisions/0015, 0035).
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, F, IntegerField, Q, RowRange, Subquery, Window
from django.urls import reverse

from actionplans.models import ActionItem, ActionPlan
from actionplans.search import ACTION_ITEMS
from boroughs.search import AREAS, ORGANISATIONS
from casestudies.models import CaseStudy
from casestudies.search import CASE_STUDIES, INTERVENTIONS
from core.db import alongside
from core.response_cache import data_version
from core.search import POSTINGS_PLANNER_SETTINGS, SearchIndex, search_query
from funding.search import AWARDS, FUNDING_STREAMS

logger = logging.getLogger(__name__)

#: Results shown per kind when every kind is shown.
GROUP_LIMIT = 5
#: Results per page when one kind is shown.
KIND_PAGE_SIZE = 20
#: Where the search cache keeps what a search found.
SEARCH_CACHE_PREFIX = "svportal:search"
#: The best matches of a kind the search cache keeps at once: the groups' five, and the
#: first five pages of the kind alone.
KEPT_RANKS = 5 * KIND_PAGE_SIZE
#: The memory a ranking from the postings may sort in (PostgreSQL's work_mem), for that
#: statement alone: the postings of the query's words are sorted by record to be joined
#: into documents (case studies for `county lines` at national scale: 55,000 postings,
#: 5 MB), which at the default 4 MB spill to disk.
POSTINGS_SORT_MEMORY = "16MB"


@dataclass(frozen=True)
class Kind:
    """A kind of record the portal search finds, and how its results are shown. Each kind
    declares only where it differs from the defaults."""

    key: str
    index: SearchIndex
    #: record -> (title, url, context): what a result says about the record.
    describe: Callable
    #: The name of its group; by default its key in words ("plan_items": "Plan items").
    label: str = ""
    #: user -> the records the user may see; by default every record of the index's model.
    visible: Callable | None = None
    #: What a result shows from related records, read with it.
    related: tuple = ()
    #: The fields `describe` reads (through `related` for theirs), the only ones read of
    #: the rows shown with their slugs and the index's snippet fields: a case study's row
    #: holds a dozen long texts besides, and each related record its every column.
    shown: tuple = ()
    #: Tie-breaks after relevance.
    order: tuple = ("title", "pk")
    #: The kind's own list page, filtered by the search words; None where it has none
    #: and /search/ lists every match of the kind.
    list_url_name: str | None = None
    #: The kind's own API list, filtered by the search words (`q`); None: /api/v1/search/.
    api_list_url_name: str | None = None
    #: queryset -> those of its records the public may not see (drafts); None where
    #: everyone sees every record.
    withheld: Callable | None = None

    def __post_init__(self):
        if not self.label:
            object.__setattr__(self, "label", self.key.replace("_", " ").capitalize())

    def records(self, user):
        """The records the user may see, with what a result shows joined in; never their
        search documents, which only the database reads."""
        records = self.visible(user) if self.visible else self.index.model.objects.all()
        if self.related:
            records = records.select_related(*self.related)
        return records.defer(self.index.field)

    @cached_property
    def ranked_order(self):
        """Relevance, then the tie-breaks: made once, as are the expressions below, so
        that what each search hashes of them (to match its ordering to its columns) is
        worked out once."""
        return (F("search_rank").desc(), *(F(name).asc() for name in self.order))

    @cached_property
    def matches_counted(self):
        """How many rows a ranking holds, as a count over every row in its order."""
        return Window(
            Count("pk"),
            order_by=list(self.ranked_order),
            frame=RowRange(start=None, end=None),
        )

    def shown_rows(self, records):
        """`records` reading only what a result shows."""
        return records.only("slug", *self.index.snippet_fields, *self.shown)

    def more_url(self, q, *, own_list=True):
        if self.list_url_name and own_list:
            return f"{reverse(self.list_url_name)}?{urlencode({'q': q})}"
        return f"{reverse('portal:search')}?{urlencode({'q': q, 'kind': self.key})}"

    def api_more_url(self, q, *, own_list=True):
        if self.api_list_url_name and own_list:
            return f"{reverse(self.api_list_url_name)}?{urlencode({'q': q})}"
        return f"{reverse('api:search')}?{urlencode({'q': q, 'kind': self.key})}"


def _joined(*parts):
    return " · ".join(part for part in parts if part)


# --- What each kind shows -----------------------------------------------------------------


def _visible_case_studies(user):
    visible = CaseStudy.objects.visible_to(user)
    if visible.query.distinct:
        # Staff see their boroughs' drafts through a join; counting needs one row each.
        visible = CaseStudy.objects.filter(pk__in=visible.values("pk"))
    return visible


def _unpublished(studies):
    # Every status but published, as two ranges of the status index: "not equal" would
    # read every case study's entry in it.
    published = CaseStudy.Status.PUBLISHED
    return studies.filter(Q(status__lt=published) | Q(status__gt=published))


def _describe_case_study(case_study):
    return (
        case_study.title,
        reverse("casestudies:detail", args=[case_study.slug]),
        _joined(
            "Case study",
            case_study.partnership.name if case_study.partnership else "",
            str(case_study.year) if case_study.year else "",
            ""
            if case_study.status == CaseStudy.Status.PUBLISHED
            else case_study.get_status_display(),
        ),
    )


def _describe_intervention(intervention):
    return (
        intervention.name,
        reverse("casestudies:intervention-detail", args=[intervention.slug]),
        _joined(
            "Intervention",
            intervention.get_category_display(),
            intervention.get_prevention_level_display(),
        ),
    )


def _describe_item(item):
    plan = item.plan
    owner = plan.borough.name if plan.borough else plan.partnership.name if plan.partnership else ""
    return (
        item.title,
        reverse("actionplans:item", args=[item.pk]),
        _joined(
            "Plan item",
            owner,
            plan.title,
            f"Theme: {item.theme.name}",
            item.get_status_display(),
            "Draft plan" if plan.status == plan.Status.DRAFT else "",
        ),
    )


def _describe_stream(stream):
    return (
        stream.name,
        reverse("portal:funding-stream", args=[stream.slug]),
        _joined(
            "Funding stream",
            stream.funder.name if stream.funder else "",
            stream.total_text,
        ),
    )


def _describe_award(award):
    return (
        award.title,
        reverse("portal:funding-stream", args=[award.stream.slug]) + f"#award-{award.slug}",
        _joined("Award", award.stream.name, award.amount_display),
    )


def _describe_area(borough):
    return (
        borough.name,
        reverse("portal:borough-profile", args=[borough.slug]),
        _joined(
            "Area",
            borough.get_kind_display(),
            borough.get_region_display(),
            borough.police_force,
        ),
    )


def _describe_organisation(organisation):
    return (
        organisation.name,
        reverse("portal:organisation", args=[organisation.slug]),
        _joined("Organisation", organisation.get_kind_display()),
    )


KINDS = (
    Kind(
        key="case_studies",
        index=CASE_STUDIES,
        visible=_visible_case_studies,
        related=("partnership",),
        shown=("title", "partnership__name", "year", "status"),
        describe=_describe_case_study,
        list_url_name="casestudies:list",
        api_list_url_name="api:casestudy-list",
        withheld=_unpublished,
    ),
    Kind(
        key="interventions",
        index=INTERVENTIONS,
        order=("name", "pk"),
        shown=("name", "category", "prevention_level"),
        describe=_describe_intervention,
        list_url_name="casestudies:intervention-list",
        api_list_url_name="api:intervention-list",
    ),
    Kind(
        key="plan_items",
        index=ACTION_ITEMS,
        visible=ActionItem.objects.visible_to,
        related=("plan__borough", "plan__partnership", "theme"),
        shown=(
            "title",
            "status",
            "plan__title",
            "plan__status",
            "plan__borough__name",
            "plan__partnership__name",
            "theme__name",
        ),
        describe=_describe_item,
        withheld=lambda items: items.filter(plan__status=ActionPlan.Status.DRAFT),
    ),
    Kind(
        key="funding_streams",
        index=FUNDING_STREAMS,
        related=("funder",),
        order=("name", "pk"),
        shown=("name", "funder__name", "total_text"),
        describe=_describe_stream,
    ),
    Kind(
        key="awards",
        index=AWARDS,
        related=("stream",),
        shown=("title", "stream__slug", "stream__name", "amount", "amount_is_minimum"),
        describe=_describe_award,
    ),
    Kind(
        key="areas",
        index=AREAS,
        order=("name", "pk"),
        shown=("name", "kind", "region", "police_force"),
        describe=_describe_area,
    ),
    Kind(
        key="organisations",
        index=ORGANISATIONS,
        order=("name", "pk"),
        shown=("name", "kind"),
        describe=_describe_organisation,
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


# --- The search -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    kind: str
    id: int
    slug: str  # unique within its kind (a plan item's, within its plan)
    title: str
    url: str
    context: str
    snippet: str  # safe HTML: the text around what was found, each found word in <mark>
    rank: float


@dataclass(frozen=True)
class Group:
    kind: Kind
    count: int
    results: list
    offset: int = 0
    #: The kind's own list (or /search/ for that kind alone), filtered by the same words.
    more_url: str = ""
    #: The same in the API.
    api_more_url: str = ""
    #: Whether more_url is the kind's own list, with its filters.
    more_has_filters: bool = False

    @property
    def key(self):
        return self.kind.key

    @property
    def label(self):
        return self.kind.label


@dataclass(frozen=True)
class PortalSearch:
    q: str
    query: object  # core.search.SearchQuery
    groups: list = field(default_factory=list)
    #: "all": every result holds every word; "any": none held them all, so these hold
    #: some of them, those with more first.
    matched: str = "all"

    @property
    def expanded_terms(self):
        return self.query.expanded_terms

    @property
    def total(self):
        return sum(group.count for group in self.groups)


class _SearchCache:
    """Which records of each kind a search found, in which order, and how many: kept per
    search, kind, page and records the user may see, under the data version that every
    write moves on (core.response_cache), for ``SVPORTAL_SEARCH_CACHE_SECONDS``.

    Read once for every kind of a search (one round trip), and written as each kind is
    searched. Without a cache that answers, every kind is searched afresh."""

    def __init__(self, kinds, *, records, query, limit, offset):
        self.keys = {}
        self.kept = {}
        #: The ranked matches searched for and kept: (from, how many). The first
        #: KEPT_RANKS serve every page among them (the groups, the API, a kind's first
        #: pages), so that paging through a search ranks it once; a later page is its own.
        self.window = (offset, limit)
        if getattr(settings, "SVPORTAL_SEARCH_CACHE_SECONDS", 0) <= 0:
            return
        if offset + limit <= KEPT_RANKS:
            self.window = (0, KEPT_RANKS)
        try:
            version = data_version()
            if not version:
                return
            for kind in kinds:
                self.keys[kind.key] = self._key(
                    kind, records[kind.key], query, version["token"], window=self.window
                )
            self.kept = cache.get_many(list(self.keys.values()))
        except Exception:  # noqa: BLE001 - without a cache, search as if there were none
            logger.warning("The search cache did not answer", exc_info=True)
            self.keys, self.kept = {}, {}

    @staticmethod
    def _key(kind, records, query, token, *, window):
        # Two users who may see the same records share an entry: the records' query is the
        # visibility worked out for the user (the ids' query, quicker to write out).
        sql, params = _ids_query(records)
        identity = repr((kind.key, sql, params, query.clauses, window))
        return f"{SEARCH_CACHE_PREFIX}:{token}:{hashlib.sha256(identity.encode()).hexdigest()}"

    def get(self, kind):
        """(count, [(pk, rank), …] of the window) kept for the kind, or None."""
        key = self.keys.get(kind.key)
        return self.kept.get(key) if key else None

    def keep(self, kind, count, ranks):
        key = self.keys.get(kind.key)
        if not key:
            return
        try:
            cache.set(key, (count, ranks), settings.SVPORTAL_SEARCH_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("The search cache did not keep a search", exc_info=True)


class _MatchCount(Subquery):
    """How many rows a query gives, as a value computed once for the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS matches)"
    output_field = IntegerField()


def _ranked_ids(kind, records, query, *, user, limit, offset):
    """The kind's best `limit` matches from `offset`: (how many match, [(pk, rank), …]),
    in one query. The rows shown are read after, by id, with what they show."""
    found = kind.index.matching(records, query)
    page = _ranked_from_postings(kind, records, query, user=user, limit=limit, offset=offset)
    if page is None:
        page = _ranked_by_queryset(
            kind, records, found, query, user=user, limit=limit, offset=offset
        )
    if page:
        return page[0][2], [(pk, rank) for pk, rank, _ in page]
    return (found.count() if offset else 0), []  # past the end: how far it goes


def _ranked_by_queryset(kind, records, found, query, *, user, limit, offset):
    """The best `limit` of the matches `found` from `offset`: [(pk, rank, how many), …].

    Where every match is ranked (from the documents), it matches once: only the matches'
    ids, ranks and sort keys are ranked and counted, by a count over every row in the
    results' order, rather than a count subquery that matched every record a second time.
    A window in that order has the ranks computed below it, so it holds those narrow rows;
    one over () held each match's whole row until the sort, its document included (for
    4,000 plan items, spilled to disk). Where the best come in order from an index (one
    word, from its postings), a window would rank every match all the same: the matches
    are counted by a subquery of their own, from indexes."""
    total = (
        _visible_postings_count(kind, records, query, user)
        if kind.index.ranks_from_index(query, found.db)
        else kind.matches_counted
    )
    return list(
        kind.index.ranked(found, query)
        .annotate(search_total=total)
        .order_by(*kind.ranked_order)
        .values_list("pk", "search_rank", "search_total")[offset : offset + limit]
    )


def _visible_postings_count(kind, records, query, user):
    """How many of `records` (those a reader may see) hold the one word `query` asks for,
    from the word's postings (one a record) less those of the records the reader may not
    see, in one pass over the postings: rather than joining every posting to every record
    the reader may see (plan items for `young` at national scale: 38,000 postings to
    100,000 items, 1 in 10 of them drafts)."""
    matching = kind.index.matching_ids(query, records.db)
    unseen = _unseen(kind, records, user)
    if unseen is not None:
        matching = matching.exclude(record__in=unseen.values("pk"))
    return _MatchCount(matching)


def _unseen(kind, records, user):
    """The kind's records that `user`, who may see `records`, may not see; None for none.

    What the public may not see is the kind's withheld records; a reader who may see
    more (their boroughs' drafts, every draft) may not see those of them left out of
    `records`."""
    if kind.withheld is None:
        return None
    model = records.model._default_manager.db_manager(records.db)
    withheld = kind.withheld(model.all()).order_by()
    if not getattr(user, "is_authenticated", False):
        return withheld  # `records` are the public's, as worked out for no one
    public = kind.records(AnonymousUser()).using(records.db)
    if _ids_query(records) == _ids_query(public):
        return withheld
    return withheld.exclude(pk__in=records.order_by().values("pk"))


def _ids_query(records):
    return records.order_by().values_list("pk").query.sql_with_params()


def _ranks_from_postings(kind, records, query):
    """Whether the kind's matches for `query` are ranked from their postings
    (_ranked_from_postings)."""
    return not kind.index.ranks_from_index(query, records.db) and kind.index.ranks_from_postings(
        query, records.db
    )


def _ranked_from_postings(kind, records, query, *, user, limit, offset):
    """As _ranked_by_queryset, with the matches found and ranked from the postings of the
    query's words (core.search.SearchIndex.ranked_from_postings_sql); None where the
    postings cannot rank the query.

    The matches the user may not see (_unseen) are left out by id, and what is left is
    counted; only the best of them, down to the rank of the last row asked for (every
    match of that rank, so that ties are ordered as before), are joined to the records for
    their sort keys: joining every match (case studies for `county lines` at national
    scale, 7,000) read the index of the records once for each."""
    if not _ranks_from_postings(kind, records, query):
        # One word: its best come from an index, quicker still. Decided before writing the
        # records' SQL, which every kind would pay.
        return None
    shown = records.order_by().values_list("pk", *kind.order)
    compiler = shown.query.get_compiler(using=shown.db)
    shown_sql, shown_params = compiler.as_sql()
    ranked = kind.index.ranked_from_postings_sql(query, compiler)
    if ranked is None:
        return None
    ranked_sql, ranked_params = ranked
    visible, visible_params = "", ()
    unseen = _unseen(kind, records, user)
    if unseen is not None:
        unseen_sql, visible_params = unseen.values("pk").query.get_compiler(using=shown.db).as_sql()
        visible = f" WHERE NOT (ranked.id IN ({unseen_sql}))"
    keys = [f"key_{n}" for n in range(len(kind.order))]
    order = ", ".join(["matches.search_rank DESC", *(f"shown.{key} ASC" for key in keys)])
    # Only names written here and compiled SQL; what was typed is only ever a parameter.
    # The memory is set in the same round trip, as no query of its own: for this statement
    # alone in autocommit (both run as one implicit transaction), and inside a transaction
    # until it ends.
    sql = (
        f"{POSTINGS_PLANNER_SETTINGS}SET LOCAL work_mem = '{POSTINGS_SORT_MEMORY}'; "  # noqa: S608
        "WITH matches AS MATERIALIZED (SELECT ranked.id, ranked.search_rank "
        f"FROM ({ranked_sql}) AS ranked{visible}), "
        "last_asked AS (SELECT search_rank FROM matches ORDER BY search_rank DESC "
        "LIMIT 1 OFFSET %s) "
        "SELECT matches.id, matches.search_rank, (SELECT COUNT(*) FROM matches) FROM matches "
        f"JOIN ({shown_sql}) AS shown(id, {', '.join(keys)}) ON shown.id = matches.id "
        "WHERE matches.search_rank >= "
        "COALESCE((SELECT search_rank FROM last_asked), '-Infinity') "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    params = (*ranked_params, *visible_params, offset + limit - 1, *shown_params, limit, offset)
    with connections[shown.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _shown(kind, records, ranks):
    """The records of `ranks` ([(pk, rank), …]) still among `records`, in that order, each
    with its `search_rank`, reading only what a result shows; none read when there are
    none."""
    shown = kind.shown_rows(records).order_by().filter(pk__in=[pk for pk, _ in ranks])
    by_pk = {record.pk: record for record in shown}
    rows = []
    for pk, rank in ranks:
        if pk in by_pk:
            by_pk[pk].search_rank = rank
            rows.append(by_pk[pk])
    return rows


def _search_kinds(kinds, *, user, query, limit, offset, loose=False):
    """Each kind's best `limit` matches from `offset`, and how many match: a ranking and
    the rows shown of each kind, or for a search made again (the same words paged
    through, the API after the page) only the rows shown.

    A `loose` search (some of the words) links to /search/ for the rest, as the kinds'
    own lists want every word."""
    records = {kind.key: kind.records(user) for kind in kinds}
    cached = _SearchCache(kinds, records=records, query=query, limit=limit, offset=offset)
    first, size = cached.window
    page = slice(offset - first, offset - first + limit)
    # The rankings read from postings, most of a search's database time, are begun first,
    # each on a connection of its own where it can be (core.db.alongside), while the other
    # kinds are searched here.
    begun = {
        kind.key: alongside.begin(
            records[kind.key].db,
            _ranked_ids,
            kind,
            records[kind.key],
            query,
            user=user,
            limit=size,
            offset=first,
        )
        for kind in kinds
        if cached.get(kind) is None and _ranks_from_postings(kind, records[kind.key], query)
    }
    groups = {}
    # The kinds begun alongside are taken last, when the others have been searched here.
    for kind in sorted(kinds, key=lambda kind: kind.key in begun):
        kept = cached.get(kind)
        rows = _shown(kind, records[kind.key], kept[1][page]) if kept is not None else None
        if rows is not None and len(rows) == len(kept[1][page]):
            count = kept[0]
        else:  # not kept, or what was kept holds a record the user can no longer see
            if kind.key in begun:
                count, ranks = begun.pop(kind.key)()
            else:
                count, ranks = _ranked_ids(
                    kind, records[kind.key], query, user=user, limit=size, offset=first
                )
            cached.keep(kind, count, ranks)
            rows = _shown(kind, records[kind.key], ranks[page])
        groups[kind.key] = _group(kind, query, count, rows, offset=offset, loose=loose)
    return [groups[kind.key] for kind in kinds]
    return groups


def _group(kind, query, count, rows, *, offset, loose):
    results = []
    for record in rows:
        title, url, context = kind.describe(record)
        results.append(
            Result(
                kind=kind.key,
                id=record.pk,
                slug=record.slug,
                title=title,
                url=url,
                context=context,
                snippet=kind.index.snippet(record, query),
                rank=round(float(record.search_rank or 0), 6),
            )
        )
    return Group(
        kind=kind,
        count=count,
        results=results,
        offset=offset,
        more_url=kind.more_url(query.text, own_list=not loose),
        api_more_url=kind.api_more_url(query.text, own_list=not loose),
        more_has_filters=bool(kind.list_url_name) and not loose,
    )


def portal_search(*, user, q, kinds=None, limit=GROUP_LIMIT, offset=0):
    """Every kind's (or those of `kinds`) best matches for `q` that `user` may see.

    A blank query asks for nothing; one that holds no word (punctuation alone) finds
    nothing of any kind. Neither costs a query. When no record of any kind holds every
    word, the search is made again for records holding some of them (`matched="any"`)."""
    query = search_query(q)
    if not query:
        return PortalSearch(q=q, query=query)
    chosen = [KINDS_BY_KEY[key] for key in kinds] if kinds else KINDS
    if query.matches_nothing:
        groups = [
            Group(kind, 0, [], more_url=kind.more_url(q), api_more_url=kind.api_more_url(q))
            for kind in chosen
        ]
        return PortalSearch(q=q, query=query, groups=groups)
    groups = _search_kinds(chosen, user=user, query=query, limit=limit, offset=offset)
    if not any(group.count for group in groups) and query.asks_for_several:
        # Officers type questions ("what worked for under-18s in county lines"), which
        # rarely hold every word: rather than nothing, what holds some of them.
        loosened = query.any_word()
        groups = _search_kinds(
            chosen, user=user, query=loosened, limit=limit, offset=offset, loose=True
        )
        return PortalSearch(q=q, query=loosened, groups=groups, matched="any")
    return PortalSearch(q=q, query=query, groups=groups)
