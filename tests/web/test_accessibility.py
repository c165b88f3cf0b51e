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
    "commitments": "/{lang}/commitments/",
    "commitment": "/{lang}/commitments/{commitment}/",
    "commitment form": "/{lang}/commitments/new/",
    "commitment update form": "/{lang}/commitments/{commitment}/updates/new/",
}
LANGUAGES = {"en": tuple(PAGES), "fr": ("home", "indicator", "search", "not found", "commitments", "commitment")}
# Pages only a signed-in person sees, fetched as that person: {page: account}.
SIGNED_IN_PAGES = {"commitment form": "contributor", "commitment update form": "contributor"}
# Ids of the records the fixture makes, for the paths above.
RECORD_IDS: dict[str, int] = {}


def page_path(name: str, language: str) -> str:
    return PAGES[name].format(lang=language, **RECORD_IDS)


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
    accounts = _commitment_records()
    pages = {}
    for language, names in LANGUAGES.items():
        for name in names:
            path = page_path(name, language)
            if name in SIGNED_IN_PAGES:
                client.force_login(accounts[SIGNED_IN_PAGES[name]])
            response = client.get(path)
            client.logout()
            pages[path] = (response.status_code, response.content)
            for extra in re.findall(rb'src="(/[a-z]{2}/[^"]+\.svg[^"]*)"', response.content):
                url = extra.decode().replace("&amp;", "&")
                pages[url] = (client.get(url).status_code, client.get(url).content)
    return pages



def _commitment_records() -> dict:
    """A published commitment with a verified, published update (invented, labelled
    as demo), and the contributor who may report on it."""
    import datetime

    from gcmhub.actors.models import Organization, User
    from gcmhub.commitments import services
    from gcmhub.commitments.inputs import CommitmentInput
    from gcmhub.framework.models import Objective
    from gcmhub.geo.models import Area

    kenya = Area.objects.get(iso3="KEN")
    ministry = Organization.objects.create(
        name="Example Ministry of Labour (invented)", area=kenya, kind=Organization.Kind.GOVERNMENT,
        is_published=True, is_demo=True,
    )  # fmt: skip
    contributor = User.objects.create_user("a11y-contributor", role=User.Role.CONTRIBUTOR, organization=ministry)
    data = CommitmentInput(
        kind="national_action", title="Legal aid desks at border posts", area=kenya, owner=ministry,
        description="Open legal aid desks for migrants at ten border posts.",
        objectives=[Objective.objects.get(number=7)], metric="border posts with a desk", metric_baseline=2,
        metric_target=10, due_date=datetime.date(2028, 12, 31), is_demo=True,
    )  # fmt: skip
    commitment = services.create_commitment(None, data)
    services.submit_commitment(None, commitment, commitment.version)
    services.approve_commitment(None, commitment, commitment.version)
    update = services.post_update(
        None, commitment, reported_on=datetime.date(2025, 6, 1), status="in_progress", completion="limited",
        narrative="Four desks opened.", links=["https://example.org/report"], is_demo=True,
    )  # fmt: skip
    services.verify_update(None, update, "partly_verified", "Two desks visited.", update.version)
    services.publish_update(None, update, update.version)
    RECORD_IDS["commitment"] = commitment.pk
    return {"contributor": contributor}


def _axe_problems(axe, page, where: str) -> list[str]:
    problems = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [node["target"] for node in violation["nodes"][:3]]
            problems.append(f"{where}: {violation['id']} ({violation['impact']}) {targets}")
    return problems


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _as_given(path: str) -> str:
    return path


