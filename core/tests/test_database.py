"""The PostgreSQL backend's health check (core/db/postgresql/base.py): a kept connection
is reused without a round trip while it is healthy, and replaced, without an error, once
the server has ended it."""

import select
import time

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept_connection():
    """A connection of its own to the test database, as a worker keeps one between
    requests (the test's own connection is inside the test's transaction)."""
    if connection.vendor != "postgresql":
        pytest.skip("The health check by socket is PostgreSQL's")
    kept = connections.create_connection("default")
    kept.ensure_connection()
    assert kept.health_check_enabled
    yield kept
    kept.close()


def asked_the_server(kept, monkeypatch):
    """Calls of the SELECT 1 check during a new request's health check."""
    calls = []
    real = type(kept).is_usable

    def counted(self):
        calls.append(self)
        return real(self)

    monkeypatch.setattr(type(kept), "is_usable", counted)
    kept.close_if_unusable_or_obsolete()  # the end of a request: checked again next time
    kept.close_if_health_check_failed()
    return calls


def test_a_healthy_kept_connection_is_reused_without_asking_the_server(
    kept_connection, monkeypatch
):
    before = kept_connection.connection
    assert asked_the_server(kept_connection, monkeypatch) == []
    assert kept_connection.connection is before
    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_the_server_ended_is_replaced_without_an_error(kept_connection, monkeypatch):
    ended = kept_connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [ended.info.backend_pid])
    # The server's goodbye reaches the socket.
    deadline = time.monotonic() + 5
    while not select.select([ended.fileno()], [], [], 0.1)[0]:
        assert time.monotonic() < deadline, "the ended connection's socket stayed quiet"

    assert len(asked_the_server(kept_connection, monkeypatch)) == 1
    assert kept_connection.connection is None  # closed: the next query opens a new one
    with kept_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert kept_connection.connection is not ended
