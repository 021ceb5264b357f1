"""A map by keyboard alone, in Chromium: every area is reached with Tab in turn, is named
with its figure, shows where the focus is, and opens its page with Enter; the skip link
passes the areas by."""

import re

from playwright.sync_api import expect

FOCUSED = """() => {
  const area = document.activeElement;
  const path = area && area.querySelector ? area.querySelector("path") : null;
  const style = path ? getComputedStyle(path) : null;
  const map = area && area.closest ? area.closest("svg.portal-map") : null;
  // The map is drawn in steps of its outlines' grid: its border in pixels on the screen.
  const pixels = map ? map.getBoundingClientRect().width / map.viewBox.baseVal.width : 0;
  return {
    inMap: !!map,
    href: area ? area.getAttribute("href") : null,
    fill: style ? style.fill : null,
    strokePixels: style ? Math.round(parseFloat(style.strokeWidth) * pixels * 10) / 10 : null,
  };
}"""


def focused_now(page):
    """What has the focus, with the name and role Chromium gives it to screen readers."""
    found = page.evaluate(FOCUSED)
    cdp = page.context.new_cdp_session(page)
    element = cdp.send("Runtime.evaluate", {"expression": "document.activeElement"})
    tree = cdp.send(
        "Accessibility.getPartialAXTree",
        {"objectId": element["result"]["objectId"], "fetchRelatives": False},
    )
    node = next(node for node in tree["nodes"] if not node.get("ignored"))
    found["name"] = node.get("name", {}).get("value")
    found["role"] = node.get("role", {}).get("value")
    cdp.detach()
    return found


def tab_to_map(page, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["inMap"]:
            return focused_now(page)
    raise AssertionError("Tab never reached the map")


def test_every_area_of_a_map_is_reached_by_tab_named_and_visibly_focused(page):
    page.goto("/boroughs/croydon/")
    first = tab_to_map(page)
    focused = [first]
    for _ in range(32):
        page.keyboard.press("Tab")
        focused.append(focused_now(page))

    assert all(area["inMap"] for area in focused)
    assert {area["role"] for area in focused} == {"link"}
    names = [area["name"] for area in focused]
    assert len(set(names)) == 33  # London's 32 boroughs and the City, each once
    assert all(re.fullmatch(r"[A-Z][^:]+: \S.*", name) for name in names)
    assert names == sorted(names, key=str.lower)  # in the order of the table
    assert "Croydon: Not recorded" in names
    assert "Westminster: Active plan recorded" in names
    # The GOV.UK focus colours: yellow fill, thick black edge.
    assert {(area["fill"], area["strokePixels"]) for area in focused} == {("rgb(255, 221, 0)", 2.0)}
    page.keyboard.press("Tab")
    assert not page.evaluate(FOCUSED)["inMap"]  # and then out of the map


def test_enter_on_an_area_opens_its_page(page):
    page.goto("/boroughs/croydon/")
    area = tab_to_map(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(area["href"]) + "$"))
    expect(page.locator("h1")).to_have_text(area["name"].split(":")[0])


def test_the_skip_link_passes_the_areas_by(page):
    page.goto("/boroughs/croydon/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()").startswith(
            "Skip the map"
        ):
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#profile-map-table$"))
    page.keyboard.press("Tab")
    assert not page.evaluate(FOCUSED)["inMap"]
