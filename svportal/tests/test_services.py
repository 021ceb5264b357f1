"""The real services the second test run uses: PostgreSQL and Redis."""

import os

import pytest
from django.core.cache import cache
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_suite_runs_on_the_database_it_was_asked_for():
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    assert connection.vendor == ("postgresql" if on_postgres else "sqlite")


def test_the_cache_is_redis_when_redis_url_is_set():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: this run uses the local-memory cache")
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    # The portal's Redis cache is Django's, failing safe and reusing its client.
    assert isinstance(caches["default"], RedisCache)
    cache.set("svportal-test-key", {"answer": 42}, timeout=30)
    assert cache.get("svportal-test-key") == {"answer": 42}
    cache.delete("svportal-test-key")
