"""Explorer pages: a country's migration profile, one corridor, the largest corridors, the map.

Each page shows the numbers of ``services`` (the API serves the same) as
accessible tables; downloads link to the API with ``format=csv|xlsx`` and
the page's own state, so a download holds exactly what is shown.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gcmhub.errors import InvalidInput, NotFound
from gcmhub.pagecache import public_page_cache

from . import services
from .measures import CORRIDOR_MEASURE, CORRIDOR_MEASURES, REMITTANCE_COST_TARGET, unit_label

TIME_SECTIONS = {"immigrants", "emigrants", "refugees", "remittances", "remittance_costs", "deaths"}
RANK_SECTIONS = {"top_origins", "top_destinations"}


def pivot(figures) -> dict:
    """Figures as a table: one row per period, one column per measure (label and unit)."""
    columns: list[tuple[str, str]] = []
    for figure in figures:
        column = (figure.measure + ("@" + figure.area if figure.measure == "deaths_region" else ""), figure.label)
        if column not in columns:
            columns.append(column)
    keys = [key for key, _label in columns]
    cells: dict[str, dict[str, object]] = {}
    units: dict[str, str] = {}
    sources: dict[str, set[str]] = {}
    for figure in figures:
        key = figure.measure + ("@" + figure.area if figure.measure == "deaths_region" else "")
        cells.setdefault(figure.period, {})[key] = figure
        units[key] = unit_label(figure.unit)
        sources.setdefault(figure.source, set()).add(figure.series)
    rows = [{"period": period, "cells": [cells[period].get(key) for key in keys]} for period in sorted(cells)]
    return {
        "columns": [{"key": key, "label": label, "unit": units.get(key, "")} for key, label in columns],
        "rows": rows,
        "sources": sorted((source, sorted(series)) for source, series in sources.items()),
    }


def _api(name: str, *args, **query) -> str:
    url = reverse(f"api:{name}", args=args)
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _downloads(name: str, *args, **query) -> list[dict]:
    return [
        {"label": "CSV", "url": _api(name, *args, format="csv", **query)},
        {"label": "XLSX", "url": _api(name, *args, format="xlsx", **query)},
        {"label": "JSON", "url": _api(name, *args, **query)},
    ]


@public_page_cache
def profile(request, key: str):
    try:
        data = services.profile(key)
    except NotFound as exc:
        raise Http404(exc.message) from None
    iso3 = data["area"]["iso3"]
    if key != iso3:
        return redirect("explorer:profile", key=iso3, permanent=True)
    sections = []
    for section in data["sections"]:
        entry = {"section": section, "kind": "time" if section.key in TIME_SECTIONS else "rank"}
        if entry["kind"] == "time":
            entry["table"] = pivot(section.figures)
        else:
            entry["ranks"] = _ranked(section)
        series = sorted({(f.series, f.area) for f in section.figures if f.observation_id})
        entry["links"] = [(code, _api("series_observations", code, area=area)) for code, area in series]
        sections.append(entry)
    flows = _flow_spec(data)
    context = {
        "data": data,
        "sections": sections,
        "flow_spec_json": _spec_json(flows) if flows else "",
        "downloads": _downloads("get_profile", iso3),
    }
    return render(request, "explorer/profile.html", context)


def _spec_json(spec: dict) -> str:
    from gcmhub.indicators.views import spec_json

    return spec_json(spec)


def _flow_spec(data: dict) -> dict | None:
    """Lines from the country to its top destinations and from its top origins, weighted by migrants."""
    from django.templatetags.static import static

    from gcmhub.geo.models import Area
    from gcmhub.indicators import charts
    from gcmhub.progress import maps

    figures = [(s.key, f) for s in data["sections"] if s.key in RANK_SECTIONS for f in s.figures]
    if not figures:
        return None
    codes = {f.area for _k, f in figures} | {f.counterpart for _k, f in figures}
    places = {a.iso3: (a.longitude, a.latitude, a.tr("name")) for a in Area.objects.filter(iso3__in=codes)}
    lines = []
    for key, f in figures:
        start, end = places.get(f.counterpart), places.get(f.area)
        if not start or not end or None in start[:2] or None in end[:2]:
            continue
        lines.append({"lon": start[0], "lat": start[1], "lon2": end[0], "lat2": end[1], "value": f.value,
                      "route": f"{start[2]} → {end[2]}",
                      "kind": str(_("to the country") if key == "top_origins" else _("from the country"))})  # fmt: skip
    topology = {"url": static(maps.TOPOLOGY_STATIC), "format": {"type": "topojson", "feature": "countries"}}
    description = _("Map of the largest migration corridors to and from %(name)s; the tables give the same figures.") % {
        "name": data["area"]["name"]}  # fmt: skip
    frame = charts.world_map_frame(description, topology, width="container", height=380)
    frame["layer"] = [
        {"mark": {"type": "geoshape", "fill": charts.NO_DATA_FILL, "stroke": "#ffffff", "strokeWidth": 0.5, "aria": False}},
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
    return frame


def _ranked(section) -> list[dict]:
    from gcmhub.geo.models import Area

    codes = {f.counterpart for f in section.figures} | {f.area for f in section.figures}
    names = {area.iso3: area.tr("name") for area in Area.objects.filter(iso3__in=codes)}
    rows = []
    for figure in section.figures:
        other = figure.counterpart if section.key == "top_origins" else figure.area
        rows.append({"figure": figure, "name": names.get(other, other), "code": other})
    return rows


@public_page_cache
def corridor(request, origin: str, destination: str):
    try:
        data = services.corridor(origin, destination)
    except NotFound as exc:
        raise Http404(exc.message) from None
    o, d = data["origin"]["iso3"], data["destination"]["iso3"]
    if (origin, destination) != (o, d):
        return redirect("explorer:corridor", origin=o, destination=d, permanent=True)
    stock = [f for f in data["figures"] if f.measure != "remittance_cost"]
    cost = [f for f in data["figures"] if f.measure == "remittance_cost"]
    context = {
        "data": data,
        "stock_table": pivot(stock),
        "cost_table": pivot(cost),
        "target": REMITTANCE_COST_TARGET,
        "downloads": _downloads("get_corridor", o, d),
        "reverse_url": reverse("explorer:corridor", kwargs={"origin": d, "destination": o}),
    }
    return render(request, "explorer/corridor.html", context)


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@public_page_cache
def corridors(request):
    measure = request.GET.get("measure") or "migrant_stock"
    if measure not in CORRIDOR_MEASURE:
        measure = "migrant_stock"
    year = _int_or_none(request.GET.get("year"))
    region = (request.GET.get("region") or "").strip() or None
    limit = min(max(_int_or_none(request.GET.get("limit")) or 20, 1), services.MAX_CORRIDORS)
    error = ""
    try:
        data = services.corridors(year=year, measure=measure, region=region, limit=limit)
    except InvalidInput as exc:
        error = exc.message
        data = services.corridors(year=year, measure=measure, limit=limit)
        region = None
    from gcmhub.geo.models import Area

    regions = Area.objects.filter(kind__in=["region", "subregion"]).order_by("kind", "name_en")
    context = {
        "data": data,
        "measures": CORRIDOR_MEASURES,
        "measure": CORRIDOR_MEASURE[measure],
        "region": region,
        "regions": regions,
        "limit": limit,
        "error": error,
        "downloads": _downloads("list_corridors", measure=measure, year=data["year"], region=region, limit=limit),
        "unit": unit_label(CORRIDOR_MEASURE[measure].unit),
    }
    return render(request, "explorer/corridors.html", context)


def _map_state(request) -> tuple[str, int | None, str]:
    return request.GET.get("series") or "SM.POP.TOTL", _int_or_none(request.GET.get("year")), request.GET.get("dim") or ""


def _map_spec(data: dict, *, inline: bool) -> dict:
    from django.templatetags.static import static

    from gcmhub.i18n import current_language
    from gcmhub.indicators import charts
    from gcmhub.progress import maps

    rows = [(item["m49"], item["name"], item["period"], item["value"]) for item in data["items"] if item["value"] is not None]
    topology = (
        {"values": maps.topology(), "format": {"type": "topojson", "feature": "countries"}}
        if inline
        else {"url": static(maps.TOPOLOGY_STATIC), "format": {"type": "topojson", "feature": "countries"}}
    )
    description = _("Map of %(series)s in %(year)s; countries in grey have no data. The table gives the same values.") % {
        "series": data["series"], "year": data["year"]}  # fmt: skip
    return charts.value_map_spec(
        rows, topology=topology, description=description, legend_title=unit_label(data["unit"]) or _("Value"),
        value_title=_("Value"), period_title=_("Period"), language=current_language(),
    )  # fmt: skip


@public_page_cache
def map_page(request):
    from gcmhub.indicators.views import spec_json

    series, year, dim = _map_state(request)
    error = ""
    try:
        data = services.map_values(series, year, dim)
    except InvalidInput as exc:
        error = exc.message
        data = None
    state = {"series": series, "year": (data or {}).get("year"), "dim": dim}
    context = {
        "data": data,
        "error": error,
        "series_code": series,
        "dim": dim,
        "all_series": _map_series(),
        "dims": [(key.replace("=", ":").replace("|", ","), dim_label(key)) for key in (data or {}).get("dimensions", [])],
        "with_data": [item for item in (data or {}).get("items", []) if item["value"] is not None],
        "no_data": [item for item in (data or {}).get("items", []) if item["value"] is None],
        "downloads": _downloads("get_map", **state) if data else [],
        "images": [{"label": kind.upper(), "url": reverse("explorer:map_image", args=[kind]) + "?" + urlencode(
            {k: v for k, v in state.items() if v})} for kind in ("svg", "png")] if data else [],  # fmt: skip
        "year_step": _year_step((data or {}).get("years", [])),
        "embed": request.GET.get("embed") == "1",
        "spec_json": spec_json(_map_spec(data, inline=False)) if data else "",
    }
    return render(request, "explorer/map.html", context)


@public_page_cache
def map_image(request, kind: str):
    """The map as an SVG or PNG file, drawn on the server (vl-convert, offline)."""
    from gcmhub.indicators import charts

    series, year, dim = _map_state(request)
    try:
        data = services.map_values(series, year, dim)
    except InvalidInput as exc:
        raise Http404(exc.message) from None
    spec = _map_spec(data, inline=True)
    name = f"map-{data['series']}-{data['year']}.{kind}"
    if kind == "svg":
        response = HttpResponse(charts.render_svg(spec), content_type="image/svg+xml")
    else:
        response = HttpResponse(charts.render_png(spec), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _year_step(years: list[int]) -> int:
    """The slider's step: the years' common spacing (5 for DESA's 1990, 1995, …)."""
    from functools import reduce
    from math import gcd

    gaps = [b - a for a, b in zip(years, years[1:], strict=False)]
    return reduce(gcd, gaps) if gaps else 1


def _map_series() -> list[str]:
    from .models import SeriesSlice

    codes = SeriesSlice.objects.values_list("series__code", flat=True).distinct()
    return sorted(set(codes))


def dim_label(key: str) -> str:
    return key.replace("=", ":") if key else _("Headline (no disaggregation)")


INCIDENTS_SHOWN = 300


def _incident_spec(items: list[dict], description: str) -> dict:
    """Points sized by the dead and missing over the bundled world topology."""
    from django.templatetags.static import static

    from gcmhub.indicators import charts
    from gcmhub.progress import maps

    topology = {"url": static(maps.TOPOLOGY_STATIC), "format": {"type": "topojson", "feature": "countries"}}
    points = [
        {"lon": i["longitude"], "lat": i["latitude"], "total": i["total"], "cause": i["cause"], "date": i["date"] or str(i["year"])}
        for i in items if i["latitude"] is not None and i["longitude"] is not None
    ]  # fmt: skip
    frame = charts.world_map_frame(description, topology, width="container", height=420)
    frame["layer"] = [
        {"mark": {"type": "geoshape", "fill": charts.NO_DATA_FILL, "stroke": "#ffffff", "strokeWidth": 0.5, "aria": False}},
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
                ],
            },
        },
    ]  # fmt: skip
    frame["config"] = {"view": {"stroke": None}}
    return frame


