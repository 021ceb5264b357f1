"""In Chromium, the Content-Security-Policy blocks nothing the portal itself serves."""

import re

import pytest
from playwright.sync_api import expect

from .test_accessibility import PUBLIC_PAGES, SIGNED_IN_PAGES

# Every page the accessibility scan visits, and the exports page with its live progress.
PAGES = PUBLIC_PAGES
SIGNED_IN = [*SIGNED_IN_PAGES, "/exports/"]


def csp_reports(page):
    reports = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reports


@pytest.mark.parametrize("path", PAGES)
def test_govuk_scripts_run_and_nothing_is_blocked(page, path):
    reports = csp_reports(page)
    page.goto(path)
    # The inline script (with its nonce) marked the page, and GOV.UK Frontend started.
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    page.wait_for_load_state("networkidle")
    assert reports == []


def test_a_page_seen_again_still_runs_its_scripts(page):
    """The second visit is answered 304 from the response cache; the browser shows the page
    it kept, whose scripts must still run under the policy kept with it."""
    page.goto("/case-studies/")
    reports = csp_reports(page)
    for _ in range(2):
        page.goto("/case-studies/")
        expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    page.wait_for_load_state("networkidle")
    assert reports == []


@pytest.mark.parametrize("path", SIGNED_IN)
def test_signed_in_pages_block_nothing(signed_in_page, path):
    reports = csp_reports(signed_in_page)
    signed_in_page.goto(path)
    expect(signed_in_page.locator("body")).to_have_class(
        re.compile(r"\bgovuk-frontend-supported\b")
    )
    signed_in_page.wait_for_load_state("networkidle")
    assert reports == []


def test_the_api_documentation_renders_under_the_policy(page):
    reports = csp_reports(page)
    page.goto("/api/docs/")
    # The page fetches the whole OpenAPI schema first, which a busy machine builds slowly.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "SV Portal API", timeout=60_000
    )
    expect(page.locator(".opblock").first).to_be_visible()
    assert reports == []
