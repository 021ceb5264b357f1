"""Signed-in readers' pages kept under the data version (docs/decisions: signed-in pages
kept per reader).

The response cache answers anonymous readers only (decision 0026), so every page a
signed-in reader opened was made afresh, though it changes only when the data does. A
page view decorated with `kept_per_reader` keeps the page it made for a signed-in reader's
GET, for ``SVPORTAL_SIGNED_IN_PAGE_CACHE_SECONDS``, keyed by

- the data version, which every write to the portal's data moves on (borough roles
  included), and every write to users, groups, their permissions and who is in them
  (`core.api.answers.people_changed`, as for their API answers),
- the database, the full URL and the Accept header,
- the day (a plan's items fall overdue as days pass),
- the reader (`reader_fingerprint`: their id, and whether active, staff or superuser).

So one reader's page is never another's, and each reader sees every write at once. What
differs between two answers to the same reader is put in afresh each time: the CSP nonce,
and the CSRF token, masked anew from the reader's own secret (the page keeps a mark where
each token was). A request with flash messages waiting is answered afresh, so they are
shown and used up as before, and a page that queued a message, set a cookie, or is not a
plain 200 is never kept. If the cache does not answer, the page is made as if there were
no cache.

Each process also keeps the pages of the current version it served last in memory, as
the response cache does, so a repeated page costs one small read of the version.
"""

import base64
import hashlib
import logging
import os
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import (  # type: ignore[attr-defined]  # Django's own unmasking
    _unmask_cipher_token,
    get_token,
)
from django.utils import timezone

from .api.answers import reader_fingerprint
from .response_cache import KEY_PREFIX, LocalAnswers, data_version

logger = logging.getLogger(__name__)

#: Marks kept in a page where its CSP nonce and its CSRF tokens were; a page never holds a
#: NUL character of its own (the input guard refuses them, and templates write none).
NONCE_MARK = b"\x00nonce\x00"
CSRF_MARK = b"\x00csrf\x00"
MARKS = re.compile(b"(" + re.escape(NONCE_MARK) + b"|" + re.escape(CSRF_MARK) + b")")
#: What a masked CSRF token looks like (django.middleware.csrf: 64 letters and digits).
CSRF_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
#: Headers on which a kept page may vary: Accept is in its key, Cookie names the reader.
KEPT_VARY = {"accept", "cookie"}
#: Bytes of pages each process keeps in memory beside the shared cache.
LOCAL_PAGE_BYTES = 16 * 2**20

_local_pages = LocalAnswers(LOCAL_PAGE_BYTES)

View = Callable[..., HttpResponseBase]


def _seconds() -> int:
    seconds: int = getattr(settings, "SVPORTAL_SIGNED_IN_PAGE_CACHE_SECONDS", 0)
    return seconds


def _key(request: HttpRequest, token: str) -> str:
    identity = "|".join(
        (
            token,
            str(connections[DEFAULT_DB_ALIAS].settings_dict.get("NAME")),
            request.build_absolute_uri(),
            request.META.get("HTTP_ACCEPT", ""),
            timezone.localdate().isoformat(),
            reader_fingerprint(request.user),
        )
    )
    return f"{KEY_PREFIX}:reader-page:{hashlib.sha256(identity.encode()).hexdigest()}"


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _keepable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not getattr(response, "is_rendered", True):
        return False  # a TemplateResponse is rendered later, outside the view
    if _messages_waiting(request):
        return False  # queued while making the page: it belongs to this answer alone
    control = response.get("Cache-Control", "").lower()
    if "private" in control or "no-store" in control or "no-cache" in control:
        return False
    vary = {name.strip().lower() for name in response.get("Vary", "").split(",") if name.strip()}
    return vary <= KEPT_VARY


def _kept(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """The page split at the marks of where this answer's nonce and CSRF tokens were:
    pieces of the page at even places, marks at odd ones, so that each answer joins the
    pieces around its own instead of searching the whole page for them."""
    content = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        content = content.replace(nonce.encode(), NONCE_MARK)
    secret = request.META.get("CSRF_COOKIE")
    if secret and request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):

        def unmasked(match: re.Match[bytes]) -> bytes:
            found = match.group().decode()
            return CSRF_MARK if _unmask_cipher_token(found) == secret else match.group()

        content = CSRF_TOKEN.sub(unmasked, content)
    pieces = MARKS.split(content)
    return {
        "status": response.status_code,
        "headers": list(response.items()),
        "pieces": pieces,
        "nonce": NONCE_MARK in pieces[1::2],
        "csrf": CSRF_MARK in pieces[1::2],
        "size": len(content),
    }


def _answer(request: HttpRequest, kept: dict[str, Any]) -> HttpResponse:
    fresh = {}
    if kept["nonce"]:
        nonce = base64.b64encode(os.urandom(16)).decode("ascii")
        request._csp_nonce = nonce  # type: ignore[attr-defined]  # django-csp reads it
        fresh[NONCE_MARK] = nonce.encode()
    if kept["csrf"]:
        # Masked afresh from the reader's secret; asking for it also sends the CSRF cookie,
        # as rendering the token does.
        fresh[CSRF_MARK] = get_token(request).encode()
    pieces = kept["pieces"]
    content = b"".join(fresh[piece] if place % 2 else piece for place, piece in enumerate(pieces))
    response = HttpResponse(content, status=kept["status"])
    for name, value in kept["headers"]:
        response[name] = value
    return response


def kept_per_reader(view: View) -> View:
    """Keeps the page `view` makes for a signed-in reader's GET under the data version,
    for that reader alone (see the module). Only for views whose page depends on nothing
    but the URL, the data, the day and who reads it: not on the session or other headers."""

    @wraps(view)
    def keeping(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (
            request.method != "GET"
            or _seconds() <= 0
            or user is None
            or not user.is_authenticated
            or _messages_waiting(request)
        ):
            return view(request, *args, **kwargs)
        try:
            token = data_version()["token"]
            key = _key(request, token)
            kept = _local_pages.get(key, token)
            if kept is None:
                kept = cache.get(key)
                if kept is not None:
                    _local_pages.put(key, token, kept)
        except Exception:  # noqa: BLE001 - without a cache, make the page as if there were none
            logger.warning("The signed-in page cache did not answer", exc_info=True)
            return view(request, *args, **kwargs)
        if kept is not None:
            return _answer(request, kept)
        response = view(request, *args, **kwargs)
        if not _keepable(request, response):
            return response
        kept = _kept(request, cast(HttpResponse, response))
        try:
            cache.set(key, kept, _seconds())
        except Exception:  # noqa: BLE001
            logger.warning("The signed-in page cache did not keep a page", exc_info=True)
        else:
            _local_pages.put(key, token, kept)
        return response

    return keeping