@public_page_cache
def incidents_page(request):
    """The incident map: Missing Migrants incidents of a year, sized by the dead and missing."""
    from collections import defaultdict


    year = _int_or_none(request.GET.get("year"))
    years = services.incident_years()
    if year is None and years:
        year = years[-1]
    region = (request.GET.get("region") or "").strip() or None
    cause = (request.GET.get("cause") or "").strip() or None
    error = ""
    try:
        data = services.incidents(year=year, region=region, cause=cause)
    except InvalidInput as exc:
        error, data = exc.message, services.incidents(year=year)
    by_region: dict = defaultdict(lambda: [0, 0])
    for item in data["items"]:
        entry = by_region[item["mmp_region"] or _("Unknown")]
        entry[0] += 1
        entry[1] += item["total"]
    from gcmhub.indicators.views import spec_json

    description = _("Map of %(count)s Missing Migrants incidents in %(year)s; each point is sized by the number of "
                    "dead and missing. The tables give the same figures.") % {"count": len(data["items"]), "year": year}  # fmt: skip
    state = {"year": year, "region": region, "cause": cause}
    context = {
        "data": data,
        "year": year,
        "years": years,
        "region": region or "",
        "cause": cause or "",
        "error": error,
        "by_region": sorted(by_region.items(), key=lambda kv: -kv[1][1]),
        "largest": sorted(data["items"], key=lambda i: -i["total"])[:INCIDENTS_SHOWN],
        "shown": INCIDENTS_SHOWN,
        "downloads": _downloads("list_incidents", **state),
        "spec_json": spec_json(_incident_spec(data["items"], description)),
        "description": description,
    }
    return render(request, "explorer/incidents.html", context)


