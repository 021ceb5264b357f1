"""The funding page: streams and awards with what ends when. A stream's own page, which
also shows the case studies its awards funded, is svportal's (funding_pages.py)."""

from django.shortcuts import render
from django.utils import timezone

from core.charts import timeline_svg
from core.paging import paginate, pagination_links, remove_filter_href

from . import selectors
from .forms import AwardFilterForm
from .maps import award_map

AWARDS_PER_PAGE = 50


# --- Pages -----------------------------------------------------------------------------


def funding_index(request):
    """Streams, what ends when (chart and table), and the awards, filtered by a GET form."""
    today = timezone.localdate()
    streams = selectors.stream_list()
    form = AwardFilterForm(request.GET, streams=streams, boroughs=selectors.boroughs_with_awards())
    filters = {name: value for name, value in form.filters().items() if value}
    awards, page_notice = paginate(
        request, selectors.award_list(filters=filters, user=request.user), AWARDS_PER_PAGE
    )
    selectors.with_stream_addresses(awards)
    timeline = selectors.timeline(today)
    latest_awards = [] if timeline.ending_soon else selectors.latest_awards()
    return render(
        request,
        "funding/index.html",
        {
            "today": today,
            "streams": streams,
            "form": form,
            "active_filters": [
                {
                    "field": field,
                    "label": label,
                    "remove_href": remove_filter_href(request.GET, name),
                }
                for field, label, name in form.active_filters()
            ],
            "awards": awards,
            "pagination": pagination_links(awards, request.GET),
            "page_notice": page_notice,
            "timeline": timeline,
            "timeline_rows": [
                (entry, entry.state(today, selectors.ENDING_SOON_DAYS)) for entry in timeline.rows
            ],
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
