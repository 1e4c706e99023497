"""The API documentation works on a machine without internet.

The browser test drives Debian's Chromium with Playwright (.ci/run installs Chromium when it is missing; outside CI
the test is skipped with the reason when there is no Chromium).
"""

from __future__ import annotations

import json
import os
import re

# How long the page may take to render the platform's whole document: a wait, not a speed check (a busy 2-core
# machine took over 20 s once).
RENDER_WAIT_MS = 120_000


def test_docs_pages_load_their_assets_from_the_gateway_itself(gateway):
    for page in ("/docs", "/redoc"):
        html = gateway.get(page).text
        external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
        assert external == [], f"{page} loads {external} from outside the platform"
        assets = re.findall(r"""(?:src|href)=["'](/docs/assets/[^"']+)""", html)
        assert assets, f"{page} names no assets"
        for asset in assets:
            response = gateway.get(asset)
            assert response.status_code == 200 and len(response.content) > 1000, asset


def test_swagger_ui_lists_the_registry_and_try_it_out_reaches_the_api_with_a_key(browser, stack, county_key):
    page = browser.new_page()
    page.set_default_timeout(RENDER_WAIT_MS)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(stack.gateway_url) else None)
    page.goto(stack.gateway_url + "/docs")
    page.wait_for_selector(".opblock-tag-section", timeout=RENDER_WAIT_MS)
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert any("actors · organisations" in t for t in tags), tags

    page.click("button.authorize")
    page.locator(".auth-container input").first.fill(county_key["X-API-Key"])
    page.locator(".auth-container button.authorize").first.click()
    page.locator("button.btn-done, .close-modal").first.click()

    page.fill(".operation-filter-input", "gateway")
    page.locator(".opblock-tag", has_text="gateway").first.click()
    whoami = page.locator(".opblock", has_text="/whoami").first
    whoami.locator(".opblock-summary").click()
    whoami.locator("button.try-out__btn").click()
    whoami.locator("button.execute").click()
    body = whoami.locator(".live-responses-table .microlight").first
    body.wait_for(timeout=RENDER_WAIT_MS)
    answer = json.loads(body.inner_text())
    assert answer == {"subject": "county-20-dalarna", "role": "county", "county_code": "20"}
    assert outside == [], f"the docs page reached outside the platform: {outside}"
    page.close()


def test_redoc_renders_the_operations_offline(browser, stack, tmp_path):
    screenshot_dir = tmp_path
    page = browser.new_page()
    page.set_default_timeout(RENDER_WAIT_MS)
    page.goto(stack.gateway_url + "/redoc")
    page.wait_for_selector(".menu-content", timeout=RENDER_WAIT_MS)
    menu = page.locator(".menu-content").inner_text()
    assert "actors · organisations" in menu and "gateway" in menu, menu[:500]
    page.locator(".menu-content label", has_text="actors · organisations").first.click()
    page.get_by_text("Register an organisation").first.wait_for(timeout=RENDER_WAIT_MS)
    page.screenshot(path=os.environ.get("RSS_SCREENSHOT_DIR", str(screenshot_dir)) + "/redoc.png")
    page.close()
