"""The production-like stack in miniature: a web process (gunicorn), real Celery workers and
Redis as the broker, on a database of their own.

pytest's own test database lives inside a transaction the other processes cannot see, so
these tests make a separate one as the README makes one — migrate, load the real data (both
done once per run, tests/portal_database.py), grant a role — and talk to the portal only
over HTTP, as a user would: a SQLite file in the SQLite pass, a PostgreSQL database of its
own in the PostgreSQL pass. Nothing here
touches the test database, so no real data needs restoring afterwards.

Redis must answer on 127.0.0.1:6379 (TEST_REDIS_HOST_URL to change it); locally the tests
are skipped with a message when it does not, on CI they fail. Each pytest worker uses its
own Redis database as the broker and empties it before and after.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings

from conftest import require_service
from tests.portal_database import manage, portal_env, real_data_database
from tests.servers import free_port, wait_until_answering

REDIS_HOST_URL = os.environ.get("TEST_REDIS_HOST_URL", "redis://127.0.0.1:6379")
USERNAME = "itest-analyst"
PASSWORD = "Quiet-orange-lantern-2019"  # noqa: S105 - a throwaway test database
#: Seconds the broker waits before giving a dead worker's task to another (see settings).
VISIBILITY_TIMEOUT = 3
#: Runs beat every second and are taken for dead after three silent ones; beat runs the
#: reaper every second. The web process, workers and beat share these settings, as in compose.
STALL_SECONDS = 3
STACK_ENV = {
    "SVPORTAL_TASK_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    "SVPORTAL_EXPORT_HEARTBEAT_SECONDS": "1",
    "SVPORTAL_EXPORT_STALL_SECONDS": str(STALL_SECONDS),
    "SVPORTAL_EXPORT_REAPER_SECONDS": "1",
}


def _worker_id():
    """The pytest-xdist worker ("gw0", "gw1" …), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _worker_number(worker_id):
    return 0 if worker_id == "main" else int(worker_id.removeprefix("gw")) + 1


#: The first of the Redis databases the workers of a pass use as brokers, one each. The two
#: passes of `make test` run at once (scripts/test.sh), so each has its own.
FIRST_BROKER_DATABASE = 10 if os.environ.get("DATABASE_URL", "").startswith("postgres") else 2


@pytest.fixture(scope="session")
def broker_url():
    worker_id = _worker_id()
    url = f"{REDIS_HOST_URL}/{FIRST_BROKER_DATABASE + _worker_number(worker_id)}"
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        require_service("Redis", f"{url} does not answer ({error}); start redis-server")
    client.flushdb()
    yield url
    client.flushdb()


@dataclass
class Portal:
    """The separate database, its media folder, and how to reach the web process."""

    database_url: str
    broker_url: str
    media_root: Path
    token: str = ""
    url: str = ""

    def env(self, **extra):
        return portal_env(self.database_url, self.broker_url, self.media_root, **extra)

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
            self.url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def json(self, method, path, body=None):
        status, content, _ = self.request(method, path, body)
        return status, json.loads(content)

    def wait_for(self, job_id, condition, timeout, what):
        """Poll the export's status until condition(status) holds; return that status."""
        deadline = time.monotonic() + timeout
        seen = None
        while time.monotonic() < deadline:
            _, seen = self.json("GET", f"/api/v1/exports/{job_id}/")
            if condition(seen):
                return seen
            time.sleep(0.1)
        pytest.fail(f"Timed out after {timeout}s waiting for {what}; last status: {seen}")


@pytest.fixture(scope="session")
def portal(tmp_path_factory, broker_url):
    """A portal database made as the README makes one, and gunicorn serving it."""
    root = tmp_path_factory.mktemp("portal")
    database_url, drop = real_data_database(tmp_path_factory, _worker_id(), root)
    portal = Portal(database_url=database_url, broker_url=broker_url, media_root=root / "media")
    env = portal.env(ITEST_PASSWORD=PASSWORD, **STACK_ENV)
    manage("grant_role", USERNAME, "analyst", "--password-from-env", "ITEST_PASSWORD", env=env)
    created = manage("drf_create_token", USERNAME, env=env)
    portal.token = re.search(r"Generated token (\w+)", created).group(1)

    web = None
    try:
        web = Web(root / "web.log", env)
        portal.url = web.url
        yield portal
    finally:
        if web is not None:
            web.stop()
        drop()


class Web:
    """gunicorn serving the portal with the environment given, on a free port of its own;
    started and answering when made."""

    def __init__(self, log_path, env):
        self.log_path = log_path
        self.log = log_path.open("w")
        port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - gunicorn from our own environment
            [
                sys.executable,
                "-m",
                "gunicorn",
                "svportal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{port}"
        try:
            self.wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def output(self):
        return self.log_path.read_text()

    def wait_until_ready(self):
        wait_until_answering(
            self.url + "/healthz", self.process, log_path=self.log_path, what="gunicorn"
        )

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a request still held open: do not wait on
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


class CeleryProcess:
    """A `celery -A <app> <arguments>` process of the portal, its output in a log file."""

    def __init__(self, portal, log_path, arguments, app="svportal", **env):
        self.log_path = log_path
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - celery from our own environment
            [sys.executable, "-m", "celery", "-A", app, *arguments],
            cwd=settings.BASE_DIR,
            env=portal.env(**{**STACK_ENV, **env}),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self):
        return self.log_path.read_text()

    def kill(self):
        """SIGKILL: no warm shutdown, no chance to hand back its task."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


class Worker(CeleryProcess):
    """A real Celery worker process: `celery -A <app> worker --pool=solo --concurrency=1`."""

    def __init__(self, portal, log_dir, app="svportal", **env):
        self.name = f"itest-{uuid.uuid4().hex[:8]}"
        arguments = [
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            f"--hostname={self.name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        super().__init__(portal, log_dir / f"{self.name}.log", arguments, app=app, **env)
        self.wait_until_ready()

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return
            if self.process.poll() is not None:
                pytest.fail(f"The worker stopped while starting:\n{self.output()}")
            time.sleep(0.1)
        pytest.fail(f"The worker did not start in {timeout}s:\n{self.output()}")


class Beat(CeleryProcess):
    """Celery beat, as compose runs it: it queues the scheduled tasks (among them the
    reaper, every second here) for the workers to run."""

    def __init__(self, portal, log_dir, **env):
        arguments = ["beat", "--loglevel=INFO", f"--schedule={log_dir / 'beat-schedule'}"]
        super().__init__(portal, log_dir / "beat.log", arguments, **env)


def _started(kind, portal, tmp_path):
    """A function that starts processes of ``kind``, and the list of those it started."""
    started = []

    def start(**kwargs):
        process = kind(portal, tmp_path, **kwargs)
        started.append(process)
        return process

    return start, started


@pytest.fixture
def start_worker(portal, tmp_path):
    """start_worker() starts a worker; every worker started is stopped after the test."""
    start, started = _started(Worker, portal, tmp_path)
    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def start_beat(portal, tmp_path):
    """start_beat(**env) starts celery beat; it is stopped after the test."""
    start, started = _started(Beat, portal, tmp_path)
    yield start
    for beat in started:
        beat.stop()
