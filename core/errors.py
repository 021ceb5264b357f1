"""What a service's refusal means, whatever page or endpoint asked.

A domain exception subclasses one of these, so that the API's one exception handler
(``core.api.exceptions``) answers it with the same status and code wherever it is raised,
and no view translates it by hand. The message is the service's own words.
"""

from http import HTTPStatus
from typing import ClassVar


class DomainError(Exception):
    """A refusal by the rules of the portal, not a fault."""

    status: ClassVar[HTTPStatus] = HTTPStatus.BAD_REQUEST
    code: ClassVar[str] = "invalid"


class Conflict(DomainError):
    """The record's state does not allow this now (its status, or a job not finished)."""

    status = HTTPStatus.CONFLICT
    code = "conflict"


class Gone(DomainError):
    """What was asked for existed once and has been removed (an expired file)."""

    status = HTTPStatus.GONE
    code = "gone"


class TooMany(DomainError):
    """The user has reached a limit on how many of something may run at once."""

    status = HTTPStatus.TOO_MANY_REQUESTS
    code = "too_many_requests"


class Unavailable(DomainError):
    """A service the portal depends on does not answer; nothing was done."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = "unavailable"
    #: Seconds after which trying again is worthwhile (the Retry-After header).
    retry_after: int | None = None
