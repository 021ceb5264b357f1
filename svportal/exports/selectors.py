"""What each kind of export holds: its filters, its rows, their columns and their count.

A kind takes the same filters as the API endpoint it mirrors, checked as strictly: an
unknown filter, a value that is not a choice, or a slug that names nothing is an error
naming the filter. Rows come from the same serializers and selectors as the API, so an
export and the API agree. Rows are produced lazily, database rows fetched in chunks
(``iterator(chunk_size=…)``), so an export of any size runs in flat memory.

Each source yields two shapes of the same rows: ``records`` (the API's JSON objects, for
JSON) and ``table`` (flat rows with fixed columns, for CSV and XLSX: dicts, or — where a
kind reads its rows with values_list — tuples of values in the columns' order).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.serializers import Serializer

from actionplans.api.serializers import ActionItemSerializer
from actionplans.models import CLOSED_STATUSES
from actionplans.selectors import ACTION_ITEM_LISTING, action_item_list
from boroughs.api.analysis import matrix_csv_rows, summary_csv_rows
from boroughs.models import StockTake
from boroughs.selectors import stock_take_matrix, stock_take_summary
from casestudies.api.serializers import CaseStudySerializer
from casestudies.selectors import CASE_STUDY_LISTING, case_study_list
from core.api.csv import flatten, serializer_columns
from core.api.filters import Listing
from funding.api.serializers import AwardSerializer
from funding.selectors import AWARD_LISTING, award_list
from svportal.api.filters import BoroughSummaryFilter
from svportal.api.serializers import BoroughSummarySerializer, summary_csv_row
from svportal.grants360 import grant
from svportal.models import ExportJob
from svportal.selectors import (
    ITEM_STATUSES,
    BoroughSummary,
    borough_summaries,
    borough_summary_list,
)

#: Database rows fetched per query while an export runs.
EXPORT_CHUNK_SIZE = 1000
#: Boroughs summarised per round of borough_summaries' queries.
BOROUGH_CHUNK_SIZE = 500

Kind = ExportJob.Kind
Format = ExportJob.Format
TABULAR_FORMATS = (Format.CSV, Format.XLSX, Format.JSON)


class ExportSpecError(Exception):
    """What is wrong with an export request: {field or filter name: [messages]}."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors


#: A row as the API's JSON has it.
Record = Mapping[str, Any]
#: The filters of an export: name -> a value, or several.
Filters = Mapping[str, Any]


@dataclass
class RowSource:
    """The rows of one export, not yet read."""

    total: int
    records: Callable[[], Iterator[Record]]
    #: Rows as records to flatten, or as values in the columns' order.
    table: Callable[[], Iterator[Record | Sequence[Any]]]
    columns: list[str] | None = None
    sheet_title: str = "Export"
    #: For a JSON document rather than an array (360Giving): the members before the
    #: streamed array, the array's key, and a function for the members after it.
    document_head: dict[str, Any] | None = None
    document_array: str = ""
    document_tail: Callable[[], dict[str, Any]] | None = None
    notes: list[str] = field(default_factory=list)


def _plain(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list | tuple):
        return [str(item) for item in detail]
    return [str(detail)]


def query_dict(filters: Filters) -> QueryDict:
    """Filters as the API would receive them in a query string."""
    params = QueryDict(mutable=True)
    errors: dict[str, list[str]] = {}
    for name, value in filters.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, dict | list) for item in values):
            errors[name] = ["Give a filter's value as text, a number or true/false."]
            continue
        if len({_as_text(item) for item in values}) > 1:
            # As in the API each filter takes one value: never silently use just one of them.
            errors[name] = ["Give this filter one value, not several."]
            continue
        params.setlist(name, [_as_text(item) for item in values])
    if errors:
        raise ExportSpecError(errors)
    return params


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ExportKind:
    slug = ""
    formats: tuple[Format, ...] = TABULAR_FORMATS

    @property
    def parameter_help(self) -> str:
        return ""

    @property
    def label(self) -> str:
        return str(Kind(self.slug).label)

    def parameters(self) -> set[str]:
        raise NotImplementedError

    def check_parameters(self, params: Iterable[str]) -> None:
        unknown = sorted(set(params) - set(self.parameters()))
        if unknown:
            known = ", ".join(sorted(self.parameters())) or "none"
            raise ExportSpecError(
                {
                    name: [f"Unknown filter for {self.label.lower()} exports. Filters: {known}."]
                    for name in unknown
                }
            )

    def clean(self, filters: Filters, owner: Any) -> None:
        """Check the filters as the API would; raise ExportSpecError naming what is wrong."""
        self.source(filters, owner, count=False)

    def source(self, filters: Filters, owner: Any, *, count: bool = True) -> RowSource:
        raise NotImplementedError


