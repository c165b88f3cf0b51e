"""What the explorer's pages and API read: one function per view.

Each returns plain dicts and lists (``Figure`` rows), so the page, the JSON
and the CSV/XLSX downloads are built from the same numbers. Values are
copied from stored observations (``observation_id`` says which) or summed
from them (totals say how many values they add up). ``None`` is "no data";
a stored zero stays 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, Max, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gcmhub.errors import InvalidInput
from gcmhub.geo.models import Area
from gcmhub.geo.services import get_country as _get_country
from gcmhub.i18n import current_language
from gcmhub.indicators.keys import dimension_key
from gcmhub.indicators.models import Incident, Observation, Series

from .measures import (
    ADDITIVE,
    CORRIDOR_MEASURE,
    CORRIDOR_MEASURES,
    COUNTRY_MEASURES,
    REMITTANCE_COST_TARGET,
)
from .memo import by_data_version
from .models import AreaTotal, CorridorValue, SeriesSlice

TOP = 10
MAX_CORRIDORS = 500
MAX_INCIDENTS = 20_000


@dataclass
class Figure:
    """One number as every view shows it."""

    measure: str
    label: str
    year: int
    period: str
    value: float | None
    unit: str
    series: str
    source: str
    area: str = ""  # ISO3 (or M49 of a region)
    counterpart: str = ""
    sex: str = ""
    observation_id: int | None = None
    summed: int | None = None  # how many stored values a total adds up

    def as_dict(self) -> dict:
        return dict(vars(self))


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    note: str = ""


def area_code(area: Area) -> str:
    return area.iso3 or area.m49


_areas: dict = {"key": None, "index": {}}


def area_index() -> dict[int, tuple[str, str]]:
    """Area id → (code, name in the current language), read once per data version."""
    from gcmhub import dataversion

    key = (dataversion.current().key, current_language())
    if _areas["key"] != key:
        index = {area.pk: (area_code(area), area.tr("name")) for area in Area.objects.only(
            "pk", "iso3", "m49", "name_en", "name_fr", "name_es")}  # fmt: skip
        _areas.update(key=key, index=index)
    return _areas["index"]


_country_rows: dict = {"key": None, "rows": []}


def country_rows() -> list[tuple[int, str, str, str, str, str]]:
    """Every country as (id, ISO3, M49, name in English, French, Spanish), in English
    name order: one row per country of a map; read once per data version."""
    from gcmhub import dataversion

    key = dataversion.current().key
    if _country_rows["key"] != key:
        rows = list(Area.objects.countries().order_by("name_en").values_list("pk", "iso3", "m49", "name_en", "name_fr", "name_es"))
        _country_rows.update(key=key, rows=rows)
    return _country_rows["rows"]


_countries: dict = {"key": None, "areas": {}}


def get_country(code: str) -> Area:
    """``geo.services.get_country`` (NotFound for an unknown code), remembered per data
    version: the lookup joins the region chain, and every explorer answer starts with it."""
    from gcmhub import dataversion

    key = dataversion.current().key
    if _countries["key"] != key:
        _countries.update(key=key, areas={})
    wanted = (code or "").strip().upper()
    area = _countries["areas"].get(wanted)
    if area is None:
        area = _get_country(code)
        _countries["areas"][wanted] = area
    return area


CORRIDOR_FIELDS = ("measure", "origin_id", "destination_id", "period", "year", "value", "observation_id", "source_name")


# --- profile -----------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesInfo:
    pk: int
    code: str
    description: str
    unit: str


@by_data_version(reference=True)
def series_info(code: str) -> SeriesInfo | None:
    row = Series.objects.filter(code=code).values_list("pk", "code", "description", "unit").first()
    return SeriesInfo(*row) if row else None


def _series_or_error(code: str) -> SeriesInfo:
    series = series_info(code)
    if series is None:
        raise InvalidInput(_("There is no series “%(code)s”.") % {"code": code}, field="series")
    return series


@by_data_version
def profile(iso3: str) -> dict:
    """A country's migration profile: sections of figures over time."""
    area = get_country(iso3)
    found = (series_info(code) for code in sorted(_profile_series_codes()))
    series = {s.pk: s for s in found if s is not None}
    observations = _area_observations(area, series)
    totals = list(AreaTotal.objects.filter(area=area).order_by("measure", "year").values_list("measure", "year", "value", "corridors"))
    sections = [
        _country_section("immigrants", _("Immigrant stock"), observations,
                         ("immigrants", "immigrants_female", "immigrants_male", "immigrants_share")),
        _totals_section("emigrants", _("Emigrant stock (sum of the origin–destination matrix)"), area, totals,
                        ("migrant_stock:out", "migrant_stock_female:out", "migrant_stock_male:out")),
        _top_section("top_origins", _("Top countries of origin"), area, totals, "destination"),
        _top_section("top_destinations", _("Top countries of destination"), area, totals, "origin"),
        _totals_section("refugees", _("Refugees and asylum seekers hosted and originating"), area, totals,
                        ("refugees:in", "asylum_seekers:in", "refugees:out", "asylum_seekers:out")),
        _country_section("remittances", _("Remittances received and paid"), observations,
                         ("remittances_received", "remittances_paid", "remittances_gdp", "remittance_cost_sdg")),
        _cost_section(area, totals),
        _deaths_section(area, series),
    ]  # fmt: skip
    return {"area": _area_out(area), "sections": sections}


