"""Every chart and map of the explorer, built from the state in its address.

``build(name, params)`` returns a ``Chart``: the Vega-Lite spec the page
shows, a title, the table of the same numbers, the downloads of exactly
those numbers (the API with the same state and ``format=csv|xlsx``) and
the state itself. The page draws the spec in the browser; the SVG and PNG
exports (``/<lang>/explorer/chart/<name>.svg|png?<state>``) draw the *same*
spec on the server with vl-convert, with the bundled world topology put
inline (no URL is left for vl-convert to fetch); the embed page
(``/<lang>/explorer/embed/<name>/?<state>``) shows chart and table without
the site frame. One registry, so every chart has all three.

Charts: ``map`` (series, year, dim), ``flows`` (country), ``incidents``
(year, region, route, cause), ``profile`` (country, section), ``corridor``
(origin, destination, part), ``ranking`` (measure, year, region, limit: the
largest corridors), ``compare`` and ``compare_ranking`` (series, country…,
dim, year: lines over time, and the countries' positions in the year).
"""

from __future__ import annotations

import bisect
import copy
import json
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.errors import InvalidInput
from gcmhub.i18n import current_language
from gcmhub.indicators import charts as vl
from gcmhub.progress import maps

from . import services, tables
from .measures import CORRIDOR_MEASURE, REMITTANCE_COST_TARGET, unit_label

NAMES = ("map", "flows", "incidents", "profile", "corridor", "ranking", "compare", "compare_ranking")

# The profile sections drawn as lines over time, and the figures each draws
# (one unit per chart; the table beside it keeps every figure of the section).
PROFILE_LINES = {
    "immigrants": ("immigrants", "immigrants_female", "immigrants_male"),
    "emigrants": ("migrant_stock:out", "migrant_stock_female:out", "migrant_stock_male:out"),
    "refugees": ("refugees:in", "asylum_seekers:in", "refugees:out", "asylum_seekers:out"),
    "remittances": ("remittances_received", "remittances_paid"),
    "remittance_costs": ("remittance_cost:from", "remittance_cost:to"),
    "deaths": ("deaths_region",),
}
CORRIDOR_PARTS = ("people", "cost")


@dataclass
class Chart:
    name: str
    title: str
    spec: dict
    state: list[tuple[str, object]]
    description: str = ""
    table: dict = field(default_factory=dict)  # {"caption", "columns", "rows": [[cell]]}
    downloads: list[dict] = field(default_factory=list)
    source: str = ""
    page_url: str = ""

    @property
    def query(self) -> str:
        return urlencode([(k, v) for k, v in self.state if v not in (None, "")])

    def url(self, view: str, *args) -> str:
        base = reverse(view, args=args)
        return f"{base}?{self.query}" if self.query else base

    @property
    def images(self) -> list[dict]:
        return [{"label": kind.upper(), "url": self.url("explorer:chart_image", self.name, kind)} for kind in ("svg", "png")]

    @property
    def embed_url(self) -> str:
        return self.url("explorer:embed", self.name)

    @cached_property
    def table_html(self) -> str:
        """The table beside the chart (rendered once: a chart kept per data version keeps it)."""
        return tables.table_html(self.table)

    @cached_property
    def spec_json(self) -> str:
        from gcmhub.indicators.views import spec_json

        return spec_json(self.spec)


def num(value, unit: str = "") -> dict:
    return {"num": True, "value": value, "unit": unit}


# --- the topology: a URL on the page, inline in an export ----------------------------


def topology_data() -> dict:
    return {"url": static(maps.TOPOLOGY_STATIC), "format": {"type": "topojson", "feature": "countries"}}


def inline_topology(spec: dict) -> dict:
    """A copy of ``spec`` where the bundled topology's URL is replaced by the topology
    itself, and no other URL is left (vl-convert must not fetch anything)."""
    url = static(maps.TOPOLOGY_STATIC)

    def walk(node):
        if isinstance(node, dict):
            if "url" in node and isinstance(node.get("url"), str):
                if node["url"] != url:
                    raise ValueError(f"a chart may only name the bundled topology, not {node['url']}")
                out = {k: v for k, v in node.items() if k != "url"}
                out["values"] = maps.topology()
                return out
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(copy.deepcopy(spec))


