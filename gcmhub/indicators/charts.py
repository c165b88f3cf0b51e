"""Charts of indicator data: Vega-Lite specs and inline SVG sparklines.

Pure module — plain data in, plain data out, no database:

* ``line_chart_spec(lines, …)`` builds a Vega-Lite v5 spec (a dict) for one
  series: one line per country (or per disaggregation value when the reader
  compares them). The browser renders it with the bundled Vega libraries
  (``static/indicators/vega-bundle.js`` + ``charts.js``); the server turns
  the very same spec into SVG or PNG with ``vl_convert`` (``render_svg``,
  ``render_png``) for downloads and for readers without JavaScript.
* ``sparkline_svg(points)`` draws a tiny inline SVG polyline for the country
  page, with no JavaScript; the caller prints a text alternative beside it.

Colours are the Okabe–Ito palette (distinguishable with the common colour
vision deficiencies), and every line also gets its own dash pattern and
point shape, so nothing relies on colour alone.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DASHES",
    "MAX_LINES",
    "PALETTE",
    "SCHEMA",
    "SHAPES",
    "VEGA_LITE_VERSION",
    "Line",
    "line_chart_spec",
    "period_start",
    "render_png",
    "render_svg",
    "sparkline_svg",
    "split_by_magnitude",
    "value_map_spec",
]

# The Vega-Lite release the bundle and the server-side export both use
# (static_build.py builds the bundle with it; change both together).
# Vega-Lite 6 compiles to the Vega 6 the bundle runs; a Vega-Lite 5 spec
# compiles to Vega 5 and Vega-Embed warns about the mismatch on every chart.
VEGA_LITE_VERSION = "6.4"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

# Okabe & Ito (2008), "Color Universal Design", ordered so that the first
# lines get the colours with the most contrast on white; yellow comes last.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
MAX_LINES = len(PALETTE)
DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [10, 2], [1, 3], [6, 2, 2, 2])
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-left", "triangle-right")

_YEAR = re.compile(r"^\d{4}$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Line:
    """One line of a chart: a label (a country, or a country and a
    disaggregation) and its ``(period, value)`` points. ``area`` and
    ``variant`` (the disaggregation compared, if any) make up the label;
    a bar chart uses them separately."""

    label: str
    points: Sequence[tuple[str, float | None]]
    area: str = ""
    variant: str = ""


def period_start(period: str) -> str:
    """The ISO date a period starts on: ``2019`` → ``2019-01-01``,
    ``2019-Q3`` → ``2019-07-01``, ``2015/2016`` → ``2015-01-01``."""
    text = period.split("/", 1)[0].strip()
    if _YEAR.match(text):
        return f"{text}-01-01"
    match = _QUARTER.match(text)
    if match:
        return f"{match.group(1)}-{(int(match.group(2)) - 1) * 3 + 1:02d}-01"
    match = _MONTH.match(text)
    if match:
        return f"{text}-01"
    if _DAY.match(text):
        return text
    return f"{text[:4]}-01-01"


def _finite(value) -> bool:
    return value is not None and math.isfinite(value)


def _annual(periods: Iterable[str]) -> bool:
    return all(_YEAR.match(period) for period in periods)


@lru_cache(maxsize=8)
def _locale(language: str) -> dict | None:
    """Vega's number and time formats for the reader's language (None: English)."""
    tag = {"fr": "fr-FR", "es": "es-ES"}.get(language)
    if tag is None:
        return None
    try:
        import vl_convert

        return {"number": vl_convert.get_format_locale(tag), "time": vl_convert.get_time_format_locale(tag)}
    except Exception:  # noqa: BLE001 - formats are a nicety; English ones are the default
        return None


# Lines whose typical values differ by more than this factor get separate
# charts: on one axis the smaller ones (countries beside the world's total)
# would be flat lines along the bottom.
MAGNITUDE_RATIO = 20.0


def _typical(line: Line) -> float | None:
    values = sorted(abs(value) for _period, value in line.points if _finite(value))
    return values[len(values) // 2] if values else None


def split_by_magnitude(lines: Sequence[Line], ratio: float = MAGNITUDE_RATIO) -> list[list[Line]]:
    """``lines`` in one group, or two when some lines are more than ``ratio``
    times larger than others (the world's migrant stock beside countries').
    Order inside each group is kept; the larger lines come first.

    >>> world = Line("World", [("2020", 280e6)])
    >>> kenya, mexico = Line("Kenya", [("2020", 1e6)]), Line("Mexico", [("2020", 1.2e6)])
    >>> [[line.label for line in group] for group in split_by_magnitude([world, kenya, mexico])]
    [['World'], ['Kenya', 'Mexico']]
    >>> len(split_by_magnitude([kenya, mexico]))
    1
    """
    typical = {id(line): _typical(line) for line in lines}
    sizes = [size for size in typical.values() if size]
    if len(sizes) < 2 or max(sizes) <= ratio * min(sizes):
        return [list(lines)]
    threshold = max(sizes) / ratio
    large = [line for line in lines if (typical[id(line)] or 0) > threshold]
    small = [line for line in lines if line not in large]
    return [large, small]


def line_chart_spec(
    lines: Sequence[Line],
    *,
    title: str,
    y_title: str,
    x_title: str,
    legend_title: str,
    description: str,
    value_title: str = "",
    period_title: str = "",
    language: str = "en",
    width: int | str = "container",
    height: int = 320,
) -> dict:
    """A Vega-Lite spec for up to ``MAX_LINES`` lines (extra lines are left out;
    the page's data table lists everything).

    Annual data get a numeric year axis; quarters, months and days a time
    axis. When every line has a single period there is no line to draw, and
    the chart becomes a bar per label — or, when a disaggregation is
    compared (lines with a ``variant``), a group of bars per value with one
    bar (and colour) per area, up to ``MAX_LINES`` areas.
    """
    lines = [line for line in lines if any(value is not None for _p, value in line.points)]
    periods = {period for line in lines for period, value in line.points if _finite(value)}
    bars = len(periods) <= 1
    if bars and any(line.variant for line in lines):
        # One period, several disaggregations: grouped bars, a colour per area.
        areas = list(dict.fromkeys(line.area or line.label for line in lines))[:MAX_LINES]
        lines = [line for line in lines if (line.area or line.label) in areas]
    else:
        lines = lines[:MAX_LINES]
    labels = [line.label for line in lines]
    values = []
    for line in lines:
        for period, value in line.points:
            if not _finite(value):
                continue
            values.append({
                "label": line.label, "area": line.area or line.label, "variant": line.variant, "period": period,
                "date": period_start(period), "value": value,
            })  # fmt: skip
    values.sort(key=lambda row: (labels.index(row["label"]), row["date"]))
    n = max(len(labels), 1)
    colour = {
        "field": "label",
        "type": "nominal",
        "title": legend_title,
        "scale": {"domain": labels, "range": list(PALETTE[:n])},
        "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 400},
    }
    tooltip = [
        {"field": "label", "type": "nominal", "title": legend_title},
        {"field": "period", "type": "nominal", "title": period_title or x_title},
        {"field": "value", "type": "quantitative", "title": value_title or y_title, "format": ",.4~g"},
    ]
    spec: dict = {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14, "limit": 900},
        "description": description,
        "width": width,
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"} if width == "container" else {"type": "pad"},
        "data": {"values": values},
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True, "gridColor": "#e5e7eb"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "symbolStrokeWidth": 2},
            "view": {"stroke": None},
        },
    }
    locale = _locale(language)
    if locale:
        spec["config"]["locale"] = locale
    y = {"field": "value", "type": "quantitative", "title": y_title, "axis": {"format": "~s"}}
    if bars:
        spec["mark"] = {"type": "bar", "tooltip": True}
        spec["height"] = {"step": 18}
        variants = list(dict.fromkeys(line.variant for line in lines if line.variant))
        if variants:
            areas = list(dict.fromkeys(row["area"] for row in values))
            spec["encoding"] = {
                "y": {"field": "variant", "type": "nominal", "title": None, "sort": variants,
                      "axis": {"labelLimit": 320}},
                "yOffset": {"field": "area", "type": "nominal", "sort": areas},
                "x": y,
                "color": {**colour, "field": "area", "scale": {"domain": areas, "range": list(PALETTE[: len(areas)])}},
                "tooltip": [
                    {"field": "area", "type": "nominal", "title": legend_title},
                    {"field": "variant", "type": "nominal"},
                    *tooltip[1:],
                ],
            }  # fmt: skip
        else:
            spec["encoding"] = {
                "y": {"field": "label", "type": "nominal", "title": None, "sort": labels,
                      "axis": {"labelLimit": 320}},
                "x": y,
                "color": {**colour, "legend": None},
                "tooltip": tooltip,
            }  # fmt: skip
        return spec
    if _annual(periods):
        x = {
            "field": "year",
            "type": "quantitative",
            "title": x_title,
            "scale": {"zero": False, "nice": False},
            "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": True},
        }
        for row in values:
            row["year"] = int(row["period"])
    else:
        x = {"field": "date", "type": "temporal", "title": x_title, "axis": {"labelOverlap": True}}
    spec["mark"] = {"type": "line", "point": {"filled": True, "size": 45}, "strokeWidth": 2, "tooltip": True}
    spec["encoding"] = {
        "x": x,
        "y": {**y, "scale": {"zero": False}},
        "color": colour,
        "strokeDash": {
            "field": "label",
            "type": "nominal",
            "title": legend_title,
            "scale": {"domain": labels, "range": [list(dash) for dash in DASHES[:n]]},
            "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 400},
        },
        "shape": {
            "field": "label",
            "type": "nominal",
            "title": legend_title,
            "scale": {"domain": labels, "range": list(SHAPES[:n])},
            "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 400},
        },
        "tooltip": tooltip,
    }
    return spec


def on_ordinal_scale(spec: dict, labels: Mapping[int, str], step_title: str) -> dict:
    """Redraw a ``line_chart_spec`` chart for values that are steps of a scale.

    The value axis spans exactly the scale (10.7.2: 1 to 4, not 0 to 3) with one
    tick per step, labelled; single-period charts show dots instead of bars,
    since a bar's length from 0 means nothing on an ordinal scale; tooltips
    name the step.
    """
    steps = sorted(labels)
    encoding = spec["encoding"]
    axis_name = "x" if encoding.get("x", {}).get("field") == "value" else "y"
    axis_labels = " : ".join(
        f"datum.value == {step} ? {json.dumps(f'{step} {labels[step]}')}" for step in steps
    ) + " : ''"
    value = encoding[axis_name]
    encoding[axis_name] = {
        **value,
        "scale": {"domain": [steps[0], steps[-1]], "zero": False, "nice": False},
        "axis": {"values": steps, "labelExpr": axis_labels, "labelLimit": 220, "grid": True},
    }
    for row in spec["data"]["values"]:
        row["step"] = labels.get(int(row["value"]), "") if float(row["value"]).is_integer() else ""
    encoding["tooltip"] = [*encoding.get("tooltip", []), {"field": "step", "type": "nominal", "title": step_title}]
    if spec["mark"].get("type") == "bar":
        spec["mark"] = {"type": "point", "filled": True, "size": 90, "tooltip": True}
    return spec


# --- maps -------------------------------------------------------------------------------


def world_map_frame(description: str, topology: dict, *, width: int | str, height: int) -> dict:
    """What every world map shares: the Equal Earth projection of the bundled
    Natural Earth countries (``topology``: Vega-Lite data), fitted to the box."""
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": width,
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "projection": {"type": "equalEarth"},
        "data": topology,
    }


NO_DATA_FILL = "#e3e3e3"  # countries without a value: the land stays visible


def value_map_spec(
    rows: Sequence[tuple[str, str, str, float]],
    *,
    topology: dict,
    description: str,
    legend_title: str,
    value_title: str,
    period_title: str,
    language: str = "en",
    width: int | str = "container",
    height: int = 400,
) -> dict:
    """A world map of one value per country: ``rows`` of ``(m49, name, period, value)``.

    ``topology`` is the Vega-Lite data of the bundled Natural Earth countries
    (``{"url": …, "format": …}`` in the browser, ``{"values": …}`` on the
    server; the progress app's ``maps`` supplies both). Countries are shaded
    by quantile (five classes of about as many countries each), so one huge
    value does not wash every other country out; countries without a value
    stay grey. The page lists the same values in a table.
    """
    values = [
        {"m49": m49, "name": name, "period": period, "value": value}
        for m49, name, period, value in rows
        if _finite(value)
    ]
    outline = {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5}
    spec: dict = {
        **world_map_frame(description, topology, width=width, height=height),
        "layer": [
            {"mark": {**outline, "fill": NO_DATA_FILL, "aria": False}},  # land under the data: decorative
            {
                "transform": [
                    {"lookup": "id", "from": {"data": {"values": values}, "key": "m49",
                                              "fields": ["name", "period", "value"]}},
                    {"filter": "isValid(datum.value)"},
                ],
                "mark": outline,
                "encoding": {
                    "color": {
                        "field": "value", "type": "quantitative", "title": legend_title,
                        "scale": {"type": "quantile", "scheme": {"name": "blues", "count": 5}},
                        "legend": {"orient": "bottom", "direction": "horizontal", "format": ",.3~r"},
                    },
                    "tooltip": [
                        {"field": "name", "type": "nominal", "title": " "},
                        {"field": "value", "type": "quantitative", "title": value_title, "format": ",.4~r"},
                        {"field": "period", "type": "nominal", "title": period_title},
                    ],
                },
            },
        ],
        "config": {"view": {"stroke": None}, "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"},
    }  # fmt: skip
    locale = _locale(language)
    if locale:
        spec["config"]["locale"] = locale
    return spec


# --- server-side rendering ----------------------------------------------------------


def _fixed_width(spec: dict, width: int) -> dict:
    """A copy of ``spec`` with a pixel width: "container" means nothing outside a page."""
    fixed = dict(spec)
    if fixed.get("width") == "container":
        fixed["width"] = width
        fixed["autosize"] = {"type": "pad"}
    return fixed


def stacked(specs: Sequence[dict], *, width: int = 720) -> dict:
    """Several charts of a page as one image, one under the other (the SVG and
    PNG downloads), each keeping its own axis."""
    if len(specs) == 1:
        return specs[0]
    parts = []
    for spec in specs:
        fixed = _fixed_width(spec, width)
        parts.append({key: value for key, value in fixed.items() if key not in ("$schema", "config", "autosize")})
    return {
        "$schema": SCHEMA,
        "description": " ".join(dict.fromkeys(spec.get("description", "") for spec in specs)),
        "vconcat": parts,
        "resolve": {"scale": {"color": "independent", "strokeDash": "independent", "shape": "independent"}},
        "config": specs[0].get("config", {}),
    }


def render_svg(spec: dict, *, width: int = 720) -> str:
    """The chart as an SVG document (vl-convert, no browser)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(_fixed_width(spec, width), vl_version=VEGA_LITE_VERSION)


def render_png(spec: dict, *, width: int = 720, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (vl-convert, no browser)."""
    import vl_convert

    return vl_convert.vegalite_to_png(_fixed_width(spec, width), vl_version=VEGA_LITE_VERSION, scale=scale)


# --- sparklines -----------------------------------------------------------------------


def sparkline_svg(
    points: Sequence[tuple[float, float]],
    *,
    width: int = 120,
    height: int = 28,
    colour: str = PALETTE[0],
    pad: float = 3.0,
) -> str:
    """A small SVG line through ``(x, y)`` points (x: a year or a date as a number).

    Decorative (``aria-hidden``): the page prints the first and last values
    beside it as text. All content is numbers, so the string is safe to
    insert into HTML as is. Empty input gives an empty string.
    """
    points = [(float(x), float(y)) for x, y in points if y is not None and math.isfinite(float(y))]
    if not points:
        return ""
    points.sort()
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def sx(x: float) -> float:
        return pad + (inner_w * (x - x0) / (x1 - x0) if x1 > x0 else inner_w / 2)

    def sy(y: float) -> float:
        # SVG's y grows downwards; a flat series sits in the middle.
        return pad + (inner_h * (1 - (y - y0) / (y1 - y0)) if y1 > y0 else inner_h / 2)

    coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
    last_x, last_y = sx(xs[-1]), sy(ys[-1])
    line = (
        f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" stroke-linejoin="round" '
        f'stroke-linecap="round" points="{coords}"/>'
        if len(points) > 1
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
        f"{line}"
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.2" fill="{colour}"/>'
        "</svg>"
    )
