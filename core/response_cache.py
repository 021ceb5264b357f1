"""Anonymous GET answers kept in the cache under a data version that every write moves on
(docs/decisions: the response cache).

- `bump_data_version()` gives the portal's data a new version: at once, and again when the
  writing transaction commits (so that an answer read while the write was in flight is
  never kept under the new version). Model signals call it for every save, delete and
  many-to-many change of the apps named in ``RESPONSE_CACHE_DATA_APPS``; paths that write
  without signals (bulk_create, update(), stored search documents) call it themselves.
- `CachedAnswerMiddleware`, early in the stack, answers an anonymous GET from the cache when
  it has the answer under the current version, with ETag and Last-Modified (the time of the
  last write), and a 304 to a conditional GET that still matches: before sessions, CSRF,
  authentication and messages are set up for a request that needs none of them. Only the
  security headers' middlewares (HTTPS, CSP with a fresh nonce) run around it.
- `ResponseCacheMiddleware`, next to the views, keeps the answer to a request the first
  one found no answer for. Only plain public answers are kept: 200, not streamed, no cookie
  set or read (no session, no CSRF token, no messages), nothing marked private or no-store.
- The token every answer is kept under names the release as well as the data version
  (`core.release`): a release that changes how answers look serves none made by the code
  before it, although it wrote no data.
- Each process also keeps the answers of the current version it served last in memory
  (`LOCAL_ANSWER_BYTES`), so a hit costs one small read of the version from the cache
  instead of fetching the whole answer (half a megabyte for the boroughs' map) every time.

The cache's lifetime is ``SVPORTAL_RESPONSE_CACHE_SECONDS``; 0 turns it off. If the cache
does not answer, requests are answered as if there were none.

- `kept_under_data_version(key, compute, seconds=…)` keeps a figure that many different
  requests ask for (a case-study search's facet counts, shared by its every page and sort,
  signed-in or not) under the same data version; the setting of its lifetime is named in
  ``DATA_VERSION_CACHE_SETTINGS`` so that the version moves on while it is on.
"""

import base64
import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .release import release

logger = logging.getLogger(__name__)

VERSION_KEY = "svportal:data-version"
KEY_PREFIX = "svportal:response"
#: Cookies that mean the answer may be personal (a session, flash messages).
PERSONAL_COOKIES = ("sessionid", "messages")
CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
#: Bytes of answers each process keeps in memory beside the shared cache. The portal's
#: anonymous pages and lists at real scale are a few megabytes in all.
LOCAL_ANSWER_BYTES = 32 * 2**20


class DataVersion(TypedDict):
    token: str
    at: int  # when it was made, in seconds since the epoch


def _seconds() -> int:
    seconds: int = getattr(settings, "SVPORTAL_RESPONSE_CACHE_SECONDS", 0)
    return seconds


def _versioned() -> bool:
    """Whether anything is kept under the data version: the response cache's answers, or
    what another cache keyed by the version keeps (``DATA_VERSION_CACHE_SETTINGS`` names
    the settings of their lifetimes, 0 for off)."""
    lifetimes = getattr(settings, "DATA_VERSION_CACHE_SETTINGS", ())
    return _seconds() > 0 or any(getattr(settings, name, 0) > 0 for name in lifetimes)


def _new_version() -> DataVersion:
    return {"token": uuid.uuid4().hex, "at": int(time.time())}


def _store_version() -> None:
    try:
        cache.set(VERSION_KEY, _new_version(), None)
    except Exception:  # noqa: BLE001 - a cache that does not answer only loses its use
        logger.warning("The response cache did not take a new data version", exc_info=True)


#: When this process started: a release's answers are never older than that (below).
_STARTED = int(time.time())


def _of_this_release(version: DataVersion) -> DataVersion:
    """The data version as this release keeps under it: its token names the release
    (`core.release`), so that what the code of another release made, although under the
    same data, is never served by this one (the data version is shared by every release,
    so that a write by any moves it on for all); and its time is no earlier than this
    process's start, so that a conditional GET by the time of an answer made by the code
    before is not told that nothing changed."""
    return {"token": f"{release()}:{version['token']}", "at": max(version["at"], _STARTED)}


def data_version() -> DataVersion:
    """The current version ({"token", "at"}) of this release, made if the cache has none."""
    version: DataVersion | None = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), None)
        version = cache.get(VERSION_KEY)
    return _of_this_release(cast(DataVersion, version))


def bump_data_version() -> None:
    """The portal's data changed: no answer kept before now is served again."""
    if not _versioned():
        return  # nothing is kept, so nothing can go stale
    _store_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_store_version)


def data_changed(sender: type[Model], **kwargs: Any) -> None:
    """Signal receiver: a record of one of the portal's data apps changed."""
    model = kwargs.get("model") if "pk_set" in kwargs else None
    labels = getattr(settings, "RESPONSE_CACHE_DATA_APPS", ())
    if sender._meta.app_label in labels or (model is not None and model._meta.app_label in labels):
        bump_data_version()