def render(chart: Chart, kind: str) -> bytes | str:
    spec = inline_topology(chart.spec)
    return vl.render_svg(spec) if kind == "svg" else vl.render_png(spec)


# --- helpers ------------------------------------------------------------------------


def _query(**query) -> str:
    pairs = []
    for key, value in query.items():
        if isinstance(value, list | tuple):
            pairs += [(key, v) for v in value if v not in (None, "")]
        elif value not in (None, ""):
            pairs.append((key, value))
    return urlencode(pairs)


def api_url(name: str, *args, **query) -> str:
    """An API address with its query (empty values left out)."""
    url, query_text = reverse(f"api:{name}", args=args), _query(**query)
    return f"{url}?{query_text}" if query_text else url


def downloads(name: str, *args, **query) -> list[dict]:
    """CSV, XLSX and JSON of one API answer with the view's state (one ``reverse``)."""
    url = reverse(f"api:{name}", args=args)

    def link(**extra) -> str:
        query_text = _query(**extra, **query)
        return f"{url}?{query_text}" if query_text else url

    return [{"label": "CSV", "url": link(format="csv")}, {"label": "XLSX", "url": link(format="xlsx")},
            {"label": "JSON", "url": link()}]  # fmt: skip


def _int(text) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _line_spec(lines, *, title: str, unit: str, description: str, legend: str) -> dict:
    return vl.line_chart_spec(
        lines, title=title, y_title=unit_label(unit), x_title=_("Year or period"), legend_title=legend,
        description=description, value_title=_("Value"), period_title=_("Period"), language=current_language(),
    )  # fmt: skip


def _with_target_rule(spec: dict, target: float, axis: str = "y") -> dict:
    """The chart ``spec`` with a dashed rule at the SDG 10.c.1 target across the value
    axis (``y`` for lines over time, ``x`` for ranked bars), labelled in the chart (the
    value scale then always includes the target)."""
    label = _("SDG 10.c.1 target: %(target)s %%") % {"target": f"{target:g}"}
    view = {key: spec.pop(key) for key in ("mark", "encoding")}
    target_row = {"data": {"values": [{"target": target, "label": label}]}}
    value = {axis: {"field": "target", "type": "quantitative"}}
    if axis == "y":
        text = {"align": "left", "baseline": "bottom", "dx": 4, "dy": -3}
        position = {"x": {"value": 0}}
    else:
        text = {"align": "left", "baseline": "bottom", "dx": 4, "dy": -2}  # above the bars
        position = {"y": {"value": 0}}
    spec["layer"] = [
        view,
        {**target_row, "mark": {"type": "rule", "color": TARGET_COLOUR, "strokeDash": [6, 4], "strokeWidth": 1.5},
         "encoding": value},
        {**target_row, "mark": {"type": "text", **text, "color": TARGET_COLOUR, "fontWeight": "bold"},
         "encoding": {**value, **position, "text": {"field": "label", "type": "nominal"}}},
    ]  # fmt: skip
    return spec


TARGET_COLOUR = "#b2182b"


def target_note() -> str:
    return _("The dashed line marks the SDG 10.c.1 target: a cost below %(target)s %% of the amount sent.") % {
        "target": f"{REMITTANCE_COST_TARGET:g}"}  # fmt: skip


