"""A real browser against a running portal.

The portal runs as its own process (`manage.py runserver`) on a SQLite database of its
own, made with the README's steps: migrate, load the real data (both done once per run,
tests/portal_database.py), grant a lead. Playwright drives Debian's Chromium (browsers
cannot be downloaded here), found at $PLAYWRIGHT_CHROMIUM or /usr/bin/chromium.

The browser sees the same pages whichever database the rest of the suite runs on, so
these tests run in the SQLite pass and are skipped, with a message, in the PostgreSQL one.
"""

import os
import shutil
from pathlib import Path

import pytest

from conftest import require_service
from tests import portal_database
from tests.portal_database import manage, real_data_database
from tests.servers import runserver

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
LEAD_USERNAME = "browser-westminster-lead"
LEAD_PASSWORD = "Tall-purple-kettle-1984"  # noqa: S105 - a throwaway test database
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_env(tmp_path_factory):
    """The environment of the portal the browser tests drive: its own SQLite database."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("Browser tests run once, in the SQLite pass: the pages are the same")
    database_url, _ = real_data_database(
        tmp_path_factory, "browser", tmp_path_factory.mktemp("browser")
    )
    return portal_database.portal_env(database_url, BROWSER_LEAD_PASSWORD=LEAD_PASSWORD)


@pytest.fixture(scope="session")
def manage_portal(browser_env):
    """Run a management command against the browser tests' portal."""
    return lambda *args: manage(*args, env=browser_env)


@pytest.fixture(scope="session")
def portal_url(browser_env, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("browser-portal")
    env = browser_env
    manage(
        "grant_role", LEAD_USERNAME, "lead", "--borough", "westminster",
        "--password-from-env", "BROWSER_LEAD_PASSWORD", env=env,
    )  # fmt: skip
    with runserver(env, log_dir / "runserver.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, portal_url):
    context = browser.new_context(base_url=portal_url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def signed_in_page(page):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(LEAD_USERNAME)
    page.get_by_label("Password").fill(LEAD_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page