# --- Figures kept under the data version ---------------------------------------------

_Kept = TypeVar("_Kept")
#: What `read_under_data_version` gives when nothing is kept under the current version.
MISSING = object()


def kept_key(name: str, key: str, *, using: str) -> str:
    """The cache key of what is kept as ``key`` (which must name everything the answer
    depends on but the data version) for the database ``using``: databases that share a
    cache never share answers."""
    database = str(connections[using].settings_dict.get("NAME"))
    identity = "|".join((database, key))
    return f"{KEY_PREFIX}:{name}:{hashlib.sha256(identity.encode()).hexdigest()}"


def read_under_data_version(cache_key: str) -> tuple[str, Any]:
    """The current data version's token, and what is kept under ``cache_key`` if it was kept
    under that version (else ``MISSING``), read in one round trip: what is kept carries the
    version it was made under, so a new version makes it unreachable without a read of the
    version first."""
    found = cache.get_many([VERSION_KEY, cache_key])
    version: DataVersion | None = found.get(VERSION_KEY)
    if version is None:
        return data_version()["token"], MISSING
    token = _of_this_release(version)["token"]
    kept = found.get(cache_key)
    if not isinstance(kept, tuple) or kept[0] != token:
        return token, MISSING
    return token, kept[1]


def keep_under_data_version(cache_key: str, token: str, answer: Any, seconds: int) -> None:
    """Keeps ``answer``, made under the version ``token`` (read before it was made, so that
    a write in the meantime leaves it unreachable), for ``read_under_data_version``."""
    try:
        cache.set(cache_key, (token, answer), seconds)
    except Exception:  # noqa: BLE001
        logger.warning("The data cache did not keep an answer", exc_info=True)


def kept_under_data_version(
    key: str, compute: Callable[[], _Kept], *, using: str, seconds: int
) -> _Kept:
    """What ``compute()`` gives, kept for ``seconds`` (0: not kept) under the current data
    version: asked again with the same ``key`` (which must name everything the answer
    depends on) before any write, it is read from the cache. The database ``using`` is part
    of the key, so databases that share a cache never share answers. If the cache does not
    answer, it is computed afresh."""
    return kept_with_version(key, compute, using=using, seconds=seconds)[1]


def kept_with_version(
    key: str, compute: Callable[[], _Kept], *, using: str, seconds: int
) -> tuple[str | None, _Kept]:
    """As `kept_under_data_version`, with the token of the data version it was read under
    (None if nothing is kept or the cache did not answer): what a request then keeps or
    reads under that version is as if it had all been read at once."""
    if seconds <= 0:
        return None, compute()
    cache_key = kept_key("kept", key, using=using)
    try:
        token, found = read_under_data_version(cache_key)
    except Exception:  # noqa: BLE001 - without a cache, compute as if there were none
        logger.warning("The data cache did not answer", exc_info=True)
        return None, compute()
    if found is not MISSING:
        return token, cast(_Kept, found)
    answer = compute()
    keep_under_data_version(cache_key, token, answer, seconds)
    return token, answer


# --- Answers kept in this process ------------------------------------------------------


def _ready(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored answer made ready to serve: its body split at its nonce once, so that each
    answer joins the pieces around a fresh nonce instead of searching the whole body for
    the old one (0.36 ms for a 550 KB page, against 0.03 ms to join)."""
    ready = {name: value for name, value in stored.items() if name != "content"}
    nonce = stored["nonce"]
    ready["pieces"] = stored["content"].split(nonce.encode()) if nonce else [stored["content"]]
    ready["size"] = len(stored["content"])
    # The headers every answer of it carries, worked out once: the stored ones, the ETag,
    # the time of the last write, and Vary naming Accept and Cookie (the answer depends on
    # being anonymous: no session cookie).
    headers = HttpResponse()
    for name, value in stored["headers"]:
        headers[name] = value
    headers["ETag"] = stored["etag"]
    headers["Last-Modified"] = http_date(stored["at"])
    patch_vary_headers(headers, ["Accept", "Cookie"])
    ready["headers"] = list(headers.items())
    ready["not_modified_headers"] = [
        (name, headers[name]) for name in ("ETag", "Last-Modified", "Vary")
    ]
    return ready


class LocalAnswers:
    """The answers of one data version this process served last (made `_ready`), least
    recently used dropped first beyond `capacity` bytes of bodies. A new version empties
    it: its key names the version, so nothing kept here can be served once the data has
    moved on."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.token = ""
        self.size = 0
        self.answers: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.lock = threading.Lock()  # gunicorn's threaded workers share one process

    def get(self, key: str, token: str) -> dict[str, Any] | None:
        with self.lock:
            if token != self.token:
                return None
            stored = self.answers.get(key)
            if stored is not None:
                self.answers.move_to_end(key)
            return stored

    def put(self, key: str, token: str, ready: dict[str, Any]) -> None:
        if ready["size"] > self.capacity:
            return
        with self.lock:
            if token != self.token:
                self.token, self.size = token, 0
                self.answers.clear()
            if key in self.answers:
                return
            self.answers[key] = ready
            self.size += ready["size"]
            while self.size > self.capacity:
                _, dropped = self.answers.popitem(last=False)
                self.size -= dropped["size"]


_local_answers = LocalAnswers(LOCAL_ANSWER_BYTES)


# --- The middleware --------------------------------------------------------------------


@dataclass(frozen=True)
class _Lookup:
    """A cacheable request the cache had no answer for: where to keep its answer."""

    key: str
    version: DataVersion


#: The request attribute that carries a _Lookup from one middleware to the other.
LOOKUP_ATTRIBUTE = "_response_cache_lookup"


def _cacheable_request(request: HttpRequest) -> bool:
    """An anonymous GET. Sessions and authentication are not set up yet where this is
    asked: without a session cookie and an Authorization header nobody is signed in."""
    if request.method != "GET" or _seconds() <= 0:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return not any(
        name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, *PERSONAL_COOKIES)
    )


