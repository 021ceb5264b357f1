"""Pages of the boroughs app's own data: the stock-take rounds and a round's summary."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from core.charts import Bar, proportion_bars
from core.links import address_per_slug

from .maps import question_maps
from .models import StockTake
from .selectors import answer_labels, stock_take_summary

#: Recorded answers in blue, the totals a source published in grey (GOV.UK colours).
RECORDED_COLOUR = "#1d70b8"
PUBLISHED_COLOUR = "#505a5f"


def chart_bars(summary):
    """The summary chart's bars: per question, the recorded answers and each published
    total, each out of its own denominator; a rule sets each question off from the last."""
    bars = []
    for index, item in enumerate(summary.questions):
        number = item.question.number
        bars.append(
            Bar(
                label=f"Q{number} recorded",
                count=item.recorded,
                denominator=summary.denominator,
                colour=RECORDED_COLOUR,
                rule_above=index > 0,
            )
        )
        for total in item.published_totals:
            if total.count is None:
                continue  # "nearly all" has no length; the table and text say it
            bars.append(
                Bar(
                    label=f"Q{number} published",
                    count=total.count,
                    denominator=total.denominator,
                    colour=PUBLISHED_COLOUR,
                )
            )
    return bars


def chart_description(summary):
    parts = []
    for item in summary.questions:
        published = "; ".join(
            f"published total {total.amount_display}" for total in item.published_totals
        )
        parts.append(
            f"Question {item.question.number}: {item.recorded} of {summary.denominator} "
            f"answers recorded{'; ' + published if published else ''}."
        )
    return " ".join(parts)


def stock_take_index(request):
    """Every survey round, latest first, with what it covers: one query."""
    stock_takes = StockTake.objects.select_related("source").annotate(
        question_count=Count("questions")
    )
    return render(request, "boroughs/stock_take_index.html", {"stock_takes": stock_takes})


def stock_take_page(request, slug):
    stock_take = get_object_or_404(StockTake.objects.select_related("source"), slug=slug)
    summary = stock_take_summary(stock_take)
    for item in summary.questions:
        # Pair each answer option with the totals the source published for it; totals
        # that count several answers together stay in their own list.
        item.option_rows = [
            (option, count, [t for t in item.published_totals if t.option_id == option.pk])
            for option, count in item.counts
        ]
        item.combined_totals = [t for t in item.published_totals if t.option_id is None]
    # Hundreds of links to the covered boroughs: each address is reversed once a page.
    profile = address_per_slug(lambda slug: reverse("portal:borough-profile", args=[slug]))
    for borough in summary.covered_boroughs:
        borough.profile_url = profile(borough.slug)
    questions = [item.question for item in summary.questions]
    maps = question_maps(stock_take, questions, summary.answers)
    for item in summary.questions:
        item.map = maps.get(item.question.pk)
    return render(
        request,
        "boroughs/stock_take.html",
        {
            "stock_take": stock_take,
            "summary": summary,
            "chart": proportion_bars(
                chart_bars(summary),
                title="Recorded answers and published totals per question, "
                f"out of {summary.denominator} boroughs",
                description=chart_description(summary),
            ),
            "questions": questions,
            # The matrix's cells are the labels of the summary's answers: no query more.
            "matrix_rows": answer_labels(summary),
            "csv_url": reverse("api:stocktake-summary", args=[stock_take.slug]) + "?format=csv",
        },
    )
