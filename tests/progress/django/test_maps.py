"""The world map: a Vega-Lite geoshape over the bundled Natural Earth topology."""

import json

import pytest

from gcmhub.geo.models import Area
from gcmhub.progress import maps
from gcmhub.progress.presentation import NO_DATA_COLOUR, STATUS_STYLES


def rows():
    return [
        {"m49": "404", "name": "Kenya", "status": "limited_progress", "label": "Limited progress", "score": -0.566},
        {"m49": "484", "name": "Mexico", "status": "target_achieved", "label": "Target achieved", "score": 5.0},
    ]


def spec(**options):
    return maps.status_map_spec(rows(), description="A map", legend_title="Status", no_data_label="No data", **options)


def test_the_topology_is_bundled_with_its_licence():
    topology = maps.topology()
    assert topology["type"] == "Topology" and "countries" in topology["objects"]
    assert {"404", "484", "826", "076"} <= maps.topology_ids()
    assert (maps.TOPOLOGY_FILE.parent / "LICENSE-world-atlas.txt").read_text().count("Natural Earth") >= 1


@pytest.mark.django_db
def test_topology_ids_are_m49_codes_of_countries():
    countries = set(Area.objects.countries().values_list("m49", flat=True))
    ids = maps.topology_ids()
    # Nearly every shape is a UN M49 country; the rest (Kosovo, N. Cyprus…) have no id.
    assert len(ids & countries) >= 170
    assert len(ids - countries) <= 3


def test_browser_spec_loads_the_topology_from_our_static_files():
    browser = spec(topology_url="/static/progress/countries-110m.json")
    assert browser["data"]["url"] == "/static/progress/countries-110m.json"
    assert browser["data"]["format"] == {"type": "topojson", "feature": "countries"}
    assert browser["mark"]["type"] == "geoshape"
    assert "http" not in json.dumps(browser["data"])  # no CDN
    lookup = browser["transform"][0]
    assert lookup["lookup"] == "id" and lookup["from"]["key"] == "m49"
    assert [v["m49"] for v in lookup["from"]["data"]["values"]] == ["404", "484"]


def test_colours_and_words_in_the_legend():
    colour = spec()["encoding"]["color"]
    # Only the statuses present, best first, then "no data" in a neutral grey.
    assert colour["scale"]["domain"] == ["Target achieved", "Limited progress", "No data"]
    assert colour["scale"]["range"] == [
        STATUS_STYLES["target_achieved"].colour,
        STATUS_STYLES["limited_progress"].colour,
        NO_DATA_COLOUR,
    ]
    assert colour["legend"]["title"] == "Status"


def test_server_side_svg(settings):
    inline = spec()
    assert inline["data"]["values"]["type"] == "Topology"
    svg = maps.render_svg(spec(topology_url="/static/progress/countries-110m.json"))
    assert svg.startswith("<svg") and "Limited progress" in svg and "No data" in svg
    assert maps.render_svg(inline) == svg  # same map, from the cache
