"""Reads for the funding pages: streams, awards, and what ends when."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import F, QuerySet
from django.urls import reverse

from boroughs.models import Borough
from core.api.filters import Listing
from core.charts import TimelineRow
from core.dates import stated_date, stated_period
from core.links import address_per_slug

from .api.filters import AwardFilter, FunderFilter, FundingStreamFilter
from .models import Award, Funder, FundingStream, award_amount_display

ENDING_SOON_DAYS = 90
#: Bars on the timeline: the soonest to end from today, then the most recently ended.
TIMELINE_LIMIT = 30


def stream_address() -> Callable[[str], str]:
    """A stream's page's address from its slug, reversed once for a list of them."""
    return address_per_slug(lambda slug: reverse("portal:funding-stream", args=[slug]))


#: What the funding page shows of a stream (its table, its filter, the timeline), read as
#: values.
STREAM_VALUES = (
    "name",
    "slug",
    "total_amount",
    "total_is_minimum",
    "starts_on",
    "starts_on_precision",
    "ends_on",
    "ends_on_precision",
)


class ListedStream(NamedTuple):
    """What the funding page shows of a stream (its table, its filter), read as values:
    at national scale they are a hundred, each a model instance with its funder's."""

    slug: str
    name: str
    funder_slug: str | None
    funder_name: str | None
    award_count: int
    #: Its total as stated, its address and its dates, in words.
    total_display: str
    href: str
    dates_display: str


def stream_list() -> list[ListedStream]:
    """Every stream by name with its funder, its total as stated, how many awards it made,
    its address and its dates in words (for the template): one query."""
    address = stream_address()
    return [
        ListedStream(
            slug=stream["slug"],
            name=stream["name"],
            funder_slug=stream["funder__slug"],
            funder_name=stream["funder__name"],
            award_count=stream["award_count"],
            total_display=stated_total(stream["total_amount"], stream["total_is_minimum"]),
            href=address(stream["slug"]),
            dates_display=stated_period(
                stream["starts_on"],
                stream["ends_on"],
                starts_precision=stream["starts_on_precision"],
                ends_precision=stream["ends_on_precision"],
            ),
        )
        for stream in FundingStream.objects.with_award_count()
        .order_by("name")
        .values(*STREAM_VALUES, "funder__slug", "funder__name", "award_count")
    ]


def with_stream_addresses(awards: Iterable[Award]) -> list[Award]:
    """The awards, each with its stream's address (``stream_href``), reversed once for all
    of them: the tables of awards (templates/funding/_award_table.html) link every row."""
    address = stream_address()
    listed = list(awards)
    for award in listed:
        award.stream_href = address(award.stream.slug)  # type: ignore[attr-defined]
    return listed


#: What the funding page's table of awards shows of each (its title, stream and funder,
#: recipients, amount and dates), read as values: a page of awards as model instances,
#: each with its stream, funder, partnership and organisation and a queryset made for
#: each one's recipients, cost more to build than to read.
AWARD_ROW_VALUES = (
    "pk",
    "title",
    "slug",
    "stream__slug",
    "stream__name",
    "stream__funder__name",
    "recipient_partnership__name",
    "recipient_organisation__name",
    "amount",
    "amount_is_minimum",
    "awarded_on",
    "awarded_on_precision",
    "ends_on",
)


