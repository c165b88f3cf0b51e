"""The directory in Chromium: a frontline worker picks a situation, finds
its service as a point on the map and opens it; the directory, the gap
matrix and a referral card have no serious accessibility problem (axe), at
desktop and phone width, and the pages load nothing from another host.

Uses the request hand-over of tests/practices/test_browser_curation.py
(Django's test client answers Chromium's requests inside the test's
transaction)."""

import pytest

from tests.conftest import skip_without_browser
from tests.practices.test_browser_curation import run_in_browser
from tests.protection.conftest import situation

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
BLOCKING = {"serious", "critical"}


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{page.url}: {v['id']} {[n['target'] for n in v['nodes'][:3]]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def directory(make_service, kenya, people):
    from gcmhub.protection import pathways

    child = make_service(name="Child helpline Kisumu", situations=[situation("unaccompanied_child")],
                         locations=[{"name": "Helpline", "address": "Oginga Odinga Street", "admin_area": "Kisumu County",
                                     "latitude": -0.0917, "longitude": 34.768}])  # fmt: skip
    make_service(name="Workers' advice line Mombasa", service_type="legal_aid",
                 situations=[situation("exploited_worker")],
                 locations=[{"name": "Office", "address": "Moi Avenue", "admin_area": "Mombasa County",
                             "latitude": -4.06, "longitude": 39.67}])  # fmt: skip
    pathway = pathways.create_pathway(
        people.focal_ken, area=kenya, situation=situation("unaccompanied_child"),
        data=pathways.PathwayInput(title="Child alone at the bus station", steps=[
            pathways.StepInput("first_contact", "Call the helpline.", [child.pk])]),
    )  # fmt: skip
    return {"child": child, "pathway": pathway}


def test_find_a_service_by_situation_on_the_map(client, directory):
    skip_without_browser()
    child = directory["child"]
    requested = []

    def find(page):
        page.on("request", lambda request: requested.append(request.url))
        page.goto("http://testserver/en/protection/services/")
        page.select_option("#filter-area", "KEN")
        page.select_option("#filter-situation", "unaccompanied_child")
        page.click("#directory-form button[type=submit]")
        page.wait_for_url("**situation=unaccompanied_child**")
        assert "1 service found" in page.locator("#directory-count").inner_text()
        page.wait_for_selector("#directory-map.is-drawn", timeout=20000)
        points = page.locator("#directory-map svg [aria-roledescription='circle'], #directory-map svg path[role='graphics-symbol']")
        point = page.locator("#directory-map svg [aria-label*='Child helpline Kisumu']").first
        assert point.count() == 1, page.locator("#directory-map").inner_html()[:2000]
        assert page.locator("#directory-map svg [aria-label*='Mombasa']").count() == 0
        assert points.count() >= 1
        problems = _serious(page)
        point.click(force=True)
        page.wait_for_url(f"**/en/protection/services/{child.pk}/")
        assert "Child helpline Kisumu" in page.locator("h1").inner_text()
        problems += _serious(page)
        assert problems == [], "\n".join(problems)

    assert run_in_browser(client, find) == []
    assert all(url.startswith("http://testserver/") for url in requested)


def test_directory_gaps_and_card_are_accessible_at_phone_width(client, directory, kenya):
    skip_without_browser()
    pathway = directory["pathway"]
    paths = [
        "/en/protection/services/?area=KEN",
        "/fr/protection/services/",
        "/en/protection/gaps/KEN/",
        "/es/protection/gaps/KEN/",
        "/en/protection/gaps/KEN/unaccompanied_child/transit/",
        f"/en/protection/pathways/{pathway.pk}/",
        f"/en/protection/pathways/{pathway.pk}/card/",
        f"/fr/protection/pathways/{pathway.pk}/card/",
    ]

    def check(page):
        problems = []
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                page.goto(f"http://testserver{path}")
                page.wait_for_load_state("networkidle")
                problems += _serious(page)
                scroll, inner = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                if scroll > inner:
                    problems.append(f"{path} at {width}px scrolls sideways ({scroll} > {inner})")
        # The matrix's cells are links reachable with the keyboard, with words, not colour alone.
        page.goto("http://testserver/en/protection/gaps/KEN/")
        first_cell = page.locator(".gap-matrix td a").first
        first_cell.focus()
        assert first_cell.evaluate("e => e === document.activeElement")
        assert first_cell.locator(".gap-label").inner_text().strip() != ""
        assert problems == [], "\n".join(problems)

    assert run_in_browser(client, check) == []


def test_a_focal_point_adds_a_service_in_the_browser(client, people, orgs, kenya, tmp_path):
    skip_without_browser()
    from gcmhub.protection.models import Service

    client.force_login(people.focal_ken)

    def add(page):
        page.goto("http://testserver/en/protection/services/")
        page.get_by_role("link", name="Add a service").click()
        page.wait_for_url("**/protection/services/new/")
        problems = []
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            problems += _serious(page)
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if scroll > inner:
                problems.append(f"the form at {width}px scrolls sideways ({scroll} > {inner})")
        page.get_by_label("Name of the service").fill("Kisumu legal clinic")
        page.get_by_label("Provider organisation").select_option(str(orgs.legal.pk))
        page.get_by_label("Type of service").select_option("legal_aid")
        page.get_by_label("Victim or presumed victim of trafficking").check()
        page.get_by_label("Languages").fill("en, sw")
        page.locator("#id_location-0-name").fill("Clinic")
        page.locator("#id_location-0-latitude").fill("-0.09")
        page.locator("#id_location-0-longitude").fill("34.77")
        page.screenshot(path=str(tmp_path / "service-form.png"), full_page=True)
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/en/protection/services/*/")
        assert page.locator("h1").inner_text() == "Kisumu legal clinic"
        # The service page as it first shows, with the "saved" message in its live region.
        assert page.get_by_role("status").count() == 1
        problems += _serious(page)
        page.goto("http://testserver/en/protection/services/import/")
        problems += _serious(page)
        assert problems == [], "\n".join(problems)

    assert run_in_browser(client, add) == []
    service = Service.objects.get(name="Kisumu legal clinic")
    assert service.provider == orgs.legal and service.languages == ["en", "sw"] and not service.is_published
