"""Site search: the registry, the page, the API, read rules, accents, languages."""

import pytest
from django.utils import translation

from gcmhub.actors.models import Organization, User
from gcmhub.geo.models import Area
from gcmhub.web import search

pytestmark = pytest.mark.django_db

PASSWORD = "a long search test password"


def kinds(groups):
    return {group.key: [result.title for result in group.results] for group in groups}


def test_every_app_registers_its_records():
    assert {"objectives", "actions", "sdg-indicators", "indicator-data", "countries", "organizations"} <= set(
        search.provider_keys()
    )


def test_objectives_are_found_by_number_and_by_title_in_any_language():
    with translation.override("fr"):
        found = kinds(search.search("REMESAS", None))  # Spanish word, French reader
    assert any(title.startswith("20. ") for title in found["objectives"])
    assert all("fonds" in title or "transfert" in title.lower() for title in found["objectives"])  # French titles
    by_number = search.search("20", None, language="en")
    assert by_number[0].key == "objectives" and by_number[0].results[0].title.startswith("20. ")


def test_accents_and_case_do_not_matter():
    for text in ("cote d'ivoire", "CÔTE D’IVOIRE", "Cote d Ivoire"):
        assert "Côte d’Ivoire" in kinds(search.search(text, None, language="en"))["countries"]
    assert kinds(search.search("mexique", None, language="en"))["countries"] == ["Mexico"]


def test_actions_by_code_and_sdg_indicators_by_code():
    assert kinds(search.search("20a", None))["actions"][0].startswith("20 (a)")
    assert kinds(search.search("10.c.1", None))["sdg-indicators"][0].startswith("10.c.1")


def test_nothing_for_an_empty_query_and_a_cut_for_a_long_one():
    assert search.search("   ", None) == []
    assert search.search("migra" + "x" * 500, None) == []  # cut to 100 characters, still no match


def test_unpublished_organisations_only_for_those_who_may_read_them(client):
    kenya = Area.objects.get(iso3="KEN")
    Organization.objects.create(name="Zebra Published Network", kind=Organization.Kind.CIVIL_SOCIETY, area=kenya,
                                is_published=True)
    Organization.objects.create(name="Zebra Hidden Draft", kind=Organization.Kind.CIVIL_SOCIETY, area=kenya,
                                is_published=False)
    page = client.get("/en/search/?q=zebra").content.decode()
    assert "Zebra Published Network" in page and "Zebra Hidden Draft" not in page
    api = client.get("/api/v1/search?q=zebra").json()
    titles = [r["title"] for g in api["groups"] for r in g["results"]]
    assert titles == ["Zebra Published Network"]
    client.force_login(User.objects.create_user("search-focal", password=PASSWORD, role=User.Role.FOCAL_POINT,
                                                area=kenya))
    page = client.get("/en/search/?q=zebra").content.decode()
    assert "Zebra Hidden Draft" in page


@pytest.mark.parametrize(("language", "title"), [("en", "Kenya"), ("fr", "Kenya"), ("es", "Kenia")])
def test_search_page_in_each_language(client, language, title):
    Area.objects.filter(iso3="KEN").update(name_es="Kenia")
    page = client.get(f"/{language}/search/?q=ken").content.decode()
    assert f'href="/{language}/countries/KEN/">{title}</a>' in page
    assert 'role="status"' in page


def test_search_page_says_when_nothing_matches(client):
    page = client.get("/fr/search/?q=qwxzqwxz").content.decode()
    assert "0 résultat" in page


def test_api_answers_in_the_language_asked_and_checks_its_input(client):
    answer = client.get("/api/v1/search?q=envois de fonds&lang=es").json()
    objectives = next(group for group in answer["groups"] if group["kind"] == "objectives")
    assert objectives["results"][0]["url"] == "/es/objectives/20/"
    assert objectives["label"] == "Objetivos"
    assert client.get("/api/v1/search?q=").status_code == 422
    assert client.get("/api/v1/search?q=x&lang=de").status_code == 422


def test_header_has_a_search_box_on_every_page(client):
    page = client.get("/en/objectives/").content.decode()
    assert 'action="/en/search/"' in page and 'role="search"' in page


def test_a_registered_provider_is_searched_and_can_be_removed():
    def provider(query):
        if query.matches("Pledge for safe migration"):
            yield search.SearchResult(title="Pledge", url="/en/pledges/1/")

    search.register_search_provider("test-pledges", "Pledges", provider, order=1)
    try:
        assert search.search("safe", None)[0].key == "test-pledges"
    finally:
        search.unregister_search_provider("test-pledges")
    assert "test-pledges" not in search.provider_keys()


def test_api_documents_its_answers_and_refuses_a_wrong_token(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/search"]["get"]
    assert {"200", "401", "422"} <= set(operation["responses"])
    assert client.get("/api/v1/search?q=kenya", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/api/v1/search?q=%00kenya").status_code == 422  # NUL: refused like any API text