class ListingKind(ExportKind):
    """A list endpoint's records, with its filters, search (q) and ordering, read through
    the resource's listing selector as the owner would see them."""

    serializer_class: type[Serializer[Any]]
    #: The resource's Listing, which its selector applies: the export takes its filters.
    listing: Listing

    @staticmethod
    def selector(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Any]:
        raise NotImplementedError

    def parameters(self) -> set[str]:
        return {*self.listing.filterset_class.base_filters, "q", "ordering"}

    @property
    def parameter_help(self) -> str:
        return ", ".join(sorted(self.parameters()))

    def queryset(self, filters: Filters, owner: Any) -> QuerySet[Any]:
        params = query_dict(filters)
        self.check_parameters(params)
        try:
            return self.selector(filters=params, user=owner)
        except DRFValidationError as error:
            raise ExportSpecError(_plain(error.detail)) from error

    def serializer_context(self) -> dict[str, Any]:
        return {"today": timezone.localdate()}

    def source(self, filters: Filters, owner: Any, *, count: bool = True) -> RowSource:
        queryset = self.queryset(filters, owner)
        serializer_class = self.serializer_class
        context = self.serializer_context()

        def records() -> Iterator[Record]:
            for instance in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
                yield serializer_class(instance, context=context).data

        return RowSource(
            total=queryset.count() if count else 0,
            records=records,
            table=lambda: (flatten(record) for record in records()),
            columns=serializer_columns(serializer_class(context=context)),
            sheet_title=self.label,
        )


def _iso_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _iso_moment(value: dt.datetime | None, zone: dt.tzinfo | None = None) -> str | None:
    """A moment as the API writes it (DRF's iso-8601: local time, UTC as "Z")."""
    if value is None:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


#: What an action item's table row is made of, read with values_list. A related record
#: that is missing (no borough, no source) reads as None in each of its columns.
ITEM_VALUES = (
    "id", "slug", "plan__slug", "plan__title", "plan__borough__slug", "plan__borough__name",
    "plan__borough__gss_code", "theme__slug", "theme__name", "title", "description",
    "lead_agency", "partners", "due_date", "status", "status_inferred_from", "progress",
    "version", "last_updated_by__username", "last_updated_at", "source__key", "source__title",
    "source__publisher", "source__published_on", "source__document", "source__url",
    "source_section", "modified_at",
)  # fmt: skip


_ITEM_INDEX = {name: index for index, name in enumerate(ITEM_VALUES)}
#: Where ITEM_VALUES has a date, and a moment, that the table writes in ISO form.
_ITEM_DATES = (_ITEM_INDEX["due_date"], _ITEM_INDEX["source__published_on"])
_ITEM_MOMENTS = (_ITEM_INDEX["last_updated_at"], _ITEM_INDEX["modified_at"])


def item_rows(values_rows: Iterable[Sequence[Any]], today: dt.date) -> Iterator[tuple[Any, ...]]:
    """Action items' table rows in the API's CSV columns, the same as its records
    flattened (a test holds the two together), from ITEM_VALUES rather than a serializer
    per row: its dates and moments in ISO form, and is_overdue after progress."""
    zone = timezone.get_current_timezone()
    due, status, progress = (_ITEM_INDEX[name] for name in ("due_date", "status", "progress"))
    for values in values_rows:
        row = list(values)
        overdue = row[due] is not None and row[due] < today and row[status] not in CLOSED_STATUSES
        for index in _ITEM_DATES:
            row[index] = _iso_date(row[index])
        for index in _ITEM_MOMENTS:
            row[index] = _iso_moment(row[index], zone)
        row.insert(progress + 1, overdue)
        yield tuple(row)


class ActionItemsKind(ListingKind):
    slug = Kind.ACTION_ITEMS
    selector = staticmethod(action_item_list)
    serializer_class = ActionItemSerializer
    listing = ACTION_ITEM_LISTING

    def source(self, filters: Filters, owner: Any, *, count: bool = True) -> RowSource:
        source = super().source(filters, owner, count=count)
        queryset = self.queryset(filters, owner)
        today = self.serializer_context()["today"]

        def table() -> Iterator[tuple[Any, ...]]:
            rows = queryset.values_list(*ITEM_VALUES).iterator(chunk_size=EXPORT_CHUNK_SIZE)
            return item_rows(rows, today)

        source.table = table
        return source


