"""Django's cache, and so DRF's throttling, is Redis (fail-safe: core/cache.py) when
REDIS_URL is set (the PostgreSQL and Redis pass) and local memory without it (the SQLite
pass)."""

import os
import pickle

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from conftest import require_service

pytestmark = pytest.mark.django_db


def test_without_redis_url_the_cache_is_local_memory():
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set: this pass runs the cache on Redis")
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_with_redis_url_the_throttle_history_lands_in_redis():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("The cache is Redis only with REDIS_URL set: the PostgreSQL and Redis pass")
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.FailSafeRedisCache"
    server = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3)
    try:
        server.ping()
    except redis.RedisError as error:
        require_service("Redis", f"{settings.REDIS_URL} does not answer ({error})")

    # DRF's AnonRateThrottle keeps each caller's request times under this cache key.
    key = cache.make_key("throttle_anon_127.0.0.1")
    server.delete(key)
    client = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(3):
        assert client.get("/api/v1/boroughs/", {"page_size": 1}).status_code == 200

    stored = server.get(key)
    assert stored is not None, f"{key} is not in Redis"
    history = pickle.loads(stored)  # noqa: S301 - our own cache's value, read in a test
    assert len(history) == 3  # one timestamp per request
    assert server.ttl(key) > 0  # it expires with the throttle's window
    server.delete(key)
