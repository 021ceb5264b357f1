"""Optimistic concurrency over HTTP: a GET gives an ETag, a write must send it back.

PATCH or PUT without If-Match is refused with 428; with an ETag that is no longer
current, or a weak one (``W/"…"``, which by RFC 9110 never matches in If-Match), 412 —
and the stored record is left as it was.
"""

import re
from http import HTTPStatus

from rest_framework.exceptions import APIException

ETAG = re.compile(r'^"(?P<model>[a-z]+)-(?P<pk>\d+)-v(?P<version>\d+)"$')


class PreconditionRequired(APIException):
    status_code = HTTPStatus.PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = (
        "Send the ETag you last read in an If-Match header, so that nobody's change is "
        "overwritten unseen."
    )


class PreconditionFailed(APIException):
    status_code = HTTPStatus.PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = (
        "Someone else has changed this since you read it. Check their change (in current), "
        "and send yours again with the new ETag."
    )

    def __init__(self, detail=None, *, current=None, etag=None):
        super().__init__(detail)
        self.extra = {"current": current, "etag": etag} if current is not None else {}


def etag_for(instance):
    return f'"{instance._meta.model_name}-{instance.pk}-v{instance.version}"'


def expected_version(request, instance):
    """The version the client says it is changing, from If-Match."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    candidates = [part.strip() for part in header.split(",")]
    for candidate in candidates:
        match = ETAG.match(candidate)
        if (
            match
            and match["model"] == instance._meta.model_name
            and int(match["pk"]) == instance.pk
        ):
            return int(match["version"])
    if any(candidate.startswith("W/") for candidate in candidates):
        raise PreconditionFailed(
            "If-Match takes only strong ETags: send the ETag from your last GET of this "
            'record exactly as it came, without "W/".'
        )
    raise PreconditionFailed(
        "The If-Match header does not name a version of this record. Send the ETag from "
        "your last GET of it."
    )


class ETagMixin:
    """Adds the ETag header to a single record's responses."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(self.get_object_cached())
        return response

    def get_object_cached(self):
        if not hasattr(self, "_object"):
            self._object = self.get_object()
        return self._object
