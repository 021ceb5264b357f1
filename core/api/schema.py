"""The OpenAPI schema states every error an operation can answer, in the one error shape.

drf-spectacular documents what a view declares; the errors every endpoint shares come from
these conventions instead (strict parameters, tokens, paging, throttling, body limits, a
database that does not answer), so a postprocessing hook adds them to every operation that
can give them, unless the view documented its own.
"""

from typing import Any

ERROR_COMPONENT = "Error"

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error: {status, code, detail, errors}.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status, again."},
        "code": {"type": "string", "description": "What went wrong, for programs."},
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "errors": {
            "type": "object",
            "description": "The parameters or fields at fault, each with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["status", "code", "detail"],
    "additionalProperties": True,  # e.g. "current" on a 412
}

WHY = {
    "400": "A parameter or field is wrong: errors names each one (an unknown parameter, a "
    "value that names no record, one no field could take).",
    "401": "The token sent is not valid, or this needs signing in or a token.",
    "403": "You may not do this.",
    "404": "Not found, or not visible to you (also a page number past the last page).",
    "412": "If-Match names a version that is no longer current: read the record again.",
    "413": "The request body is larger than the limit.",
    "415": "The body is not JSON (or a form, where the operation takes one).",
    "428": "If-Match is missing: send the ETag of the record as read.",
    "429": "Too many requests: wait for Retry-After seconds.",
    "503": "A service the portal needs does not answer: try again after Retry-After seconds.",
}

UNSAFE = {"post", "put", "patch", "delete"}


def _errors_for(path: str, method: str, operation: dict[str, Any]) -> set[str]:
    statuses = {"401", "429", "503"}
    parameters = operation.get("parameters", [])
    if parameters or "requestBody" in operation or "{" in path:
        statuses.add("400")  # path values too: a NUL or non-UTF-8 byte in them
    if "{" in path or any(p.get("name") == "page" for p in parameters):
        statuses.add("404")
    if method in UNSAFE:
        statuses.add("403")
    if "requestBody" in operation:
        statuses |= {"413", "415"}
    takes_if_match = any(
        p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in parameters
    )
    if method in {"put", "patch"} or takes_if_match:
        statuses |= {"412", "428"}
    return statuses


def document_errors(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the shared errors to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(_errors_for(path, method, operation)):
                documented = responses.setdefault(status, {"description": WHY[status]})
                documented.setdefault("description", WHY[status])
                documented.setdefault("content", {"application/json": {"schema": reference}})
    return result
