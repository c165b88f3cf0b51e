"""API and pages show the same numbers; downloads carry units, sources and filters; permalinks restore state."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from gcmhub.explorer import services

pytestmark = pytest.mark.django_db


def api_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def api_csv(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_profile_api_equals_service(loaded, client):
    data = api_json(client, "/api/v1/explorer/profile/MEX")
    expected = services.profile("MEX")
    assert [s["key"] for s in data["sections"]] == [s.key for s in expected["sections"]]
    for got, want in zip(data["sections"], expected["sections"], strict=True):
        assert [(f["measure"], f["period"], f["value"]) for f in got["figures"]] == [
            (f.measure, f.period, f.value) for f in want.figures
        ]


def test_corridors_api_json_and_csv_agree(loaded, client):
    data = api_json(client, "/api/v1/explorer/corridors?measure=migrant_stock&year=2019&limit=3")
    rows = api_csv(client, "/api/v1/explorer/corridors?measure=migrant_stock&year=2019&limit=3&format=csv")
    assert [(r["origin"], r["destination"], float(r["value"])) for r in rows] == [
        (i["counterpart"], i["area"], i["value"]) for i in data["items"]
    ]
    first = rows[0]
    assert (first["origin"], first["destination"], first["value"]) == ("MEX", "USA", "11489684")
    assert first["unit"] == "NUMBER" and first["series"] == "SM.POP.TOTL"
    assert first["source"] == "UN DESA Population Division, International Migrant Stock"
    assert "measure=migrant_stock" in first["filters"] and "year=2019" in first["filters"]


def test_csv_by_accept_header(loaded, client):
    rows = api_csv(client, "/api/v1/explorer/corridors/MEX/USA", HTTP_ACCEPT="text/csv")
    cost = [r for r in rows if r["measure"] == "remittance_cost"]
    assert [(r["period"], r["value"], r["unit"]) for r in cost] == [("2019-Q1", "5.2", "PERCENT"), ("2019-Q2", "4.9", "PERCENT")]
    assert cost[0]["source"] == "World Bank, Remittance Prices Worldwide"


def test_map_api_null_for_no_data_and_csv_blank(loaded, client):
    data = api_json(client, "/api/v1/explorer/map?series=SM.POP.TOTL&year=2020&dim=SEX:F")
    by_iso = {item["iso3"]: item["value"] for item in data["items"]}
    assert by_iso["MEX"] == 596115
    nulls = [iso for iso, value in by_iso.items() if value is None]
    assert nulls
    rows = {r["iso3"]: r for r in api_csv(client, "/api/v1/explorer/map?series=SM.POP.TOTL&year=2020&dim=SEX:F&format=csv")}
    assert rows["MEX"]["value"] == "596115" and rows[nulls[0]]["value"] == ""
    assert rows["MEX"]["filters"] == "series=SM.POP.TOTL; year=2020; dim=SEX=F"


def test_map_api_refuses_bad_dim(loaded, client):
    response = client.get("/api/v1/explorer/map?series=SM.POP.TOTL&dim=SEX")
    assert response.status_code == 422
    assert response.json()["field"] == "dim"


def test_xlsx_download_has_units_sources_and_an_about_sheet(loaded, client):
    response = client.get("/api/v1/explorer/corridors/MEX/USA?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    header, *rows = list(book["Data"].values)
    assert {"unit", "series", "source", "filters"} <= set(header)
    about = dict(book["About"].values)
    assert about["filter: corridor"] == "MEX-USA" and about["permalink"].endswith("format=xlsx")


def test_incidents_api(loaded, client):
    data = api_json(client, "/api/v1/explorer/incidents?year=2019&bbox=-120,20,-90,35")
    assert [(i["incident_id"], i["latitude"], i["longitude"]) for i in data["items"]] == [("2019.1", 29.5, -104.1)]
    assert data["items"][0]["date"] == "2019-01-02"  # ISO text on every database
    response = client.get("/api/v1/explorer/incidents?bbox=1,2,3")
    assert response.status_code == 422 and response.json()["field"] == "bbox"


def test_profile_page_shows_the_api_numbers_and_no_data(loaded, client):
    html = client.get("/en/countries/MEX/migration/").content.decode()
    assert "1,197,624" in html  # immigrants 2020, as in the API
    assert "762,290" in html  # top origin: the United States
    assert "No data stored for this section." in html  # remittances: nothing loaded, not zero
    assert "/api/v1/explorer/profile/MEX?format=csv" in html
    assert "/en/explorer/corridors/USA-MEX/" in html


def test_country_page_links_to_the_profile(loaded, client):
    html = client.get("/en/countries/MEX/").content.decode()
    assert "/en/countries/MEX/migration/" in html


def test_corridor_page_target_and_reverse(loaded, client):
    html = client.get("/en/explorer/corridors/MEX-USA/").content.decode()
    assert "4.90" in html and "Above the target." in html
    assert 'href="/en/explorer/corridors/USA-MEX/"' in html
    assert client.get("/en/explorer/corridors/mex-usa/").status_code == 301
    assert client.get("/en/explorer/corridors/MEX-XXX/").status_code == 404


def test_permalink_restores_the_ranking_state(loaded, client):
    html = client.get("/en/explorer/corridors/?measure=refugees&year=2019&limit=5").content.decode()
    assert '<option value="refugees" selected>' in html
    assert '<option value="2019" selected>' in html
    assert 'value="5"' in html
    assert "measure=refugees" in html and "format=csv" in html  # the download keeps the state


def test_map_page_state_table_and_embed(loaded, client):
    html = client.get("/en/explorer/map/?series=SM.POP.TOTL&year=2020&dim=SEX:F").content.decode()
    assert '<option value="SEX:F" selected>' in html
    assert 'value="2020"' in html and "596,115" in html
    assert 'class="vega-spec"' in html
    spec = json.loads(html.split('data-target="explorer-map">', 1)[1].split("</script>", 1)[0])
    assert spec["layer"][1]["transform"][1] == {"filter": "isValid(datum.value)"}
    embed = client.get("/en/explorer/map/?series=SM.POP.TOTL&year=2020&embed=1", follow=True).content.decode()
    assert "explorer-embed" in embed and "site-header" not in embed


def test_incident_page_map_and_tables(loaded, client):
    html = client.get("/en/explorer/incidents/?year=2019").content.decode()
    assert "2019: 2 incidents, 6 dead and missing." in " ".join(html.split())
    spec = json.loads(html.split('data-target="explorer-incident-map">', 1)[1].split("</script>", 1)[0])
    points = spec["layer"][1]["data"]["values"]
    assert sorted((p["lat"], p["lon"], p["total"]) for p in points) == [(29.5, -104.1, 2), (35.9, -3.8, 4)]
    assert "/api/v1/explorer/incidents?format=csv&amp;year=2019" in html


def test_profile_flow_map_has_the_top_corridors(loaded, client):
    html = client.get("/en/countries/MEX/migration/").content.decode()
    spec = json.loads(html.split('data-target="explorer-flow-map">', 1)[1].split("</script>", 1)[0])
    lines = sorted((line["route"], line["value"]) for line in spec["layer"][1]["data"]["values"])
    assert lines == [("Guatemala → Mexico", 42874), ("Mexico → United States of America", 11489684),
                     ("United States of America → Mexico", 762290)]  # fmt: skip


def test_compare_values_and_ranks(loaded, client):
    data = services.compare("SM.POP.TOTL", ["MEX", "USA"], None, 2020)
    mexico, usa = data["countries"]
    assert [p["value"] for p in mexico["points"] if p["period"] == "2020"] == [1197624]
    assert usa["rank"] == 1 and mexico["rank"] > 1
    html = client.get("/en/explorer/compare/?series=SM.POP.TOTL&country=MEX&country=USA&year=2020").content.decode()
    assert "1,197,624" in html and 'class="vega-spec"' in html
    assert '<option value="MEX" selected>' in html


def test_profile_in_french(loaded, client):
    html = client.get("/fr/countries/MEX/migration/").content.decode()
    assert "Profil migratoire" in html and "Réfugiés accueillis" in html and "Émigrants (les deux sexes)" in html