def _profile_series_codes() -> set[str]:
    return {code for m in COUNTRY_MEASURES for code in m.series}


def _area_out(area: Area) -> dict:
    return {"iso3": area.iso3, "m49": area.m49, "name": area.tr("name")}


def _area_observations(area: Area, series: dict, keys=("", "SEX=F", "SEX=M")) -> dict:
    """(series code, sex) → [(id, period, year, value, source)] for one area, in one query."""
    found: dict = {}
    rows = (
        Observation.objects.filter(series_id__in=list(series), area=area, dimension_key__in=keys)
        .exclude(value__isnull=True)
        .values_list("series_id", "dimension_key", "id", "period", "year", "value", "source__name")
        .order_by("series_id", "dimension_key", "period")
    )
    for series_id, key, *rest in rows:
        found.setdefault((series[series_id].code, key[4:] if key else ""), []).append(rest)
    found["__area__"] = area_code(area)
    return found


def _country_section(key, title, observations, codes) -> Section:
    section = Section(key, title)
    for measure in COUNTRY_MEASURES:
        if measure.code not in codes:
            continue
        for code in measure.series:
            rows = observations.get((code, measure.sex))
            if rows:
                label = str(measure.label)
                section.figures.extend(
                    Figure(measure.code, label, year, period, value, measure.unit, code, source or "",
                           observations["__area__"], "", measure.sex, obs_id)
                    for obs_id, period, year, value, source in rows
                )  # fmt: skip
                break
    return section


TOTAL_LABELS = {
    "migrant_stock:out": gettext_lazy("Emigrants (both sexes)"),
    "migrant_stock_female:out": gettext_lazy("Emigrants, women"),
    "migrant_stock_male:out": gettext_lazy("Emigrants, men"),
    "refugees:in": gettext_lazy("Refugees hosted"),
    "asylum_seekers:in": gettext_lazy("Asylum seekers hosted"),
    "refugees:out": gettext_lazy("Refugees originating from the country"),
    "asylum_seekers:out": gettext_lazy("Asylum seekers originating from the country"),
}


def _totals_section(key, title, area, totals, measures) -> Section:
    section = Section(key, title)
    order = {m: i for i, m in enumerate(measures)}
    labels = {measure: str(TOTAL_LABELS.get(measure, measure)) for measure in measures}
    for measure, year, value, corridors in sorted((t for t in totals if t[0] in order), key=lambda t: (order[t[0]], t[1])):
        base = CORRIDOR_MEASURE[measure.split(":")[0]]
        section.figures.append(Figure(
            measure, labels[measure], year, str(year), value, base.unit, base.series,
            base.source, area_code(area), "", base.sex, None, corridors,
        ))  # fmt: skip
    return section


def latest_year(measure: str, **filters) -> int | None:
    return CorridorValue.objects.filter(measure=measure, **filters).aggregate(y=Max("year"))["y"]


