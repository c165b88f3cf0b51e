"""charts.py: Vega-Lite specs and sparklines (pure, no database)."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gcmhub.indicators import charts
from gcmhub.indicators.charts import Line, line_chart_spec, period_start, sparkline_svg

LABELS = {"title": "10.c.1 Remittance costs", "y_title": "percent", "x_title": "Year", "legend_title": "Area",
          "description": "Line chart of SI_RMT_COST for Kenya, Mexico."}  # fmt: skip


def annual(label, start=2011, values=(9.0, 8.5, 8.1)):
    return Line(label, [(str(start + i), value) for i, value in enumerate(values)], area=label)


def test_line_chart_spec_is_vega_lite_with_okabe_ito_colours():
    spec = line_chart_spec([annual("Kenya"), annual("Mexico", values=(5.0, None, 4.2))], **LABELS)
    json.dumps(spec)  # plain JSON
    assert spec["$schema"] == "https://vega.github.io/schema/vega-lite/v6.json"
    assert spec["description"] == LABELS["description"]
    assert spec["mark"]["type"] == "line" and spec["mark"]["point"]
    encoding = spec["encoding"]
    assert encoding["x"] == {**encoding["x"], "field": "year", "type": "quantitative"}
    assert encoding["x"]["axis"]["format"] == "d"
    assert encoding["y"]["field"] == "value" and encoding["y"]["type"] == "quantitative"
    assert encoding["y"]["title"] == "percent"
    colour = encoding["color"]
    assert colour["field"] == "label" and colour["scale"]["domain"] == ["Kenya", "Mexico"]
    assert colour["scale"]["range"] == ["#0072B2", "#D55E00"]
    assert set(colour["scale"]["range"]) <= set(charts.PALETTE)
    # Not colour alone: each line has its own dash pattern and point shape.
    assert encoding["strokeDash"]["scale"]["range"] == [[1, 0], [6, 3]]
    assert encoding["shape"]["scale"]["range"] == ["circle", "square"]
    assert {t["field"] for t in encoding["tooltip"]} == {"label", "period", "value"}
    values = spec["data"]["values"]
    assert len(values) == 5  # the missing Mexican value is left out
    assert values[0] == {"label": "Kenya", "area": "Kenya", "variant": "", "period": "2011", "date": "2011-01-01",
                         "value": 9.0, "year": 2011}  # fmt: skip


def test_the_okabe_ito_palette():
    assert charts.PALETTE == ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
    assert len(charts.DASHES) == len(charts.SHAPES) == charts.MAX_LINES


def test_more_lines_than_colours_are_cut():
    lines = [annual(f"Area {i}") for i in range(12)]
    spec = line_chart_spec(lines, **LABELS)
    assert spec["encoding"]["color"]["scale"]["domain"] == [f"Area {i}" for i in range(8)]
    assert len({row["label"] for row in spec["data"]["values"]}) == 8


def test_quarters_get_a_time_axis():
    line = Line("Kenya", [("2019-Q1", 3.0), ("2019-Q3", 4.0), ("2020-Q2", 2.0)])
    spec = line_chart_spec([line], **LABELS)
    assert spec["encoding"]["x"]["type"] == "temporal" and spec["encoding"]["x"]["field"] == "date"
    assert [row["date"] for row in spec["data"]["values"]] == ["2019-01-01", "2019-07-01", "2020-04-01"]


def test_one_period_becomes_bars_and_compared_values_grouped_bars():
    bars = line_chart_spec([Line("Kenya", [("2019", 3.0)]), Line("Mexico", [("2019", 2.0)])], **LABELS)
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y"]["field"] == "label" and bars["encoding"]["x"]["field"] == "value"

    lines = [
        Line(f"{area} · {domain}", [("2019", score)], area=area, variant=domain)
        for area, scores in (("Kenya", (3, 2)), ("Mexico", (4, 3)))
        for domain, score in zip(("Migrant rights", "Cooperation"), scores, strict=True)
    ]
    grouped = line_chart_spec(lines, **LABELS)
    encoding = grouped["encoding"]
    assert encoding["y"]["field"] == "variant" and encoding["y"]["sort"] == ["Migrant rights", "Cooperation"]
    assert encoding["yOffset"]["field"] == "area"
    assert encoding["color"]["field"] == "area"
    assert encoding["color"]["scale"] == {"domain": ["Kenya", "Mexico"], "range": ["#0072B2", "#D55E00"]}


def test_french_and_spanish_number_formats():
    spec = line_chart_spec([annual("Kenya")], **LABELS, language="fr")
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert "locale" not in line_chart_spec([annual("Kenya")], **LABELS)["config"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_specs_compile_with_vega_lite(language):
    import vl_convert

    for lines in ([annual("Kenya"), annual("Mexico")], [Line("Kenya", [("2019", 3.0)], area="Kenya", variant="A")]):
        spec = line_chart_spec(lines, **LABELS, language=language)
        vega = vl_convert.vegalite_to_vega(spec, vl_version=charts.VEGA_LITE_VERSION)
        assert vega["$schema"].startswith("https://vega.github.io/schema/vega/v")


def test_specs_compile_to_the_vega_release_the_bundle_runs():
    """Vega-Embed warns on every chart when the compiled spec's Vega major
    version is not the bundled Vega's (Vega-Lite 5 → Vega 5 under Vega 6)."""
    import vl_convert

    vega = vl_convert.vegalite_to_vega(line_chart_spec([annual("Kenya")], **LABELS), vl_version=charts.VEGA_LITE_VERSION)
    bundled_major = vl_convert.get_vega_version().split(".")[0]
    assert vega["$schema"] == f"https://vega.github.io/schema/vega/v{bundled_major}.json"
    assert charts.SCHEMA.endswith(f"/vega-lite/v{charts.VEGA_LITE_VERSION.split('.')[0]}.json")
    bundle = (Path(charts.__file__).parent / "static" / "indicators" / "vega-bundle.js").read_text()[:200]
    assert f"Vega {vl_convert.get_vega_version()}, Vega-Lite {charts.VEGA_LITE_VERSION}," in bundle


