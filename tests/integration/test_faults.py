"""Faults in the services behind the portal, against real processes: gunicorn serving the
portal, a redis-server this test starts on a port of its own and then kills, PostgreSQL
connections terminated under load. (A Celery worker killed mid-export: test_worker.py.)

- Redis killed: pages and the API, anonymous and with a token, still answer; an export is
  refused with 503; /readyz names the cache and the broker; Redis back, all is well.
- Database connections terminated mid-load: no 500, only answers or styled 503s; the
  database refusing connections: styled 503s (the API's shape on the API); the database
  back: the same processes answer again, without a restart.
"""

import dataclasses
import json
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import environ
import pytest
import redis

from conftest import require_service
from tests.servers import free_port

from .conftest import Web

#: Pages and API reads a visitor and an analyst make.
READS = [
    "/",
    "/case-studies/",
    "/boroughs/",
    "/api/v1/boroughs/?page_size=5",
    "/api/v1/case-studies/?q=youth",
    "/api/v1/action-items/?page_size=5",
    "/api/v1/action-items/?format=csv",
]


class RedisServer:
    """redis-server on a free port of its own, without persistence."""

    def __init__(self, log_path, port=None):
        binary = shutil.which("redis-server")
        if binary is None:
            require_service("redis-server", "the fault tests start their own; install redis")
        self.port = port or free_port()
        self.log = log_path.open("a")
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"redis://127.0.0.1:{self.port}"
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()


def get(portal, path, token=True):
    """(status, content type, body) of a GET, with the analyst's token or anonymous."""
    headers = {"Authorization": f"Token {portal.token}"} if token else {}
    request = urllib.request.Request(portal.url + path, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def assert_all_answer(portal):
    for path in READS:
        for token in (False, True):
            status, _, content = get(portal, path, token=token)
            assert status == 200, (path, token, status, content[:300])


def test_pages_and_the_api_answer_when_redis_is_killed(portal, tmp_path):
    server = RedisServer(tmp_path / "redis.log")
    env = portal.env(REDIS_URL=f"{server.url}/0", CELERY_BROKER_URL=f"{server.url}/1")
    web = Web(tmp_path / "web.log", env)
    served = dataclasses.replace(portal, url=web.url)
    try:
        assert_all_answer(served)
        assert get(served, "/readyz")[0] == 200

        server.kill()

        assert_all_answer(served)
        status, _, content = get(served, "/readyz", token=False)
        assert status == 503
        assert json.loads(content) == {
            "status": "unavailable",
            "checks": {"database": "ok", "cache": "unavailable", "broker": "unavailable"},
        }
        assert get(served, "/healthz", token=False)[0] == 200
        status, content, headers = served.request(
            "POST", "/api/v1/exports/", {"kind": "borough-summary", "format": "csv"}
        )
        assert status == 503, content
        assert headers["Retry-After"]
        assert json.loads(content)["code"] == "unavailable"
        assert "The cache (Redis) does not answer" in web.output()

        # Redis back on its port: ready again, without restarting the portal.
        server = RedisServer(tmp_path / "redis.log", port=server.port)
        deadline = time.monotonic() + 30
        while get(served, "/readyz", token=False)[0] != 200:
            assert time.monotonic() < deadline, "not ready again 30 s after Redis came back"
            time.sleep(0.5)
        assert_all_answer(served)
    finally:
        web.stop()
        if server.process.poll() is None:
            server.kill()


class Postgres:
    """A superuser connection to the server holding the portal's database."""

    def __init__(self, database_url):
        import psycopg2  # only in the PostgreSQL pass

        config = environ.Env.db_url_config(database_url)
        self.name = config["NAME"]
        self.connection = psycopg2.connect(
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            password=config["PASSWORD"],
            dbname="postgres",
            connect_timeout=5,
        )
        self.connection.autocommit = True

    def run(self, statement, *params):
        with self.connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.rowcount

    def terminate_connections(self):
        return self.run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            self.name,
        )

    def allow_connections(self, allowed):
        from psycopg2 import sql

        with self.connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                    sql.Identifier(self.name), sql.Literal(allowed)
                )
            )


def assert_unavailable(path, status, content_type, content):
    """A styled 503: the GOV.UK page, or the API's error shape under /api/."""
    assert status == 503, (path, status, content[:300])
    if path.startswith("/api/"):
        assert content_type.startswith("application/json"), (path, content_type)
        assert json.loads(content)["code"] == "unavailable"
    else:
        assert content_type.startswith("text/html"), (path, content_type)
        assert b"Sorry, the service is unavailable" in content
        assert b"govuk-frontend.min.css" in content


def test_database_connections_terminated_under_load_then_refused_then_back(portal, tmp_path):
    if not portal.database_url.startswith("postgres"):
        pytest.skip("Terminating connections needs PostgreSQL: the PostgreSQL pass runs this")
    web = Web(tmp_path / "web.log", portal.env())
    served = dataclasses.replace(portal, url=web.url)
    postgres = Postgres(portal.database_url)
    try:
        assert_all_answer(served)

        # Under load, every connection to the database is terminated again and again.
        stop = threading.Event()
        answers = []

        def load(index):
            while not stop.is_set():
                path = READS[index % len(READS)]
                answers.append((path, *get(served, path, token=index % 2 == 0)))
                index += 1

        with ThreadPoolExecutor(max_workers=6) as pool:
            for index in range(6):
                pool.submit(load, index)
            terminated = 0
            deadline = time.monotonic() + 6
            while time.monotonic() < deadline:
                terminated += postgres.terminate_connections()
                time.sleep(0.05)
            stop.set()
        assert terminated > 0
        assert answers
        for path, status, content_type, content in answers:
            if status != 200:
                assert_unavailable(path, status, content_type, content)

        # The database refuses every connection: styled 503s, anonymous and with a token,
        # unless the response cache still holds the answer (then it is served without it).
        postgres.allow_connections(False)
        postgres.terminate_connections()
        for path in READS:
            for token in (False, True):
                status, content_type, content = get(served, path, token=token)
                if status != 200:
                    assert_unavailable(path, status, content_type, content)
        # Searches not asked before, so no cache holds them.
        for path in ("/case-studies/?q=refused", "/api/v1/case-studies/?q=refused"):
            for token in (False, True):
                assert_unavailable(path, *get(served, f"{path}{int(token)}", token=token))
        status, _, content = get(served, "/readyz", token=False)
        assert status == 503
        assert json.loads(content)["checks"]["database"] == "unavailable"

        # Back: the same processes answer again, without a restart.
        postgres.allow_connections(True)
        assert_all_answer(served)
        assert get(served, "/readyz", token=False)[0] == 200
        assert web.process.poll() is None
    finally:
        postgres.allow_connections(True)
        postgres.connection.close()
        web.stop()