@public_page_cache
def compare_page(request):
    """Up to five countries on one series: lines over time, a table, and their ranks."""
    from gcmhub.geo.models import Area
    from gcmhub.i18n import current_language
    from gcmhub.indicators import charts

    series = request.GET.get("series") or "SM.POP.TOTL"
    countries = [c for c in request.GET.getlist("country") if c][: services.MAX_COMPARED] or ["MEX", "USA"]
    dim = request.GET.get("dim") or ""
    year = _int_or_none(request.GET.get("year"))
    error, data, spec, table = "", None, "", None
    try:
        data = services.compare(series, countries, dim, year)
    except (InvalidInput, NotFound) as exc:
        error = exc.message
    if data:
        lines = [charts.Line(c["name"], [(p["period"], p["value"]) for p in c["points"]], area=c["name"])
                 for c in data["countries"]]  # fmt: skip
        description = _("Line chart of %(series)s for %(countries)s; the table gives the same values.") % {
            "series": data["series"], "countries": ", ".join(c["name"] for c in data["countries"])}  # fmt: skip
        spec = _spec_json(charts.line_chart_spec(
            lines, title=data["series"], y_title=unit_label(data["unit"]), x_title=_("Year"),
            legend_title=_("Country"), description=description, value_title=_("Value"), period_title=_("Period"),
            language=current_language(),
        ))  # fmt: skip
        periods = sorted({p["period"] for c in data["countries"] for p in c["points"]})
        values = {(c["iso3"], p["period"]): p["value"] for c in data["countries"] for p in c["points"]}
        table = {"periods": periods, "rows": [
            {"period": period, "cells": [values.get((c["iso3"], period)) for c in data["countries"]]} for period in periods
        ]}  # fmt: skip
    slots = (countries + [""] * services.MAX_COMPARED)[: services.MAX_COMPARED]
    context = {
        "data": data, "error": error, "spec_json": spec, "table": table, "series_code": series, "dim": dim,
        "slots": slots, "all_series": _map_series(),
        "countries": Area.objects.countries().order_by("name_en"),
    }  # fmt: skip
    return render(request, "explorer/compare.html", context)