def _check_paths(pages: dict, paths: list[str], *, widths: dict = WIDTHS, normalise=_as_given, on_page=None) -> list[str]:
    """Open each path in Chromium at each width, served from ``pages``
    ({normalise(path): (status, body)}) and the static files: axe finds no
    serious problem, at phone width the document does not scroll sideways,
    no JavaScript error, and nothing is requested from another host.

    ``normalise`` maps a path Chromium requests to its key in ``pages`` (a
    submitted form sends its empty fields too). ``on_page(page, path,
    width_name)`` runs after axe on each page and returns more problems
    (tabs shown, a disclosure opened, a keyboard walk); the sideways check
    follows it, so what it opens must fit the phone as well."""
    from playwright.sync_api import sync_playwright

    axe, problems = _axe(), []

    def serve(route):
        url = route.request.url
        if not url.startswith("http://testserver/"):
            problems.append(f"a request to another host: {url}")
            route.abort()
            return
        path = normalise(url.removeprefix("http://testserver"))
        if path in pages:
            kind = "image/svg+xml" if ".svg" in path else "text/html; charset=utf-8"
            route.fulfill(status=pages[path][0], body=pages[path][1], content_type=kind)
        elif (found := static_file(path)) is not None:
            route.fulfill(status=200, body=found[0], content_type=found[1])
        else:
            route.fulfill(status=404, body=b"")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width_name, width in widths.items():
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))  # noqa: B023
                page.route("**/*", serve)
                for path in paths:
                    page.goto(f"http://testserver{path}")
                    page.wait_for_load_state("networkidle")
                    where = f"{path} ({width_name})"
                    problems += _axe_problems(axe, page, where)
                    if on_page is not None:
                        problems += on_page(page, path, width_name)
                    if width_name == "phone":
                        scroll, inner = page.evaluate(
                            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
                        )
                        if scroll > inner:
                            problems.append(f"{where}: the page scrolls sideways ({scroll} > {inner} px)")
                problems += [f"JavaScript error ({width_name}): {error}" for error in errors]
                context.close()
        finally:
            browser.close()
    return problems


def _show_each_tab(page, path: str, width_name: str) -> list[str]:
    """Tabs hide their panels from axe: check each one shown."""
    problems = []
    for tab in page.locator("[role=tab]").all()[1:]:
        tab.click()
        page.wait_for_load_state("networkidle")
        problems += _axe_problems(_axe(), page, f"{path} ({width_name}), tab {tab.inner_text()}")
    return problems


def test_main_pages_have_no_serious_accessibility_problems_and_fit_a_phone(site_pages):
    skip_without_browser()
    assert site_pages["/en/no-such-page/"][0] == 404
    paths = [page_path(name, language) for language, names in LANGUAGES.items() for name in names]
    problems = _check_paths(site_pages, paths, on_page=_show_each_tab)
    assert problems == [], "\n".join(problems)


# --- reviews: scorecards, comparison, comments, moderation (rv-score) ----------------------------


def _scorecard_pages(client) -> dict:
    """The scorecard pages of a published review with a published
    self-assessment and two published scorecards (one disagreeing), fetched
    as the people who see them: {path: (status, html)}."""
    from tests.actors.conftest import country
    from tests.reviews.scorecard_fixtures import make_scorecard, publish_official

    from gcmhub.actors.models import Organization, User
    from gcmhub.reviews import scorecards
    from gcmhub.reviews import services as review_services

    kenya = country("KEN")
    ministry = Organization.objects.create(name="Example ministry (invented)", area=kenya, kind="ministry-agency",
                                           is_published=True, is_demo=True)  # fmt: skip
    ngo = Organization.objects.create(name="Example collective (invented)", area=kenya, kind="civil-society",
                                      is_published=True, is_demo=True)  # fmt: skip
    union = Organization.objects.create(name="Example union (invented)", area=kenya, kind="trade-union",
                                        is_published=True, is_demo=True)  # fmt: skip
    author = User.objects.create_user("a11y-ngo", role=User.Role.STAKEHOLDER, organization=ngo)
    unionist = User.objects.create_user("a11y-union", role=User.Role.STAKEHOLDER, organization=union)
    reviewer = User.objects.create_user("a11y-reviewer", role=User.Role.REVIEWER)
    import datetime

    today = datetime.date.today()
    review = review_services.create_review(None, {
        "area": kenya, "kind": "national", "title": "Example review (invented)", "status": "published",
        "coordinating_organization": ministry, "is_demo": True,
        "comments_open_from": today, "comments_open_until": today + datetime.timedelta(days=5),
    })  # fmt: skip
    publish_official(review)
    published = make_scorecard(review, author, {"objective-1": "room_to_develop", "objective-2": "developing"},
                               publish=True)  # fmt: skip
    draft = make_scorecard(review, unionist, {"objective-3": "not_applicable"})
    comment = scorecards.add_public_comment(author, review, "An invented comment.", question_key="objective-1")
    scorecards.moderate_comment(reviewer, comment, "approve", comment.version)
    scorecards.add_public_comment(unionist, review, "Another invented comment, pending.")
    pages = {}
    plan = [
        (None, f"/en/reviews/{review.pk}/comparison/"),
        (None, f"/fr/reviews/{review.pk}/comparison/"),
        (None, f"/en/reviews/{review.pk}/comparison/?instrument=sdg-10.7.2"),
        (None, f"/en/reviews/{review.pk}/scorecards/"),
        (None, f"/en/reviews/{review.pk}/scorecards/{published.pk}/"),
        (None, f"/en/reviews/{review.pk}/comments/"),
        (unionist, f"/en/reviews/{review.pk}/scorecards/{draft.pk}/"),
        (unionist, f"/es/reviews/{review.pk}/comments/"),
        (reviewer, "/en/reviews/comments/moderation/"),
    ]
    for user, path in plan:
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        client.logout()
        assert response.status_code == 200, path
        pages[path] = (response.status_code, response.content)
    return pages


