"""Middleware of the portal as a whole."""

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import render

from core.api.exceptions import SUMMARIES, error_body
from core.api.parsers import too_large_detail
from core.inputs import fields_problems, query_string_problems


def is_api(request):
    return request.path_info.startswith("/api/")


def too_large(request):
    """413: a body over DATA_UPLOAD_MAX_MEMORY_SIZE (files aside)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = too_large_detail(limit)
    if is_api(request):
        return JsonResponse(
            error_body(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", detail),
            status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        )
    return render(
        request,
        "400.html",
        {"problems": {"request": [detail]}},
        status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    )


def bad_request(request, problems):
    """The portal's 400: the API's error shape under /api/ (whatever format was asked
    for), a GOV.UK error page elsewhere."""
    if is_api(request):
        return JsonResponse(
            error_body(
                HTTPStatus.BAD_REQUEST, "invalid", SUMMARIES[HTTPStatus.BAD_REQUEST], problems
            ),
            status=HTTPStatus.BAD_REQUEST,
        )
    return render(request, "400.html", {"problems": problems}, status=HTTPStatus.BAD_REQUEST)


class InputGuardMiddleware:
    """One guard for every query parameter, form field and path: a value no field could
    take (core.inputs) is refused with a 400 before any view runs, so nothing is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problems = self.problems(request)
        except RequestDataTooBig:
            return too_large(request)
        if problems:
            return bad_request(request, problems)
        return self.get_response(request)

    @staticmethod
    def problems(request):
        if "\x00" in request.path_info:
            return {"path": ["The address must be text in UTF-8 without NUL characters."]}
        problems = query_string_problems(request.META.get("QUERY_STRING", ""))
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for name, messages in fields_problems(request.POST).items():
                problems.setdefault(name, []).extend(messages)
        return problems