def _top_section(key, title, area, totals, side) -> Section:
    section = Section(key, title)
    total = "migrant_stock:in" if side == "destination" else "migrant_stock:out"
    year = max((t[1] for t in totals if t[0] == total), default=None)
    if year is None:
        return section
    rows = (
        CorridorValue.objects.filter(measure="migrant_stock", year=year, is_year_latest=True, **{side: area})
        .order_by("-value")
        .values_list(*CORRIDOR_FIELDS)[:TOP]
    )
    areas, labels = area_index(), measure_labels()
    section.figures = [_corridor_figure(row, areas, labels) for row in rows]
    return section


def _corridor_figure(row: tuple, areas: dict, labels: dict[str, str]) -> Figure:
    code, origin_id, destination_id, period, year, value, observation_id, source_name = row
    measure = CORRIDOR_MEASURE[code]
    return Figure(
        code, labels[code], year, period, value, measure.unit, measure.series,
        source_name or measure.source, areas[destination_id][0], areas[origin_id][0], measure.sex, observation_id,
    )  # fmt: skip


_labels: dict[str, dict[str, str]] = {}


def measure_labels() -> dict[str, str]:
    """Corridor measure code → label in the current language, looked up once per
    answer (hundreds of figures share a few labels; a lookup per figure was a
    fifth of a corridor's answer)."""
    from django.utils.translation import get_language

    language = get_language()
    if language not in _labels:
        _labels[language] = {code: str(measure.label) for code, measure in CORRIDOR_MEASURE.items()}
    return _labels[language]


def _cost_section(area: Area, totals) -> Section:
    """Mean cost of the corridors sending from and to the country, each year (precomputed
    from each corridor's latest quarter in the year)."""
    section = Section("remittance_costs", _("Cost of sending money to and from the country (RPW corridors)"))
    measure = CORRIDOR_MEASURE["remittance_cost"]
    average = _("average of corridors")
    for side, label in (("in", _("Sending from the country")), ("out", _("Sending to the country"))):
        for _code, year, value, corridors in (t for t in totals if t[0] == f"remittance_cost:{side}"):
            section.figures.append(Figure(
                f"remittance_cost:{'from' if side == 'in' else 'to'}", f"{label} ({average})",
                year, str(year), value, measure.unit, measure.series, measure.source, area_code(area), "", "", None,
                corridors,
            ))  # fmt: skip
    section.note = _("SDG 10.c.1 target: below %(target)s %% by 2030.") % {"target": f"{REMITTANCE_COST_TARGET:g}"}
    return section


def _deaths_section(area: Area, series: dict) -> Section:
    section = Section("deaths", _("Deaths and disappearances recorded during migration in the region"))
    section.note = _("Recorded by the IOM Missing Migrants Project for the sub-region and region, not by nationality.")
    deaths = next((s for s in series.values() if s.code == "SM_DTH_MIGR"), None)
    regions = [r for r in (area.subregion, area.region) if r is not None]
    if deaths is None or not regions:
        return section
    rows = (
        Observation.objects.filter(series_id=deaths.pk, area__in=regions, dimension_key="")
        .exclude(value__isnull=True)
        .values_list("area_id", "id", "period", "year", "value", "source__name")
        .order_by("period")
    )
    names = {r.pk: (area_code(r), r.tr("name")) for r in regions}
    for area_id, obs_id, period, year, value, source in rows:
        code, name = names[area_id]
        section.figures.append(Figure("deaths_region", name, year, period, value, "NUMBER", deaths.code, source or "",
                                      code, "", "", obs_id))  # fmt: skip
    return section


# --- corridors --------------------------------------------------------------------


