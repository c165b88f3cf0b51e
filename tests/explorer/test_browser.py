"""In Chromium: the map's year slider and disaggregation change the view (keyboard only),
the table follows, the address keeps the state; axe-core finds no serious problem on the
explorer pages. Pages are fetched through the test client first and served from memory
(as tests/web/test_accessibility.py does): no database access inside Playwright's loop."""

from urllib.parse import unquote

import pytest

from gcmhub.explorer import services
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, skip_without_browser, static_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

MAP = "/en/explorer/map/?series=SM.POP.TOTL&year={year}&dim=SEX%3A{sex}"
OTHER_PAGES = ["/en/countries/MEX/migration/", "/en/explorer/corridors/MEX-USA/",
               "/en/explorer/corridors/?measure=migrant_stock", "/fr/countries/MEX/migration/"]  # fmt: skip
BLOCKING = {"serious", "critical"}


def test_map_controls_change_the_view_and_pages_pass_axe(loaded, client):
    skip_without_browser()
    states = [(2020, "F"), (2015, "F"), (2015, "M")]
    pages = {}
    for year, sex in states:
        url = MAP.format(year=year, sex=sex)
        pages[unquote(url)] = client.get(url).content
    for url in OTHER_PAGES:
        pages[url] = client.get(url).content
    expected = {}
    for year, sex in states:
        value = next(i["value"] for i in services.map_values("SM.POP.TOTL", year, f"SEX:{sex}")["items"]
                     if i["iso3"] == "MEX")  # fmt: skip
        expected[(year, sex)] = f"{int(value):,}"

    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    def serve(route):
        path = unquote(route.request.url.removeprefix("http://testserver"))
        if path in pages:
            route.fulfill(status=200, body=pages[path], content_type="text/html; charset=utf-8")
        elif (found := static_file(path)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
        else:
            route.fulfill(status=404, body=b"")

    axe = Axe()
    problems = []

    def check(page, where):
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in BLOCKING:
                problems.append(f"{where}: {violation['id']} {[n['target'] for n in violation['nodes'][:3]]}")

    def mexico(page) -> str:
        return page.locator("#explorer-map-table tr", has_text="Mexico").locator("td.num").inner_text()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route("**/*", serve)
            page.goto("http://testserver" + MAP.format(year=2020, sex="F"))
            page.wait_for_load_state("networkidle")
            assert mexico(page) == expected[(2020, "F")]
            check(page, "map 2020 F")
            # The year slider, by keyboard: one step back is 2015 (DESA's years are 5 apart).
            page.focus("#id_year")
            with page.expect_navigation():
                page.keyboard.press("ArrowLeft")
            page.wait_for_load_state("networkidle")
            assert "year=2015" in page.url
            assert mexico(page) == expected[(2015, "F")]
            assert "2015" in page.locator("#map-status").inner_text()
            # The disaggregation, by keyboard.
            page.focus("#id_dim")
            with page.expect_navigation():
                page.select_option("#id_dim", "SEX:M")
            page.wait_for_load_state("networkidle")
            assert unquote(page.url).endswith("year=2015&dim=SEX:M")
            assert mexico(page) == expected[(2015, "M")]
            check(page, "map 2015 M")
            for url in OTHER_PAGES:
                page.goto("http://testserver" + url)
                page.wait_for_load_state("networkidle")
                check(page, url)
            assert errors == []
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
