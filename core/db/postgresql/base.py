"""Django's PostgreSQL backend, with a health check that asks the connection's socket
before it asks the server.

A kept connection (CONN_MAX_AGE) is checked before each request reuses it
(CONN_HEALTH_CHECKS), so that a database restart costs one failed check, not an error.
Django checks with ``SELECT 1``: a round trip to the server on every request, about as
long as the request's own smallest query. A connection the server has ended (restart,
``pg_terminate_backend``, the server's shutdown) is one whose socket has something to read:
the server's goodbye, or its end of the stream. A kept connection has nothing to read
between requests, so a socket with nothing waiting is reused at once; one with anything
waiting is checked with ``SELECT 1`` as before, and replaced if that fails.
"""

import select
from typing import Any

from django.db.backends.postgresql import base


def _nothing_to_read(connection: Any) -> bool:
    """Whether the connection's socket is open with nothing waiting to be read."""
    try:
        descriptor = connection.fileno()
    except Exception:  # noqa: BLE001 - a connection without a socket: let SELECT 1 judge
        return False
    poller = select.poll()
    poller.register(descriptor, select.POLLIN | select.POLLPRI)
    return not poller.poll(0)


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        wrapper: Any = self  # Django's own attributes, which its stubs do not declare
        if (
            wrapper.connection is not None
            and wrapper.health_check_enabled
            and not wrapper.health_check_done
            and not wrapper.pool
            and _nothing_to_read(wrapper.connection)
        ):
            wrapper.health_check_done = True
            return
        super().close_if_health_check_failed()
