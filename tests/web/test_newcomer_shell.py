"""The site shell for a first-time visitor (issue 8 §4): error pages, the
language menu, the home page's ways in and headline, and the objective page's
links to data and progress."""

import re
from dataclasses import replace

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from gcmhub.indicators.loader import load
from tests.indicators.web.conftest import record, sample_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_with_world(db):
    from gcmhub.progress.services import recompute

    rows = sample_records() + [
        record("SM.POP.TOTL", "001", "2020", 280_598_105.0, scheme="m49", series_name="International migrant stock",
               unit="NUMBER")
    ]
    rows = [replace(row, line=line) for line, row in enumerate(rows, 2)]
    load(rows, format="tidy", file_name="sample.csv", sha256="0" * 64, source="UN DESA Population Division")
    recompute()


@pytest.mark.parametrize(("language", "title"), [("en", "Page not found"), ("fr", "Page introuvable"),
                                                  ("es", "Página no encontrada")])
def test_404_page_is_styled_translated_and_offers_a_way_on(client, language, title):
    response = client.get(f"/{language}/objectives/99/")
    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert "web/gcmhub" in page and '<header class="site-header">' in page
    assert f'action="/{language}/search/"' in page


@pytest.mark.parametrize(("language", "title"), [("en", "Server error"), ("fr", "Erreur du serveur"),
                                                  ("es", "Error del servidor")])
def test_500_page_is_styled_and_translated_without_a_request_context(language, title):
    with translation.override(language):
        response = server_error(RequestFactory().get(f"/{language}/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert f"<title>{title}" in page and "web/gcmhub" in page


def test_language_menu_works_with_the_keyboard_and_without_inline_script(client):
    page = client.get("/en/").content.decode()
    form = page[page.index('<form class="language-switcher"'):]
    form = form[: form.index("</form>")]
    assert "onchange" not in form and "<noscript>" not in form
    assert re.search(r'<button type="submit"[^>]*>Change</button>', form)  # choosing, then confirming
    assert not re.search(r"\son[a-z]+=", page)  # no inline handlers anywhere (CSP)


def test_home_leads_to_indicators_and_progress_with_a_headline(client, data_with_world):
    page = client.get("/en/").content.decode()
    assert 'href="/en/indicators/"' in page and 'href="/en/progress/"' in page
    assert '<p class="headline-figure">280,598,105</p>' in page
    assert "International migrant stock, world, 2020" in page
    assert re.search(r'<img src="/en/objectives/\d+/progress/map.svg" alt="World map', page)
    french = client.get("/fr/").content.decode()
    assert "Dernier chiffre" in french and "Progrès sur l’objectif" in french


def test_home_has_no_empty_headline_on_a_fresh_install(client):
    page = client.get("/en/").content.decode()
    assert 'class="headline"' not in page


def test_objective_page_links_to_its_data_and_its_progress(client, data_with_world):
    page = client.get("/en/objectives/20/").content.decode()
    assert 'href="/en/objectives/20/progress/"' in page
    assert 'href="/en/indicators/10.c.1/"' in page  # the data page of an indicator with data
    assert 'href="/en/indicators/?objective=20"' in page
    assert "No data yet" in page  # 17.3.2 holds no data in this sample
    spanish = client.get("/es/objectives/20/").content.decode()
    assert "Progreso por país" in spanish and "Aún no hay datos" in spanish


def test_sdg_indicator_page_links_to_its_data(client, data_with_world):
    assert 'href="/en/indicators/10.c.1/"' in client.get("/en/sdg-indicators/10.c.1/").content.decode()
    assert "/en/indicators/17.3.2/" not in client.get("/en/sdg-indicators/17.3.2/").content.decode()


@pytest.mark.parametrize(("language", "label"), [("fr", "Changer"), ("es", "Cambiar")])
def test_language_button_is_a_verb_not_the_admins_noun(client, language, label):
    # Django's admin translates "Change" as a noun ("Modification"); the menu's button is an action.
    assert f'class="button small">{label}</button>' in client.get(f"/{language}/").content.decode()