@by_data_version
def corridor(origin: str, destination: str) -> dict:
    """Everything about ORIGIN → DESTINATION, and the way back."""
    source, target = get_country(origin), get_country(destination)
    # Both directions in one query: the way back only says whether it has data.
    rows = CorridorValue.objects.filter(
        Q(origin=source, destination=target) | Q(origin=target, destination=source)
    ).values_list(*CORRIDOR_FIELDS)
    areas, labels = area_index(), measure_labels()
    figures, reverse_count = [], 0
    for row in rows:
        if row[1] == source.pk:
            figures.append(_corridor_figure(row, areas, labels))
        else:
            reverse_count += 1
    order = {m.code: i for i, m in enumerate(CORRIDOR_MEASURES)}
    figures.sort(key=lambda f: (order[f.measure], f.period))
    cost = [f for f in figures if f.measure == "remittance_cost"]
    latest_cost = cost[-1] if cost else None
    return {
        "origin": _area_out(source),
        "destination": _area_out(target),
        "figures": figures,
        "remittance_cost_target": REMITTANCE_COST_TARGET,
        "latest_remittance_cost": latest_cost,
        "meets_target": None if latest_cost is None else latest_cost.value < REMITTANCE_COST_TARGET,
        "reverse_has_data": reverse_count > 0,
    }


@by_data_version
def corridors(*, origin: str | None = None, destination: str | None = None, year: int | None = None,
              measure: str = "migrant_stock", region: str | None = None, limit: int = 20) -> dict:  # fmt: skip
    """The largest corridors of a measure in a year (latest year with data by default)."""
    if measure not in CORRIDOR_MEASURE:
        raise InvalidInput(
            _("Unknown measure “%(measure)s”; choose one of %(choices)s.")
            % {"measure": measure, "choices": ", ".join(CORRIDOR_MEASURE)},
            field="measure",
        )
    limit = max(1, min(limit, MAX_CORRIDORS))
    filters = Q(measure=measure, is_year_latest=True)
    if origin:
        filters &= Q(origin=get_country(origin))
    if destination:
        filters &= Q(destination=get_country(destination))
    if region:
        region_area = Area.objects.filter(Q(m49=region.zfill(3)) if region.isdigit() else Q(iso3=region.upper())).first()
        if region_area is None:
            raise InvalidInput(_("There is no region with the code “%(code)s”.") % {"code": region}, field="region")
        members = Area.objects.within(region_area.m49).values("pk")
        filters &= Q(origin__in=members) | Q(destination__in=members)
    if year is None:
        year = CorridorValue.objects.filter(filters).aggregate(y=Max("year"))["y"]
    rows = []
    if year is not None:
        rows = list(CorridorValue.objects.filter(filters, year=year).order_by("-value", "pk").values_list(*CORRIDOR_FIELDS)[:limit])
    years = list(measure_years().get(measure, []))
    areas, labels = area_index(), measure_labels()
    return {
        "measure": measure,
        "year": year,
        "years": years,
        "items": [dict(_corridor_figure(row, areas, labels).as_dict(), origin_name=areas[row[1]][1], destination_name=areas[row[2]][1])
                  for row in rows],  # fmt: skip
    }


@by_data_version(reference=True)
def measure_years() -> dict[str, list[int]]:
    """The years each corridor measure has, as the last build found them."""
    from .models import BuildState

    return BuildState.objects.order_by("pk").values_list("measure_years", flat=True).first() or {}


# --- map -------------------------------------------------------------------------


def parse_dim(text: str | None) -> list[tuple[str, str]]:
    """``SEX:F`` (several joined by ``,``) → pairs; ``""`` → the headline."""
    pairs = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        code, sep, value = part.partition(":")
        if not sep or not code or not value:
            raise InvalidInput(_("“%(dim)s” is not CODE:VALUE (for example SEX:F).") % {"dim": part}, field="dim")
        pairs.append((code.strip().upper(), value.strip()))
    return pairs


@by_data_version(reference=True)
def series_slices(series_pk: int) -> list[tuple[int, str, str]]:
    """(year, dimension key, period) of every slice the series has: the years and
    disaggregations a map offers, read once per data version as the other
    reference lookups are."""
    return list(SeriesSlice.objects.filter(series_id=series_pk).values_list("year", "dimension_key", "period"))


