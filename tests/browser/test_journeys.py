"""What people do, in a real browser: find practice, compare boroughs, sign in, update."""

import re

from playwright.sync_api import expect


def test_search_filter_and_open_a_case_study(page):
    page.goto("/case-studies/")
    main = page.locator("main")
    main.get_by_label(re.compile("Search", re.I)).first.fill("family therapy")
    main.get_by_role("button", name=re.compile("Search", re.I)).first.click()
    expect(page).to_have_url(re.compile(r"q=family\+therapy"))
    results = page.locator("main")
    expect(results.get_by_role("link", name=re.compile("Redbridge", re.I)).first).to_be_visible()

    page.get_by_role("link", name=re.compile("Redbridge", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Redbridge")
    expect(page.locator("main")).to_contain_text("over £700,000")


def test_the_header_search_finds_every_kind_together(page):
    """An officer searching the header box for "county lines" sees case studies,
    interventions and plan items together, and follows one kind to its own list."""
    page.goto("/funding/")
    header = page.locator("header")
    header.get_by_label(re.compile("Search", re.I)).fill("county lines")
    header.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=county\+lines"))
    main = page.locator("main")
    for kind in ("Case studies", "Interventions", "Plan items"):
        expect(main.get_by_role("heading", name=re.compile(f"^{kind} \\(\\d+\\)$"))).to_be_visible()
    expect(
        main.get_by_role("link", name=re.compile("tackling county lines head-on"))
    ).to_be_visible()
    expect(
        main.get_by_role("link", name="Analyse County Lines operating from the borough")
    ).to_be_visible()
    main.get_by_role("link", name=re.compile(r"^All \d+ case studies matching")).click()
    expect(page).to_have_url(re.compile(r"/case-studies/\?q=county\+lines"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case studies")


def test_filter_case_studies_by_a_facet_and_remove_it(page):
    page.goto("/case-studies/?borough=redbridge")
    expect(page.locator("main")).to_contain_text("Redbridge")
    remove = page.get_by_role("link", name=re.compile("Remove", re.I)).first
    expect(remove).to_be_visible()
    remove.click()
    expect(page).not_to_have_url(re.compile("borough=redbridge"))


def test_compare_two_boroughs_with_the_picker(page):
    page.goto("/compare/")
    page.get_by_label("First borough").select_option(label="Westminster")
    page.get_by_label("Second borough").select_option(label="Lambeth")
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile("westminster"))
    main = page.locator("main")
    expect(main).to_contain_text("Westminster")
    expect(main).to_contain_text("Lambeth")


def test_sign_in_and_out(signed_in_page):
    page = signed_in_page
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_a_wrong_password_is_explained(page):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()


def test_the_westminster_lead_updates_an_item_and_sees_the_history(signed_in_page):
    page = signed_in_page
    page.goto("/boroughs/westminster/action-plan/")
    page.get_by_role("link", name=re.compile("^Update")).first.click()
    page.get_by_label("At risk").check()
    page.get_by_label("Progress (per cent) (optional)").fill("45")
    page.get_by_label("Note (optional)").fill("Youth worker posts vacant")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("has been updated")).to_be_visible()
    page.goto("/boroughs/westminster/action-plan/history/")
    expect(page.locator("main")).to_contain_text("Status: ")
    expect(page.locator("main")).to_contain_text("Youth worker posts vacant")
