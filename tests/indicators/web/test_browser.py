"""The chart is drawn in a real browser from the bundled Vega (Debian's Chromium).

The page and its static files are fetched through the test client first and
served to Chromium from memory, so the test needs no live server (whose
flush would empty the session's reference data) and touches no database
while Playwright's event loop runs.
"""

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db]



def test_the_chart_is_drawn_offline(client, web_data):
    skip_without_browser()
    pages = {path: client.get(path).content for path in ("/en/indicators/10.c.1/?area=KEN&area=MEX",)}
    from playwright.sync_api import sync_playwright

    requested = []

    def serve(route):
        path = route.request.url.removeprefix("http://testserver")
        requested.append(path)
        found = static_file(path)
        if path in pages:
            route.fulfill(status=200, body=pages[path], content_type="text/html; charset=utf-8")
        elif found is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
        else:
            route.fulfill(status=404, body=b"")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: message.type == "warning" and errors.append(message.text))
            page.route("**/*", serve)
            page.goto("http://testserver/en/indicators/10.c.1/?area=KEN&area=MEX")
            page.wait_for_selector("#indicator-chart svg path", timeout=20_000)
            labels = page.locator("#indicator-chart svg text").all_text_contents()
            colours = page.evaluate(
                "Array.from(document.querySelectorAll('#indicator-chart svg path'))"
                ".map(p => (p.getAttribute('stroke') || '').toLowerCase())"
            )
        finally:
            browser.close()
    assert not errors
    assert "Kenya" in labels and "Mexico" in labels
    assert "#0072b2" in colours and "#d55e00" in colours
    assert all(path.startswith("/") for path in requested)  # nothing from another host
