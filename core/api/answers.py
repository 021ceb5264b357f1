"""Answers to signed-in API reads kept under the data version (docs/decisions: signed-in
API answers kept per reader).

The response cache (core/response_cache.py) never answers a request that names a user: an
API token or a session. Such a read is answered here instead, once DRF has authenticated
the reader, checked their permissions and counted them against their throttle, from what
the same view answered the same reader before, under the same data version and day:

- The key names the data version, the database, the day (Europe/London: an item falls
  overdue at midnight), the reader (their id, and whether they are active, staff or a
  superuser), the whole URL (host and scheme included) and the Accept header. What else
  decides what a reader may see lives in the database (their groups, permissions and
  borough roles), and every write to it moves the data version on: the data apps' signals
  (boroughs' roles among them) and `people_changed` below, for users, groups, permissions
  and API tokens. No answer is ever served to another reader.
- Only a plain answer is kept: a GET, status 200, rendered whole (not a streamed CSV),
  no cookie set, nothing marked private, no-store or no-cache, and not a conditional GET
  (the view's own ETag decides those afresh).
- Kept answers and fresh ones alike say ``Vary: Authorization``.

``SVPORTAL_SIGNED_IN_API_CACHE_SECONDS`` is their lifetime; 0 turns them off. If the cache
does not answer, the request is answered as if there were none.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from rest_framework.request import Request
from rest_framework.response import Response

from core.response_cache import KEY_PREFIX, bump_data_version, data_version

logger = logging.getLogger(__name__)

#: Request headers that make a GET conditional: the view decides those itself.
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def _seconds() -> int:
    seconds: int = getattr(settings, "SVPORTAL_SIGNED_IN_API_CACHE_SECONDS", 0)
    return seconds


def reader_fingerprint(user: Any) -> str:
    """What of the reader, beyond the database's rows about them, decides what they see."""
    return f"{user.pk}:{int(user.is_active)}{int(user.is_staff)}{int(user.is_superuser)}"


def signed_in_answer_key(request: Request, token: str) -> str:
    database = str(connections["default"].settings_dict.get("NAME"))
    identity = "|".join(
        (
            token,
            database,
            timezone.localdate().isoformat(),
            reader_fingerprint(request.user),
            request.build_absolute_uri(),
            request.META.get("HTTP_ACCEPT", ""),
        )
    )
    return f"{KEY_PREFIX}:signed-in:{hashlib.sha256(identity.encode()).hexdigest()}"


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
    _signed_in_answer_key: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._signed_in_get = request.method == "GET" and request.user.is_authenticated
        if not (self._signed_in_get and self.keep_signed_in_answers and _seconds() > 0):
            return
        if any(name in request.META for name in CONDITIONAL_HEADERS):
            return
        try:
            key = signed_in_answer_key(request, data_version()["token"])
            stored = cache.get(key)
        except Exception:  # noqa: BLE001 - without a cache, answer as if there were none
            logger.warning("The signed-in answer cache did not answer", exc_info=True)
            return
        if stored is None:
            self._signed_in_answer_key = key
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
        key = self._signed_in_answer_key
        if key is not None and isinstance(response, SimpleTemplateResponse):
            response.add_post_render_callback(lambda rendered: _keep(key, rendered))
        return response


def _keep(key: str, response: HttpResponseBase) -> None:
    if not _keepable_response(response):
        return
    try:
        cache.set(key, _kept(response), _seconds())
    except Exception:  # noqa: BLE001
        logger.warning("The signed-in answer cache did not keep an answer", exc_info=True)


def people_changed(sender: Any, **kwargs: Any) -> None:
    """Signal receiver: a user, group, permission or API token changed, which may change
    what someone may see. A sign-in, which only records its time, changes nothing."""
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    bump_data_version()
