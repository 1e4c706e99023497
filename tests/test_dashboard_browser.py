"""The dashboard in a real browser (Debian's Chromium driven by Playwright), through the real gateway, as a person
uses it: the numbers on the screen are the API's, the page's own controls change the county and the year, a
keyboard alone gets from the skip link to a county, axe-core finds no serious or critical accessibility
violation, no request leaves the gateway's origin, no content security rule is broken, and a phone-wide screen
needs no sideways scrolling of the page.

Screenshots (the nation, a county, the nation at phone width) are saved under tests/artifacts/ (git-ignored;
RSS_TEST_ARTIFACTS names another folder); docs/images/ holds copies for the README. Skipped with the reason when the
machine has no Chromium, as tests/test_api_docs.py is; CI installs it.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.dashboard_html import kronor_text, ore

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("RSS_TEST_ARTIFACTS", Path(__file__).resolve().parent / "artifacts"))
WAIT_MS = 60_000  # a wait for a busy machine, not a speed check
YEAR = date.today().year
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def api(dashboard_stack):
    with httpx.Client(base_url=dashboard_stack.gateway_url, timeout=60,
                      headers={"X-API-Key": dashboard_stack.keys["dashboard"]}) as client:
        yield client


class Watched:
    """A browser page whose every request and every console complaint is kept."""

    def __init__(self, browser, origin: str, *, viewport: dict[str, int] = LAPTOP, bypass_csp: bool = False) -> None:
        # Reduced motion: the charts are drawn without their animation, so a screenshot shows them whole.
        self.context = browser.new_context(viewport=viewport, locale="sv-SE", bypass_csp=bypass_csp,
                                           reduced_motion="reduce")
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.origin = origin
        self.requests: list[str] = []
        self.kinds: list[str] = []  # each request's resource type: document, stylesheet, script, fetch, ...
        self.complaints: list[str] = []
        self.page.on("request", lambda request: (self.requests.append(request.url),
                                                 self.kinds.append(request.resource_type)))
        self.page.on("console", lambda message: self.complaints.append(message.text)
                     if message.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda error: self.complaints.append(str(error)))

    def goto(self, path: str) -> None:
        self.page.goto(self.origin + path, wait_until="load")

    def close(self) -> None:
        self.context.close()

    def outside(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.origin + "/")]


def cell(page, table: str, key: str, column: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(f'table[data-table="{table}"] tr[data-key="{key}"] [data-col="{column}"]').inner_text()


def save(page, name: str, *, full_page: bool = False) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    return path


def test_the_numbers_on_the_screen_are_the_apis_and_the_controls_change_county_and_year(browser, dashboard_stack,
                                                                                        api):
    watched = Watched(browser, dashboard_stack.gateway_url)
    page = watched.page
    try:
        watched.goto("/dashboard/")
        assert page.locator("html").get_attribute("lang") == "sv"
        balances = api.get("/funding/balances", params={"by": "county", "year": YEAR,
                                                        "as_of": date.today().isoformat()}).json()
        for group in (g for g in balances["groups"] if g["group"]):
            for column in ("allocated", "paid", "repaid"):
                assert cell(page, "pengar-per-lan", group["group"], column) == kronor_text(ore(group[column]))
        page.locator("#diagram-pengar-per-lan canvas").first.wait_for()  # the chart is drawn ...
        assert page.locator('a[href="#tabell-pengar-per-lan"]').count() == 1  # ... and points to its table
        save(page, "dashboard-national.png")
        save(page, "dashboard-national-full.png", full_page=True)

        page.select_option("#lan", "20")
        page.click("form.controls button[type=submit]")
        page.wait_for_url("**/dashboard/lan/20?*")
        assert page.locator("h1").inner_text() == f"Dalarnas län {YEAR}"
        county = api.get("/funding/balances", params={"by": "agreement", "county": "20", "year": YEAR}).json()
        assert cell(page, "pengar-per-overenskommelse", "total", "allocated") == \
            kronor_text(ore(county["total"]["allocated"]))
        page.locator("#diagram-pengar-per-overenskommelse canvas").first.wait_for()
        page.evaluate("document.getElementById('pengar').scrollIntoView()")
        save(page, "dashboard-county.png")  # the county's money: its chart over its table

        page.fill("#ar", str(YEAR - 1))
        page.locator("#ar").dispatch_event("change")  # the year's own date, not this year's
        page.click("form.controls button[type=submit]")
        page.wait_for_url(f"**/dashboard/lan/20?ar={YEAR - 1}")
        assert page.locator("h1").inner_text() == f"Dalarnas län {YEAR - 1}"
        earlier = api.get("/funding/balances", params={"by": "agreement", "county": "20", "year": YEAR - 1,
                                                       "as_of": f"{YEAR - 1}-12-31"}).json()
        if earlier["groups"]:
            assert cell(page, "pengar-per-overenskommelse", "total", "paid") == \
                kronor_text(ore(earlier["total"]["paid"]))
        else:
            assert page.locator('[data-empty="pengar-per-overenskommelse"]').count() == 1

        assert watched.outside() == [], f"requests that left the platform: {watched.outside()}"
        assert not {"fetch", "xhr", "websocket", "eventsource"} & set(watched.kinds), (
            "a page is one request to its server: the data comes with it, the script fetches nothing")
        assert watched.complaints == [], f"the browser complained: {watched.complaints}"
    finally:
        watched.close()


def test_a_keyboard_alone_goes_from_the_skip_link_to_a_county(browser, dashboard_stack):
    watched = Watched(browser, dashboard_stack.gateway_url)
    page = watched.page
    try:
        watched.goto("/dashboard/")
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect(),
                                           s = getComputedStyle(e);
                                           return {text: e.textContent.trim(), top: r.top, bottom: r.bottom,
                                                   outline: s.outlineStyle, width: s.outlineWidth}; }""")
        assert focused["text"] == "Hoppa till innehållet"
        assert focused["top"] >= 0 and focused["bottom"] > focused["top"], "the skip link shows when focused"
        assert focused["outline"] != "none" and focused["width"] != "0px", "focus is visible"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "innehall"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "lan", "the county selector comes first in the page"
        page.keyboard.type("Dalarna")
        assert page.evaluate("document.activeElement.value") == "20"
        page.keyboard.press("Enter")
        page.wait_for_url("**/dashboard/lan/20?*")
        assert page.locator("h1").inner_text().startswith("Dalarnas län")
        assert watched.outside() == []
    finally:
        watched.close()


