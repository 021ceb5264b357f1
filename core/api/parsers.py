"""JSON bodies: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (as for forms), and held to the
same rules as every query parameter and form field (core.inputs)."""

from collections.abc import Mapping
from http import HTTPStatus
from typing import IO, Any

import orjson
from django.conf import settings
from drf_orjson_renderer.parsers import ORJSONParser
from rest_framework.exceptions import APIException, ParseError, ValidationError

from core.inputs import MAX_NUMBER, is_whole_number, value_problem


def too_large_detail(limit: int) -> str:
    return f"The request body is larger than the limit of {limit:,} bytes."


class RequestTooLarge(APIException):
    status_code = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(too_large_detail(limit))


class PortalJSONParser(ORJSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None and declared and is_whole_number(declared) and int(declared) > limit:
            raise RequestTooLarge(limit)
        body = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(body) > limit:
            raise RequestTooLarge(limit)
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"The body is not JSON in UTF-8: {exc}") from None
        problems: dict[str, list[str]] = {}
        _check(data, "", problems)
        if problems:
            raise ValidationError(problems)
        return data


def _check(value: Any, path: str, problems: dict[str, list[str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            problem = value_problem(key)
            if problem:
                problems.setdefault(where, []).append(problem)
            _check(item, where, problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}.{index}" if path else str(index), problems)
    elif isinstance(value, str):
        problem = value_problem(value)
        if problem:
            problems.setdefault(path or "body", []).append(problem)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_NUMBER:
        problems.setdefault(path or "body", []).append(
            f"Must be a number between -{MAX_NUMBER} and {MAX_NUMBER}."
        )
