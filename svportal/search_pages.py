"""The portal-wide search page, /search/: every kind of record at once, or one kind in full."""

from http import HTTPStatus

from django.core.paginator import Paginator
from django.shortcuts import render

from core.paging import pagination_links, past_the_last_page
from core.signed_in_pages import kept_per_reader

from .forms import PortalSearchForm
from .search import GROUP_LIMIT, KIND_PAGE_SIZE, KINDS, KINDS_BY_KEY, portal_search


@kept_per_reader
def portal_search_page(request):
    """GET /search/?q=…[&kind=…][&page=…]. Bad input is a 400 with the form's errors."""
    form = PortalSearchForm(request.GET, kinds=[(kind.key, kind.label) for kind in KINDS])
    if not form.is_valid():
        return render(
            request,
            "svportal/search.html",
            {"form": form, "search": None, "kinds": KINDS},
            status=HTTPStatus.BAD_REQUEST,
        )
    q = form.cleaned_data["q"]
    kind = KINDS_BY_KEY.get(form.cleaned_data["kind"])
    number = form.cleaned_data["page"] or 1
    context = {"form": form, "kinds": KINDS, "kind": kind, "q": q}
    if kind is None:
        context["search"] = portal_search(user=request.user, q=q, limit=GROUP_LIMIT)
        return render(request, "svportal/search.html", context)
    search = portal_search(
        user=request.user,
        q=q,
        kinds=[kind.key],
        limit=KIND_PAGE_SIZE,
        offset=(number - 1) * KIND_PAGE_SIZE,
    )
    group = search.groups[0] if search.groups else None
    if group is not None and group.count:
        page = Paginator(range(group.count), KIND_PAGE_SIZE).get_page(number)
        context["pagination"] = pagination_links(page, request.GET)
        context["page"] = page
        if page.number != number:
            # Past the end, the last page with a notice, as on every list page.
            context["page_notice"] = past_the_last_page(number, page.number)
            search = portal_search(
                user=request.user,
                q=q,
                kinds=[kind.key],
                limit=KIND_PAGE_SIZE,
                offset=(page.number - 1) * KIND_PAGE_SIZE,
            )
    context["search"] = search
    return render(request, "svportal/search.html", context)