@by_data_version
def map_values(series_code: str, year: int | None = None, dim: str | None = None) -> dict:
    """One value per country for one series, year and disaggregation (None = no data).

    The periods asked for come from ``SeriesSlice``, so the query is a seek
    per country on the observation's unique index. Where a year holds several
    periods (quarters), the latest one with a value is shown, and named.
    """
    series = _series_or_error(series_code)
    key = dimension_key(parse_dim(dim))
    slices = series_slices(series.pk)
    years = sorted({y for y, _k, _p in slices})
    keys = sorted({k for _y, k, _p in slices})
    if year is None:
        year = max((y for y, k, _p in slices if k == key), default=None)
    periods = sorted(p for y, k, p in slices if y == year and k == key) if year else []
    countries = country_rows()
    found: dict[int, tuple] = {}
    if periods:
        # The countries as a sub-select, not a list of 250 ids: Django prepares each
        # listed value in Python, which took longer than the query.
        rows = Observation.objects.filter(
            series_id=series.pk, area__in=Area.objects.countries().values("pk"), period__in=periods, dimension_key=key
        ).values_list("area_id", "period", "value", "id", "source__name")
        for area_id, period, value, obs_id, source in rows:
            if value is None:
                continue
            if area_id not in found or found[area_id][0] < period:
                found[area_id] = (period, value, obs_id, source or "")
    items = []
    # The answer is kept per language (memo), so the reader's name can go in it.
    language = current_language()
    for pk, iso3, m49, *names in countries:
        period, value, obs_id, source = found.get(pk, (None, None, None, None))
        name = dict(zip(("en", "fr", "es"), names, strict=True)).get(language) or names[0]
        items.append({"iso3": iso3, "m49": m49, "name": name, "value": value, "period": period,
                      "observation_id": obs_id, "source": source})  # fmt: skip
    return {
        "series": series.code,
        "series_name": series.description,
        "unit": series.unit,
        "year": year,
        "dim": key,
        "years": years,
        "dimensions": keys,
        "items": items,
    }


# --- incidents -------------------------------------------------------------------


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in degrees."""
    if not text:
        return None
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InvalidInput(_("bbox must be four numbers: west,south,east,north."), field="bbox") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidInput(_("bbox is outside the range of longitudes and latitudes."), field="bbox")
    return west, south, east, north


@by_data_version
def incidents(*, year: int | None = None, region: str | None = None, bbox: str | None = None,
              cause: str | None = None, route: str | None = None, limit: int = MAX_INCIDENTS) -> dict:  # fmt: skip
    """Missing Migrants incidents; ``region`` is an M49 region/sub-region code or an MMP
    region name, ``route`` and ``cause`` match words of the source's route and cause."""
    rows = Incident.objects.all()
    if year is not None:
        rows = rows.filter(year=year)
    if region:
        area = Area.objects.filter(Q(m49=region.zfill(3)) if region.isdigit() else Q(iso3=region.upper())).first()
        if area is None:
            rows = rows.filter(mmp_region__iexact=region)
        else:
            rows = rows.filter(Q(area=area) | Q(area__in=Area.objects.within(area.m49).values("pk")))
    box = parse_bbox(bbox)
    if box:
        west, south, east, north = box
        rows = rows.filter(latitude__gte=south, latitude__lte=north)
        rows = rows.filter(longitude__gte=west, longitude__lte=east) if west <= east else rows.filter(
            Q(longitude__gte=west) | Q(longitude__lte=east))  # fmt: skip
    if cause:
        rows = rows.filter(cause__icontains=cause)
    if route:
        rows = rows.filter(route__icontains=route)
    limit = max(1, min(limit, MAX_INCIDENTS))
    fields = ("incident_id", "year", "day", "mmp_region", "area_id", "dead", "missing", "total", "cause", "route",
              "latitude", "longitude", "location")  # fmt: skip
    areas = area_index()
    # The date as ISO text from the database: a date column's converter parsed every
    # date that the answer then wrote back as text (1,800 a year of incidents).
    rows = rows.annotate(day=Cast("date", CharField()))
    query = rows.order_by("year", "date", "incident_id").values_list(*fields)[: limit + 1]
    # A plain cursor: no per-value converters.
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match, e.g. a year beyond the column's range
        sql = None
    fetched = []
    if sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
    values = [
        {"incident_id": incident_id, "year": year,
         "date": (day if isinstance(day, str) else day.isoformat()) if day else None,
         "mmp_region": mmp_region, "subregion": areas[area_id][0] if area_id else None, "dead": dead,
         "missing": missing, "total": total, "cause": cause, "route": route, "latitude": latitude,
         "longitude": longitude, "location": location}
        for (incident_id, year, day, mmp_region, area_id, dead, missing, total, cause, route, latitude, longitude,
             location) in fetched
    ]  # fmt: skip
    truncated = len(values) > limit
    return {
        "source": "IOM Missing Migrants Project",
        "unit": "NUMBER",
        "items": values[:limit],
        "truncated": truncated,
        "total_dead_and_missing": sum(item["total"] for item in values[:limit]),
    }


