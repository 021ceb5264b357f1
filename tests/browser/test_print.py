"""Pages people print, as Chromium prints them: the content only, with links written out."""

import pytest
from playwright.sync_api import expect

PRINTED = [
    "/case-studies/barking-and-dagenham-positive-diversionary-activities/",
    "/interventions/empower/",
    "/boroughs/westminster/action-plan/",
    "/boroughs/westminster/",
]


@pytest.mark.parametrize("path", PRINTED)
def test_a_printed_page_is_its_content_only(page, path):
    page.goto(path)
    expect(page.locator("header.govuk-template__header")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.govuk-template__header")).to_be_hidden()
    expect(page.locator("footer.govuk-template__footer")).to_be_hidden()
    for breadcrumbs in page.locator(".govuk-breadcrumbs").all():
        expect(breadcrumbs).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_printed_case_study_writes_out_where_its_links_go(page):
    page.goto(PRINTED[0])
    page.emulate_media(media="print")
    link = page.locator("main a[href^='mailto:']").first
    after = link.evaluate("element => getComputedStyle(element, '::after').content")
    assert "mailto:jade.hodgson@lbbd.gov.uk" in after
    expect(page.get_by_role("link", name="Download this case study as a PDF")).to_be_hidden()