def test_axe_finds_no_serious_or_critical_violation(browser, dashboard_stack):
    """axe-core is injected into the page (the dashboard's own policy allows no script but its own: the check's
    browser context sets it aside, the pages are the dashboard's)."""
    watched = Watched(browser, dashboard_stack.gateway_url, bypass_csp=True)
    page = watched.page
    found = {}
    try:
        for path in ("/dashboard/", "/dashboard/lan/20", "/dashboard/lan/01/historik?fran=2016-06-01&till=2019-06-01",
                     "/dashboard/partnerskapet", "/dashboard/lan/99"):
            watched.goto(path)
            page.add_script_tag(path=str(AXE))
            results = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]}))
                                                   .violations.map(v => ({id: v.id, impact: v.impact,
                                                                          nodes: v.nodes.length, help: v.help}))""")
            found[path] = [v for v in results if v["impact"] in ("serious", "critical")]
        assert not any(found.values()), json.dumps(found, indent=1, ensure_ascii=False)
        assert watched.outside() == []
    finally:
        watched.close()


def test_a_phone_wide_screen_needs_no_sideways_scrolling_of_the_page(browser, dashboard_stack):
    watched = Watched(browser, dashboard_stack.gateway_url, viewport=PHONE)
    page = watched.page
    try:
        for path in ("/dashboard/", "/dashboard/lan/20"):
            watched.goto(path)
            page.locator("canvas").first.wait_for()
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{path} is wider than the screen: {width}"
        watched.goto("/dashboard/")
        save(page, "dashboard-phone.png")
        assert watched.outside() == [] and watched.complaints == []
    finally:
        watched.close()
