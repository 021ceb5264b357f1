"""The portals tests start as processes of their own (runserver for the browser tests,
gunicorn for the integration tests): a free port, and waiting until one answers."""

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from django.conf import settings

#: How long a server may take to answer its first request. Its system checks import every
#: URL conf, model and template tag library: a few seconds on a quiet machine, and several
#: times that on a busy one (two cores shared with the other pytest worker, a browser and
#: Celery), where a 20-second wait failed runs whose pages were fine.
START_SECONDS = 120


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url, process, *, log_path, what):
    """Return once `url` answers; fail with the server's log if it stops or never does."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own server
            return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"{what} stopped: {log_path.read_text()}")
            time.sleep(0.2)
    pytest.fail(f"{what} did not answer in {START_SECONDS} s: {log_path.read_text()}")


@contextmanager
def runserver(env, log_path):
    """Django's runserver on a free port with `env`, serving static files as the README's
    one-command start does; yields its address once it answers."""
    port = free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--insecure",
                f"127.0.0.1:{port}",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(url + "/", server, log_path=log_path, what="runserver")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)