class CaseStudiesKind(ListingKind):
    slug = Kind.CASE_STUDIES
    serializer_class = CaseStudySerializer
    listing = CASE_STUDY_LISTING

    @staticmethod
    def selector(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Any]:
        return case_study_list(filters=filters, user=user).for_record()


class AwardsKind(ListingKind):
    slug = Kind.AWARDS
    formats = (*TABULAR_FORMATS, Format.GRANTS_360)
    selector = staticmethod(award_list)
    serializer_class = AwardSerializer
    listing = AWARD_LISTING

    def grants_source(self, filters: Filters, owner: Any) -> RowSource:
        """Awards as a 360Giving package, its grants streamed: only awards with a stated
        amount and award date can be grants; the description says how many others."""
        queryset = self.queryset(filters, owner)
        if "ordering" not in filters:
            queryset = queryset.order_by("slug")
        prefix = settings.GRANTS_360_IDENTIFIER_PREFIX
        left_out: list[int] = []

        def grants() -> Iterator[dict[str, Any]]:
            for award in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
                if award.amount is None or award.awarded_on is None:
                    left_out.append(award.pk)
                    continue
                yield grant(award, prefix=prefix)

        def description() -> dict[str, Any]:
            text = "Funding awards for work on knife crime and serious youth violence."
            if left_out:
                count = len(left_out)
                text += (
                    f" {count} further award{'s' if count != 1 else ''} whose amount or award "
                    "date the sources do not state cannot be expressed as 360Giving grants "
                    "and are in the portal's awards list."
                )
            return {"description": text}

        counted = queryset.filter(amount__isnull=False, awarded_on__isnull=False)
        return RowSource(
            total=counted.count(),
            records=grants,
            table=grants,
            sheet_title="Grants",
            document_head={
                "version": "1.4",
                "title": "SV Portal awards",
                "issued": timezone.now().isoformat(),
            },
            document_array="grants",
            document_tail=description,
        )


class BoroughSummaryKind(ExportKind):
    """A row per borough, as the borough-summary endpoint: region and kind filters."""

    slug = Kind.BOROUGH_SUMMARY
    parameter_help = "region, kind"

    def parameters(self) -> set[str]:
        return set(BoroughSummaryFilter.base_filters)

    def source(self, filters: Filters, owner: Any, *, count: bool = True) -> RowSource:
        params = query_dict(filters)
        self.check_parameters(params)
        try:
            boroughs = borough_summary_list(filters=params, user=owner)
        except DRFValidationError as error:
            raise ExportSpecError(_plain(error.detail)) from error

        def summaries() -> Iterator[BoroughSummary]:
            chunk_source = boroughs.iterator(chunk_size=BOROUGH_CHUNK_SIZE)
            while chunk := list(islice(chunk_source, BOROUGH_CHUNK_SIZE)):
                yield from borough_summaries(chunk)

        columns = [
            "borough",
            "gss_code",
            "region",
            "kind",
            "active_plan",
            *(f"items_{status}" for status in ITEM_STATUSES),
            *(
                name
                for name in BoroughSummarySerializer().fields.keys()
                if name not in ("borough", "active_plan", "items")
            ),
        ]
        return RowSource(
            total=boroughs.count() if count else 0,
            records=lambda: (BoroughSummarySerializer(s).data for s in summaries()),
            table=lambda: (summary_csv_row(s) for s in summaries()),
            columns=columns,
            sheet_title=self.label,
        )


class StockTakeKind(ExportKind):
    """One stock-take round, named by the stock_take filter (its slug)."""

    parameter_help = "stock_take (required)"

    def parameters(self) -> set[str]:
        return {"stock_take"}

    def clean(self, filters: Filters, owner: Any) -> None:
        """The round named, checked: its rows are read only when it is exported."""
        self.stock_take(filters)

    def stock_take(self, filters: Filters) -> StockTake:
        params = query_dict(filters)
        self.check_parameters(params)
        slug = params.get("stock_take", "").strip()
        rounds = ", ".join(StockTake.objects.order_by("slug").values_list("slug", flat=True))
        if not slug:
            raise ExportSpecError({"stock_take": [f"Choose a stock-take round: {rounds}."]})
        stock_take = StockTake.objects.filter(slug=slug).first()
        if stock_take is None:
            raise ExportSpecError(
                {"stock_take": [f"There is no stock-take “{slug}”. Choose from: {rounds}."]}
            )
        return stock_take


