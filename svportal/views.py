import sys
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils import timezone

from core.api.exceptions import (
    RETRY_AFTER_SECONDS,
    json_not_found,
    json_server_error,
    json_unavailable,
)
from core.signed_in_pages import kept_per_reader
from funding.selectors import latest_awards, with_stream_addresses

from .maps import home_maps
from .middleware import bad_request, is_api
from .selectors import funding_ending_soon, home_figures, latest_case_studies

#: Awards ending soon listed on the home page, the soonest first (the funding page has its
#: own list). At national scale about 500 end in any 90 days, and listing every one made
#: the home page a table of 500 rows (and 400 ms of its 700).
HOME_ENDING_SOON_SHOWN = 10


@kept_per_reader
def home(request):
    ending = funding_ending_soon()
    ending_soon = with_stream_addresses(ending[:HOME_ENDING_SOON_SHOWN])
    ending_count = len(ending_soon) if len(ending_soon) < HOME_ENDING_SOON_SHOWN else ending.count()
    return render(
        request,
        "home.html",
        {
            "figures": home_figures(),
            "latest_case_studies": latest_case_studies(),
            "funding_ending_soon": ending_soon,
            "funding_ending_soon_count": ending_count,
            "latest_awards": [] if ending_soon else latest_awards(),
            "today": timezone.localdate(),
            "maps": home_maps(),
        },
    )


def bad_request_page(request, exception=None):
    """What Django refuses before any view (a malformed or oversized form, a bad host):
    the portal's 400 in the API's shape or as a page."""
    return bad_request(request, {"request": ["The request could not be read."]})


def page_not_found(request, exception=None):
    if is_api(request):
        return json_not_found(request, exception)
    return render(request, "404.html", status=HTTPStatus.NOT_FOUND)


def server_error(request):
    """500, or 503 when the error was the database not answering (whether it refused the
    connection or dropped it mid-request): styled pages that touch no database, and the
    API's shape under /api/."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    if is_api(request):
        return json_server_error(request)
    return render(request, "500.html", status=HTTPStatus.INTERNAL_SERVER_ERROR)


def database_unavailable(request):
    if is_api(request):
        return json_unavailable(
            request, "The service cannot reach its database. Try again in a few minutes."
        )
    response = render(request, "503.html", status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