def _ranked_bar_spec(bars: list[dict], *, title: str, unit: str, description: str, highlighted: str = "",
                     others: str = "") -> dict:  # fmt: skip
    """A horizontal bar per ranked item (``bars``: label, value, period, highlight), in
    rank order. With ``highlighted``, the highlighted bars get their own colour (named
    in the legend) and a bold label, so colour is not the only sign."""
    x = {"field": "value", "type": "quantitative", "title": unit_label(unit),
         "axis": {"format": "~s", "tickCount": 8, "labelOverlap": True}}
    y = {"field": "label", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 320}}
    encoding: dict = {
        "y": y, "x": x, "color": {"value": vl.PALETTE[0]},
        "tooltip": [{"field": "label", "type": "nominal", "title": _("Rank")},
                    {"field": "value", "type": "quantitative", "title": _("Value"), "format": ",.4~g"},
                    {"field": "period", "type": "nominal", "title": _("Period")}],
    }  # fmt: skip
    values = [{"label": b["label"], "value": b["value"], "period": b["period"],
               "group": highlighted if b.get("highlight") else others} for b in bars]  # fmt: skip
    if highlighted:
        encoding["color"] = {"field": "group", "type": "nominal", "title": None,
                             "scale": {"domain": [highlighted, others], "range": [TARGET_COLOUR, vl.PALETTE[0]]},
                             "legend": {"orient": "bottom"}}  # fmt: skip
        bold = [b["label"] for b in bars if b.get("highlight")]
        y["axis"]["labelFontWeight"] = {"condition": {"test": f"indexof({json.dumps(bold)}, datum.value) >= 0",
                                                      "value": "bold"}, "value": "normal"}  # fmt: skip
    spec = {
        "$schema": vl.SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 14, "limit": 900},
        "description": description,
        "width": "container",
        "height": {"step": 20},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": encoding,
        "config": {"font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "view": {"stroke": None},
                   "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True, "gridColor": "#e5e7eb"}},
    }  # fmt: skip
    locale = vl._locale(current_language())  # noqa: SLF001 (number formats of the reader's language)
    if locale:
        spec["config"]["locale"] = locale
    return spec


def _figures_table(caption: str, figures, labels: list[tuple[str, str]]) -> dict:
    """Rows = periods, columns = the lines (key, label)."""
    keys = [key for key, _label in labels]
    cells: dict = {}
    for figure, key in figures:
        cells.setdefault(figure.period, {})[key] = figure
    rows = []
    for period in sorted(cells):
        row = [period]
        for key in keys:
            figure = cells[period].get(key)
            row.append(num(figure.value if figure else None, figure.unit if figure else ""))
        rows.append(row)
    return {"caption": caption, "columns": [_("Year or period"), *[label for _k, label in labels]], "rows": rows}


def _sources(figures) -> str:
    found = sorted({(f.source, f.series) for f in figures})
    return "; ".join(f"{source} ({series})" for source, series in found)


# --- the charts ---------------------------------------------------------------------


def map_chart(params, data: dict | None = None) -> Chart:
    series = params.get("series") or "SM.POP.TOTL"
    year, dim = _int(params.get("year")), params.get("dim") or ""
    data = data or services.map_values(series, year, dim)
    description = _("Map of %(series)s in %(year)s; countries in grey have no data. The table gives the same values.") % {
        "series": data["series"], "year": data["year"]}  # fmt: skip
    rows = [(i["m49"], i["name"], i["period"], i["value"]) for i in data["items"] if i["value"] is not None]
    spec = vl.value_map_spec(
        rows, topology=topology_data(), description=description, legend_title=unit_label(data["unit"]) or _("Value"),
        value_title=_("Value"), period_title=_("Period"), language=current_language(),
    )  # fmt: skip
    spec = with_no_data_legend(spec, _("No data"))
    state = [("series", data["series"]), ("year", data["year"]), ("dim", dim)]
    # Countries with data first, then those without (greyed, "no data" written out).
    ordered = sorted(data["items"], key=lambda i: i["value"] is None)
    table_rows = [[i["name"], i["period"] or "", num(i["value"], data["unit"]), i["source"] or ""] for i in ordered]
    caption = f"{data['series']}, {data['year']}" + (f", {data['dim']}" if data["dim"] else "")
    return Chart(
        "map", f"{data['series']} {data['series_name']}, {data['year']}", spec, state, description,
        {"caption": f"{caption} ({unit_label(data['unit'])})", "id": "explorer-map-table", "rows": table_rows,
         "columns": [_("Country or area"), _("Period"), _("Value"), _("Source")],
         "row_classes": ["is-nodata" if i["value"] is None else "" for i in ordered]},
        downloads("get_map", series=data["series"], year=data["year"], dim=dim),
        ", ".join(sorted({i["source"] for i in data["items"] if i["source"]})),
        reverse("explorer:map") + "?" + urlencode([(k, v) for k, v in state if v not in (None, "")]),
    )  # fmt: skip


MAP_CLASSES = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c")  # light to dark; none near the no-data grey


