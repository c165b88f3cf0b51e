"""World maps coloured by status: a Vega-Lite geoshape spec over the bundled
Natural Earth 110m topology (``static/progress/countries-110m.json``, from
the ``world-atlas`` npm package; see ``static/progress/LICENSE-world-atlas.txt``).

Pure apart from reading the bundled file: ``status_map_spec`` builds the spec
(a dict). The browser draws it with the indicators app's Vega bundle
(``<script type="application/json" class="vega-spec">``) loading the topology
from our own static files; ``render_svg`` draws the same map on the server
with vl-convert, the topology inlined, for readers without JavaScript and
for downloads. Nothing is fetched from another site.

The topology's feature ids are ISO 3166-1 numeric codes, which are the M49
codes of countries ("404" is Kenya), so countries join on ``Area.m49``.
Colours are the colour-blind-safe status colours of ``presentation``; the
legend names every status in words, and every map on a page comes with a
table that says the same thing.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache

# The Vega-Lite version of the indicators app's bundle, which draws these maps too.
from gcmhub.indicators.charts import VEGA_LITE_VERSION, world_map_frame

from .presentation import NO_DATA_COLOUR, STATUS_STYLES

TOPOLOGY_FILE = Path(__file__).resolve().parent / "static" / "progress" / "countries-110m.json"
TOPOLOGY_STATIC = "progress/countries-110m.json"


@lru_cache(maxsize=1)
def topology() -> dict:
    return json.loads(TOPOLOGY_FILE.read_text(encoding="utf-8"))


def topology_ids() -> set[str]:
    return {geometry.get("id") for geometry in topology()["objects"]["countries"]["geometries"] if geometry.get("id")}


def status_map_spec(
    rows: list[dict],
    *,
    description: str,
    legend_title: str,
    no_data_label: str,
    topology_url: str | None = None,
    width: int | str = "container",
    height: int = 440,
) -> dict:
    """A Vega-Lite spec: every country filled by the colour of its status.

    ``rows``: ``{"m49", "name", "status", "label", "score"}`` per country
    with a result (labels already translated). Countries without a row are
    drawn in a pale neutral grey and named ``no_data_label`` in the legend.
    ``topology_url`` makes the browser load the topology from our static
    files; without it the topology is inlined (server-side rendering).
    """
    used = {row["status"] for row in rows}
    styles = [style for style in STATUS_STYLES.values() if style.code in used]
    domain = [str(style.label) for style in styles] + [no_data_label]
    colours = [style.colour for style in styles] + [NO_DATA_COLOUR]
    data_format = {"type": "topojson", "feature": "countries"}
    data = (
        {"url": topology_url, "format": data_format} if topology_url else {"values": topology(), "format": data_format}
    )
    values = [
        {
            "m49": row["m49"],
            "name": row["name"],
            "label": str(row["label"]),
            "score": None if row.get("score") is None else round(float(row["score"]), 2),
        }
        for row in rows
    ]
    return {
        **world_map_frame(description, data, width=width, height=height),
        "transform": [
            {
                "lookup": "id",
                "from": {"data": {"values": values}, "key": "m49", "fields": ["name", "label", "score"]},
            },
            {"calculate": f"datum.label ? datum.label : {json.dumps(no_data_label)}", "as": "label"},
            {"calculate": "datum.name ? datum.name : datum.properties.name", "as": "name"},
        ],
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5},
        "encoding": {
            "color": {
                "field": "label",
                "type": "nominal",
                "scale": {"domain": domain, "range": colours},
                "legend": {"title": legend_title, "orient": "bottom", "direction": "horizontal", "columns": 3},
            },
            "tooltip": [
                {"field": "name", "type": "nominal", "title": " "},
                {"field": "label", "type": "nominal", "title": legend_title},
                {"field": "score", "type": "quantitative", "format": ".2f", "title": "score"},
            ],
        },
        "config": {"view": {"stroke": None}, "font": "system-ui, sans-serif"},
    }


def render_svg(spec: dict, *, width: int = 760) -> str:
    """The map as SVG (vl-convert; the topology inlined). Cached by content."""
    spec = dict(spec)
    if "url" in spec.get("data", {}):
        spec["data"] = {"values": topology(), "format": spec["data"]["format"]}
    if spec.get("width") == "container":
        spec["width"] = width
        spec["autosize"] = {"type": "pad"}
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    key = "progress-map-" + hashlib.sha256(text.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        import vl_convert

        svg = vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION)
        cache.set(key, svg, 60 * 60)
    return svg
