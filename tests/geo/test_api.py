"""The areas API through Django's test client (so URL routing is covered too)."""

import pytest

pytestmark = pytest.mark.django_db


def test_list_countries_in_a_region_at_any_level(client):
    for code in ("002", "202", "014", "14"):
        response = client.get("/api/v1/areas", {"kind": "country", "region": code})
        assert response.status_code == 200
        iso3s = {area["iso3"] for area in response.json()}
        assert "KEN" in iso3s and "FRA" not in iso3s


def test_area_fields(client):
    response = client.get("/api/v1/areas", {"kind": "country", "q": "Kenya"})
    assert response.status_code == 200
    [kenya] = response.json()
    assert kenya == {
        "m49": "404",
        "iso2": "KE",
        "iso3": "KEN",
        "kind": "country",
        "name_en": "Kenya",
        "name_fr": "Kenya",
        "name_es": "Kenya",
        "unverified": [],
        "parent": "014",
        "region": "002",
        "subregion": "202",
        "intermediate_region": "014",
        "is_ldc": False,
        "is_lldc": False,
        "is_sids": False,
        "latitude": kenya["latitude"],
        "longitude": kenya["longitude"],
    }
    assert 0 < kenya["latitude"] < 2 and 37 < kenya["longitude"] < 39


def test_search_in_any_language(client):
    response = client.get("/api/v1/areas", {"q": "allemagne"})
    assert [area["iso3"] for area in response.json()] == ["DEU"]


def test_group_filter(client):
    response = client.get("/api/v1/areas", {"kind": "country", "region": "722"})
    iso3s = {area["iso3"] for area in response.json()}
    assert "FJI" in iso3s and "KEN" not in iso3s


def test_unknown_region_code_is_a_422_with_a_message(client):
    response = client.get("/api/v1/areas", {"region": "999"})
    assert response.status_code == 422
    assert "999" in response.json()["detail"]


def test_invalid_kind_is_rejected(client):
    assert client.get("/api/v1/areas", {"kind": "planet"}).status_code == 422


def test_list_is_one_query(client, django_assert_max_num_queries):
    # the data version (API validators), the region check, then the list with its links
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/areas", {"kind": "country", "region": "150"})
    assert len(response.json()) > 40


@pytest.mark.parametrize("code", ["KEN", "ken", "Ken", "404"])
def test_one_area_by_code_in_any_case(client, code):
    response = client.get(f"/api/v1/areas/{code}")
    assert response.status_code == 200
    assert response.json()["iso3"] == "KEN"


def test_unknown_code_is_a_json_404(client):
    response = client.get("/api/v1/areas/ZZZ")
    assert response.status_code == 404
    assert "ZZZ" in response.json()["detail"]


def test_resolve_a_name(client):
    response = client.get("/api/v1/areas/resolve", {"name": "Ivory Coast"})
    assert response.status_code == 200
    assert response.json()["iso3"] == "CIV"


def test_resolve_an_ambiguous_name(client):
    response = client.get("/api/v1/areas/resolve", {"name": "Congo"})
    assert response.status_code == 422
    body = response.json()
    assert body["problem"] == "ambiguous"
    assert {candidate["iso3"] for candidate in body["candidates"]} == {"COG", "COD"}
    assert "Congo" in body["detail"]


def test_resolve_an_unknown_name(client):
    response = client.get("/api/v1/areas/resolve", {"name": "Frnace"})
    assert response.status_code == 422
    body = response.json()
    assert body["problem"] == "unknown"
    assert body["candidates"][0] == {"m49": "250", "iso3": "FRA", "kind": "country", "name": "France"}


def test_resolve_with_a_kind(client):
    response = client.get("/api/v1/areas/resolve", {"name": "Micronesia", "kind": "subregion"})
    assert response.status_code == 200 and response.json()["m49"] == "057"