class StockTakeSummaryKind(StockTakeKind):
    slug = Kind.STOCK_TAKE_SUMMARY
    columns = [
        "question_number",
        "question",
        "answer",
        "recorded_count",
        "denominator",
        "boroughs_without_answer",
        "published_count",
        "published_denominator",
        "published_quote",
        "source_section",
    ]

    def source(self, filters: Filters, owner: Any, *, count: bool = True) -> RowSource:
        stock_take = self.stock_take(filters)
        # A round has a handful of questions: the summary is small, whatever the data.
        rows = list(summary_csv_rows(stock_take_summary(stock_take)))
        return RowSource(
            total=len(rows),
            records=lambda: iter(rows),
            table=lambda: iter(rows),
            columns=self.columns,
            sheet_title=self.label,
        )


class StockTakeMatrixKind(StockTakeKind):
    slug = Kind.STOCK_TAKE_MATRIX

    def source(self, filters: Filters, owner: Any, *, count: bool = True) -> RowSource:
        stock_take = self.stock_take(filters)
        questions, rows = stock_take_matrix(stock_take)
        return RowSource(
            total=len(rows),
            records=lambda: matrix_csv_rows(questions, rows),
            table=lambda: matrix_csv_rows(questions, rows),
            columns=["borough", "gss_code", *(question.slug for question in questions)],
            sheet_title=self.label,
        )


KINDS: dict[str, ExportKind] = {
    kind.slug: kind
    for kind in (
        StockTakeSummaryKind(),
        StockTakeMatrixKind(),
        BoroughSummaryKind(),
        ActionItemsKind(),
        CaseStudiesKind(),
        AwardsKind(),
    )
}


def export_kind(slug: str) -> ExportKind:
    return KINDS[slug]


def export_source(job: ExportJob) -> RowSource:
    """The rows of a job, read as its owner would see them."""
    kind = KINDS[job.kind]
    if job.format == Format.GRANTS_360:
        if not isinstance(kind, AwardsKind):
            raise ValueError(f"{kind.label} cannot be exported as 360Giving grants")
        return kind.grants_source(job.filters, job.owner)
    return kind.source(job.filters, job.owner)


def exports_of(user: Any) -> QuerySet[ExportJob]:
    """The user's own exports, newest first (analysts and editors too: a list of one's own)."""
    return ExportJob.objects.filter(owner=user).order_by("-created_at")


def exports_downloadable_by(user: Any) -> QuerySet[ExportJob]:
    """Exports whose status and file the user may see: their own, or any for analysts and
    editors. Everyone else's are as if they did not exist."""
    from boroughs.roles import is_analyst, is_editor

    if not user.is_authenticated:
        return ExportJob.objects.none()
    if is_analyst(user) or is_editor(user):
        return ExportJob.objects.all()
    return ExportJob.objects.filter(owner=user)


# --- Exports whose worker has stopped -------------------------------------------------------
#
# A run beats (ExportJob.heartbeat_at) while it writes; a queued job's heartbeat_at is when it
# was queued. A run silent for SVPORTAL_EXPORT_STALL_SECONDS has lost its worker; a job queued
# for SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS has found none.


def _last_sign_of_life() -> Coalesce:
    return Coalesce("heartbeat_at", "started_at", "created_at")


def stalled_exports(now: dt.datetime) -> QuerySet[ExportJob]:
    """Running exports whose run has stopped beating."""
    cutoff = now - dt.timedelta(seconds=settings.SVPORTAL_EXPORT_STALL_SECONDS)
    return ExportJob.objects.alias(alive=_last_sign_of_life()).filter(
        status=ExportJob.Status.RUNNING, alive__lt=cutoff
    )


def exports_waiting_too_long(now: dt.datetime) -> QuerySet[ExportJob]:
    """Queued exports no worker has started in time."""
    cutoff = now - dt.timedelta(seconds=settings.SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS)
    return ExportJob.objects.alias(alive=_last_sign_of_life()).filter(
        status=ExportJob.Status.QUEUED, alive__lt=cutoff
    )


def active_exports_count(user: Any, now: dt.datetime) -> int:
    """The user's exports that are queued (and not waiting too long) or running (and alive):
    what counts against SVPORTAL_EXPORT_MAX_ACTIVE. One whose worker died never does."""
    stall = now - dt.timedelta(seconds=settings.SVPORTAL_EXPORT_STALL_SECONDS)
    queue = now - dt.timedelta(seconds=settings.SVPORTAL_EXPORT_QUEUE_TIMEOUT_SECONDS)
    return (
        ExportJob.objects.alias(alive=_last_sign_of_life())
        .filter(owner=user)
        .filter(
            Q(status=ExportJob.Status.QUEUED, alive__gte=queue)
            | Q(status=ExportJob.Status.RUNNING, alive__gte=stall)
        )
        .count()
    )
