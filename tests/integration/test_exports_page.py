"""The exports page in a real browser: the progress bar follows a running export without a
reload, then offers the download — the page's ES module polling the JSON status.

Like tests/browser, it drives Debian's Chromium and runs in the SQLite pass only (the page
is the same on PostgreSQL). The portal is served by runserver here, which serves the
static files (the module) from source; the export runs on a real, slow worker.
"""

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from conftest import require_service
from tests.servers import runserver

from .conftest import PASSWORD, USERNAME

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@pytest.fixture
def page_server(portal, tmp_path):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("Browser tests run once, in the SQLite pass: the pages are the same")
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} is missing (apt-get install chromium)")
    with runserver(portal.env(), tmp_path / "runserver.log") as url:
        yield url


def in_a_thread_of_its_own(scenario, timeout=180):
    """Run a Playwright scenario in its own thread: the sync API will not start in a thread
    where another Playwright (tests/browser's, in the same pytest worker) runs its loop."""
    outcome = {}

    def run():
        try:
            scenario()
        except BaseException as error:  # handed to the test's own thread below
            outcome["error"] = error

    thread = threading.Thread(target=run, name="playwright")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"The browser scenario did not finish in {timeout}s")
    if "error" in outcome:
        raise outcome["error"]


def test_the_progress_bar_follows_the_export_without_a_reload(page_server, start_worker):
    start_worker(app="tests.integration.slow_app", ITEST_ROW_DELAY="0.1")
    in_a_thread_of_its_own(lambda: follow_an_export_in_the_browser(page_server))


def follow_an_export_in_the_browser(page_server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(base_url=page_server)
            page.goto("/accounts/login/?next=/exports/")
            page.get_by_label("Username").fill(USERNAME)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Exports")

            page.get_by_label("Action items").check()
            page.get_by_label("Excel spreadsheet (XLSX)").check()
            page.get_by_role("button", name="Start export").click()
            expect(page.locator(".govuk-notification-banner")).to_contain_text("has started")
            page.evaluate("window.notReloaded = true")

            row = page.locator("[data-export-url]").first
            seen = set()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                # Read in one step in the page: the script may remove the bar at any moment.
                status, value = page.evaluate(
                    """() => {
                      const row = document.querySelector('[data-export-url]')
                      const bar = row.querySelector('progress')
                      return [row.dataset.exportStatus, bar ? bar.value : null]
                    }"""
                )
                if value is not None:
                    seen.add(int(value))
                if status == "done":
                    break
                time.sleep(0.1)
            assert any(0 < value < 100 for value in seen), seen  # it moved, part way
            expect(row.locator("[data-export-tag]")).to_have_text("Ready")
            expect(row.get_by_role("link", name=re.compile("^Download"))).to_be_visible()
            expect(page.locator("#export-announcer")).to_contain_text("ready to download")
            assert page.evaluate("window.notReloaded") is True  # the same page throughout
            assert row.locator("progress").count() == 0

            with page.expect_download() as download:
                row.get_by_role("link", name=re.compile("^Download")).click()
            assert download.value.suggested_filename.endswith(".xlsx")
        finally:
            browser.close()
