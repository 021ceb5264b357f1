"""One JSON shape for every API error:

    {"status": 400, "code": "invalid", "detail": "…", "errors": {"borough": ["…"]}}

`errors` appears when particular parameters or fields are at fault.
"""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.concurrency import StaleEdit
from core.errors import DomainError

from .concurrency import PreconditionFailed

SUMMARIES = {
    HTTPStatus.BAD_REQUEST: "The request has errors: see errors.",
    HTTPStatus.UNAUTHORIZED: "Sign in or send a token: Authorization: Token <key>.",
    HTTPStatus.FORBIDDEN: "You do not have permission to do this.",
    HTTPStatus.NOT_FOUND: "Not found.",
}


DEFAULT_CODES = {
    HTTPStatus.NOT_FOUND: "not_found",
    HTTPStatus.FORBIDDEN: "permission_denied",
}


#: A field or parameter -> its messages; nested fields under dotted names.
Errors = dict[str, list[Any]]


def error_body(
    status: int, code: str, detail: object, errors: Errors | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"status": int(status), "code": code, "detail": str(detail)}
    if errors:
        body["errors"] = errors
    return body


def as_api_error(exc: Exception, context: Mapping[str, Any]) -> Exception:
    """The API's meaning of an error raised below the views: every domain error is
    translated here, once, not in each view."""
    if isinstance(exc, DjangoValidationError):
        # Model and service validation speaks the same language as serializer validation.
        return exceptions.ValidationError(
            detail=exc.message_dict
            if hasattr(exc, "error_dict")
            else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, DjangoPermissionDenied):
        # A service's refusal keeps its words (DRF's own handler would drop them).
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, StaleEdit):
        # The view knows how the record reads now; without one, the bare 412.
        view: Any = context.get("view")
        if hasattr(view, "precondition_failed"):
            failed: Exception = view.precondition_failed(exc)
            return failed
        return PreconditionFailed()
    if isinstance(exc, DomainError):
        error = exceptions.APIException(str(exc) or None, code=exc.code)
        error.status_code = exc.status
        # DRF's handler says a wait as Retry-After (the attribute Throttled sets).
        error.wait = getattr(exc, "retry_after", None)  # type: ignore[attr-defined]
        return error
    return exc


def portal_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    exc = as_api_error(exc, context)
    response = exception_handler(exc, dict(context))
    if response is None:
        return None
    status = HTTPStatus(response.status_code)
    code = DEFAULT_CODES.get(status, "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body(status, "invalid", SUMMARIES[status], _flat(_plain(errors)))
    else:
        detail = getattr(exc, "detail", None) or SUMMARIES.get(status, status.phrase)
        body = error_body(status, code, detail)
        # An error may carry what helps to recover, e.g. the current record on a 412.
        body.update(getattr(exc, "extra", None) or {})
    request = context.get("request")
    if request is not None:
        # Errors are JSON whatever format was asked for: a CSV of an error helps nobody.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = "application/json"
    return Response(body, status=status, headers=_headers(response))


def _headers(response: HttpResponseBase) -> dict[str, str]:
    return {
        name: value
        for name, value in response.items()
        if name in ("WWW-Authenticate", "Retry-After", "Allow", "ETag")
    }


def _plain(errors: Any) -> Any:
    if isinstance(errors, dict):
        return {str(key): _plain(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_plain(value) for value in errors]
    return str(errors)


def _flat(errors: Mapping[str, Any], prefix: str = "") -> Errors:
    """Errors of nested fields under dotted names ("contact.email"), so that every value
    of `errors` is a list of messages."""
    flat: Errors = {}
    for name, value in errors.items():
        where = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{where}."))
        elif isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    flat.update(_flat(item, f"{where}.{index}."))
                elif isinstance(item, list):
                    flat.update(_flat({str(index): item}, f"{where}."))
                elif item:
                    flat.setdefault(where, []).append(item)
        else:
            flat[where] = value if isinstance(value, list) else [value]
    return flat


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """404 for unknown /api/ paths, in the API's shape."""
    return JsonResponse(
        error_body(HTTPStatus.NOT_FOUND, "not_found", "There is no such API endpoint."),
        status=HTTPStatus.NOT_FOUND,
    )


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "server_error",
            "Something went wrong on our side. It has been logged; please try again later.",
        ),
        status=HTTPStatus.INTERNAL_SERVER_ERROR,
    )


#: Seconds a client should wait before trying again after a 503.
RETRY_AFTER_SECONDS = 30


def json_unavailable(request: HttpRequest, detail: str) -> JsonResponse:
    """503 in the API's shape, with Retry-After, for a service the portal depends on that
    does not answer."""
    response = JsonResponse(
        error_body(HTTPStatus.SERVICE_UNAVAILABLE, "unavailable", detail),
        status=HTTPStatus.SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