def with_no_data_legend(spec: dict, label: str) -> dict:
    """The choropleth ``spec`` with "no data" as a legend entry of its own, in the grey
    of the land under the data, beside the value classes.

    The countries with a value are split into up to five classes of about as many
    countries each (as the quantile scale did), each named in the legend by the
    range of its values: a continuous bar put the class limits of skewed data (one
    country with 50 million, most under one million) on top of each other. A zero
    is in the lowest class, coloured like the lowest values, never grey; the table
    beside the map gives the exact values."""
    land, layer = spec["layer"]
    land["mark"] = {key: value for key, value in land["mark"].items() if key != "fill"}
    land["encoding"] = {"color": {"datum": label, "type": "nominal", "title": None,
                                  "scale": {"domain": [label], "range": [vl.NO_DATA_FILL]},
                                  "legend": {"orient": "bottom", "symbolType": "square"}}}  # fmt: skip
    lookup = layer["transform"][0]["from"]
    names = value_classes(lookup["data"]["values"])
    lookup["fields"] = [*lookup["fields"], "class"]
    colour = layer["encoding"]["color"]
    layer["encoding"]["color"] = {
        "field": "class", "type": "ordinal", "title": colour["title"],
        "scale": {"domain": names, "range": list(MAP_CLASSES[len(MAP_CLASSES) - len(names):])},
        "legend": {"orient": "bottom", "direction": "horizontal", "symbolType": "square"},
    }  # fmt: skip
    spec["resolve"] = {"scale": {"color": "independent"}, "legend": {"color": "independent"}}
    return spec


def value_classes(rows: list[dict], count: int = len(MAP_CLASSES)) -> list[str]:
    """Put each row (with a ``value``) in one of up to ``count`` classes of about as many
    rows each, equal values always together; set its ``class`` to the class's name
    (the range of its values) and return the names, lowest first."""
    ordered = sorted(row["value"] for row in rows)
    if not ordered:
        return []
    # A class starts at each quantile (the value itself goes up): ties never straddle two.
    quantiles = {ordered[min(round(i * len(ordered) / count), len(ordered) - 1)] for i in range(1, count)}
    limits = sorted(quantiles - {ordered[0]})
    groups: dict[int, list[float]] = {}
    for row in rows:
        groups.setdefault(bisect.bisect_right(limits, row["value"]), []).append(row["value"])
    names = {index: _range_name(min(values), max(values)) for index, values in groups.items()}
    for row in rows:
        row["class"] = names[bisect.bisect_right(limits, row["value"])]
    return [names[index] for index in sorted(names)]


def _range_name(low: float, high: float) -> str:
    return compact_number(low) if low == high else f"{compact_number(low)} – {compact_number(high)}"


