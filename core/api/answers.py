"""Answers to signed-in API reads kept under the data version (docs/decisions/0042).

The response cache (core/response_cache.py) never answers a request that names a user: an
API token or a session. Such a read is answered here instead, once DRF has authenticated
the reader, checked their permissions and counted them against their throttle, from what
the same view answered the same reader before, under the same data version and day:

- An answer is kept with the data version it was made under, and read together with the
  current version in one round trip (``read_under_data_version``); its key names the
  database, the day (Europe/London: an item falls overdue at midnight), the reader (their
  id, and whether they are active, staff or a superuser), the whole URL (host and scheme
  included) and the Accept header. What else
  decides what a reader may see lives in the database (their groups, permissions and
  borough roles), and every write to it moves the data version on: the data apps' signals
  (boroughs' roles among them) and `people_changed` below, for users, groups, permissions
  and API tokens. No answer is ever served to another reader.
- Only a plain answer is kept: a GET, status 200, rendered whole (not a streamed CSV),
  no cookie set, nothing marked private, no-store or no-cache, and not a conditional GET
  (the view's own ETag decides those afresh).
- Kept answers and fresh ones alike say ``Vary: Authorization``.
- Each process also keeps the answers of the current version it served last in memory,
  as the response cache does, so a repeated read costs one small read of the version.

``SVPORTAL_SIGNED_IN_API_CACHE_SECONDS`` is their lifetime; 0 turns them off. If the cache
does not answer, the request is answered as if there were none.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from rest_framework.request import Request
from rest_framework.response import Response

from core.response_cache import (
    MISSING,
    LocalAnswers,
    bump_data_version,
    data_version,
    keep_under_data_version,
    kept_key,
    read_under_data_version,
)

logger = logging.getLogger(__name__)

#: Bytes of answers each process keeps in memory beside the shared cache: a repeated read
#: then costs one small read of the data version instead of fetching its answer (the
#: borough summary is 400 KB).
LOCAL_ANSWER_BYTES = 16 * 2**20

_local_answers = LocalAnswers(LOCAL_ANSWER_BYTES)

#: Request headers that make a GET conditional: the view decides those itself.
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def _seconds() -> int:
    seconds: int = getattr(settings, "SVPORTAL_SIGNED_IN_API_CACHE_SECONDS", 0)
    return seconds


def reader_fingerprint(user: Any) -> str:
    """What of the reader, beyond the database's rows about them, decides what they see."""
    return f"{user.pk}:{int(user.is_active)}{int(user.is_staff)}{int(user.is_superuser)}"


def signed_in_answer_key(request: Request) -> str:
    """The key of the answer to this request: it names everything the answer depends on but
    the data version, which the answer kept under it carries (read_under_data_version)."""
    identity = "|".join(
        (
            timezone.localdate().isoformat(),
            reader_fingerprint(request.user),
            request.build_absolute_uri(),
            request.META.get("HTTP_ACCEPT", ""),
        )
    )
    return kept_key("signed-in", identity, using="default")


def _keepable_response(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    control = response.get("Cache-Control", "").lower()
    return not ("private" in control or "no-store" in control or "no-cache" in control)


def _kept(response: HttpResponseBase) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "headers": list(response.items()),
        "content": response.content,  # type: ignore[attr-defined]  # rendered, not streamed
        "size": len(response.content),  # type: ignore[attr-defined]
    }


def _answer(stored: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(stored["content"], status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    return response


class SignedInAnswersMixin:
    """Keeps a signed-in reader's answers to the view's GETs under the data version, and
    answers the same GET from them, after authentication, permissions and throttling."""

    #: False for a view whose answers depend on records no data-version write covers.
    keep_signed_in_answers = True
    #: Set once DRF has authenticated the request: a GET by a signed-in reader.
    _signed_in_get = False
    #: Where to keep the answer to a GET no answer was kept for: its key, and the data
    #: version it is made under.
    _signed_in_answer: tuple[str, str] | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._signed_in_get = request.method == "GET" and request.user.is_authenticated
        if not (self._signed_in_get and self.keep_signed_in_answers and _seconds() > 0):
            return
        if any(name in request.META for name in CONDITIONAL_HEADERS):
            return
        key = signed_in_answer_key(request)
        try:
            # Read with the token's user, if it was kept: one round trip for both.
            read = getattr(request.successful_authenticator, "data_version", None)
            token = read or data_version()["token"]
            stored: Any = _local_answers.get(key, token)
            if stored is None:
                token, stored = read_under_data_version(key)
                if stored is not MISSING:
                    _local_answers.put(key, token, stored)
        except Exception:  # noqa: BLE001 - without a cache, answer as if there were none
            logger.warning("The signed-in answer cache did not answer", exc_info=True)
            return
        if stored is MISSING:
            self._signed_in_answer = (key, token)
            return
        answer = _answer(stored)
        # DRF calls the handler for the method next: this one gives the kept answer.
        kept_handler: Callable[..., HttpResponse] = lambda *args, **kwargs: answer  # noqa: E731
        setattr(self, request.method.lower(), kept_handler)  # type: ignore[union-attr]

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if not self._signed_in_get:
            return response  # anonymous, a write, or refused before DRF knew who asked
        # The answer depends on who asks: no shared cache may give it to another reader.
        patch_vary_headers(response, ["Authorization"])
        where = self._signed_in_answer
        if where is not None and isinstance(response, SimpleTemplateResponse):
            response.add_post_render_callback(lambda rendered: _keep(*where, rendered))
        return response


def _keep(key: str, token: str, response: HttpResponseBase) -> None:
    if _keepable_response(response):
        kept = _kept(response)
        keep_under_data_version(key, token, kept, _seconds())
        _local_answers.put(key, token, kept)


def people_changed(sender: Any, **kwargs: Any) -> None:
    """Signal receiver: a user, group, permission or API token changed, which may change
    what someone may see. A sign-in, which only records its time, changes nothing."""
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    bump_data_version()
