"""Explorer pages: a country's migration profile, one corridor, the largest corridors, the map.

Each page shows the numbers of ``services`` (the API serves the same) as
accessible tables; downloads link to the API with ``format=csv|xlsx`` and
the page's own state, so a download holds exactly what is shown.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_exempt

from gcmhub.errors import InvalidInput, NotFound
from gcmhub.pagecache import public_page_cache

from . import charts, services, tables
from .charts import num
from .memo import by_data_version
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
        units[key] = figure.unit
        sources.setdefault(figure.source, set()).add(figure.series)
    rows = [{"period": period, "cells": [cells[period].get(key) for key in keys]} for period in sorted(cells)]
    return {
        "columns": [{"key": key, "label": label, "unit": unit_label(units[key]) if key in units else ""}
                    for key, label in columns],  # fmt: skip
        "rows": rows,
        "sources": sorted((source, sorted(series)) for source, series in sources.items()),
    }


def _notice_context() -> dict:
    from .aggregates import pending_rebuild

    return {"rebuild": pending_rebuild()}


@by_data_version
def _profile_context(iso3: str) -> dict:
    """Everything the profile page shows but the request: kept per data version and language."""
    data = services.profile(iso3)
    sections = []
    for section in data["sections"]:
        entry = {"section": section, "kind": "time" if section.key in TIME_SECTIONS else "rank"}
        if entry["kind"] == "time":
            entry["table_html"] = tables.time_table_html(pivot(section.figures), section.title)
        elif section.figures:
            entry["table_html"] = tables.table_html(_ranked_table(section))
        if section.key in charts.PROFILE_LINES and any(f.measure in charts.PROFILE_LINES[section.key]
                                                       for f in section.figures):  # fmt: skip
            entry["chart"] = charts.profile_chart({"country": iso3, "section": section.key}, data)
            entry["chart"].spec_json  # noqa: B018 (serialised once, kept with the context)
        series = sorted({(f.series, f.area) for f in section.figures if f.observation_id})
        entry["links"] = [(code, charts.api_url("series_observations", code, area=area)) for code, area in series]
        entry["downloads"] = charts.downloads("get_profile", iso3, section=section.key)
        sections.append(entry)
    has_flows = any(s.figures for s in data["sections"] if s.key in RANK_SECTIONS)
    flows = charts.flows_chart({"country": iso3}, data) if has_flows else None
    if flows:
        flows.spec_json  # noqa: B018
    return {"data": data, "sections": sections, "flows": flows, "downloads": charts.downloads("get_profile", iso3)}


@public_page_cache
def profile(request, key: str):
    try:
        iso3 = services.get_country(key).iso3
    except NotFound as exc:
        raise Http404(exc.message) from None
    if key != iso3:
        return redirect("explorer:profile", key=iso3, permanent=True)
    context = {**_profile_context(iso3), **_notice_context()}
    return render(request, "explorer/profile.html", context)


def _ranked_table(section) -> dict:
    """Top origins or destinations: rank, country (its profile), migrants, the corridor."""
    names = area_names({f.counterpart for f in section.figures} | {f.area for f in section.figures})
    # One reverse per kind of link, not two per row: the codes are put in place.
    profile_url = reverse("explorer:profile", kwargs={"key": "AAA"}).replace("AAA", "{}")
    corridor_url = reverse("explorer:corridor", kwargs={"origin": "AAA", "destination": "BBB"})
    corridor_url = corridor_url.replace("AAA", "{0}").replace("BBB", "{1}")
    rows = []
    for rank, figure in enumerate(section.figures, 1):
        other = figure.counterpart if section.key == "top_origins" else figure.area
        corridor = corridor_url.format(figure.counterpart, figure.area)
        rows.append([num(rank), {"link": profile_url.format(other), "text": names.get(other, other)},
                     num(figure.value, figure.unit), {"link": corridor, "text": f"{figure.counterpart} → {figure.area}"}])  # fmt: skip
    return {"caption": f"{section.title} ({section.figures[0].year})", "header": 1, "rows": rows,
            "columns": [_("Rank"), _("Country"), _("Migrants"), _("Corridor")]}  # fmt: skip


def area_names(codes) -> dict[str, str]:
    """ISO3 → name in the current language, from the per-process area index."""
    return {code: name for code, name in services.area_index().values() if code in codes}


@by_data_version
def _corridor_context(o: str, d: str) -> dict:
    data = services.corridor(o, d)
    stock = [f for f in data["figures"] if f.measure != "remittance_cost"]
    cost = [f for f in data["figures"] if f.measure == "remittance_cost"]
    state = {"origin": o, "destination": d}
    context = {
        "data": data,
        "stock_table_html": tables.time_table_html(pivot(stock), _("People from the origin in the destination")),
        "cost_table_html": tables.time_table_html(
            pivot(cost), f"{_('Average total cost of sending US$200, by quarter')}. {charts.target_note()}"),
        "stock_chart": charts.corridor_chart(state | {"part": "people"}, data) if stock else None,
        "cost_chart": charts.corridor_chart(state | {"part": "cost"}, data) if cost else None,
        "target": REMITTANCE_COST_TARGET,
        "downloads": charts.downloads("get_corridor", o, d),
        "reverse_url": reverse("explorer:corridor", kwargs={"origin": d, "destination": o}),
    }
    for chart in (context["stock_chart"], context["cost_chart"]):
        if chart:
            chart.spec_json  # noqa: B018 (serialised once, kept with the context)
    return context


@public_page_cache
def corridor(request, origin: str, destination: str):
    try:
        o, d = services.get_country(origin).iso3, services.get_country(destination).iso3
    except NotFound as exc:
        raise Http404(exc.message) from None
    if (origin, destination) != (o, d):
        return redirect("explorer:corridor", origin=o, destination=d, permanent=True)
    context = {**_corridor_context(o, d), **_notice_context()}
    return render(request, "explorer/corridor.html", context)


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@public_page_cache
def corridors(request):
    """The largest corridors of a measure in a year, worldwide or in a region: bars and a table."""
    state = charts.ranking_state(request.GET)
    error = ""
    try:
        data, chart = _ranking(**state)
    except InvalidInput as exc:
        error, state["region"] = exc.message, None
        data, chart = _ranking(**state)
    context = {
        "data": data,
        "chart": chart,
        "measures": CORRIDOR_MEASURES,
        "measure": CORRIDOR_MEASURE[state["measure"]],
        "region": state["region"],
        "regions": _regions(),
        "limit": state["limit"],
        "error": error,
        "downloads": charts.downloads("list_corridors", **dict(state, year=data["year"])),
        "unit": unit_label(CORRIDOR_MEASURE[state["measure"]].unit),
        **_notice_context(),
    }
    return render(request, "explorer/corridors.html", context)


@by_data_version
def _ranking(**state) -> tuple[dict, charts.Chart | None]:
    data = services.corridors(**state)
    chart = charts.ranking_chart(state, data) if data["items"] else None
    if chart:
        chart.spec_json, chart.table_html  # noqa: B018 (rendered once, kept with the answer)
    return data, chart


@by_data_version(reference=True)
def _regions() -> list[tuple[str, str]]:
    from gcmhub.geo.models import Area

    return [(area.m49, str(area)) for area in Area.objects.filter(kind__in=["region", "subregion"]).order_by("kind", "name_en")]


def _map_state(request) -> tuple[str, int | None, str]:
    return request.GET.get("series") or "SM.POP.TOTL", _int_or_none(request.GET.get("year")), request.GET.get("dim") or ""


@public_page_cache
def map_page(request):
    if request.GET.get("embed") == "1":  # the first form of the embed address
        query = request.GET.copy()
        query.pop("embed")
        return redirect(reverse("explorer:embed", args=["map"]) + (f"?{query.urlencode()}" if query else ""))
    series, year, dim = _map_state(request)
    try:
        context = _map_context(series, year, dim)
    except InvalidInput as exc:
        context = {"data": None, "chart": None, "error": exc.message, "series_code": series, "dim": dim,
                   "all_series": _map_series(), "downloads": []}  # fmt: skip
    context = {**context, **_notice_context()}
    return render(request, "explorer/map.html", context)


@by_data_version
def _map_context(series: str, year: int | None, dim: str) -> dict:
    data = services.map_values(series, year, dim)
    chart = charts.map_chart({"series": series, "year": year, "dim": dim}, data)
    chart.spec_json, chart.table_html  # noqa: B018 (rendered once, kept with the context)
    return {
        "data": data,
        "chart": chart,
        "error": "",
        "series_code": series,
        "dim": dim,
        "all_series": _map_series(),
        "dims": [(key.replace("=", ":").replace("|", ","), dim_label(key)) for key in data.get("dimensions", [])],
        "with_data": [item for item in data["items"] if item["value"] is not None],
        "no_data": [item for item in data["items"] if item["value"] is None],
        "downloads": chart.downloads,
        "year_step": _year_step(data.get("years", [])),
    }


def _chart_or_404(request, name: str):
    try:
        return charts.build(name, request.GET)
    except (InvalidInput, NotFound) as exc:
        raise Http404(exc.message) from None


@public_page_cache
def chart_image(request, name: str, kind: str):
    """A chart or map as an SVG or PNG file, drawn on the server (vl-convert, offline)
    from the very spec the page shows, the bundled topology put inline."""
    chart = _chart_or_404(request, name)
    body = charts.render(chart, kind)
    response = HttpResponse(body, content_type="image/svg+xml" if kind == "svg" else "image/png")
    stem = "-".join(str(v) for _k, v in chart.state if v not in (None, ""))
    response["Content-Disposition"] = f'attachment; filename="{name}-{stem}.{kind}"'
    return response


def map_image(request, kind: str):
    """The first address of the map image (kept: links were shared)."""
    return chart_image(request, "map", kind)


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@public_page_cache
def embed(request, name: str):
    """A chart with its table, without the site frame: the page other sites put in an
    <iframe>. Only these pages may be framed (frame-ancestors *, no X-Frame-Options)."""
    chart = _chart_or_404(request, name)
    return render(request, "explorer/embed.html", {"chart": chart})


def _year_step(years: list[int]) -> int:
    """The slider's step: the years' common spacing (5 for DESA's 1990, 1995, …)."""
    from functools import reduce
    from math import gcd

    gaps = [b - a for a, b in zip(years, years[1:], strict=False)]
    return reduce(gcd, gaps) if gaps else 1


@by_data_version(reference=True)
def _map_series() -> list[str]:
    from .models import SeriesSlice

    codes = SeriesSlice.objects.values_list("series__code", flat=True).distinct()
    return sorted(set(codes))


def dim_label(key: str) -> str:
    return key.replace("=", ":") if key else _("Headline (no disaggregation)")


@by_data_version
def _incidents_context(year: int | None, region: str | None, route: str | None, cause: str | None) -> dict:
    from collections import defaultdict

    state = {"year": year, "region": region, "route": route, "cause": cause}
    data = services.incidents(**state)
    by_region: dict = defaultdict(lambda: [0, 0])
    for item in data["items"]:
        entry = by_region[item["mmp_region"] or _("Unknown")]
        entry[0] += 1
        entry[1] += item["total"]
    chart = charts.incidents_chart(state, data)
    chart.spec_json, chart.table_html  # noqa: B018 (rendered once, kept with the context)
    regions = {"caption": _("Incidents by Missing Migrants region"), "id": "explorer-incident-regions",
               "columns": [_("Region"), _("Incidents"), _("Dead and missing")],
               "rows": [[name, num(count), num(total)]
                        for name, (count, total) in sorted(by_region.items(), key=lambda kv: -kv[1][1])]}  # fmt: skip
    return {
        "data": data,
        "chart": chart,
        "state": state,
        "year": year,
        "years": services.incident_years(),
        "choices": services.incident_choices(year),
        "error": "",
        "regions_html": tables.table_html(regions),
        "downloads": chart.downloads,
    }


@public_page_cache
def incidents_page(request):
    """The incident map: Missing Migrants incidents of a year, sized by the dead and missing."""
    state = charts.incident_state(request.GET)
    try:
        context = _incidents_context(state["year"], state["region"], state["route"], state["cause"])
    except InvalidInput as exc:
        context = {**_incidents_context(state["year"], None, None, None), "error": exc.message}
    context = {**context, **_notice_context()}
    return render(request, "explorer/incidents.html", context)


@by_data_version(reference=True)
def _country_options() -> str:
    """The ``<option>``s of every country (about 250, five selects a page), rendered once."""
    from gcmhub.geo.models import Area
    from gcmhub.geo.services import sort_by_name

    countries = Area.objects.countries().only("iso3", "name_en", "name_fr", "name_es")
    return "".join(f'<option value="{escape(area.iso3)}">{escape(area.tr("name"))}</option>'
                   for area in sort_by_name(countries))  # fmt: skip


def country_select_options(options: str, selected: str) -> str:
    """``options`` with ``selected`` (an ISO3 code) chosen."""
    if selected:
        options = options.replace(f'value="{escape(selected)}">', f'value="{escape(selected)}" selected>', 1)
    return mark_safe(options)  # noqa: S308 (built from escaped names above)


def _compare_ranks_table(data: dict) -> dict:
    """Each compared country's position among all countries with a value in the year."""
    n = data["ranked_countries"]
    rows = [[c["name"], f"{c['rank']} / {n}" if c["rank"] else tables.no_data_html(), c["period"] or "",
             num(c["value"], data["unit"])] for c in data["countries"]]  # fmt: skip
    return {"caption": _("Position among %(count)s countries with data in %(year)s") % {"count": n, "year": data["year"]},
            "columns": [_("Country"), _("Rank"), _("Period"), _("Value")], "rows": rows, "id": "explorer-compare-ranks"}  # fmt: skip


@public_page_cache
def compare_page(request):
    """Up to five countries on one series: lines over time, a table, and their ranks."""
    state = charts.compare_state(request.GET)
    error, data, chart = "", None, None
    ranking = None
    try:
        data = services.compare(state["series"], state["countries"], state["dim"], state["year"])
        chart = charts.compare_chart(request.GET, data)
        ranking = charts.compare_ranking_chart(request.GET, data) if data["top"] else None
    except (InvalidInput, NotFound) as exc:
        error = exc.message
    slots = (state["countries"] + [""] * services.MAX_COMPARED)[: services.MAX_COMPARED]
    options = _country_options()
    context = {
        "data": data, "error": error, "chart": chart, "ranking": ranking, "series_code": state["series"],
        "dim": state["dim"], "slots": [country_select_options(options, code) for code in slots], "all_series": _map_series(),
        "downloads": chart.downloads if chart else [], **_notice_context(),
        "ranks_html": tables.table_html(_compare_ranks_table(data)) if data else "",
    }  # fmt: skip
    return render(request, "explorer/compare.html", context)
