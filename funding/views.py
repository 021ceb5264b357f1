"""The funding page: streams and awards with what ends when. A stream's own page, which
also shows the case studies its awards funded, is svportal's (funding_pages.py)."""

from django.shortcuts import render
from django.utils import timezone

from core.charts import timeline_svg
from core.fragments import rendered_once
from core.paging import paginate, pagination_links, remove_filter_href

from . import selectors
from .forms import AwardFilterForm
from .maps import award_map
from .models import Award

AWARDS_PER_PAGE = 50


# --- Pages -----------------------------------------------------------------------------


def funding_index(request):
    """Streams, what ends when (chart and table), and the awards, filtered by a GET form."""
    today = timezone.localdate()
    streams = selectors.stream_list()
    form = AwardFilterForm(request.GET, streams=streams, boroughs=selectors.boroughs_with_awards())
    filters = {name: value for name, value in form.filters().items() if value}
    listed = selectors.award_list(filters=filters, user=request.user, records=Award.objects.all())
    awards, page_notice = paginate(
        request,
        listed.values(*selectors.AWARD_ROW_VALUES),
        AWARDS_PER_PAGE,
        # Counted without the columns the rows read: counting the rows' query counted its
        # joins to streams, funders, partnerships and organisations too (60 ms at national
        # scale against 0.3).
        count=listed.count(),
    )
    timeline = selectors.timeline(today)
    latest_awards = [] if timeline.ending_soon else selectors.latest_awards()
    return render(
        request,
        "funding/index.html",
        {
            "today": today,
            "streams": streams,
            "stream_rows": _stream_rows(streams),
            "form": form,
            "filter_fields": _filter_fields(form),
            "active_filters": [
                {
                    "field": field,
                    "label": label,
                    "remove_href": remove_filter_href(request.GET, name),
                }
                for field, label, name in form.active_filters()
            ],
            "awards": awards,
            "award_rows": _award_rows(awards),
            "pagination": pagination_links(awards, request.GET),
            "page_notice": page_notice,
            "timeline": timeline,
            "timeline_table_rows": _timeline_rows(timeline, today),
            "timeline_svg": timeline_svg(
                timeline.rows,
                today=today,
                soon_days=selectors.ENDING_SOON_DAYS,
                title="What ends when: funding streams and awards by end date",
                description=(
                    "A bar for each stream or award from its start to its end date, with a "
                    "line for today. The table below gives the same dates."
                ),
            ),
            "ending_soon_days": selectors.ENDING_SOON_DAYS,
            "latest_awards": latest_awards,
            "map": award_map("england"),
        },
    )


# --- Fragments -------------------------------------------------------------------------
# Hundreds of streams and of recipient areas, and a page of awards with their recipients,
# cost more to render than to read: their markup is kept once per set of them
# (core.fragments), built from plain values.


def _stream_rows(streams):
    """The streams table's rows."""
    rows = [
        {
            "href": stream.href,
            "name": stream.name,
            "funder": stream.funder_name or "",
            "total": stream.total_display,
            "dates": stream.dates_display,
            "awards": stream.award_count,
        }
        for stream in streams
    ]
    return rendered_once("funding/_stream_rows.html", {"rows": rows})


def _timeline_rows(timeline, today):
    """The "what ends when" table's rows, each with its state today in words."""
    soon_days = selectors.ENDING_SOON_DAYS
    rows = [
        {
            "kind": entry.kind,
            "href": entry.href,
            "label": entry.label,
            "starts": entry.starts_display,
            "ends": entry.ends_display,
            "state": entry.state(today, soon_days),
        }
        for entry in timeline.rows
    ]
    return rendered_once("funding/_timeline_rows.html", {"rows": rows, "soon_days": soon_days})


def _award_rows(awards):
    """The awards table's rows: a page of awards with their streams and recipients."""
    return rendered_once("funding/_award_rows.html", {"rows": selectors.award_rows(awards)})


def _filter_fields(form):
    """The awards filter's fields: a select each, with its choices, the one chosen and its
    errors."""
    fields = [
        {
            "name": field.name,
            "label": str(field.label),
            "errors": [str(error) for error in field.errors],
            "choices": [(str(value), str(label)) for value, label in field.field.choices],
            "chosen": str(field.value() or ""),
        }
        for field in form
    ]
    return rendered_once("funding/_filter_fields.html", {"fields": fields})
