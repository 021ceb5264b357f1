"""Every page, scanned with axe-core in Chromium: no WCAG 2.2 AA violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

PUBLIC_PAGES = [
    "/",
    "/case-studies/",
    "/case-studies/?q=family+therapy",
    "/case-studies/redbridge-functional-family-therapy/",
    "/interventions/",
    "/interventions/empower/",
    "/case-studies/?age=12&evidence_level=3&sort=evidence",
    "/interventions/?sort=evidence&evaluation_design=before_after",
    "/methodology/",
    "/boroughs/",
    "/boroughs/westminster/",
    "/boroughs/westminster/action-plan/",
    "/boroughs/westminster/action-plan/history/",
    "/compare/",
    "/compare/?boroughs=westminster,lambeth",
    "/funding/",
    "/funding/trusted-relationships-fund/",
    "/organisations/safer-london/",
    "/stock-takes/",
    "/stock-takes/london-councils-2018/",
    "/about/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/contact/",
    "/boroughs/burnley/",
    "/boroughs/suffolk/",
    "/boroughs/ipswich/",
    "/accounts/login/",
    "/accounts/password-reset/",
    "/accounts/password-reset/sent/",
    "/accounts/password-reset/MQ/expired-token/",
    "/search/",
    "/search/?q=county+lines",
    "/search/?q=charity&kind=organisations",
    "/search/?q=knife&kind=plan_items&page=2",
    "/search/?q=%00",
    "/search/?q=what+worked+for+under-18s+drawn+into+county+lines",
    "/no-such-page/",
]
SIGNED_IN_PAGES = [
    "/my/",
    "/account/api-token/",
    "/account/password/",
    "/boroughs/westminster/action-plan/items/new/",
    "/boroughs/westminster/action-plan/upload/",
    "/case-studies/new/",
    "/my/case-studies/",
]


def violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [
        f"{violation['id']}: {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
    ]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_wcag_violations(page, path):
    page.goto(path)
    assert page.title()
    assert violations(page) == []


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages_have_no_wcag_violations(signed_in_page, path):
    signed_in_page.goto(path)
    assert violations(signed_in_page) == []


def test_an_item_form_with_errors_has_no_wcag_violations(signed_in_page):
    signed_in_page.goto("/boroughs/westminster/action-plan/")
    signed_in_page.get_by_role("link", name="Update").first.click()
    signed_in_page.get_by_label("Off track").check()
    signed_in_page.get_by_role("button", name="Save").click()
    # Waits for the answer to the form post: a bare is_visible() raced the navigation.
    expect(signed_in_page.get_by_text("There is a problem")).to_be_visible()
    assert violations(signed_in_page) == []


def test_the_lockout_page_and_a_password_form_with_errors_have_no_wcag_violations(
    page, manage_portal
):
    page.goto("/accounts/password-reset/")
    page.get_by_label("Email address").fill("not-an-address")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert violations(page) == []

    for _ in range(10):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("nobody-at-all")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    try:
        expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
        assert violations(page) == []
    finally:
        manage_portal("axes_reset")  # the address is the one every browser test signs in from


def test_a_case_study_draft_with_errors_has_no_wcag_violations(signed_in_page):
    signed_in_page.goto("/case-studies/new/")
    signed_in_page.get_by_label("Measure").first.fill("Arrests")
    signed_in_page.get_by_role("button", name="Save draft").click()
    expect(signed_in_page.get_by_text("There is a problem")).to_be_visible()
    # The summary links to the outcome's own fields.
    expect(signed_in_page.locator('a[href="#id_outcomes-0-value"]')).to_be_visible()
    assert violations(signed_in_page) == []
