"""Degrade, don't fail: without Redis the portal answers without its cache and without
throttling; without its database it answers a styled 503 (the API's shape on the API);
/healthz and /readyz say how it is. The same against real processes: tests/fault/."""

import logging
import socket
from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from svportal import health

pytestmark = pytest.mark.django_db


def closed_port():
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_gone():
    """The cache is Redis at an address where nothing answers."""
    location = f"redis://127.0.0.1:{closed_port()}/0"
    with override_settings(
        CACHES={"default": {"BACKEND": "core.cache.FailSafeRedisCache", "LOCATION": location}}
    ):
        yield


def test_without_redis_pages_and_the_api_answer_and_say_so_once_in_the_log(
    redis_gone, client, caplog
):
    caplog.set_level(logging.WARNING, logger="core.cache")
    for _ in range(3):
        assert client.get("/api/v1/boroughs/", {"page_size": 1}).status_code == HTTPStatus.OK
        assert client.get("/case-studies/").status_code == HTTPStatus.OK
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1
    assert "without API throttling" in warnings[0]


@pytest.fixture
def two_a_minute(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "2/minute"}
    )


def statuses(client, times):
    return [client.get("/api/v1/boroughs/", {"page_size": 1}).status_code for _ in range(times)]


def test_with_a_cache_throttling_holds(two_a_minute, client):
    location = f"throttle-{closed_port()}"
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": location,
            }
        }
    ):
        assert statuses(client, 3) == [200, 200, HTTPStatus.TOO_MANY_REQUESTS]


def test_without_redis_throttling_fails_open(two_a_minute, redis_gone, client):
    assert statuses(client, 5) == [HTTPStatus.OK] * 5


def test_the_cache_reads_as_missing_while_redis_is_gone(redis_gone):
    from django.core.cache import cache

    cache.set("k", "v")
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_or_set("k", "computed") == "computed"
    assert cache.add("k", "v") is False
    assert cache.get_many(["k"]) == {}


@pytest.fixture
def database_down(monkeypatch):
    """Every page and API read fails as when PostgreSQL drops or refuses the connection."""

    def refuse(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    return Client(raise_request_exception=False)


def test_without_the_database_pages_are_a_styled_503(database_down):
    response = database_down.get("/case-studies/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "govuk-frontend.min.css" in page
    assert "has not been saved" in page


def test_without_the_database_the_api_answers_its_503_shape(database_down):
    response = database_down.get("/api/v1/boroughs/?format=csv")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "status": 503,
        "code": "unavailable",
        "detail": "The service cannot reach its database. Try again in a few minutes.",
    }


def test_other_errors_stay_500(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("svportal.views.home_figures", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR


def test_healthz_answers_while_the_process_runs(database_down):
    response = database_down.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_the_database_cache_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }


def test_readyz_names_what_does_not_answer(database_down, redis_gone, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "broker", lambda: False)
    response = database_down.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "unavailable", "broker": "unavailable"},
    }