def additive(measure: str) -> bool:
    return measure in ADDITIVE


@by_data_version(reference=True)
def incident_years() -> list[int]:
    # order_by(): the model's default ordering would make DISTINCT one row per incident
    return sorted(Incident.objects.order_by().values_list("year", flat=True).distinct())


@by_data_version(reference=True)
def incident_choices(year: int | None) -> dict[str, list[str]]:
    """The MMP regions, routes and causes the source gives for the year's incidents
    (the incident map's filters offer these; the route is often empty)."""
    rows = Incident.objects.filter(year=year) if year is not None else Incident.objects.all()
    found: dict[str, set[str]] = {"regions": set(), "routes": set(), "causes": set()}
    for region, route, cause in rows.order_by().values_list("mmp_region", "route", "cause").distinct():
        for key, value in (("regions", region), ("routes", route), ("causes", cause)):
            if value:
                found[key].add(value)
    return {key: sorted(values) for key, values in found.items()}


MAX_COMPARED = 5


@by_data_version
def compare(series_code: str, countries: list[str], dim: str | None = None, year: int | None = None) -> dict:
    """Up to five countries on one series: their values over time, and their rank among
    all countries in ``year`` (default: the latest year of the map)."""
    series = _series_or_error(series_code)
    codes = [c.strip().upper() for c in countries if c.strip()][:MAX_COMPARED]
    areas = [get_country(code) for code in dict.fromkeys(codes)]
    key = dimension_key(parse_dim(dim))
    rows = (
        Observation.objects.filter(series_id=series.pk, area__in=areas, dimension_key=key)
        .exclude(value__isnull=True)
        .values_list("area_id", "period", "value", "id", "source__name")
        .order_by("period")
    )
    by_area: dict = {area.pk: [] for area in areas}
    sources: set[str] = set()
    for area_id, period, value, obs_id, source in rows:
        by_area[area_id].append({"period": period, "value": value, "observation_id": obs_id, "source": source or ""})
        if source:
            sources.add(source)
    ranking = map_values(series.code, year, dim)
    ranked = sorted((i for i in ranking["items"] if i["value"] is not None), key=lambda i: -i["value"])
    position = {item["iso3"]: index + 1 for index, item in enumerate(ranked)}
    compared = {area.iso3 for area in areas}
    # The first TOP countries, then the compared ones further down (their position shows).
    shown = [(index, item) for index, item in enumerate(ranked) if index < TOP or item["iso3"] in compared]
    top = [{"rank": index + 1, "iso3": item["iso3"], "name": item["name"], "value": item["value"],
            "period": item["period"], "observation_id": item["observation_id"], "source": item["source"],
            "compared": item["iso3"] in compared} for index, item in shown]  # fmt: skip
    return {
        "series": series.code,
        "series_name": series.description,
        "unit": series.unit,
        "dim": key,
        "year": ranking["year"],
        "ranked_countries": len(ranked),
        "sources": sorted(sources),
        "top": top,
        "countries": [
            {"iso3": area.iso3, "name": area.tr("name"), "points": by_area[area.pk],
             "rank": position.get(area.iso3),
             "value": next((i["value"] for i in ranking["items"] if i["iso3"] == area.iso3), None),
             "period": next((i["period"] for i in ranking["items"] if i["iso3"] == area.iso3), None)}
            for area in areas
        ],  # fmt: skip
    }