def compact_number(value: float) -> str:
    """1.2M, 125k, 4.9: three significant digits, in the reader's decimal mark."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            text = f"{value / size:.3g}{suffix}"
            break
    else:
        text = f"{value:.3g}"
    separators = tables.number_separators()
    return text.replace(".", separators[0]) if separators else text


def _country(params) -> str:
    code = (params.get("country") or "").strip().upper()
    if not code:
        raise InvalidInput(_("Choose a country (ISO3 code)."), field="country")
    return code


def flows_chart(params, data: dict | None = None) -> Chart:
    """Lines from the country's top origins and to its top destinations, weighted by migrants."""
    from gcmhub.geo.models import Area

    data = data or services.profile(_country(params))
    iso3, name = data["area"]["iso3"], data["area"]["name"]
    figures = [(s.key, f) for s in data["sections"] if s.key in ("top_origins", "top_destinations") for f in s.figures]
    codes = {f.area for _k, f in figures} | {f.counterpart for _k, f in figures}
    places = {a.iso3: (a.longitude, a.latitude, a.tr("name")) for a in Area.objects.filter(iso3__in=codes)}
    lines, rows = [], []
    for key, f in figures:
        start, end = places.get(f.counterpart), places.get(f.area)
        kind = str(_("to the country") if key == "top_origins" else _("from the country"))
        route = f"{start[2] if start else f.counterpart} → {end[2] if end else f.area}"
        rows.append([route, kind, f.period, num(f.value, f.unit)])
        if not start or not end or None in start[:2] or None in end[:2]:
            continue
        lines.append({"lon": start[0], "lat": start[1], "lon2": end[0], "lat2": end[1], "value": f.value,
                      "route": route, "kind": kind})  # fmt: skip
    description = _("Map of the largest migration corridors to and from %(name)s; the table gives the same figures.") % {
        "name": name}  # fmt: skip
    frame = vl.world_map_frame(description, topology_data(), width="container", height=380)
    frame["layer"] = [
        {"mark": {"type": "geoshape", "fill": vl.NO_DATA_FILL, "stroke": "#ffffff", "strokeWidth": 0.5, "aria": False}},
        {
            "data": {"values": lines},
            "mark": {"type": "rule", "opacity": 0.7},
            "encoding": {
                "longitude": {"field": "lon", "type": "quantitative"},
                "latitude": {"field": "lat", "type": "quantitative"},
                "longitude2": {"field": "lon2"},
                "latitude2": {"field": "lat2"},
                "strokeWidth": {"field": "value", "type": "quantitative", "title": _("Migrants"),
                                "scale": {"range": [1, 10]}, "legend": {"orient": "bottom", "format": ",.3~s"}},
                "color": {"field": "kind", "type": "nominal", "title": _("Corridor"),
                          "scale": {"range": ["#2166ac", "#b2182b"]}, "legend": {"orient": "bottom"}},
                "tooltip": [{"field": "route", "type": "nominal", "title": _("Corridor")},
                            {"field": "value", "type": "quantitative", "title": _("Migrants"), "format": ","}],
            },
        },
    ]  # fmt: skip
    frame["config"] = {"view": {"stroke": None}}
    flows = [f for _k, f in figures]
    return Chart(
        "flows", _("Largest corridors to and from %(name)s") % {"name": name}, frame, [("country", iso3)], description,
        {"caption": _("Largest corridors to and from %(name)s") % {"name": name},
         "columns": [_("Corridor"), _("Direction"), _("Year or period"), _("Migrants")], "rows": rows},
        downloads("get_profile", iso3, section="top_origins,top_destinations"), _sources(flows),
        reverse("explorer:profile", kwargs={"key": iso3}) + "#flows",
    )  # fmt: skip


def incident_state(params) -> dict:
    year = _int(params.get("year"))
    if year is None:
        years = services.incident_years()
        year = years[-1] if years else None
    return {key: (params.get(key) or "").strip() or None for key in ("region", "route", "cause")} | {"year": year}


def incidents_chart(params, data: dict | None = None) -> Chart:
    state = incident_state(params)
    data = data or services.incidents(**state)
    description = _("Map of %(count)s Missing Migrants incidents in %(year)s; each point is sized by the number of "
                    "dead and missing. The table gives the same figures.") % {"count": len(data["items"]),
                                                                                "year": state["year"]}  # fmt: skip
    points = [
        {"lon": i["longitude"], "lat": i["latitude"], "total": i["total"], "cause": i["cause"],
         "date": i["date"] or str(i["year"]), "route": i["route"]}
        for i in data["items"] if i["latitude"] is not None and i["longitude"] is not None
    ]  # fmt: skip
    frame = vl.world_map_frame(description, topology_data(), width="container", height=420)
    frame["layer"] = [
        {"mark": {"type": "geoshape", "fill": vl.NO_DATA_FILL, "stroke": "#ffffff", "strokeWidth": 0.5, "aria": False}},
        {
            "data": {"values": points},
            "mark": {"type": "circle", "opacity": 0.6, "color": "#b2182b"},
            "encoding": {
                "longitude": {"field": "lon", "type": "quantitative"},
                "latitude": {"field": "lat", "type": "quantitative"},
                "size": {"field": "total", "type": "quantitative", "title": _("Dead and missing"),
                         "scale": {"range": [10, 600]}, "legend": {"orient": "bottom"}},
                "tooltip": [
                    {"field": "date", "type": "nominal", "title": _("Date")},
                    {"field": "total", "type": "quantitative", "title": _("Dead and missing")},
                    {"field": "cause", "type": "nominal", "title": _("Cause of death")},
                    {"field": "route", "type": "nominal", "title": _("Route")},
                ],
            },
        },
    ]  # fmt: skip
    frame["config"] = {"view": {"stroke": None}}
    largest = sorted(data["items"], key=lambda i: -i["total"])[:INCIDENT_ROWS]
    rows = [[i["date"] or str(i["year"]), i["mmp_region"], i["route"], i["cause"], num(i["total"])] for i in largest]
    pairs = list(state.items())
    return Chart(
        "incidents", _("Missing Migrants incidents, %(year)s") % {"year": state["year"]}, frame, pairs, description,
        {"caption": _("The largest incidents (at most %(n)s; the download has all)") % {"n": INCIDENT_ROWS},
         "columns": [_("Date"), _("Region"), _("Route"), _("Cause of death"), _("Dead and missing")], "rows": rows},
        downloads("list_incidents", **state), data["source"],
        reverse("explorer:incidents") + "?" + urlencode([(k, v) for k, v in pairs if v not in (None, "")]),
    )  # fmt: skip


