"""In Chromium, with the policy enforced, the charts are drawn and nothing
on the page is blocked (no eval, no inline style or script).

Pages and static files are fetched through the test client and served to
Chromium from memory with their real headers, as in
tests/indicators/web/test_browser.py.
"""

import pytest
from django.urls import reverse

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file
from tests.web.test_csp import site  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Records every violation, before any page script runs (init scripts are not subject to the policy).
LISTEN = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation', function (e) {"
    " window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')); });"
)



@pytest.mark.parametrize(
    ("name", "args", "query", "drawn"),
    [
        ("indicators:indicator", ["10.c.1"], "?area=KEN&area=MEX", "#indicator-chart svg path"),
        ("progress:objective", [20], "", "#progress-map svg path"),
    ],
)
def test_charts_are_drawn_under_the_policy(client, site, name, args, query, drawn):  # noqa: F811
    skip_without_browser()
    path = reverse(name, args=args) + query
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    from playwright.sync_api import sync_playwright

    def serve(route):
        requested = route.request.url.removeprefix("http://testserver")
        if requested == path:
            headers = {"Content-Security-Policy": policy}
            route.fulfill(status=200, body=response.content, content_type="text/html; charset=utf-8", headers=headers)
        elif (found := static_file(requested)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
        else:
            route.fulfill(status=404, body=b"")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.add_init_script(LISTEN)
            page.route("**/*", serve)
            page.goto(f"http://testserver{path}")
            page.wait_for_selector(drawn, timeout=20_000)
            page.hover(drawn)  # a tooltip, if the chart has one
            page.wait_for_timeout(300)
            violations = page.evaluate("window.__violations")
        finally:
            browser.close()
    assert violations == []
    assert errors == []