def _cacheable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False  # signed in while answering: the answer may be theirs alone
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    control = response.get("Cache-Control", "").lower()
    if "private" in control or "no-store" in control or "no-cache" in control:
        return False
    return "cookie" not in response.get("Vary", "").lower() or not request.COOKIES


def _key(request: HttpRequest, token: str) -> str:
    identity = "|".join((token, request.build_absolute_uri(), request.META.get("HTTP_ACCEPT", "")))
    return f"{KEY_PREFIX}:{hashlib.sha256(identity.encode()).hexdigest()}"


def _not_modified(request: HttpRequest, etag: str, last_modified: int) -> bool:
    match = request.META.get("HTTP_IF_NONE_MATCH")
    if match is not None:
        return etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since_header = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if since_header is None:
        return False
    since = parse_http_date_safe(since_header)
    return since is not None and last_modified <= since


class CachedAnswerMiddleware:
    """Answers an anonymous GET from the cache, before the session, CSRF, authentication
    and message middlewares, which such a request does not need. Placed after the
    middlewares that set the security headers (HTTPS, CSP), which still run around it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _cacheable_request(request):
            return self.get_response(request)
        try:
            version = data_version()
            key = _key(request, version["token"])
            ready = _local_answers.get(key, version["token"])
            if ready is None:
                stored = cache.get(key)
                if stored is not None:
                    ready = _ready(stored)
                    _local_answers.put(key, version["token"], ready)
        except Exception:  # noqa: BLE001 - without a cache, answer as if there were none
            logger.warning("The response cache did not answer", exc_info=True)
            return self.get_response(request)
        if ready is not None:
            return _answer(request, ready)
        setattr(request, LOOKUP_ATTRIBUTE, _Lookup(key=key, version=version))
        return self.get_response(request)


class ResponseCacheMiddleware:
    """Keeps the answer to a request CachedAnswerMiddleware found no answer for, as the
    views and the middlewares after this one made it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        lookup: _Lookup | None = getattr(request, LOOKUP_ATTRIBUTE, None)
        if lookup is None or not _cacheable_response(request, response):
            return response
        # Not streamed (_cacheable_response), so it has its content.
        stored = _stored(request, cast(HttpResponse, response), lookup.version)
        try:
            cache.set(lookup.key, stored, _seconds())
        except Exception:  # noqa: BLE001
            logger.warning("The response cache did not keep an answer", exc_info=True)
        else:
            _local_answers.put(lookup.key, lookup.version["token"], _ready(stored))
        response["ETag"] = stored["etag"]
        response["Last-Modified"] = http_date(stored["at"])
        patch_vary_headers(response, ["Accept"])
        return response


def _stored(request: HttpRequest, response: HttpResponse, version: DataVersion) -> dict[str, Any]:
    content = response.content
    etag = response.get("ETag") or f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    return {
        "status": response.status_code,
        "headers": [
            (name, value)
            for name, value in response.items()
            if name not in ("ETag", "Last-Modified", *CSP_HEADERS)
        ],
        "content": content,
        "etag": etag,
        "at": version["at"],
        "nonce": getattr(request, "_csp_nonce", None),
    }


def _answer(request: HttpRequest, ready: dict[str, Any]) -> HttpResponseBase:
    response: HttpResponse
    if _not_modified(request, ready["etag"], ready["at"]):
        response = HttpResponseNotModified()
        for name, value in ready["not_modified_headers"]:
            response[name] = value
        return response
    nonce = ""
    if ready["nonce"]:
        # A fresh nonce for every answer; the CSP middleware puts it in the header.
        nonce = base64.b64encode(os.urandom(16)).decode("ascii")
        request._csp_nonce = nonce  # type: ignore[attr-defined]  # django-csp reads it
    content = nonce.encode().join(ready["pieces"])
    response = HttpResponse(content, status=ready["status"])
    for name, value in ready["headers"]:
        response[name] = value
    # CommonMiddleware, which would say so, does not run for an answer from here.
    response["Content-Length"] = str(len(content))
    return response
