"""Automated accessibility checks (axe-core, through axe-playwright-python) on
the main pages, in English and French, at desktop and at phone width (390 px),
in Debian's Chromium.

The pages and their static files are fetched through the test client first
and served to Chromium from memory, as in tests/indicators/web/test_browser.py:
no live server, and no database access while Playwright's event loop runs.
At 390 px the document must not scroll sideways: charts fit the screen and
wide tables scroll inside their own box.
"""

import re

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file
from tests.indicators.web.conftest import sample_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES = {
    "home": "/{lang}/",
    "objective": "/{lang}/objectives/20/",
    "indicator": "/{lang}/indicators/10.c.1/",
    "country": "/{lang}/countries/KEN/",
    "country progress": "/{lang}/countries/KEN/progress/",
    "search": "/{lang}/search/?q=migra",
    "practice search": "/{lang}/practices/search/?q=migra",
    "not found": "/{lang}/no-such-page/",
}
LANGUAGES = {"en": tuple(PAGES), "fr": ("home", "indicator", "search", "not found")}
WIDTHS = {"desktop": 1280, "phone": 390}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def site_pages(client, settings):
    """Every page to check, fetched once: {path: (status, html)}, with the
    static files they name."""
    from gcmhub.indicators.loader import load
    from gcmhub.progress.services import recompute

    settings.DEMO_MODE = True  # the banner is part of what newcomers see
    load(sample_records(), format="tidy", file_name="sample.csv", sha256="0" * 64, source="Test Statistics Office")
    recompute()
    pages = {}
    for language, names in LANGUAGES.items():
        for name in names:
            path = PAGES[name].format(lang=language)
            response = client.get(path)
            pages[path] = (response.status_code, response.content)
            for extra in re.findall(rb'src="(/[a-z]{2}/[^"]+\.svg[^"]*)"', response.content):
                url = extra.decode().replace("&amp;", "&")
                pages[url] = (client.get(url).status_code, client.get(url).content)
    return pages



def _axe_problems(axe, page, where: str) -> list[str]:
    problems = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [node["target"] for node in violation["nodes"][:3]]
            problems.append(f"{where}: {violation['id']} ({violation['impact']}) {targets}")
    return problems


def _run_checks(pages):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    problems, requested = [], []

    def serve(route):
        path = route.request.url.removeprefix("http://testserver")
        requested.append(path)
        if path in pages:
            status, body = pages[path]
            kind = "image/svg+xml" if ".svg" in path else "text/html; charset=utf-8"
            route.fulfill(status=status, body=body, content_type=kind)
        elif (found := static_file(path)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
        else:
            route.fulfill(status=404, body=b"")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width_name, width in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))  # noqa: B023
                page.route("**/*", serve)
                for language, names in LANGUAGES.items():
                    for name in names:
                        path = PAGES[name].format(lang=language)
                        page.goto(f"http://testserver{path}")
                        page.wait_for_load_state("networkidle")
                        where = f"{name} ({language}, {width_name})"
                        problems += _axe_problems(axe, page, where)
                        # Tabs hide their panels from axe: check each one shown.
                        for tab in page.locator("[role=tab]").all()[1:]:
                            tab.click()
                            page.wait_for_load_state("networkidle")
                            problems += _axe_problems(axe, page, f"{where}, tab {tab.inner_text()}")
                        if width_name == "phone":
                            scroll, client = page.evaluate(
                                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                            )
                            if scroll > client:
                                problems.append(f"{where}: the page scrolls sideways ({scroll} > {client} px)")
                problems += [f"JavaScript error ({width_name}): {error}" for error in errors]
                context.close()
        finally:
            browser.close()
    return problems, requested


def test_main_pages_have_no_serious_accessibility_problems_and_fit_a_phone(site_pages):
    skip_without_browser()
    assert site_pages["/en/no-such-page/"][0] == 404
    problems, requested = _run_checks(site_pages)
    assert problems == [], "\n".join(problems)
    assert all(path.startswith("/") for path in requested)  # nothing from another host