def test_render_svg_and_png():
    spec = line_chart_spec([annual("Kenya")], **LABELS)
    svg = charts.render_svg(spec)
    assert svg.startswith("<svg") and "Kenya" in svg
    assert charts.render_png(spec, scale=1).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("period", "start"),
    [("2019", "2019-01-01"), ("2019-Q3", "2019-07-01"), ("2019-07", "2019-07-01"), ("2019-07-15", "2019-07-15"),
     ("2015/2016", "2015-01-01"), ("2019-01-01/2019-12-31", "2019-01-01")],
)  # fmt: skip
def test_period_start(period, start):
    assert period_start(period) == start


def test_sparkline_svg():
    svg = sparkline_svg([(2011, 9.0), (2012, 8.0), (2018, 7.0)], width=100, height=20)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("aria-hidden") == "true" and root.get("focusable") == "false"
    assert (root.get("width"), root.get("height")) == ("100", "20")
    points = root.find("{http://www.w3.org/2000/svg}polyline").get("points").split()
    assert len(points) == 3
    xs = [float(p.split(",")[0]) for p in points]
    ys = [float(p.split(",")[1]) for p in points]
    assert xs == sorted(xs) and xs[0] == 3.0 and xs[-1] == 97.0  # padded, in order of years
    assert ys[0] < ys[-1]  # falling values go down (SVG y grows downwards)
    assert root.find("{http://www.w3.org/2000/svg}circle") is not None  # the last value is marked


def test_sparkline_edge_cases():
    assert sparkline_svg([]) == ""
    assert sparkline_svg([(2019, None)]) == ""
    single = ET.fromstring(sparkline_svg([(2019, 3.0)]))
    assert single.find("{http://www.w3.org/2000/svg}polyline") is None
    flat = ET.fromstring(sparkline_svg([(2019, 3.0), (2020, 3.0)], height=20))
    assert {p.split(",")[1] for p in flat.find("{http://www.w3.org/2000/svg}polyline").get("points").split()} == {
        "10.0"
    }
