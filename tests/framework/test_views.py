"""The framework pages, in the three languages."""

import re

import pytest

from gcmhub.framework.models import Action

pytestmark = pytest.mark.django_db


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


@pytest.mark.parametrize(
    "url",
    ["/en/objectives/", "/en/objectives/7/", "/en/principles/", "/en/sdg-indicators/", "/en/sdg-indicators/10.c.1/"],
)
def test_each_page_has_one_h1_and_no_skipped_heading_level(client, url):
    levels = headings(page(client, url))
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:]))


def test_objective_list_shows_all_objectives_with_links(client):
    html = page(client, "/en/objectives/")
    assert sorted(map(int, re.findall(r'href="/en/objectives/(\d+)/"', html))) == list(range(1, 24))
    assert "Objective 20: Remittances" in html
    assert "9 actions" in html


def test_objective_list_in_french_and_spanish(client):
    assert "Promouvoir des transferts de fonds plus rapides" in page(client, "/fr/objectives/")
    assert "Promover transferencias de remesas más rápidas" in page(client, "/es/objectives/")


def test_objective_page_lists_actions_with_anchors(client):
    html = page(client, "/en/objectives/20/")
    assert [f"action-20{letter}" for letter in "abcdefghi"] == re.findall(r'id="(action-20[a-z])"', html)
    assert "Paragraph 36 of the annex" in html
    assert 'href="/en/sdg-indicators/10.c.1/"' in html


def test_objective_page_lists_primary_indicators_first(client):
    html = page(client, "/en/objectives/6/")
    row = r'<th scope="row"><a href="/en/sdg-indicators/([^/]+)/">.*?<td>(Primary|Contextual)</td>'
    rows = re.findall(row, html, re.S)
    assert [relevance for _code, relevance in rows] == ["Primary"] * 3 + ["Contextual"] * 3
    assert [code for code, _relevance in rows][:3] == ["8.8.1", "8.8.2", "10.7.1"]


def test_objective_page_links_its_neighbours(client):
    html = page(client, "/en/objectives/1/")
    assert 'rel="next"' in html and 'href="/en/objectives/2/"' in html
    assert 'rel="prev"' not in html


def test_official_text_falls_back_to_english_marked_as_such(client):
    statelessness = Action.objects.filter(objective__number=4, letter="e")
    statelessness.update(text_en="Strengthen measures to reduce statelessness.")
    html = page(client, "/fr/objectives/4/")
    assert '<p lang="en">Strengthen measures to reduce statelessness.</p>' in html
    assert "pas encore" in html  # the other actions say their wording is not imported yet


def test_official_text_in_the_readers_language_has_no_language_mark(client):
    Action.objects.filter(objective__number=4, letter="e").update(text_fr="Renforcer les mesures contre l'apatridie.")
    html = page(client, "/fr/objectives/4/")
    assert "<p>Renforcer les mesures contre l&#x27;apatridie.</p>" in html


def test_tables_have_header_cells_with_scope(client):
    html = page(client, "/en/sdg-indicators/")
    assert html.count('<th scope="row">') == 36
    assert '<th scope="col">' in html and "<caption>" in html


def test_indicator_page_shows_series_and_objectives(client):
    html = page(client, "/en/sdg-indicators/10.7.2/")
    assert "SG_CPA_MIGRS" in html
    assert "PD_6 · Safe, orderly and regular migration" in html
    assert 'href="/en/objectives/3/"' in html


def test_principles_page(client):
    html = page(client, "/es/principles/")
    assert html.count('<li class="card" id="') == 10
    assert "Enfoque pansocial" in html


def test_unknown_objective_and_indicator_are_404(client):
    page(client, "/en/objectives/24/", status=404)
    page(client, "/en/sdg-indicators/99.9.9/", status=404)


def test_pages_only_answer_safe_methods(client):
    assert client.post("/en/objectives/").status_code == 405
