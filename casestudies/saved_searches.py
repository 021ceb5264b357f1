"""Saved searches: a signed-in user saves the case-studies search and filters in use, and
gets an e-mail when new case studies match it (casestudies/tasks.py); on /my/searches/
they list, change and delete their own. Another user's saved search is a 404, never a
403, so its existence does not leak. Writes go through services.py.
"""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .browse_forms import SavedSearchForm, criteria_query, describe_queries, saved_criteria
from .models import SavedSearch


def _errors(form):
    """[(field id, message)] for the error summary, in the form's order."""
    ids = {"name": "name", "frequency": "frequency"}
    return [
        (ids.get(name, ""), message)
        for name in form.fields
        for message in form.errors.get(name, ())
    ] + [("", message) for message in form.non_field_errors()]


def _add_service_errors(form, error):
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


def _own(request, pk):
    return get_object_or_404(SavedSearch, pk=pk, user=request.user)


@login_required
@require_http_methods(["GET"])
def saved_search_list(request):
    """The user's saved searches: what each searches for, how often it comes, and links
    to its results, to change it and to delete it. Three queries at most, however many."""
    saved_searches = list(selectors.saved_searches_of(request.user))
    described = describe_queries([saved_search.query for saved_search in saved_searches])
    return render(
        request,
        "casestudies/searches/list.html",
        {"rows": list(zip(saved_searches, described, strict=True))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_new(request):
    """Save a search: POSTed from the case-studies page (or this page's own form, which a
    GET with the search in its query string shows)."""
    data = request.POST if request.method == "POST" else None
    query = request.POST.get("query", "") if data else request.GET.urlencode()
    criteria, left_out = saved_criteria(query)
    query = criteria_query(criteria)
    status = HTTPStatus.OK
    if data is not None:
        form = SavedSearchForm(data)
        if form.is_valid():
            try:
                saved_search = services.saved_search_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    query=query,
                    frequency=form.cleaned_data["frequency"],
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                how_often = "every day" if saved_search.frequency == "daily" else "every week"
                message = (
                    f"‘{saved_search.name}’ is saved. We will email you {how_often} when new "
                    "case studies match it."
                )
                if left_out:
                    message += " Filters that named nothing were left out: " + "; ".join(left_out)
                messages.success(request, message)
                return redirect("casestudies:saved-searches")
        status = HTTPStatus.BAD_REQUEST
    else:
        form = SavedSearchForm(initial={"frequency": SavedSearch.Frequency.WEEKLY})
    return render(
        request,
        "casestudies/searches/new.html",
        {
            "form": form,
            "errors": _errors(form) if form.is_bound else [],
            "query": query,
            "description": describe_queries([query])[0],
            "left_out": left_out,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_change(request, pk):
    """Rename a saved search or change how often its e-mail comes."""
    saved_search = _own(request, pk)
    name = saved_search.name  # as saved, for the heading, whatever is typed
    status = HTTPStatus.OK
    if request.method == "POST":
        form = SavedSearchForm(request.POST, with_query=False)
        if form.is_valid():
            try:
                services.saved_search_update(
                    saved_search=saved_search,
                    acting_user=request.user,
                    name=form.cleaned_data["name"],
                    frequency=form.cleaned_data["frequency"],
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, f"‘{saved_search.name}’ has been changed.")
                return redirect("casestudies:saved-searches")
        status = HTTPStatus.BAD_REQUEST
    else:
        form = SavedSearchForm(
            initial={"name": saved_search.name, "frequency": saved_search.frequency},
            with_query=False,
        )
    return render(
        request,
        "casestudies/searches/change.html",
        {
            "form": form,
            "errors": _errors(form) if form.is_bound else [],
            "saved_search": saved_search,
            "name": name,
            "description": describe_queries([saved_search.query])[0],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def saved_search_delete(request, pk):
    """Ask, then delete."""
    saved_search = _own(request, pk)
    if request.method == "POST":
        services.saved_search_delete(saved_search=saved_search, acting_user=request.user)
        messages.success(request, f"‘{saved_search.name}’ has been deleted.")
        return redirect("casestudies:saved-searches")
    return render(
        request,
        "casestudies/searches/delete.html",
        {
            "saved_search": saved_search,
            "description": describe_queries([saved_search.query])[0],
        },
    )