def award_rows(awards: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The funding page's table rows of ``awards`` (each its AWARD_ROW_VALUES), in words:
    one query, for their recipient boroughs."""
    boroughs = recipient_boroughs_by_award([award["pk"] for award in awards], columns=["name"])
    address = stream_address()
    return [
        {
            "title": award["title"],
            "slug": award["slug"],
            "stream_href": address(award["stream__slug"]),
            "stream": award["stream__name"],
            "funder": award["stream__funder__name"] or "",
            "recipients": recipients_display(
                [borough["name"] for borough in boroughs.get(award["pk"], ())],
                award["recipient_partnership__name"],
                award["recipient_organisation__name"],
            ),
            "amount": award_amount_display(award["amount"], award["amount_is_minimum"]),
            "awarded": stated_date(award["awarded_on"], award["awarded_on_precision"]),
            "ends": stated_date(award["ends_on"]),
        }
        for award in awards
    ]


def recipients_display(boroughs: Sequence[str], *others: str | None) -> str:
    """An award's recipients as the tables of awards list them: its boroughs by name, then
    its partnership and its organisation, where it has them."""
    parts = [", ".join(boroughs), *others]
    return "; ".join(part for part in parts if part) or "Not stated"


#: What a table of awards (templates/funding/_award_table.html) shows of each, with its
#: stream and funder; the award's id keeps two alike apart.
AWARD_TABLE_VALUES = (
    "pk",
    "title",
    "amount",
    "amount_is_minimum",
    "ends_on",
    "stream__slug",
    "stream__name",
    "stream__funder",
    "stream__funder__name",
)


def award_table_rows(awards: QuerySet[Award]) -> list[dict[str, Any]]:
    """What a table of awards (templates/funding/_award_table.html, without recipients)
    shows of each of ``awards``, in their order, with its stream's address and its funder,
    as plain values read in one query: a borough's profile lists a hundred, and an award,
    its stream and its funder built for each cost more than the rest of the table."""
    address = stream_address()
    return [
        {
            "title": award["title"],
            "stream_href": address(award["stream__slug"]),
            "stream": {
                "name": award["stream__name"],
                "funder": None
                if award["stream__funder"] is None
                else {"name": award["stream__funder__name"]},
            },
            "amount_display": award_amount_display(award["amount"], award["amount_is_minimum"]),
            "ends_on_display": stated_date(award["ends_on"]),
        }
        for award in awards.values(*AWARD_TABLE_VALUES)
    ]


#: Awards shown instead when nothing recorded ends soon.
LATEST_AWARDS = 5


def latest_awards(*, limit: int = LATEST_AWARDS) -> list[Award]:
    """The awards that ended (or end) last, for a panel where nothing ends soon: two
    queries (awards, their recipient boroughs)."""
    return with_stream_addresses(
        Award.objects.for_listing().order_by(
            F("ends_on").desc(nulls_last=True), F("awarded_on").desc(nulls_last=True), "title"
        )[:limit]
    )


def boroughs_with_awards() -> list[tuple[str, str]]:
    """The areas an award is recorded to, (slug, name) by name, from their stored award
    figures (funding.figures) rather than from every award's recipients; as values, since
    at national scale they are hundreds."""
    return list(
        Borough.objects.filter(award_figures__awards__gt=0)
        .order_by("name")
        .values_list("slug", "name")
    )


@dataclass
class Timeline:
    rows: list["TimelineEntry"]  # by end date
    ending_soon: list["TimelineEntry"]  # ending between today and today + ENDING_SOON_DAYS
    ending_soon_truncated: bool


@dataclass(frozen=True)
class TimelineEntry(TimelineRow):
    href: str = ""
    amount: str = ""
    stream_name: str = ""
    starts_precision: str = "day"

    @property
    def starts_display(self) -> str:
        return stated_date(self.starts_on, self.starts_precision)

    @property
    def ends_display(self) -> str:
        return stated_date(self.ends_on, self.ends_precision)


#: What the timeline reads of an award with an end date (and of a stream: STREAM_VALUES),
#: as values: its 120 entries as model instances (an award's with its stream) cost more
#: to build than to read.
TIMELINE_AWARD_VALUES = (
    "title",
    "slug",
    "amount",
    "amount_is_minimum",
    "awarded_on",
    "awarded_on_precision",
    "starts_on",
    "ends_on",
    "stream__slug",
    "stream__name",
)


def timeline(
    today: dt.date, *, limit: int = TIMELINE_LIMIT, soon_days: int = ENDING_SOON_DAYS
) -> Timeline:
    """Streams and awards with an end date: the next `limit` to end, topped up with the most
    recently ended so the chart is never empty while anything has ended. Four queries."""
    streams = FundingStream.objects.filter(ends_on__isnull=False).values(*STREAM_VALUES)
    awards = Award.objects.filter(ends_on__isnull=False).values(*TIMELINE_AWARD_VALUES)
    address = stream_address()

    def stream_entries(queryset: QuerySet[Any]) -> list[TimelineEntry]:
        return [_stream_entry(stream, address) for stream in queryset[:limit]]

    def award_entries(queryset: QuerySet[Any]) -> list[TimelineEntry]:
        return [_award_entry(award, address) for award in queryset[:limit]]

    upcoming = [
        *stream_entries(streams.filter(ends_on__gte=today).order_by("ends_on", "name")),
        *award_entries(awards.filter(ends_on__gte=today).order_by("ends_on", "title")),
    ]
    ended = [
        *stream_entries(streams.filter(ends_on__lt=today).order_by("-ends_on", "name")),
        *award_entries(awards.filter(ends_on__lt=today).order_by("-ends_on", "title")),
    ]
    upcoming.sort(key=lambda entry: (entry.ends_on, entry.label))
    ended.sort(key=lambda entry: (entry.ends_on, entry.label), reverse=True)
    chosen = upcoming[:limit]
    chosen += ended[: limit - len(chosen)]
    chosen.sort(key=lambda entry: (entry.ends_on, entry.label))
    horizon = today + dt.timedelta(days=soon_days)
    ending_soon = [entry for entry in upcoming if entry.ends_on <= horizon]
    return Timeline(
        rows=chosen,
        ending_soon=ending_soon,
        # Each kind fetched at most `limit` upcoming rows; if one filled up, there may be more.
        ending_soon_truncated=len(ending_soon) >= limit,
    )


def _stream_entry(stream: Mapping[str, Any], address: Callable[[str], str]) -> TimelineEntry:
    """A stream's entry from its STREAM_VALUES."""
    return TimelineEntry(
        kind="Stream",
        label=stream["name"],
        starts_on=stream["starts_on"],
        starts_precision=stream["starts_on_precision"],
        ends_on=stream["ends_on"],  # timeline() takes those with an end date
        ends_precision=stream["ends_on_precision"],
        href=address(stream["slug"]),
        amount=stated_total(stream["total_amount"], stream["total_is_minimum"]),
        stream_name=stream["name"],
    )


def _award_entry(award: Mapping[str, Any], address: Callable[[str], str]) -> TimelineEntry:
    """An award's entry from its TIMELINE_AWARD_VALUES."""
    starts_on = award["starts_on"]
    return TimelineEntry(
        kind="Award",
        label=award["title"],
        # Where the source gives no start, the award date is when the money began.
        starts_on=starts_on or award["awarded_on"],
        starts_precision="day" if starts_on else award["awarded_on_precision"],
        ends_on=award["ends_on"],  # timeline() takes those with an end date
        href=f"{address(award['stream__slug'])}#award-{award['slug']}",
        amount=award_amount_display(award["amount"], award["amount_is_minimum"]),
        stream_name=award["stream__name"],
    )


def stream_total_display(stream: FundingStream) -> str:
    """The stream's total as a figure, "at least" when the source states a minimum."""
    return stated_total(stream.total_amount, stream.total_is_minimum)


def stated_total(amount: Decimal | None, is_minimum: bool) -> str:
    """A stream's total as a figure, "at least" when the source states a minimum."""
    if amount is None:
        return "Not stated"
    figure = f"£{amount:,.0f}" if amount == int(amount) else f"£{amount:,.2f}"
    return f"at least {figure}" if is_minimum else figure


def stream_detail(slug: str) -> FundingStream | None:
    """A stream with its funder and source; None when there is none by that slug."""
    return FundingStream.objects.select_related("funder", "source").filter(slug=slug).first()


def stream_awards(stream: FundingStream) -> QuerySet[Award]:
    """The stream's awards with their recipients, newest first. What the awards funded
    elsewhere in the portal (case studies) is added by the page that shows both."""
    return (
        stream.awards.select_related("recipient_partnership", "recipient_organisation", "source")
        .prefetch_related("recipient_boroughs")
        .order_by("-awarded_on", "title")
    )


# --- The awards list (the API, its CSV and the exports) ------------------------------------

#: What the list filters by, what `q` looks in, what `ordering` may name, and the order
#: without one.
AWARD_LISTING = Listing(
    filterset_class=AwardFilter,
    search_fields=["title", "purpose", "recipient_boroughs__name", "stream__name"],
    ordering_fields=["title", "amount", "awarded_on", "ends_on", "modified_at"],
    ordering=["-awarded_on", "title"],
)


def award_list(
    *, filters: Mapping[str, Any], user: Any, records: QuerySet[Award] | None = None
) -> QuerySet[Award]:
    """Awards with the list's filters, `q` and `ordering` from ``filters`` applied; a
    value that is wrong is a ValidationError naming its filter. Every award is public.
    ``records``: what is read of each (Award.objects.for_listing() unless given)."""
    if records is None:
        records = Award.objects.for_listing()
    return AWARD_LISTING.apply(records, filters, user=user)


FUNDER_LISTING = Listing(
    filterset_class=FunderFilter,
    search_fields=["name"],
    ordering_fields=["name", "modified_at"],
    ordering=["name"],
)


def funder_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Funder]:
    """Funders, with the list's filters, `q` and `ordering` from ``filters`` applied."""
    return FUNDER_LISTING.apply(Funder.objects.select_related("source"), filters, user=user)


FUNDING_STREAM_LISTING = Listing(
    filterset_class=FundingStreamFilter,
    search_fields=["name", "description", "funder__name"],
    ordering_fields=["name", "total_amount", "starts_on", "ends_on", "modified_at"],
    ordering=["name"],
)


def funding_stream_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[FundingStream]:
    """Streams with their funder, with the list's filters, `q` and `ordering` applied."""
    return FUNDING_STREAM_LISTING.apply(
        FundingStream.objects.select_related("funder", "source"), filters, user=user
    )


def recipient_boroughs_by_award(
    award_ids: list[int], *, columns: Sequence[str]
) -> dict[int, list[dict[str, Any]]]:
    """Each award's recipient boroughs by name, as values of ``columns``: one query."""
    boroughs: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Award.recipient_boroughs.through.objects.filter(award__in=award_ids)
        .order_by("borough__name")
        .values("award_id", *(f"borough__{name}" for name in columns))
    ):
        boroughs[row["award_id"]].append({name: row[f"borough__{name}"] for name in columns})
    return boroughs
