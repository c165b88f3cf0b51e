"""The progress pages in English, French and Spanish."""

import re

import pytest
from django.urls import reverse

from gcmhub.progress.services import recompute

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es"]


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


@pytest.fixture
def assessed(world):
    recompute()
    return world


@pytest.mark.parametrize("language", LANGUAGES)
def test_country_scorecard_explains_every_cell(client, assessed, language):
    html = page(client, f"/{language}/countries/KEN/progress/")
    assert html.count('<tr id="objective-') == 23
    assert html.count("<details") == 23  # one "how was this computed?" per objective
    # The numbers behind objective 20: base and latest year and value, growth, target, method, thresholds.
    row = html[html.index('id="objective-20"') : html.index('id="objective-21"')]
    for text in ("2015: 7", "2023: 6", "SI_RMT_COST", "sdg-build", "0,95" if language != "en" else "0.95"):
        assert text in row, (language, text)
    assert "−2,75" in row if language != "en" else "−2.75" in row  # growth per year
    assert "status-limited-progress" in row and "status-deterioration" in html
    assert 'class="sparkline"' in html
    expected = {
        "en": "How was this computed?",
        "fr": "Comment ce résultat a-t-il été calculé ?",
        "es": "¿Cómo se calculó?",
    }
    assert expected[language] in html
    status_words = {"en": "Limited progress", "fr": "Progrès limités", "es": "Progreso limitado"}
    assert status_words[language] in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_objective_page_map_and_table(client, assessed, language):
    html = page(client, f"/{language}/objectives/20/progress/")
    assert 'class="vega-spec" data-target="progress-map"' in html
    assert "/static/progress/countries-110m.json" in html
    assert "indicators/vega-bundle.js" in html
    assert 'id="progress-map-fallback"' in html and "map.svg" in html
    # The table alternative: the countries with data (Kenya and Mexico) with their statuses;
    # the rest are hidden by default, and the page says so.
    assert html.count("/progress/#objective-20") == 2
    assert "status-target-achieved" in html and "status-limited-progress" in html
    hidden = {"en": "countries without data are hidden", "fr": "sans données sont masqués", "es": "sin datos están ocultos"}
    assert hidden[language] in html


