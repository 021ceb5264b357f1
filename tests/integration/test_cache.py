"""Django's cache, and so DRF's throttling, is Redis (fail-safe: core/cache.py) when
REDIS_URL is set (the PostgreSQL and Redis pass) and local memory without it (the SQLite
pass)."""

import os
import time

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from conftest import require_service

pytestmark = pytest.mark.django_db


def test_without_redis_url_the_cache_is_local_memory():
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set: this pass runs the cache on Redis")
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


@pytest.fixture
def redis_server():
    """The Redis the cache uses (the PostgreSQL and Redis pass only)."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("The cache is Redis only with REDIS_URL set: the PostgreSQL and Redis pass")
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.FailSafeRedisCache"
    server = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3)
    try:
        server.ping()
    except redis.RedisError as error:
        require_service("Redis", f"{settings.REDIS_URL} does not answer ({error})")
    return server


#: Where the anonymous throttle keeps 127.0.0.1's request times (core/api/throttling.py).
ANONYMOUS_WINDOW = "window:throttle_anon_127.0.0.1"


@pytest.fixture
def anonymous_window(redis_server):
    key = cache.make_key(ANONYMOUS_WINDOW)
    redis_server.delete(key)
    yield key
    redis_server.delete(key)


def test_with_redis_url_the_throttle_window_lands_in_redis(redis_server, anonymous_window):
    client = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(3):
        assert client.get("/api/v1/boroughs/", {"page_size": 1}).status_code == 200

    # One request time per request, kept in Redis itself, expiring with the window.
    assert redis_server.zcard(anonymous_window) == 3
    assert redis_server.ttl(anonymous_window) > 0


@pytest.fixture
def two_a_second(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/second", "user": "3/second"}
    )


def statuses(client, times):
    return [client.get("/api/v1/funders/").status_code for _ in range(times)]


def test_on_redis_a_client_past_the_rate_is_refused_until_the_window_moves_on(
    redis_server, anonymous_window, two_a_second
):
    client = Client(REMOTE_ADDR="127.0.0.1")
    assert statuses(client, 4) == [200, 200, 429, 429]
    refused = client.get("/api/v1/funders/")
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 1
    # Refused requests do not count: a second on, the client is let through again.
    time.sleep(1.1)
    assert statuses(client, 3) == [200, 200, 429]


def test_on_redis_each_signed_in_user_has_an_allowance_of_their_own(
    redis_server, anonymous_window, two_a_second
):
    first, second = (
        get_user_model().objects.create_user(name, password="a-long-passphrase-1")
        for name in ("first-reader", "second-reader")
    )
    windows = [cache.make_key(f"window:throttle_user_{user.pk}") for user in (first, second)]
    redis_server.delete(*windows)
    try:
        for user in (first, second):
            client = Client(REMOTE_ADDR="127.0.0.1")
            client.force_login(user)
            assert statuses(client, 4) == [200, 200, 200, 429]
        # Signed-in reads are not counted against the address's anonymous allowance.
        assert redis_server.zcard(anonymous_window) == 0
    finally:
        redis_server.delete(*windows)
