"""Funding pages: streams and awards with what ends when, and a stream's own page.

`paginate` and `pagination_links` are the GOV.UK pagination every list page uses;
they live here, on a floor casestudies may import from, until the ground floor has a
home for page helpers.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .charts import timeline_svg
from .forms import AwardFilterForm

AWARDS_PER_PAGE = 50


# --- Pagination shared by list pages ---------------------------------------------------


def paginate(request, object_list, per_page):
    """The page the URL asks for, and a notice when that page does not exist.

    A page that is not a number, or is past the end, is not an error worth a 404 on a
    shared link: the nearest real page is shown with a notice saying so.
    """
    paginator = Paginator(object_list, per_page)
    raw = request.GET.get("page", "").strip()
    number, notice = 1, ""
    if raw:
        try:
            number = int(raw)
            if number < 1:
                raise ValueError(raw)
        except ValueError:
            number = 1
            notice = f"‘{raw[:20]}’ is not a page number, so you are seeing page 1."
        else:
            if number > paginator.num_pages:
                notice = (
                    f"There is no page {number}, so you are seeing the last page, "
                    f"page {paginator.num_pages}."
                )
                number = paginator.num_pages
    return paginator.page(number), notice


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for an ellipsis
    href: str = ""
    current: bool = False


def page_href(query, number):
    """The current URL's query with another page number (page 1 has none)."""
    query = query.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = str(number)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def pagination_links(page, query):
    """Previous, next and numbered links with ellipses, for templates/funding/_pagination.html."""
    total = page.paginator.num_pages
    if total <= 1:
        return None
    current = page.number
    shown = sorted({1, total, current - 1, current, current + 1} & set(range(1, total + 1)))
    items, previous = [], 0
    for number in shown:
        if number - previous > 1:
            items.append(PageLink(number=None))
        items.append(PageLink(number, page_href(query, number), number == current))
        previous = number
    return {
        "previous": page_href(query, current - 1) if page.has_previous() else "",
        "next": page_href(query, current + 1) if page.has_next() else "",
        "items": items,
    }


def remove_filter_href(query, name, value=None):
    """The current URL without one filter value (or the whole parameter), back on page 1."""
    query = query.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [item for item in query.getlist(name) if item != str(value)])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


# --- Pages -----------------------------------------------------------------------------


def funding_index(request):
    """Streams, what ends when (chart and table), and the awards, filtered by a GET form."""
    today = timezone.localdate()
    streams = selectors.stream_list()
    form = AwardFilterForm(
        request.GET, streams=streams, boroughs=list(selectors.boroughs_with_awards())
    )
    awards, page_notice = paginate(request, selectors.award_list(**form.filters()), AWARDS_PER_PAGE)
    timeline = selectors.timeline(today)
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
        },
    )


def stream_detail(request, slug):
    stream = selectors.stream_detail(slug)
    if stream is None:
        raise Http404("No funding stream by that name.")
    return render(
        request,
        "funding/stream_detail.html",
        {
            "stream": stream,
            "total": selectors.stream_total_display(stream),
            "awards": list(selectors.stream_awards(stream)),
        },
    )