# ---- practices pages (issue 10) -----------------------------------------------------


@pytest.fixture
def practice_pages(client, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    """The practices pages, fetched once as the people who see them:
    {path: (status, html)} and the paths in the order to check them."""
    from gcmhub.actors.models import Organization, User
    from gcmhub.geo.models import Area
    from gcmhub.practices import library, services
    from tests.practices.conftest import fake_extract, practice_data, upload

    settings.GCMHUB_PRIVATE_FILES_DIR = tmp_path / "private"
    settings.DEMO_MODE = True
    monkeypatch.setattr(library, "extract", fake_extract)
    kenya = Area.objects.get(iso3="KEN")
    ministry = Organization.objects.create(
        name="Example Ministry of Labour (invented)", area=kenya, kind=Organization.Kind.GOVERNMENT,
        is_published=True, is_demo=True,
    )  # fmt: skip
    contributor = User.objects.create_user("a11y-practices", role=User.Role.CONTRIBUTOR, organization=ministry)
    reviewer = User.objects.create_user("a11y-reviewer", role=User.Role.REVIEWER)
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(contributor, title="Workshop report (invented)")
    practice = services.create_practice(
        contributor,
        practice_data(
            title="Migration desks check recruitment contracts (invented)", is_demo=True,
            organizations=[{"id": ministry.pk, "role": "implementing"}], principles=["a"], population_groups=["migrant_workers"],
            sources=[{"document": document.pk, "page": 1, "passage": "registers recruitment agencies"}],
        ),
    )  # fmt: skip
    services.submit_practice(contributor, practice, practice.version)
    practice.refresh_from_db()
    services.publish_practice(reviewer, practice, practice.version)
    document.refresh_from_db()
    library.publish_document(reviewer, document, True, document.version)
    wanted = [
        ("/{lang}/practices/search/?q=recruitment&objective=6", None),
        ("/{lang}/practices/search/?q=zzyzx", None),
        (f"/{{lang}}/practices/{practice.pk}/", None),
        (f"/{{lang}}/documents/{document.pk}/", None),
        (f"/{{lang}}/documents/{document.pk}/curate/", contributor),
        (f"/{{lang}}/practices/{practice.pk}/edit/", reviewer),
        ("/{lang}/practices/new/", contributor),
        ("/{lang}/documents/upload/", contributor),
    ]
    pages, paths = {}, []
    for language in ("en", "fr"):
        for template, user in wanted:
            path = template.format(lang=language)
            if user is not None:
                client.force_login(user)
            response = client.get(path)
            client.logout()
            pages[path] = (response.status_code, response.content)
            paths.append(path)
    return pages, paths


def test_practices_pages_have_no_serious_accessibility_problems_and_fit_a_phone(practice_pages):
    skip_without_browser()
    pages, paths = practice_pages
    assert all(pages[path][0] == 200 for path in paths), {path: pages[path][0] for path in paths}
    assert b"<mark>" in pages[paths[0]][1]  # the search page shows results with highlighted words
    problems = _check_paths(pages, paths)
    assert problems == [], "\n".join(problems)


def test_scorecard_pages_have_no_serious_accessibility_problems_and_fit_a_phone(client, settings):
    skip_without_browser()
    settings.DEMO_MODE = True
    pages = _scorecard_pages(client)
    problems = _check_paths(pages, list(pages))
    assert problems == [], "\n".join(problems)


# --- the migration data explorer (issue 12) ---------------------------------------------

from tests.explorer.conftest import loaded  # noqa: E402,F401 (the fixture: real-format files imported)

EXPLORER_PAGES = [
    "/en/countries/MEX/migration/",
    "/fr/countries/MEX/migration/",
    "/en/explorer/corridors/MEX-USA/",
    "/es/explorer/corridors/MEX-USA/",
    "/en/explorer/corridors/?measure=migrant_stock",
    "/en/explorer/map/?series=SM.POP.TOTL&year=2020&dim=SEX%3AF",
    "/en/explorer/incidents/?year=2019",
    "/en/explorer/incidents/?year=2020",
    "/fr/explorer/incidents/?year=2019",
    "/en/explorer/compare/?series=SM.POP.TOTL&country=MEX&country=USA",
    "/en/explorer/embed/map/?series=SM.POP.TOTL&year=2020",
    "/en/explorer/embed/profile/?country=MEX&section=immigrants",
    "/en/explorer/embed/incidents/?year=2019",
]
EXPLORER_WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture
def explorer_pages(loaded, client):  # noqa: F811
    return {path: (response.status_code, response.content) for path in EXPLORER_PAGES
            for response in [client.get(path)]}  # fmt: skip


def _without_empty_fields(path: str) -> str:
    """A submitted form sends its empty fields too (region=&route=): the same page."""
    from urllib.parse import unquote

    base, _sep, query = unquote(path).partition("?")
    kept = "&".join(part for part in query.split("&") if part and not part.endswith("="))
    return f"{base}?{kept}" if kept else base


KEYBOARD_YEAR_PAGE = "/en/explorer/incidents/?year=2019"


def _explorer_extras(page, path: str, width_name: str) -> list[str]:
    """The embed snippet, opened, through axe; on the incident map at desktop,
    the year changed by keyboard only."""
    problems = []
    for summary in page.locator("details.explorer-embed-snippet > summary").all()[:1]:
        summary.click()
        problems += _axe_problems(_axe(), page, f"{path} ({width_name}), embed snippet open")
    if width_name == "desktop" and path == KEYBOARD_YEAR_PAGE:
        problems += _year_changes_by_keyboard(page)
    return problems


def _year_changes_by_keyboard(page) -> list[str]:
    """ArrowDown on the year control goes from 2019 to 2020: the page shows the
    new year, the focus is back on the year control and the status region
    (aria-live) says what is shown."""
    page.focus("#id_year")
    with page.expect_navigation():
        page.keyboard.press("ArrowDown")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    status = page.locator("#map-status")
    found = {
        "url has year=2020": "year=2020" in page.url,
        "focus on the year": page.evaluate("document.activeElement.id") == "id_year",
        "status is polite": status.get_attribute("aria-live") == "polite",
        "status says 2020": status.inner_text().startswith("2020:"),
    }
    return [f"year by keyboard: not {what} ({page.url})" for what, ok in found.items() if not ok]


def test_explorer_pages_have_no_serious_accessibility_problems_and_fit_a_phone(explorer_pages):
    """Every explorer page (profile, corridor, ranking, map, incidents, compare, embeds),
    at desktop and at 375 px, with the embed snippet opened; then, by keyboard only, a
    change of the incident map's year."""
    skip_without_browser()
    assert all(status == 200 for status, _html in explorer_pages.values()), {
        path: status for path, (status, _html) in explorer_pages.items() if status != 200}  # fmt: skip
    assert KEYBOARD_YEAR_PAGE in EXPLORER_PAGES
    pages = {_without_empty_fields(path): body for path, body in explorer_pages.items()}
    problems = _check_paths(pages, EXPLORER_PAGES, widths=EXPLORER_WIDTHS, normalise=_without_empty_fields,
                            on_page=_explorer_extras)  # fmt: skip
    assert problems == [], "\n".join(problems)


# --- protection: directory, service page, gap matrix, pathway and its card (issue 13) -----------


def _protection_pages(client) -> dict:
    """Two published services in Kenya and a referral pathway through one of
    them (invented), fetched anonymously: {path: (status, html)}."""
    from gcmhub.actors.models import User
    from gcmhub.protection import pathways
    from gcmhub.protection import services as protection_services
    from tests.actors.conftest import country, make_organization, make_user
    from tests.protection.conftest import service_input, situation

    kenya = country("KEN")
    shelter = make_organization("Example safe house (invented)", kenya, is_demo=True)
    focal_point = make_user("a11y-focal-ken", User.Role.FOCAL_POINT, area=kenya)
    made = []
    for overrides in (
        {"name": "Child helpline Kisumu (invented)", "situations": [situation("unaccompanied_child")]},
        {"name": "Workers' advice line Mombasa (invented)", "service_type": "legal_aid",
         "situations": [situation("exploited_worker")]},
    ):  # fmt: skip
        service = protection_services.create_service(None, service_input(kenya, shelter, **overrides))
        protection_services.publish_service(None, service, service.version)
        made.append(service)
    pathway = pathways.create_pathway(
        focal_point, area=kenya, situation=situation("unaccompanied_child"),
        data=pathways.PathwayInput(title="Child alone at the bus station (invented)", steps=[
            pathways.StepInput("first_contact", "Call the helpline.", [made[0].pk])]),
    )  # fmt: skip
    paths = []
    for language in ("en", "fr"):
        paths += [
            f"/{language}/protection/services/",
            f"/{language}/protection/services/?area=KEN&situation=unaccompanied_child",
            f"/{language}/protection/services/{made[0].pk}/",
            f"/{language}/protection/gaps/KEN/",
            f"/{language}/protection/pathways/{pathway.pk}/",
            f"/{language}/protection/pathways/{pathway.pk}/card/",
        ]
    return {path: (response.status_code, response.content) for path in paths for response in [client.get(path)]}


def test_protection_pages_have_no_serious_accessibility_problems_and_fit_a_phone(client, settings):
    skip_without_browser()
    settings.DEMO_MODE = True
    pages = _protection_pages(client)
    assert all(status == 200 for status, _html in pages.values()), {path: status for path, (status, _html) in pages.items()}
    assert b"Child helpline Kisumu" in pages["/en/protection/services/?area=KEN&situation=unaccompanied_child"][1]
    problems = _check_paths(pages, list(pages))
    assert problems == [], "\n".join(problems)


# --- reviews: the list, a review's page, its forms and the self-assessment --------------------


def _review_pages(client) -> dict:
    """A published review of Kenya (invented) with one objective assigned to a
    contributor, fetched as the people who see each page: {path: (status, html)}."""
    import datetime

    from gcmhub.actors.models import User
    from gcmhub.reviews import services as review_services
    from tests.actors.conftest import country, make_organization, make_user
    from tests.reviews.conftest import review_data

    kenya = country("KEN")
    ministry = make_organization("Example ministry of labour (invented)", kenya, is_demo=True,
                                 kind="government")  # fmt: skip
    focal_point = make_user("a11y-review-focal", User.Role.FOCAL_POINT, area=kenya)
    contributor = make_user("a11y-review-contributor", User.Role.CONTRIBUTOR, organization=ministry)
    review = review_services.create_review(focal_point, review_data(
        kenya, title="Example voluntary review (invented)", status="published", coordinating_organization=ministry,
        is_demo=True, deadline=datetime.date.today() + datetime.timedelta(days=60)))  # fmt: skip
    answer_set = review_services.official_set(review)
    review_services.assign(focal_point, answer_set, ["objective-7"], contributor)
    plan = [
        (None, "/en/reviews/"),
        (None, "/fr/reviews/"),
        (None, f"/en/reviews/{review.pk}/"),
        (focal_point, f"/fr/reviews/{review.pk}/"),
        (focal_point, "/en/reviews/new/"),
        (focal_point, f"/fr/reviews/{review.pk}/edit/"),
        (contributor, f"/fr/reviews/{review.pk}/self-assessment/"),
    ]
    pages = {}
    for user, path in plan:
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        client.logout()
        pages[path] = (response.status_code, response.content)
    return pages


def test_review_pages_have_no_serious_accessibility_problems_and_fit_a_phone(client, settings):
    skip_without_browser()
    settings.DEMO_MODE = True
    pages = _review_pages(client)
    assert all(status == 200 for status, _html in pages.values()), {path: status for path, (status, _html) in pages.items()}
    problems = _check_paths(pages, list(pages))
    assert problems == [], "\n".join(problems)