INCIDENT_ROWS = 300


def profile_chart(params, data: dict | None = None) -> Chart:
    section_key = params.get("section") or "immigrants"
    if section_key not in PROFILE_LINES:
        raise InvalidInput(_("Unknown section “%(section)s”; choose one of %(choices)s.") % {
            "section": section_key, "choices": ", ".join(PROFILE_LINES)}, field="section")  # fmt: skip
    data = data or services.profile(_country(params))
    iso3, name = data["area"]["iso3"], data["area"]["name"]
    section = next(s for s in data["sections"] if s.key == section_key)
    wanted = PROFILE_LINES[section_key]
    figures = [f for f in section.figures if f.measure in wanted]
    # deaths: one line per region (its label is the region's name)
    keyed = [(f, f.measure + (f"@{f.area}" if f.measure == "deaths_region" else "")) for f in figures]
    labels = list(dict.fromkeys((key, f.label) for f, key in keyed))
    lines = [vl.Line(label, [(f.period, f.value) for f, k in keyed if k == key]) for key, label in labels]
    unit = figures[0].unit if figures else "NUMBER"
    description = _("Line chart of “%(title)s” for %(name)s over time; the table gives the same figures.") % {
        "title": section.title, "name": name}  # fmt: skip
    caption = section.title
    if section_key == "remittance_costs":
        description, caption = f"{description} {target_note()}", f"{caption}. {target_note()}"
    spec = _line_spec(lines, title=f"{section.title}: {name}", unit=unit, description=description, legend=_("Series"))
    if section_key == "remittance_costs":
        spec = _with_target_rule(spec, REMITTANCE_COST_TARGET)
    return Chart(
        "profile", f"{section.title}: {name}", spec, [("country", iso3), ("section", section_key)], description,
        _figures_table(caption, keyed, labels), downloads("get_profile", iso3, section=section_key),
        _sources(figures), reverse("explorer:profile", kwargs={"key": iso3}) + f"#section-{section_key}",
    )  # fmt: skip


def corridor_chart(params, data: dict | None = None) -> Chart:
    origin = (params.get("origin") or "").strip().upper()
    destination = (params.get("destination") or "").strip().upper()
    part = params.get("part") or "people"
    if part not in CORRIDOR_PARTS:
        raise InvalidInput(_("part must be people or cost."), field="part")
    data = data or services.corridor(origin, destination)
    o, d = data["origin"], data["destination"]
    figures = [f for f in data["figures"] if (f.measure == "remittance_cost") == (part == "cost")]
    keyed = [(f, f.measure) for f in figures]
    labels = list(dict.fromkeys((f.measure, f.label) for f in figures))
    lines = [vl.Line(label, [(f.period, f.value) for f in figures if f.measure == key]) for key, label in labels]
    if part == "cost":
        title = _("Cost of sending US$200 from %(destination)s to %(origin)s (SDG 10.c.1 target: below %(target)s %%)") % {
            "destination": d["name"], "origin": o["name"], "target": f"{REMITTANCE_COST_TARGET:g}"}  # fmt: skip
        unit = "PERCENT"
    else:
        title = _("People from %(origin)s in %(destination)s") % {"origin": o["name"], "destination": d["name"]}
        unit = "NUMBER"
    description = _("Line chart: %(title)s, over time; the table gives the same figures.") % {"title": title}
    caption = title
    if part == "cost":
        description, caption = f"{description} {target_note()}", f"{caption}. {target_note()}"
    spec = _line_spec(lines, title=title, unit=unit, description=description, legend=_("Measure"))
    if part == "cost":
        spec = _with_target_rule(spec, REMITTANCE_COST_TARGET)
    return Chart(
        "corridor", title, spec, [("origin", o["iso3"]), ("destination", d["iso3"]), ("part", part)], description,
        _figures_table(caption, keyed, labels), downloads("get_corridor", o["iso3"], d["iso3"], part=part),
        _sources(figures), reverse("explorer:corridor", kwargs={"origin": o["iso3"], "destination": d["iso3"]})
        + f"#{part}-chart",
    )  # fmt: skip