def test_objective_table_hides_countries_without_data_and_pages_the_rest(client, assessed):
    from gcmhub.geo.models import Area

    countries = Area.objects.countries().count()
    html = page(client, "/en/objectives/20/progress/?all=1")
    assert html.count("/progress/#objective-20") == 50  # one page
    pages = -(-countries // 50)
    assert f"Page 1 of {pages}" in html and 'rel="next"' in html and 'rel="prev"' not in html
    assert "all=1&amp;page=2#countries-title" in html  # the other choices are kept from page to page
    last = page(client, f"/en/objectives/20/progress/?all=1&page={pages}")
    assert last.count("/progress/#objective-20") == countries - 50 * (pages - 1)
    assert 'rel="prev"' in last and 'rel="next"' not in last
    # An out-of-range or nonsense page number shows a real page, never an error.
    assert "Page 1 of" in page(client, "/en/objectives/20/progress/?all=1&page=abc")
    assert f"Page {pages} of" in page(client, "/en/objectives/20/progress/?all=1&page=999")


def test_objective_table_filters_by_status_and_orders_by_score(client, assessed):
    html = page(client, "/en/objectives/20/progress/?status=target_achieved")
    table = html[html.index('id="countries-title"') :]
    assert "Mexico" in table and "Kenya" not in table
    html = page(client, "/en/objectives/20/progress/?order=score")
    table = html[html.index('id="countries-title"') :]
    assert table.index("Kenya") < table.index("Mexico")  # limited progress before target achieved
    html = page(client, "/en/objectives/20/progress/?order=-score")
    table = html[html.index('id="countries-title"') :]
    assert table.index("Mexico") < table.index("Kenya")
    html = page(client, "/en/objectives/20/progress/?status=deterioration")
    assert "No country matches these choices." in html
    # Unknown values fall back to the defaults.
    html = page(client, "/en/objectives/20/progress/?status=%3Cscript%3E&order=nonsense")
    assert html.count("/progress/#objective-20") == 2 and "<script>" not in html[html.index("<main") :]


def test_objective_page_filtered_by_region(client, assessed):
    html = page(client, "/en/objectives/20/progress/?region=002")
    assert "Kenya" in html and "Mexico" not in html
    assert "countries of Africa" in html
    html = page(client, "/en/objectives/20/progress/?region=999")
    assert "That region or group is unknown" in html
    page(client, "/en/objectives/99/progress/", status=404)


def test_objective_map_svg(client, assessed):
    response = client.get("/en/objectives/20/progress/map.svg?region=002")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    body = response.content.decode()
    assert body.startswith("<svg") and "Limited progress" in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_doing_well_page(client, assessed, language):
    html = page(client, f"/{language}/countries/KEN/progress/not-doing-well/")
    assert "SM_DTH_MIGR" in html
    # Deterioration comes before limited progress.
    assert html.index("status-deterioration") < html.index("status-limited-progress")
    assert 'id="gaps-title"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_index(client, assessed, language):
    html = page(client, f"/{language}/progress/")
    assert html.count('/progress/"') >= 1
    assert all(f"/{language}/objectives/{n}/progress/" in html for n in range(1, 24))


def test_index_opens_a_country(client, assessed):
    response = client.get("/en/progress/?country=ken")
    assert response.status_code == 302 and response["Location"] == reverse("progress:country-scorecard", args=["KEN"])


def test_lower_case_and_m49_codes_redirect(client, assessed):
    response = client.get("/en/countries/ken/progress/?method=escap")
    assert response.status_code == 301 and response["Location"] == "/en/countries/KEN/progress/?method=escap"
    assert client.get("/en/countries/404/progress/").status_code == 301
    page(client, "/en/countries/XXX/progress/", status=404)


def test_method_choice(client, assessed):
    html = page(client, "/en/countries/KEN/progress/?method=escap")
    assert "UN ESCAP" in html and "current status" in html
    html = page(client, "/en/countries/KEN/progress/?method=nonsense")
    assert 'value="opensdg" selected' in html


def test_focal_point_sees_the_self_critical_view_prominently(client, assessed, people):
    assert "focal-callout" not in page(client, "/en/countries/KEN/progress/")
    client.force_login(people.focal_ken)
    html = page(client, "/en/countries/KEN/progress/")
    assert "focal-callout" in html and "/en/countries/KEN/progress/not-doing-well/" in html
    assert "focal-callout" not in page(client, "/en/countries/MEX/progress/")
    assert "focal-callout" in page(client, "/en/progress/")


def test_country_page_links_to_the_scorecard(client, assessed):
    html = page(client, "/en/countries/KEN/")
    assert "/en/countries/KEN/progress/" in html and "Progress scorecard" in html
    # Countries with nothing stored get no section at all.
    assert "/en/countries/FRA/progress/" not in page(client, "/en/countries/FRA/")


def test_pages_without_any_data(client, db):
    html = page(client, "/en/countries/FRA/progress/")
    assert html.count("status-not-available") >= 23
    page(client, "/en/objectives/1/progress/")
    page(client, "/en/countries/FRA/progress/not-doing-well/")
    page(client, "/en/progress/")


@pytest.mark.parametrize(
    "url",
    [
        "/en/progress/",
        "/en/countries/KEN/progress/",
        "/en/objectives/20/progress/",
        "/en/countries/KEN/progress/not-doing-well/",
    ],
)
def test_one_h1_and_no_skipped_heading_level(client, assessed, url):
    levels = headings(page(client, url))
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:]))


def test_statuses_never_rely_on_colour_alone(client, assessed):
    html = page(client, "/en/countries/KEN/progress/")
    badge = re.compile(
        r'<span class="status status-[a-z-]+"><span class="status-symbol" aria-hidden="true">(.)</span> ([^<]*)</span>'
    )
    found = badge.findall(html)
    assert len(found) > 23
    assert all(symbol.strip() and label.strip() for symbol, label in found)
    assert ("▼", "Deterioration") in found and ("–", "Not available") in found


@pytest.mark.parametrize(("language", "meets"), [("en", "Meets"), ("fr", "Satisfait"), ("es", "Cumple")])
def test_policy_domain_scores_read_as_steps_of_their_scale(client, kenya, language, meets):
    from .conftest import add, catalogue

    scores = catalogue("SG_CPA_MIGRS", "positive")
    add(scores, kenya, {2017: 2, 2021: 3}, key="COMPOSITE_BREAKDOWN=PD_6")
    recompute()
    html = page(client, f"/{language}/countries/KEN/progress/")
    row = html[html.index('id="objective-3"') : html.index('id="objective-4"')]  # objective 3 ← PD_6
    assert "2 – " in row and f"3 – {meets}" in row
