"""A Redis cache that the portal can live without.

The cache only ever holds what can be recomputed (cached figures, throttle counts), so when
Redis does not answer, reads miss and writes are dropped, with one logged warning per
outage, instead of the request failing. Throttling therefore fails open while Redis is
down. After a failure Redis is left alone for ``RETRY_AFTER_SECONDS`` (a connection that
times out is not tried on every call), then tried again.
"""

import functools
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: How long to leave Redis alone after it failed, in seconds.
RETRY_AFTER_SECONDS = 5.0

#: What an operation returns when Redis fails, from its (args, kwargs).
_Default = Callable[[tuple[Any, ...], dict[str, Any]], Any]


def _fail_safe(default: _Default) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the cache operation; when Redis fails, log once per outage and return
    ``default(args, kwargs)`` instead."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(self: "FailSafeRedisCache", *args: Any, **kwargs: Any) -> Any:
            if self.resting():
                return default(args, kwargs)
            try:
                result = method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self.failed(error)
                return default(args, kwargs)
            self.answered()
            return result

        return wrapper

    return decorate


def _missing(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What a read returns when the cache cannot be read: the caller's default."""
    if len(args) > 1:
        return args[1]
    return kwargs.get("default")


def _nothing(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    return None


def _false(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    return False


def _empty(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    return {}


def _not_stored(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """set_many and delete_many: the keys that could not be stored."""
    keys = args[0] if args else kwargs.get("data", kwargs.get("keys", ()))
    return list(keys)


def _as_if_counted(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """incr and decr: the count as if the key had been missing and were now set."""
    return args[1] if len(args) > 1 else kwargs.get("delta", 1)


def _let_through(args: tuple[Any, ...], kwargs: dict[str, Any]) -> "WindowCount":
    """record_in_window: let the request through, as throttling fails open without Redis."""
    return WindowCount(allowed=True, held=0, oldest=None)


class WindowCount(NamedTuple):
    """What `FailSafeRedisCache.record_in_window` found: whether the request was allowed
    (and so recorded), how many requests the window held before it (``held``), and when the oldest
    of them was made (seconds since the epoch; None for none)."""

    allowed: bool
    held: int
    oldest: float | None


#: One round trip for a throttle's decision: the times older than the window dropped, the
#: rest counted, and the new time recorded only if the count is under the limit (a refused
#: request is not counted, as DRF's throttles do). The times are a sorted set's scores.
_RECORD_IN_WINDOW = """
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]),
    tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2] or false
if count < limit then
    redis.call('ZADD', key, now, member)
    redis.call('PEXPIRE', key, math.ceil(window * 1000))
    return {1, count, oldest}
end
return {0, count, oldest}
"""


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool. Django makes a new
    one for every operation, and making one (its table of reply parsers) costs more than
    the round trip to Redis: a few per request for throttling and the response cache.
    A ``redis.Redis`` over a pool is safe to share between threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own private parts, which its stubs do not declare.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            make = self._client  # type: ignore[attr-defined]
            client = self._clients[id(pool)] = make(connection_pool=pool)
        return client


class FailSafeRedisCache(RedisCache):
    """Django's RedisCache, degraded to a cache that misses while Redis does not answer."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        # Fail fast: a cache that answers slowly is worse than no cache.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._resting_until = 0.0
        self._down = False
        self._scripts: dict[int, Any] = {}

    def resting(self) -> bool:
        return time.monotonic() < self._resting_until

    def failed(self, error: Exception) -> None:
        self._resting_until = time.monotonic() + RETRY_AFTER_SECONDS
        if not self._down:
            self._down = True
            logger.warning(
                "The cache (Redis) does not answer (%s): serving without it, and "
                "without API throttling, until it is back",
                error,
            )

    def answered(self) -> None:
        if self._down:
            self._down = False
            logger.warning("The cache (Redis) answers again")

    def check(self) -> None:
        """Raise if Redis does not answer now (for /readyz), whatever the recent past."""
        self._cache.get_client(write=True).ping()

    @_fail_safe(_let_through)
    def record_in_window(self, key: str, *, now: float, window: float, limit: int) -> WindowCount:
        """A throttle's sliding window over ``key`` in one round trip: the times of the
        requests of the last ``window`` seconds are counted, and ``now`` is recorded if
        they are fewer than ``limit``. DRF's throttles read the whole list of times and
        write it back, two round trips and the list pickled each way on every request."""
        client = self._cache.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(_RECORD_IN_WINDOW)
        allowed, count, oldest = script(
            keys=[self.make_and_validate_key(key)],
            args=[repr(now), repr(float(window)), limit, f"{now!r}-{uuid.uuid4().hex}"],
        )
        return WindowCount(
            allowed=bool(allowed), held=int(count), oldest=float(oldest) if oldest else None
        )

    get = _fail_safe(_missing)(RedisCache.get)
    get_many = _fail_safe(_empty)(RedisCache.get_many)
    has_key = _fail_safe(_false)(RedisCache.has_key)
    set = _fail_safe(_nothing)(RedisCache.set)
    add = _fail_safe(_false)(RedisCache.add)
    touch = _fail_safe(_false)(RedisCache.touch)
    delete = _fail_safe(_false)(RedisCache.delete)
    set_many = _fail_safe(_not_stored)(RedisCache.set_many)
    delete_many = _fail_safe(_nothing)(RedisCache.delete_many)
    clear = _fail_safe(_false)(RedisCache.clear)
    incr = _fail_safe(_as_if_counted)(RedisCache.incr)
