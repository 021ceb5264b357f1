"""Test set-up shared by every app.

The test database starts with the portal's real data (fixtures/), because that is
what users see: each worker's is a copy of the run's one real-data database, migrated
and loaded once (tests/portal_database.py); each test runs in a transaction rolled back
at its end.
"""

import importlib
import os

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment, django_db_modify_db_settings, django_db_blocker, tmp_path_factory
):
    """The test database: a copy of the run's real-data template (tests/portal_database.py),
    migrated and loaded once per run rather than once per worker."""
    from tests.portal_database import copy_into_test_database

    with django_db_blocker.unblock():
        drop = copy_into_test_database(tmp_path_factory)
    yield
    with django_db_blocker.unblock():
        drop()


@pytest.fixture
def real_data_restored_afterwards(django_db_blocker):
    """A transactional test empties the database at its end; put the real data back."""
    yield
    from django.apps import apps

    from svportal.portal_data import load_portal_data

    vocabulary = importlib.import_module("casestudies.migrations.0003_vocabulary")
    with django_db_blocker.unblock():
        vocabulary.add_vocabulary(apps, schema_editor=None)
        load_portal_data(settings.PORTAL_FIXTURES_DIR)


#: Fixtures that reach the test database: a test asking for one is not database-free.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "client",
    "admin_client",
}


#: Tests that run the portal as separate processes take longest (the API contract's two
#: runs most of all): they start first, so that one of them is not the last test of a pass
#: with the other xdist worker idle, waiting for it. Everything else keeps its order.
LONGEST_FIRST = ("tests/integration/test_contract.py", "tests/integration/")
#: The browser tests come last of all: their browser (Playwright's synchronous API) keeps
#: an event loop running in the worker until the session ends, and Django refuses every
#: database query made in a thread with a running loop, as it would in async code.
LAST = "tests/browser/"


def _start_rank(item):
    if item.nodeid.startswith(LAST):
        return len(LONGEST_FIRST) + 1
    for rank, prefix in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(LONGEST_FIRST)


def pytest_collection_modifyitems(config, items):
    """The longest tests start first (LONGEST_FIRST). Tests marked no_database (parsing,
    writers, charts, settings; no query at all) assert the same on either database, so the
    PostgreSQL pass skips them; a test so marked that reaches the database is a mistake in
    the marking, and stops the run."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    for item in items:
        if item.get_closest_marker("no_database") is None:
            continue
        if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames):
            raise pytest.UsageError(f"{item.nodeid} is marked no_database but uses the database")
        if on_postgres:
            item.add_marker(pytest.mark.skip(reason="Reads no database: the SQLite pass runs it"))
    items.sort(key=_start_rank)


def pytest_sessionfinish(session):
    """Drop the PostgreSQL template of the portals run as processes, if this run made one
    (tests/portal_database.py); xdist's workers share it, so the process that started them
    drops it."""
    if hasattr(session.config, "workerinput"):
        return
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        from tests.portal_database import drop_template

        drop_template(session.config._tmp_path_factory)


def require_service(name, reason):
    """Skip a test whose real service is absent — unless on CI, where absence is a failure."""
    message = f"{name} is not available: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true: real services must answer)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def openapi_schema():
    """The API's OpenAPI schema as `manage.py spectacular` publishes it, validated (a warning
    from the generator fails every test that reads it), made once per worker: generating it
    takes seconds, and several apps' tests read it."""
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out
    )
    return json.loads(out.getvalue())


@pytest.fixture
def run_command():
    """Run a management command and return what it wrote to standard output."""
    from io import StringIO

    from django.core.management import call_command

    def run(*args, **options):
        out = StringIO()
        call_command(*args, stdout=out, stderr=StringIO(), **options)
        return out.getvalue()

    return run


@pytest.fixture
def data_version_caches(settings):
    """The caches kept under the data version on, as in production (they are off in tests
    but for their own), with nothing an earlier test kept reachable."""
    from django.core.cache import cache

    from core.response_cache import VERSION_KEY

    for name in settings.DATA_VERSION_CACHE_SETTINGS:
        setattr(settings, name, 600)
    cache.delete(VERSION_KEY)
    yield
    cache.delete(VERSION_KEY)


@pytest.fixture
def new_release(settings):
    """``new_release(name)`` starts serving as the release ``name``, as a deploy that sets
    SVPORTAL_RELEASE does; the release of the code is back after the test."""
    from core.release import release

    def switch(name):
        settings.SVPORTAL_RELEASE = name
        release.cache_clear()

    yield switch
    release.cache_clear()


@pytest.fixture
def write_westminster_draft():
    """Write a draft case study of Westminster's as `author`, with every section filled."""
    from boroughs.models import Borough
    from casestudies.services import case_study_create_draft

    def write(author):
        return case_study_create_draft(
            acting_user=author,
            title="Navigators",
            summary="In A&E.",
            boroughs=[Borough.objects.get(slug="westminster")],
            challenge="C",
            solution="S",
            impact="I",
        )

    return write


@pytest.fixture
def publish_through_api():
    """Submit a draft through the API as `officer`, then publish it as `editor` confirming
    every open point of its checklist; returns the publish response."""
    import json
    from http import HTTPStatus

    def publish(draft, officer, editor):
        detail = f"/api/v1/case-studies/{draft.slug}/"
        response = officer.post(f"{detail}submit/", "{}", content_type="application/json")
        assert response.status_code == HTTPStatus.OK, response.content
        checklist = editor.get(f"{detail}checklist/").json()
        response = editor.post(
            f"{detail}publish/",
            json.dumps({"confirmed": [point["code"] for point in checklist["open_points"]]}),
            content_type="application/json",
            HTTP_IF_MATCH=response["ETag"],
        )
        assert response.status_code == HTTPStatus.OK, response.content
        return response

    return publish
