"""Test set-up shared by every app.

The test database starts with the portal's real data (fixtures/), loaded once
per session, because that is what users see; each test runs in a transaction
rolled back at its end.
"""

import os

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from svportal.portal_data import load_portal_data

    with django_db_blocker.unblock():
        load_portal_data(settings.PORTAL_FIXTURES_DIR)


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
