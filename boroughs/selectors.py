"""Reads for analysts: a stock-take round summarised per question and as a borough matrix."""

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet

from core.api.filters import Listing

from .api.filters import BoroughFilter, OrganisationFilter, PartnershipFilter, StockTakeFilter
from .models import (
    Borough,
    Organisation,
    Partnership,
    PublishedTotal,
    StockTake,
    StockTakeAnswer,
    StockTakeOption,
    StockTakeQuestion,
)


@dataclass
class QuestionSummary:
    question: StockTakeQuestion
    counts: list[tuple[StockTakeOption, int]]  # in the question's order
    boroughs_without_answer: list[Borough]
    published_totals: list[PublishedTotal]
    recorded: int = 0


class RecordedAnswer(NamedTuple):
    """A borough's recorded answer to a question, as plain values: a round holds one per
    question and borough, hundreds of them, and building an answer and its option for
    each cost more than reading them."""

    question_id: int
    borough_id: int
    option_id: int
    option_slug: str
    option_label: str


@dataclass
class StockTakeSummary:
    stock_take: StockTake
    covered_boroughs: list[Borough]
    questions: list[QuestionSummary] = field(default_factory=list)
    #: Every answer recorded in the round, from any borough.
    answers: list[RecordedAnswer] = field(default_factory=list)

    @property
    def denominator(self) -> int:
        return len(self.covered_boroughs)


def covered_boroughs(stock_take: StockTake) -> list[Borough]:
    """The boroughs a round covers: every authority in its region (33 for London), with
    what a reference to one shows (slug, name, GSS code)."""
    return list(
        Borough.objects.in_region(stock_take.coverage_region)
        .only("slug", "name", "gss_code")
        .order_by("name")
    )


def recorded_answers(stock_take: StockTake) -> list[RecordedAnswer]:
    """Every answer recorded in the round, with its option's slug and label: one query."""
    return [
        RecordedAnswer(*row)
        for row in StockTakeAnswer.objects.filter(question__stock_take=stock_take)
        .order_by()
        .values_list("question_id", "borough_id", "option_id", "option__slug", "option__label")
    ]


def stock_take_summary(stock_take: StockTake) -> StockTakeSummary:
    """Per question: recorded answers by option over the covered boroughs, who has no
    recorded answer, and the published totals with their quotes. Five queries at any size
    (covered boroughs, questions, their options, the recorded answers, published totals);
    the answers are counted here, a round holding a few hundred."""
    boroughs = covered_boroughs(stock_take)
    covered_ids = {borough.pk for borough in boroughs}
    questions = list(stock_take.questions.prefetch_related("options"))
    answers = recorded_answers(stock_take)
    answer_counts: Counter[tuple[int, int]] = Counter(
        (answer.question_id, answer.option_id)
        for answer in answers
        if answer.borough_id in covered_ids
    )
    answered: defaultdict[int, set[int]] = defaultdict(set)
    for answer in answers:
        answered[answer.question_id].add(answer.borough_id)
    totals: defaultdict[int, list[PublishedTotal]] = defaultdict(list)
    for total in PublishedTotal.objects.filter(question__stock_take=stock_take).select_related(
        "option", "source"
    ):
        totals[total.question_id].append(total)

    summary = StockTakeSummary(stock_take=stock_take, covered_boroughs=boroughs, answers=answers)
    for question in questions:
        counts = [
            (option, answer_counts[(question.pk, option.pk)]) for option in question.options.all()
        ]
        summary.questions.append(
            QuestionSummary(
                question=question,
                counts=counts,
                recorded=sum(count for _, count in counts),
                boroughs_without_answer=[b for b in boroughs if b.pk not in answered[question.pk]],
                published_totals=totals[question.pk],
            )
        )
    return summary


def answer_labels(summary: StockTakeSummary) -> list[tuple[Borough, list[str | None]]]:
    """The matrix as a page shows it, from the summary without a query: a row per covered
    borough, a cell per question, the label of the recorded answer or None."""
    labels = {
        (answer.borough_id, answer.question_id): answer.option_label for answer in summary.answers
    }
    questions = [item.question.pk for item in summary.questions]
    return [
        (borough, [labels.get((borough.pk, question)) for question in questions])
        for borough in summary.covered_boroughs
    ]


def stock_take_matrix(
    stock_take: StockTake,
) -> tuple[list[StockTakeQuestion], list[tuple[Borough, list[StockTakeAnswer | None]]]]:
    """A row per covered borough, a cell per question: the recorded answer or None."""
    boroughs = covered_boroughs(stock_take)
    questions = list(stock_take.questions.all())
    cells = {
        (answer.borough_id, answer.question_id): answer
        for answer in StockTakeAnswer.objects.filter(
            question__stock_take=stock_take
        ).select_related("option")
    }
    rows = [
        (borough, [cells.get((borough.pk, question.pk)) for question in questions])
        for borough in boroughs
    ]
    return questions, rows


