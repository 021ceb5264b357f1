"""The run's real-data database: the test databases of pytest's workers and the portals
the tests run as separate processes (the browser tests' runserver, the integration tests'
gunicorn and workers, the API contract's gunicorn) all start from it.

Each needs a database made as the README makes one: migrate, then load the real data.
Making it costs about half a minute of a core, and a run used to make it once per worker
for the test databases and three to five times more for the portals. Now the first pytest
worker that needs one makes it once per run, as a template (a SQLite file in the SQLite
pass, a PostgreSQL database in the PostgreSQL pass), and every database starts from a copy
of it: the same tables and the same real data, for a second's work. The xdist workers
share the template through the run's temporary directory, one at a time under a file lock.
"""

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import environ
import pytest
from django.conf import settings

#: Written beside the template once it is complete: the database URL of the template.
READY = "portal-template.url"


def manage(*args, env, timeout=300):
    """Run our own manage.py with the environment given; fail the test with its output."""
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def portal_env(database_url, broker_url="", media_root=None, **extra):
    """The environment of a portal process: the machine's, without this test run's settings,
    plus the database given; the broker and media folder if given, and ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "REDIS_", "PYTEST_", "SVPORTAL_"))
        and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="svportal.settings.local",
        DJANGO_DEBUG="false",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        SVPORTAL_SEEDS_DIR=str(settings.SEED_DOCUMENTS_DIR),
        PYTHONUNBUFFERED="1",
    )
    if media_root is not None:
        env["DJANGO_MEDIA_ROOT"] = str(media_root)
    env.update(extra)
    return env


def _run_root(tmp_path_factory):
    """The temporary directory of the whole run, shared by its xdist workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _locked(path):
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class _Postgres:
    """Databases beside the test database, on its server, named after it so that runs
    against differently named test databases (several checkouts) never touch each other's."""

    def __init__(self, database_url):
        self.config = environ.Env.db_url_config(database_url)

    def name(self, suffix):
        return f"{self.config['NAME']}_itest_{suffix}"

    def url(self, name):
        config = self.config
        user = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
        return f"postgres://{user}@{config['HOST']}:{config['PORT'] or 5432}/{name}"

    def run(self, *statements):
        import psycopg2

        connection = psycopg2.connect(
            host=self.config["HOST"],
            port=self.config["PORT"] or 5432,
            user=self.config["USER"],
            password=self.config["PASSWORD"],
            dbname="postgres",
            connect_timeout=5,
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def drop(self, name):
        from psycopg2 import sql

        self.run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def create(self, name, template=None):
        from psycopg2 import sql

        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        self.drop(name)
        self.run(create)


def _postgres():
    url = os.environ.get("DATABASE_URL", "")
    return _Postgres(url) if url.startswith("postgres") else None


def _template(root):
    """The template's URL, made first if this run has none yet (call under the lock)."""
    ready = root / READY
    if ready.exists():
        return ready.read_text()
    postgres = _postgres()
    if postgres:
        name = postgres.name("template")
        postgres.create(name)
        url = postgres.url(name)
    else:
        url = f"sqlite:///{root / 'portal-template.sqlite3'}"
    env = portal_env(url)
    manage("migrate", "--no-input", env=env)
    manage("load_portal_data", env=env)
    ready.write_text(url)
    return url


def real_data_database(tmp_path_factory, suffix, folder):
    """A database of its own with the real data, as `migrate` and `load_portal_data` make
    it: a SQLite file in ``folder`` in the SQLite pass, a PostgreSQL database named after
    the test database and ``suffix`` in the PostgreSQL pass. Returns its URL and a function
    that drops it."""
    root = _run_root(tmp_path_factory)
    with _locked(root / "portal-template.lock"):
        template = _template(root)
        postgres = _postgres()
        if postgres:
            name = postgres.name(suffix)
            postgres.create(name, template=environ.Env.db_url_config(template)["NAME"])
            return postgres.url(name), lambda: postgres.drop(name)
        database = Path(folder) / "portal.sqlite3"
        shutil.copyfile(environ.Env.db_url_config(template)["NAME"], database)
        return f"sqlite:///{database}", lambda: None


def copy_into_test_database(tmp_path_factory):
    """Make this process's test database (pytest-django's name for it, one per xdist worker)
    a copy of the run's template, instead of migrating and loading the real data again in
    every worker: a PostgreSQL database made from the template, or the SQLite file copied
    into the in-memory test database. Returns a function that drops it."""
    from django.db import connection

    test_name = connection.creation._get_test_db_name()
    original_name = connection.settings_dict["NAME"]
    root = _run_root(tmp_path_factory)
    postgres = _postgres()
    with _locked(root / "portal-template.lock"):
        template = _template(root)
        if postgres:
            postgres.create(test_name, template=environ.Env.db_url_config(template)["NAME"])
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    if not postgres:
        source = sqlite3.connect(environ.Env.db_url_config(template)["NAME"])
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    return lambda: connection.creation.destroy_test_db(original_name, verbosity=0)


def drop_template(tmp_path_factory):
    """At the end of the run (in the process that started it), drop a PostgreSQL template
    if a worker made one; a SQLite template goes with the temporary directory."""
    ready = tmp_path_factory.getbasetemp() / READY
    if not ready.exists():
        return
    url = ready.read_text()
    if url.startswith("postgres"):
        postgres = _Postgres(url)
        postgres.drop(postgres.config["NAME"])
