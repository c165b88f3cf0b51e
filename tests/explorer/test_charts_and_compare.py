"""Every chart: the spec shown, its SVG/PNG drawn on the server from that spec (topology
inline, nothing fetched), the embed page (the only frameable one), downloads with the
chart's state; the incident route filter; compare (page, API, downloads) against the
stored observations; the rebuild without a worker; answers kept per data version."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from gcmhub.explorer import charts, memo, services
from gcmhub.indicators.models import Observation

pytestmark = pytest.mark.django_db

# One state per chart, on the test data of conftest.py.
CHART_STATES = {
    "map": "series=SM.POP.TOTL&year=2020&dim=SEX%3AF",
    "flows": "country=MEX",
    "incidents": "year=2019",
    "profile": "country=MEX&section=immigrants",
    "corridor": "origin=MEX&destination=USA&part=cost",
    "compare": "series=SM.POP.TOTL&country=MEX&country=USA",
    "ranking": "measure=migrant_stock&year=2019&limit=5",
    "compare_ranking": "series=SM.POP.TOTL&country=MEX&country=USA",
}


def spec_in(html: str, target: str) -> dict:
    return json.loads(html.split(f'data-target="{target}">', 1)[1].split("</script>", 1)[0])


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("name", sorted(CHART_STATES))
def test_every_chart_exports_svg_and_png_from_the_shown_spec(loaded, client, name):
    from django.http import QueryDict

    chart = charts.build(name, QueryDict(CHART_STATES[name]))
    inline = charts.inline_topology(chart.spec)
    assert '"url"' not in json.dumps(inline)  # vl-convert has nothing to fetch
    assert {k: v for k, v in inline.items() if k not in ("data", "layer")} == {
        k: v for k, v in chart.spec.items() if k not in ("data", "layer")
    }  # the same spec, the topology put inline
    svg = client.get(f"/en/explorer/chart/{name}.svg?{CHART_STATES[name]}")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content[:500]
    png = client.get(f"/en/explorer/chart/{name}.png?{CHART_STATES[name]}")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_foreign_url_in_a_spec_is_refused():
    with pytest.raises(ValueError):
        charts.inline_topology({"data": {"url": "https://example.org/world.json"}})


def test_chart_image_of_an_unknown_state_is_404(loaded, client):
    assert client.get("/en/explorer/chart/map.svg?series=NO.SUCH").status_code == 404
    assert client.get("/en/explorer/chart/nothing.svg").status_code == 404
    assert client.get("/en/explorer/chart/profile.svg?country=MEX&section=bogus").status_code == 404


@pytest.mark.parametrize("name", sorted(CHART_STATES))
def test_embed_pages_have_no_site_frame_and_may_be_framed(loaded, client, name):
    response = client.get(f"/en/explorer/embed/{name}/?{CHART_STATES[name]}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "site-header" not in html and 'class="vega-spec"' in html and "<table" in html
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors *" in response["Content-Security-Policy"]


def test_other_explorer_pages_may_not_be_framed(loaded, client):
    for url in ("/en/countries/MEX/migration/", "/en/explorer/map/", "/en/explorer/incidents/?year=2019"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_every_page_chart_offers_images_downloads_permalink_and_embed(loaded, client):
    pages = {
        "/en/countries/MEX/migration/": ["explorer-flow-map", "chart-immigrants", "chart-emigrants", "chart-refugees"],
        "/en/explorer/corridors/MEX-USA/": ["cost-chart", "people-chart"],
        "/en/explorer/map/?series=SM.POP.TOTL&year=2020": ["explorer-map"],
        "/en/explorer/incidents/?year=2019": ["explorer-incident-map"],
        "/en/explorer/compare/?series=SM.POP.TOTL&country=MEX&country=USA": ["explorer-compare-chart",
                                                                             "explorer-compare-ranking-chart"],
        "/en/explorer/corridors/?measure=migrant_stock&year=2019": ["explorer-ranking-chart"],
    }
    for url, targets in pages.items():
        html = client.get(url).content.decode()
        for target in targets:
            assert f'data-target="{target}"' in html, (url, target)
            assert f'id="{target}-embed"' in html, (url, target)  # the embed snippet
        assert html.count("/explorer/chart/") >= 2 * len(targets)  # SVG and PNG
        assert "/explorer/embed/" in html and "format=xlsx" in html and "format=csv" in html


def test_profile_line_chart_table_and_download_equal_stored_observations(loaded, client):
    html = client.get("/en/countries/MEX/migration/").content.decode()
    spec = spec_in(html, "chart-immigrants")
    assert spec["mark"]["type"] == "line"
    stored = {
        (o.period, o.dimension_key): o.value
        for o in Observation.objects.filter(series__code="SM.POP.TOTL", area__iso3="MEX",
                                            dimension_key__in=["", "SEX=F", "SEX=M"])  # fmt: skip
    }
    points = {(row["period"], row["label"]): row["value"] for row in spec["data"]["values"]}
    assert points[("2020", "Immigrants, women")] == stored[("2020", "SEX=F")]
    assert points[("2020", "Immigrants (international migrant stock)")] == stored[("2020", "")]
    rows = csv_rows(client.get("/api/v1/explorer/profile/MEX?section=immigrants&format=csv"))
    women = [r for r in rows if r["measure"] == "immigrants_female"]
    assert {r["period"]: float(r["value"]) for r in women}["2020"] == stored[("2020", "SEX=F")]
    assert {r["unit"] for r in rows} <= {"NUMBER", "PERCENT"} and all(r["source"] and r["series"] for r in rows)
    assert all("section=immigrants" in r["filters"] and "country=MEX" in r["filters"] for r in rows)
    assert {r["measure"] for r in rows} <= {"immigrants", "immigrants_female", "immigrants_male", "immigrants_share"}
    assert client.get("/api/v1/explorer/profile/MEX?section=bogus").status_code == 422


def test_corridor_charts_and_part_download(loaded, client):
    html = client.get("/en/explorer/corridors/MEX-USA/").content.decode()
    cost = spec_in(html, "cost-chart")
    assert sorted((r["period"], r["value"]) for r in cost["data"]["values"]) == [("2019-Q1", 5.2), ("2019-Q2", 4.9)]
    people = spec_in(html, "people-chart")
    assert ("2019", 11489684) in {(r["period"], r["value"]) for r in people["data"]["values"]}
    rows = csv_rows(client.get("/api/v1/explorer/corridors/MEX/USA?part=cost&format=csv"))
    assert {r["measure"] for r in rows} == {"remittance_cost"} and all("part=cost" in r["filters"] for r in rows)


def test_ranking_chart_table_and_downloads_equal_stored_observations(loaded, client):
    html = client.get("/en/explorer/corridors/?measure=migrant_stock&year=2019&limit=3").content.decode()
    bars = spec_in(html, "explorer-ranking-chart")["data"]["values"]
    api = client.get("/api/v1/explorer/corridors?measure=migrant_stock&year=2019&limit=3").json()["items"]
    stored = [Observation.objects.get(pk=item["observation_id"]).value for item in api]
    assert [bar["value"] for bar in bars] == stored == [11489684, 762290, 42874]  # largest first
    assert bars[0]["label"] == "1. Mexico → United States of America"
    rows = csv_rows(client.get("/api/v1/explorer/corridors?format=csv&measure=migrant_stock&year=2019&limit=3"))
    assert [float(r["value"]) for r in rows] == stored
    assert "/api/v1/explorer/corridors?format=csv&amp;measure=migrant_stock&amp;year=2019&amp;limit=3" in html
    cost = client.get("/en/explorer/corridors/?measure=remittance_cost&year=2019").content.decode()
    cost_spec = spec_in(cost, "explorer-ranking-chart")
    assert [(b["value"], b["period"]) for b in cost_spec["data"]["values"]] == [(4.9, "2019-Q2"), (4.0, "2019-Q1")]
    assert cost_spec["layer"][1]["encoding"]["x"]["field"] == "target"  # the 3 % rule across the bars
    assert cost_spec["layer"][1]["data"]["values"][0]["target"] == 3.0
    assert "layer" not in spec_in(html, "explorer-ranking-chart")  # migrants have no target
    embed = client.get("/en/explorer/embed/ranking/?measure=migrant_stock&year=2019&limit=3").content.decode()
    assert "11,489,684" in embed and "Mexico" in embed  # the table beside the chart


def test_compare_ranking_chart_highlights_the_compared_countries(loaded, client):
    query = "series=SM.POP.TOTL&country=MEX&country=USA"
    html = client.get(f"/en/explorer/compare/?{query}").content.decode()
    spec = spec_in(html, "explorer-compare-ranking-chart")
    data = client.get("/api/v1/explorer/compare?series=SM.POP.TOTL&areas=MEX,USA&part=ranking").json()
    assert all(c["points"] == [] for c in data["countries"])  # the ranking only
    by_rank = {t["rank"]: t for t in data["top"]}
    for bar in spec["data"]["values"]:
        rank = int(bar["label"].split(".", 1)[0])
        assert bar["value"] == Observation.objects.get(pk=by_rank[rank]["observation_id"]).value
        assert (bar["group"] == "Compared countries") == by_rank[rank]["compared"]
    compared = {t["iso3"]: t["rank"] for t in data["top"] if t["compared"]}
    assert compared == {c["iso3"]: c["rank"] for c in data["countries"]}  # shown wherever they stand
    assert [t["rank"] for t in data["top"][:10]] == list(range(1, 11))
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Compared countries", "Other countries"]
    rows = csv_rows(client.get("/api/v1/explorer/compare?series=SM.POP.TOTL&areas=MEX,USA&part=ranking&format=csv"))
    assert [(int(r["rank"]), r["iso3"], float(r["value"])) for r in rows] == [
        (t["rank"], t["iso3"], t["value"]) for t in data["top"]]  # fmt: skip
    assert all("part=ranking" in r["filters"] and r["unit"] and r["source"] for r in rows)
    assert "part=ranking" in html and "format=xlsx" in html


def test_remittance_cost_charts_draw_the_3_percent_target(loaded, client):
    html = client.get("/en/explorer/corridors/MEX-USA/").content.decode()
    for spec in (spec_in(html, "cost-chart"), spec_in(client.get("/en/countries/MEX/migration/").content.decode(),
                                                       "chart-remittance_costs")):  # fmt: skip
        rule, label = spec["layer"][1], spec["layer"][2]
        assert rule["mark"]["type"] == "rule" and rule["data"]["values"][0]["target"] == 3.0
        assert label["mark"]["type"] == "text" and label["data"]["values"][0]["label"] == "SDG 10.c.1 target: 3 %"
        assert "dashed line marks the SDG 10.c.1 target" in spec["description"]
    people = spec_in(html, "people-chart")
    assert "layer" not in people  # only cost charts have the target
    assert "Average total cost of sending US$200, by quarter. The dashed line marks the SDG 10.c.1 target" in html
    chart = charts.build("profile", {"country": "MEX", "section": "remittance_costs"})
    assert "SDG 10.c.1 target" in chart.table["caption"]
    assert [(row[0], row[1]["value"]) for row in chart.table["rows"]] == [("2019", 4.9)]  # sending to Mexico


def test_incident_route_and_cause_filters(loaded, client):
    data = client.get("/api/v1/explorer/incidents?year=2019&route=western%20mediterranean").json()
    assert [i["incident_id"] for i in data["items"]] == ["2019.2"]
    data = client.get("/api/v1/explorer/incidents?year=2019&route=Central").json()
    assert data["items"] == []
    data = client.get("/api/v1/explorer/incidents?year=2019&cause=drown").json()
    assert len(data["items"]) == 2
    html = client.get("/en/explorer/incidents/?year=2019&route=Western+Mediterranean").content.decode()
    assert '<option value="Western Mediterranean" selected>' in html
    assert "2019: 1 incident, 4 dead and missing." in " ".join(html.split())
    assert "route=Western+Mediterranean" in html  # downloads and permalink keep the route
    points = spec_in(html, "explorer-incident-map")["layer"][1]["data"]["values"]
    assert [(p["lat"], p["lon"]) for p in points] == [(35.9, -3.8)]


def test_incident_years_are_offered_once_each(loaded, client):
    html = client.get("/en/explorer/incidents/").content.decode()
    assert html.count('<option value="2019"') == 1 and html.count('<option value="2020"') == 1


def test_compare_api_page_and_downloads_equal_stored_observations(loaded, client):
    stored = {
        (o.area.iso3, o.period): o.value
        for o in Observation.objects.filter(series__code="SM.POP.TOTL", area__iso3__in=["MEX", "USA"], dimension_key="")
        .select_related("area")
    }
    assert stored
    data = client.get("/api/v1/explorer/compare?series=SM.POP.TOTL&areas=MEX,USA").json()
    got = {(c["iso3"], p["period"]): p["value"] for c in data["countries"] for p in c["points"]}
    assert got == stored
    usa = next(c for c in data["countries"] if c["iso3"] == "USA")
    assert usa["rank"] == next(t["rank"] for t in data["top"] if t["iso3"] == "USA")
    assert next(t for t in data["top"] if t["iso3"] == "USA")["compared"] is True
    rows = csv_rows(client.get("/api/v1/explorer/compare?series=SM.POP.TOTL&areas=MEX,USA&format=csv"))
    assert {(r["iso3"], r["period"]): float(r["value"]) for r in rows} == stored
    assert all(r["unit"] and r["series"] == "SM.POP.TOTL" and r["source"] for r in rows)
    assert all("areas=MEX,USA" in r["filters"] for r in rows)
    book = load_workbook(io.BytesIO(client.get("/api/v1/explorer/compare?series=SM.POP.TOTL&areas=MEX,USA&format=xlsx").content))
    assert book.sheetnames == ["Data", "About"]
    html = client.get("/en/explorer/compare/?series=SM.POP.TOTL&country=MEX&country=USA").content.decode()
    spec = spec_in(html, "explorer-compare-chart")
    assert {(r["label"], r["period"]): r["value"] for r in spec["data"]["values"]} == {
        ({"MEX": "Mexico", "USA": "United States of America"}[iso], period): value for (iso, period), value in stored.items()
    }
    assert f"{usa['rank']} / {data['ranked_countries']}" in html  # the position of the selected country
    assert "/api/v1/explorer/compare?format=csv&amp;series=SM.POP.TOTL&amp;areas=MEX%2CUSA" in html


def test_compare_api_refuses_too_many_or_no_countries(loaded, client):
    six = ",".join(["MEX", "USA", "GTM", "DEU", "FRA", "KEN"])
    assert client.get(f"/api/v1/explorer/compare?series=SM.POP.TOTL&areas={six}").status_code == 422
    assert client.get("/api/v1/explorer/compare?series=SM.POP.TOTL&areas=,").status_code == 422
    assert client.get("/api/v1/explorer/compare?series=NO.SUCH&areas=MEX").status_code == 422
    assert client.get("/api/v1/explorer/compare?series=SM.POP.TOTL&areas=XXX").status_code == 404


# --- the rebuild without a worker -----------------------------------------------------


def test_import_outside_a_request_rebuilds_inline(db, tmp_path, django_capture_on_commit_callbacks, settings):
    from gcmhub.explorer.models import CorridorValue
    from gcmhub.explorer.signals import rebuild_mode
    from gcmhub.indicators.services import run_import
    from tests.explorer.conftest import DESA, write

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # a queue nobody works on
    assert rebuild_mode() == "inline"
    with django_capture_on_commit_callbacks(execute=True):
        run_import(None, "desa-matrix", write(tmp_path, "matrix.csv", DESA))
    assert CorridorValue.objects.filter(origin__iso3="MEX", destination__iso3="USA", year=2019).exists()


def test_rebuild_mode_in_a_request_is_a_task_and_settings_decide(settings, rf):
    from simple_history.middleware import HistoryRequestMiddleware

    from gcmhub.explorer.signals import rebuild_mode

    seen = {}

    def view(request):  # what an import started by a web or API request sees
        seen["auto"] = rebuild_mode()
        settings.GCMHUB_EXPLORER_REBUILD = "inline"
        seen["inline"] = rebuild_mode()
        settings.GCMHUB_EXPLORER_REBUILD = "auto"

    HistoryRequestMiddleware(view)(rf.get("/"))
    assert seen == {"auto": "task", "inline": "inline"}
    assert rebuild_mode() == "inline"  # the request is over
    settings.GCMHUB_EXPLORER_REBUILD = "task"
    assert rebuild_mode() == "task"
    settings.GCMHUB_EXPLORER_REBUILD = "later"
    with pytest.raises(ValueError):
        rebuild_mode()


def test_pages_say_when_the_aggregates_are_being_rebuilt(loaded, client, tmp_path, settings):
    from gcmhub.indicators.services import run_import
    from tests.explorer.conftest import DESA, write

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # and no worker seen

    assert "explorer-rebuild-notice" not in client.get("/en/explorer/corridors/MEX-USA/").content.decode()
    # An import whose rebuild has not run yet (as when a task waits for a worker).
    run_import(None, "desa-matrix", write(tmp_path, "matrix2.csv", DESA.replace("11489684", "11489685")))
    html = client.get("/en/explorer/corridors/MEX-USA/").content.decode()
    assert "explorer-rebuild-notice" in html and "gcmhub explorer rebuild" in html
    assert "11,489,684" in html  # the previous aggregates meanwhile
    from gcmhub.explorer.aggregates import rebuild

    rebuild()
    html = client.get("/en/explorer/corridors/MEX-USA/").content.decode()
    assert "explorer-rebuild-notice" not in html and "11,489,685" in html


def test_answers_are_kept_per_data_version(loaded, monkeypatch):
    from gcmhub import dataversion

    monkeypatch.setattr(memo, "enabled", lambda reference=False: True)
    memo.clear()
    first = services.profile("MEX")
    assert services.profile("MEX") is first
    dataversion.bump()
    assert services.profile("MEX") is not first
    monkeypatch.setattr(memo, "enabled", lambda reference=False: reference)
    assert services.profile("MEX") is not services.profile("MEX")
    assert services.series_info("SM.POP.TOTL") is services.series_info("SM.POP.TOTL")  # reference lookups stay kept
    memo.clear()
