"""Pages of the boroughs app's own data: the stock-take rounds and a round's summary."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from .maps import question_maps
from .models import StockTake
from .selectors import stock_take_matrix, stock_take_summary

#: Height of one bar's row in the summary chart, and the room above and below the bars.
CHART_ROW = 32
CHART_MARGIN = 8


def chart_bars(summary):
    """The summary chart's bars: per question, the recorded answers and each published
    total, each out of its own denominator. The template draws them with widthratio,
    because this app cannot import svportal.charts (boroughs imports no other app)."""
    bars = []
    for item in summary.questions:
        number = item.question.number
        bars.append(
            {
                "label": f"Q{number} recorded",
                "count": item.recorded,
                "denominator": summary.denominator,
                "published": False,
            }
        )
        for total in item.published_totals:
            if total.count is None:
                continue  # "nearly all" has no length; the table and text say it
            bars.append(
                {
                    "label": f"Q{number} published",
                    "count": total.count,
                    "denominator": total.denominator,
                    "published": True,
                }
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
    questions, rows = stock_take_matrix(stock_take)
    bars = chart_bars(summary)
    for item in summary.questions:
        # Pair each answer option with the totals the source published for it; totals
        # that count several answers together stay in their own list.
        item.option_rows = [
            (option, count, [t for t in item.published_totals if t.option_id == option.pk])
            for option, count in item.counts
        ]
        item.combined_totals = [t for t in item.published_totals if t.option_id is None]
    maps = question_maps(stock_take, [item.question for item in summary.questions])
    for item in summary.questions:
        item.map = maps[item.question.pk]
    return render(
        request,
        "boroughs/stock_take.html",
        {
            "stock_take": stock_take,
            "summary": summary,
            "bars": bars,
            "chart_row": CHART_ROW,
            "chart_margin": CHART_MARGIN,
            "chart_height": len(bars) * CHART_ROW + 2 * CHART_MARGIN,
            "chart_description": chart_description(summary),
            "questions": questions,
            "matrix_rows": rows,
            "csv_url": f"/api/v1/stock-takes/{stock_take.slug}/summary/?format=csv",
        },
    )