def ranking_state(params) -> dict:
    """The ranking's state from an address: unknown measures fall back on migrants, the
    limit is kept between 1 and ``services.MAX_CORRIDORS``."""
    measure = params.get("measure") or "migrant_stock"
    limit = _int(params.get("limit")) or RANKING_LIMIT
    return {"measure": measure if measure in CORRIDOR_MEASURE else "migrant_stock", "year": _int(params.get("year")),
            "region": (params.get("region") or "").strip() or None,
            "limit": min(max(limit, 1), services.MAX_CORRIDORS)}  # fmt: skip


RANKING_LIMIT = 20


def ranking_chart(params, data: dict | None = None) -> Chart:
    """The largest corridors of one measure in one year (worldwide or in a region) as
    ranked bars."""
    state = ranking_state(params)
    data = data or services.corridors(**state)
    state["year"] = data["year"]
    measure = CORRIDOR_MEASURE[state["measure"]]
    title = _("Largest corridors: %(measure)s, %(year)s") % {"measure": measure.label, "year": data["year"]}
    bars, rows = [], []
    for rank, item in enumerate(data["items"], 1):
        bars.append({"label": f"{rank}. {item['origin_name']} → {item['destination_name']}", "value": item["value"],
                     "period": item["period"]})  # fmt: skip
        link = reverse("explorer:corridor", kwargs={"origin": item["counterpart"], "destination": item["area"]})
        rows.append([num(rank), {"link": link, "text": item["origin_name"]}, item["destination_name"], item["period"],
                     num(item["value"], item["unit"])])  # fmt: skip
    description = _("Bar chart of the %(count)s largest corridors, ranked; the table gives the same figures.") % {
        "count": len(bars)}  # fmt: skip
    caption = f"{measure.label}, {data['year']} ({unit_label(measure.unit)})"
    if measure.code == "remittance_cost":
        description, caption = f"{description} {target_note()}", f"{caption}. {target_note()}"
    spec = _ranked_bar_spec(bars, title=title, unit=measure.unit, description=description)
    if measure.code == "remittance_cost":
        spec = _with_target_rule(spec, REMITTANCE_COST_TARGET, axis="x")
    pairs = list(state.items())
    return Chart(
        "ranking", title, spec, pairs, description,
        {"caption": caption, "header": 1,
         "columns": [_("Rank"), _("Origin"), _("Destination"), _("Period"), _("Value")], "rows": rows},
        downloads("list_corridors", **state), f"{measure.source} ({measure.series})",
        reverse("explorer:corridors") + "?" + urlencode([(k, v) for k, v in pairs if v not in (None, "")]),
    )  # fmt: skip


def compare_state(params) -> dict:
    countries = params.getlist("country") if hasattr(params, "getlist") else params.get("country", [])
    if isinstance(countries, str):
        countries = [countries]
    countries = [c.strip().upper() for c in countries if c and c.strip()][: services.MAX_COMPARED] or ["MEX", "USA"]
    return {"series": params.get("series") or "SM.POP.TOTL", "countries": countries, "dim": params.get("dim") or "",
            "year": _int(params.get("year"))}  # fmt: skip


