"""GOV.UK pagination and filter links for every list page, on the floor all apps import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict


def paginate(
    request: HttpRequest,
    object_list: QuerySet[Any] | Sequence[Any],
    per_page: int,
    *,
    count: int | None = None,
    paginator_class: type[Paginator[Any]] = Paginator,
) -> tuple[Page[Any], str]:
    """The page the URL asks for, and a notice when that page does not exist. Give the
    `count` when it is known already (counted with other figures), to save a query, and a
    `paginator_class` that reads pages some cheaper way than OFFSET.

    A page that is not a number, or is past the end, is not an error worth a 404 on a
    shared link: the nearest real page is shown with a notice saying so.
    """
    paginator = paginator_class(object_list, per_page)
    if count is not None:
        paginator.count = count  # a cached property: told, not counted
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
                notice = past_the_last_page(number, paginator.num_pages)
                number = paginator.num_pages
    return paginator.page(number), notice


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for an ellipsis
    href: str = ""
    current: bool = False


def past_the_last_page(number: int, last: int) -> str:
    """The notice of a list page asked for past its last, ``last``, which is shown instead."""
    return f"There is no page {number}, so you are seeing the last page, page {last}."


def page_href(query: QueryDict, number: int) -> str:
    """The current URL's query with another page number (page 1 has none)."""
    query = query.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = str(number)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def pagination_links(page: Page[Any], query: QueryDict) -> dict[str, Any] | None:
    """Previous, next and numbered links with ellipses, for templates/funding/_pagination.html."""
    total = page.paginator.num_pages
    if total <= 1:
        return None
    current = page.number
    items = [
        PageLink(number, page_href(query, number), number == current)
        if isinstance(number, int)
        else PageLink(number=None)  # the paginator's ellipsis
        for number in page.paginator.get_elided_page_range(current, on_each_side=1, on_ends=1)
    ]
    return {
        "previous": page_href(query, current - 1) if page.has_previous() else "",
        "next": page_href(query, current + 1) if page.has_next() else "",
        "items": items,
    }


def remove_filter_href(query: QueryDict, name: str, value: object = None) -> str:
    """The current URL without one filter value (or the whole parameter), back on page 1."""
    query = query.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [item for item in query.getlist(name) if item != str(value)])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