@dataclass
class PlaceLinks:
    """How an area sits among the others: the county councils or combined authority that
    cover a district, the districts a county or combined authority covers, and the
    partnerships it belongs to, directly or through an area that covers it."""

    covering_areas: list[Borough]
    districts: list[Borough]
    #: (partnership, the covering area it comes through, or None)
    partnerships: list[tuple[Partnership, Borough | None]]


#: What a link to an area shows (name, slug, kind), and a district's GSS code, by which a
#: map outlines it.
LINKED_AREA_FIELDS = ("name", "slug", "kind", "gss_code")


def place_links(borough: Borough) -> PlaceLinks:
    """Two queries, whatever the number of areas and partnerships (the links between
    areas, both ways at once; the partnerships), each reading what a link to an area or a
    partnership shows, not their search documents and descriptions."""
    covering: list[Borough] = []
    districts: list[Borough] = []
    # Each side by name: the areas covering it (it is the district of those links), and
    # the districts it covers (it is the area covering them).
    for link in (
        Borough.districts.through.objects.filter(Q(from_borough=borough) | Q(to_borough=borough))
        .select_related("from_borough", "to_borough")
        .only(
            *(f"from_borough__{name}" for name in LINKED_AREA_FIELDS),
            *(f"to_borough__{name}" for name in LINKED_AREA_FIELDS),
        )
        .order_by("from_borough__name", "to_borough__name")
    ):
        if link.to_borough_id == borough.pk:
            covering.append(link.from_borough)
        else:
            districts.append(link.to_borough)
    by_area = {area.pk: area for area in covering}
    partnerships: dict[int, tuple[Partnership, Borough | None]] = {}
    for membership in (
        Partnership.members.through.objects.filter(borough__in=[borough.pk, *by_area])
        .select_related("partnership")
        .only("borough_id", "partnership__name", "partnership__slug", "partnership__kind")
        .order_by("partnership__name")
    ):
        via = by_area.get(membership.borough_id)
        if membership.partnership_id not in partnerships or via is None:
            partnerships[membership.partnership_id] = (membership.partnership, via)
    return PlaceLinks(
        covering_areas=covering, districts=districts, partnerships=list(partnerships.values())
    )


# --- The lists of areas, partnerships, organisations and stock-takes -----------------------

BOROUGH_LISTING = Listing(
    filterset_class=BoroughFilter,
    search_fields=["name", "gss_code"],
    ordering_fields=["name", "gss_code", "region", "kind", "modified_at"],
    ordering=["name"],
)


def borough_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Borough]:
    """Areas, with the list's filters, `q` and `ordering` from ``filters`` applied."""
    return BOROUGH_LISTING.apply(Borough.objects.select_related("source"), filters, user=user)


PARTNERSHIP_LISTING = Listing(
    filterset_class=PartnershipFilter,
    search_fields=["name", "description"],
    ordering_fields=["name", "kind", "modified_at"],
    ordering=["name"],
)


def partnership_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Partnership]:
    """Partnerships with their members, with the list's filters, `q` and `ordering`."""
    return PARTNERSHIP_LISTING.apply(
        Partnership.objects.for_listing().select_related("source"), filters, user=user
    )


ORGANISATION_LISTING = Listing(
    filterset_class=OrganisationFilter,
    search_fields=["name", "description"],
    ordering_fields=["name", "kind", "modified_at"],
    ordering=["name"],
)


def organisation_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[Organisation]:
    """Organisations, with the list's filters, `q` and `ordering` from ``filters``."""
    return ORGANISATION_LISTING.apply(
        Organisation.objects.select_related("source"), filters, user=user
    )


STOCK_TAKE_LISTING = Listing(
    filterset_class=StockTakeFilter,
    search_fields=["title", "publisher"],
    ordering_fields=["title", "conducted_on", "modified_at"],
    ordering=["-conducted_on"],
)


def stock_take_questions(stock_take_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each round's questions in order, each with its options in order ({"number",
    "slug", "text", "options": [{"slug", "label"}]}), by round id: two queries of values,
    however many rounds, questions and options."""
    options: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for option in (
        StockTakeOption.objects.filter(question__stock_take__in=stock_take_ids)
        .order_by("question_id", "order")
        .values("question_id", "slug", "label")
    ):
        options[option["question_id"]].append({"slug": option["slug"], "label": option["label"]})
    questions: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for question in (
        StockTakeQuestion.objects.filter(stock_take__in=stock_take_ids)
        .order_by("stock_take_id", "number")
        .values("pk", "stock_take_id", "number", "slug", "text")
    ):
        questions[question["stock_take_id"]].append(
            {
                "number": question["number"],
                "slug": question["slug"],
                "text": question["text"],
                "options": options[question["pk"]],
            }
        )
    return questions


def stock_take_list(*, filters: Mapping[str, Any], user: Any) -> QuerySet[StockTake]:
    """Stock-take rounds with their questions and options, with the list's filters, `q`
    and `ordering` from ``filters`` applied."""
    return STOCK_TAKE_LISTING.apply(
        StockTake.objects.select_related("source").prefetch_related("questions__options"),
        filters,
        user=user,
    )