def compare_chart(params, data: dict | None = None) -> Chart:
    state = compare_state(params)
    data = data or services.compare(state["series"], state["countries"], state["dim"], state["year"])
    lines = [vl.Line(c["name"], [(p["period"], p["value"]) for p in c["points"]], area=c["name"]) for c in data["countries"]]
    names = ", ".join(c["name"] for c in data["countries"])
    description = _("Line chart of %(series)s for %(countries)s; the table gives the same values.") % {
        "series": data["series"], "countries": names}  # fmt: skip
    title = f"{data['series']} {data['series_name']}".strip()
    spec = _line_spec(lines, title=title, unit=data["unit"], description=description, legend=_("Country"))
    periods = sorted({p["period"] for c in data["countries"] for p in c["points"]})
    values = {(c["iso3"], p["period"]): p["value"] for c in data["countries"] for p in c["points"]}
    rows = [[period, *[num(values.get((c["iso3"], period)), data["unit"]) for c in data["countries"]]]
            for period in periods]  # fmt: skip
    pairs = [("series", data["series"]), *[("country", c["iso3"]) for c in data["countries"]], ("dim", state["dim"]),
             ("year", state["year"])]  # fmt: skip
    return Chart(
        "compare", title, spec, pairs, description,
        {"caption": f"{data['series']}" + (f", {data['dim']}" if data["dim"] else "") + f" ({unit_label(data['unit'])})",
         "columns": [_("Year or period"), *[c["name"] for c in data["countries"]]], "rows": rows},
        downloads("compare_countries", series=data["series"], areas=",".join(c["iso3"] for c in data["countries"]),
                  dim=state["dim"], year=state["year"]),
        ", ".join(data.get("sources", [])),
        reverse("explorer:compare") + "?" + urlencode([(k, v) for k, v in pairs if v not in (None, "")]),
    )  # fmt: skip


def compare_ranking_chart(params, data: dict | None = None) -> Chart:
    """The first countries of the series in the year and the compared ones (wherever they
    stand), as ranked bars with the compared countries highlighted."""
    state = compare_state(params)
    data = data or services.compare(state["series"], state["countries"], state["dim"], state["year"])
    bars = [{"label": f"{item['rank']}. {item['name']}", "value": item["value"], "period": item["period"],
             "highlight": item["compared"]} for item in data["top"]]  # fmt: skip
    title = _("Ranking in %(year)s: %(series)s") % {"year": data["year"], "series": data["series"]}
    description = _("Bar chart of the first countries in %(year)s and of the compared countries, with their rank "
                    "among %(count)s countries; the table gives the same figures.") % {
        "year": data["year"], "count": data["ranked_countries"]}  # fmt: skip
    spec = _ranked_bar_spec(bars, title=title, unit=data["unit"], description=description,
                            highlighted=_("Compared countries"), others=_("Other countries"))  # fmt: skip
    yes = _("yes")
    rows = [[num(item["rank"]), item["name"], item["period"] or "", num(item["value"], data["unit"]),
             yes if item["compared"] else ""] for item in data["top"]]  # fmt: skip
    pairs = [("series", data["series"]), *[("country", c["iso3"]) for c in data["countries"]], ("dim", state["dim"]),
             ("year", data["year"])]  # fmt: skip
    return Chart(
        "compare_ranking", title, spec, pairs, description,
        {"caption": _("Position among %(count)s countries with data in %(year)s (%(unit)s)") % {
            "count": data["ranked_countries"], "year": data["year"], "unit": unit_label(data["unit"])},
         "columns": [_("Rank"), _("Country"), _("Period"), _("Value"), _("Compared")], "rows": rows, "header": 1,
         "id": "explorer-compare-top", "row_classes": ["is-compared" if item["compared"] else "" for item in data["top"]]},
        downloads("compare_countries", series=data["series"], areas=",".join(c["iso3"] for c in data["countries"]),
                  dim=state["dim"], year=data["year"], part="ranking"),
        ", ".join(data.get("sources", [])),
        reverse("explorer:compare") + "?" + urlencode([(k, v) for k, v in pairs if v not in (None, "")]) + "#ranking",
    )  # fmt: skip


BUILDERS = {
    "map": map_chart,
    "flows": flows_chart,
    "incidents": incidents_chart,
    "profile": profile_chart,
    "corridor": corridor_chart,
    "ranking": ranking_chart,
    "compare": compare_chart,
    "compare_ranking": compare_ranking_chart,
}


def build(name: str, params) -> Chart:
    if name not in BUILDERS:
        raise InvalidInput(_("There is no chart “%(name)s”.") % {"name": name}, field="chart")
    return BUILDERS[name](params)
