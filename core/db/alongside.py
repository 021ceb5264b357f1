"""A statement begun on a connection of its own while the request goes on (docs/decisions/0049).

A portal search ranks six kinds of record one after another, and the heaviest ranking
(case studies for several words, from their postings) is most of the database's time,
while the request's own thread spends as long again in Python on the other kinds. Begun
alongside, on a second connection held by a thread of the worker's own, the two overlap
on a machine's second core: the request waits for the longer of them, not for both.

Only where that second connection sees what the request sees: on PostgreSQL, outside any
transaction (inside one, the request's own uncommitted writes are invisible to another
connection, and a test's data with them), and where ``SVPORTAL_STATEMENTS_ALONGSIDE`` is
on. Otherwise the work is done in the request's thread, when its result is first asked
for, exactly as it would be without this module.
"""

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import connections

Params = ParamSpec("Params")
Result = TypeVar("Result")

#: The worker's thread for statements begun alongside, made when first needed in each
#: process (a forked worker has none of its parent's threads).
_executor: tuple[int, ThreadPoolExecutor] | None = None
_executor_lock = threading.Lock()


def _thread_pool() -> ThreadPoolExecutor:
    global _executor  # noqa: PLW0603  # one per process, made on first use
    with _executor_lock:
        if _executor is None or _executor[0] != os.getpid():
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statements-alongside")
            _executor = (os.getpid(), pool)
        return _executor[1]


def close_connections() -> None:
    """Close the connections the worker's thread holds, if it has any (a test database is
    dropped only when no connection to it is left open)."""
    if _executor is not None and _executor[0] == os.getpid():
        _executor[1].submit(connections.close_all).result()


def can_run_alongside(using: str) -> bool:
    """Whether a statement begun on another connection would see what the request sees."""
    connection = connections[using]
    return (
        getattr(settings, "SVPORTAL_STATEMENTS_ALONGSIDE", False)
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def _on_own_connection(using: str, work: Callable[[], Result]) -> Result:
    # The thread's connection lives as long as the request thread's would (CONN_MAX_AGE,
    # checked for health), and is dropped after an error rather than reused broken.
    connections[using].close_if_unusable_or_obsolete()
    try:
        return work()
    except BaseException:
        connections[using].close()
        raise


def begin(
    using: str, work: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs
) -> Callable[[], Result]:
    """`work(*args, **kwargs)`, whose statements run on database `using`, begun now on a
    connection of its own where that sees what the request sees (can_run_alongside);
    else left to be done in this thread. Returns what gives its result (or raises its
    error) when asked, once."""

    def call() -> Result:
        return work(*args, **kwargs)

    if can_run_alongside(using):
        return _thread_pool().submit(_on_own_connection, using, call).result
    return call
