"""Country pages in three languages."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from gcmhub.geo.models import Area
from gcmhub.geo.sections import CountrySection, register_country_section, unregister_country_section

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_countries_page_groups_all_countries_by_region(client):
    response = client.get("/en/countries/")
    assert response.status_code == 200
    html = _text(response)
    for region in ("Africa", "Americas", "Asia", "Europe", "Oceania"):
        assert f">{region}</h2>" in html
    assert 'href="/en/countries/KEN/"' in html
    assert html.count('<th scope="row">') == Area.objects.countries().count()
    assert "as bundled in hdx-python-country 4." in html and "as of 2025-01-01" in html


def test_countries_page_in_french(client):
    html = _text(client.get("/fr/countries/"))
    assert ">Allemagne</a>" in html
    assert ">Afrique</h2>" in html
    assert 'lang="fr"' in html


def test_filter_by_sub_region(client):
    response = client.get("/en/countries/", {"region": "014"})
    html = _text(response)
    assert response.status_code == 200
    assert ">Kenya</a>" in html and ">Egypt</a>" not in html
    assert "in Eastern Africa" in html


def test_search_box(client):
    html = _text(client.get("/es/countries/", {"q": "alemania"}))
    assert ">Alemania</a>" in html
    assert html.count('<th scope="row">') == 1


def test_unknown_region_shows_a_form_error_not_a_crash(client):
    response = client.get("/en/countries/", {"region": "999"})
    assert response.status_code == 200
    assert 'class="errorlist"' in _text(response)


def test_form_fields_are_labelled(client):
    html = _text(client.get("/en/countries/"))
    assert '<label for="id_q">' in html and '<label for="id_region">' in html
    assert 'aria-describedby="id_q_help"' in html and 'id="id_q_help"' in html


def test_country_page(client):
    response = client.get("/en/countries/KEN/")
    assert response.status_code == 200
    html = _text(response)
    assert "<h1>Kenya</h1>" in html
    assert '<dd lang="fr">Kenya</dd>' in html
    assert "<code>404</code>" in html and "<code>KE</code>" in html
    # The region chain, each level a link to the filtered list.
    assert re.search(r'href="/en/countries/\?region=002">Africa</a>', html)
    assert re.search(r'href="/en/countries/\?region=202">Sub-Saharan Africa</a>', html)
    assert re.search(r'href="/en/countries/\?region=014">Eastern Africa</a>', html)


def test_country_page_shows_group_membership(client):
    html = _text(client.get("/en/countries/AFG/"))
    assert "Least Developed Countries (LDC)</a>" in html
    assert "Land Locked Developing Countries (LLDC)</a>" in html
    assert "Small Island Developing States (SIDS)</a>" not in html


def test_country_page_in_french_and_spanish(client):
    assert "<h1>Côte d’Ivoire</h1>" in _text(client.get("/fr/countries/CIV/"))
    assert "<h1>Alemania</h1>" in _text(client.get("/es/countries/DEU/"))
    assert "Afrique orientale</a>" in _text(client.get("/fr/countries/KEN/"))


def test_lower_case_code_redirects_to_upper_case(client):
    response = client.get("/en/countries/ken/")
    assert response.status_code == 301
    assert response["Location"] == "/en/countries/KEN/"


def test_m49_code_redirects_to_the_iso_address(client):
    response = client.get("/fr/countries/404/")
    assert (response.status_code, response["Location"]) == (301, "/fr/countries/KEN/")


def test_area_without_iso_code_keeps_its_m49_address(client):
    response = client.get("/en/countries/680/")
    assert response.status_code == 200
    assert "<h1>Sark</h1>" in _text(response)


@pytest.mark.parametrize("path", ["/en/countries/ZZZ/", "/en/countries/002/", "/en/countries/KENYA/"])
def test_unknown_country_is_404(client, path):
    assert client.get(path).status_code == 404


def test_reverse_uses_the_current_language():
    with translation.override("es"):
        assert reverse("geo:country", kwargs={"key": "KEN"}) == "/es/countries/KEN/"
        assert reverse("geo:countries") == "/es/countries/"


def test_no_sections_block_when_nothing_is_registered(client):
    assert 'id="sections-title"' not in _text(client.get("/en/countries/KEN/"))


def test_registered_sections_are_listed_for_the_countries_they_cover(client):
    def only_kenya(area):
        if area.iso3 != "KEN":
            return None
        return CountrySection(title="Commitments", url="/en/commitments/?area=KEN", summary="3 commitments")

    register_country_section("test-commitments", only_kenya)
    try:
        kenya = _text(client.get("/en/countries/KEN/"))
        uganda = _text(client.get("/en/countries/UGA/"))
    finally:
        unregister_country_section("test-commitments")
    assert 'id="sections-title"' in kenya
    assert '<a href="/en/commitments/?area=KEN">Commitments</a>' in kenya and "3 commitments" in kenya
    assert 'id="sections-title"' not in uganda


def test_page_text_is_translated(client):
    french = _text(client.get("/fr/countries/", {"region": "014"}))
    assert "<h1>Pays et zones</h1>" in french
    assert '<label for="id_q">Rechercher</label>' in french
    assert "pays ou zones dans la région Afrique orientale" in french
    spanish = _text(client.get("/es/countries/KEN/"))
    assert "<h2 id=\"codes-title\">Códigos</h2>" in spanish
    assert '<dd lang="fr">Kenya</dd>' in spanish


def test_messages_follow_the_language_of_the_request(client):
    response = client.get("/api/v1/areas/resolve", {"name": "Korea"}, headers={"accept-language": "fr"})
    assert "peut désigner plusieurs zones" in response.json()["detail"]
