"""Read-only queries behind the indicator pages (catalogue, indicator page,
country-page sparklines).

Writes never happen here: imports go through ``services``/``tasks``. The
queries are shaped for the observation table's indexes: aggregates group by
series (the leading column of the unique index), a country's data is read
through the ``(area, series)`` index, and no query runs per observation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gcmhub import dataversion
from gcmhub.framework.models import Objective, ObjectiveIndicator
from gcmhub.geo.models import Area
from gcmhub.i18n import current_language, localized

from .keys import TOTAL_CODES, dimension_key, parse_dimension_key
from .models import DataSource, Dimension, DimensionCode, ImportBatch, Indicator, Observation, Series
from .scales import Scale, scale_of

# Areas in a chart: one colour of the palette each (charts.MAX_LINES).
MAX_CHART_AREAS = 8
# Rows of the data table under a chart; the download links give everything.
MAX_TABLE_ROWS = 2000
COMPARE_ALL = "*"

_KIND_ORDER = {
    Area.Kind.WORLD: 0,
    Area.Kind.REGION: 1,
    Area.Kind.SUBREGION: 2,
    Area.Kind.INTERMEDIATE: 3,
    Area.Kind.GROUP: 4,
    Area.Kind.COUNTRY: 5,
}


# Units are SDMX UNIT_MEASURE codes; the common ones get a readable name.
UNIT_LABELS = {
    "PERCENT": pgettext_lazy("unit of measure", "percent"),
    "NUMBER": pgettext_lazy("unit of measure", "number"),
    "NUM_TH": pgettext_lazy("unit of measure", "thousands"),
    "NUM_M": pgettext_lazy("unit of measure", "millions"),
    "PER_100000_POP": pgettext_lazy("unit of measure", "per 100,000 population"),
    "PER_1000_POP": pgettext_lazy("unit of measure", "per 1,000 population"),
    "PER_100000_EMP": pgettext_lazy("unit of measure", "per 100,000 employees"),
    "SCORE": pgettext_lazy("unit of measure", "score"),
    "INDEX": pgettext_lazy("unit of measure", "index"),
    "RATIO": pgettext_lazy("unit of measure", "ratio"),
    "CU_USD": pgettext_lazy("unit of measure", "current US dollars"),
    "CU_USD_M": pgettext_lazy("unit of measure", "millions of current US dollars"),
    "CU_USD_B": pgettext_lazy("unit of measure", "billions of current US dollars"),
}


# Context series (no indicator) that importers create with an English
# description only: their names in the reader's language.
CONTEXT_SERIES_NAMES = {
    "SM.POP.TOTL": gettext_lazy("International migrant stock"),
    "SM.POP.TOTL.ZS": gettext_lazy("International migrant stock as a percentage of the total population"),
    "UNDESA_IMS_POP": gettext_lazy("Total population (UN DESA)"),
    "UNDESA_IMS_FEMALE_PCT": gettext_lazy("Female migrants as a percentage of the international migrant stock"),
    "UNDESA_IMS_GROWTH": gettext_lazy("Annual rate of change of the migrant stock"),
    "UNDESA_IMS_REFUGEES": gettext_lazy("Refugees and asylum seekers (UN DESA estimate)"),
}


def series_name(series: Series) -> str:
    """A context series' name in the reader's language, else its description."""
    known = CONTEXT_SERIES_NAMES.get(series.code)
    return str(known) if known else (series.description or series.code)


def unit_label(code: str | None) -> str:
    """``percent`` for ``PERCENT``; an unknown unit as written."""
    text = (code or "").strip()
    return str(UNIT_LABELS.get(text.upper(), text))


def series_unit_label(series: Series, unit: str | None = None) -> str:
    """The unit of ``series`` for people: its scale when its values are steps of one."""
    scale = scale_of(series.code)
    return scale.unit if scale else unit_label(unit or series.unit)


def series_value_text(series: Series, value: float | None, scale: Scale | None = None) -> str:
    """A value of ``series`` for people: ``3 – Meets`` on a scale, else ``format_value``."""
    scale = scale or scale_of(series.code)
    return scale.describe(value) if scale else format_value(value)


def format_value(value: float | None) -> str:
    """A value for people: grouped thousands, at most four decimals, no trailing zeros."""
    if value is None:
        return ""
    if float(value).is_integer():
        return number_format(int(value), 0, force_grouping=True)
    decimals = 4 if abs(value) < 1 else 2 if abs(value) >= 100 else 3
    text = f"{value:.{decimals}f}".rstrip("0")
    places = len(text.split(".")[1]) if "." in text else 0
    return number_format(round(value, places), places, force_grouping=True)


# --- catalogue ---------------------------------------------------------------------


@dataclass
class SeriesStats:
    series: Series
    observations: int
    areas: int
    countries: int
    first_year: int | None
    last_year: int | None


@dataclass
class CatalogueEntry:
    """One row of the catalogue: an indicator with data, or a context series
    (migrant stock, …) that measures no indicator."""

    code: str  # the key of the indicator page
    name: str
    unit: str
    custodian: str
    indicator: Indicator | None
    series: list[SeriesStats] = field(default_factory=list)
    countries: int = 0
    areas: int = 0
    first_year: int | None = None
    last_year: int | None = None
    objectives: list[Objective] = field(default_factory=list)

    @property
    def is_context(self) -> bool:
        return self.indicator is None

    @property
    def sdg_indicator(self):
        return self.indicator.sdg_indicator if self.indicator else None

    @property
    def other_areas(self) -> int:
        """World, regions and groups with data (areas that are not countries)."""
        return max(0, self.areas - self.countries)

    @property
    def years(self) -> str:
        if self.first_year is None:
            return ""
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"


def _data_version() -> str:
    """The cache key of the aggregates: the site's data version, which every
    import (its batch is saved in the write transaction) and edit bumps."""
    return dataversion.current().key


def series_stats(area: Area | None = None) -> dict[int, dict]:
    """Per series with data: observations, areas, countries, first and last year.

    One aggregate over the observation table, grouped by series; cached until
    the next change of the data (the key holds the data version).
    """
    key = f"indicators:series-stats:{area.pk if area else '-'}:{_data_version()}"
    found = cache.get(key)
    if found is not None:
        return found
    observations = Observation.objects.order_by()
    if area is not None:
        observations = observations.filter(area=area)
    rows = observations.values("series_id").annotate(
        n=Count("pk"),
        areas=Count("area_id", distinct=True),
        countries=Count("area_id", distinct=True, filter=Q(area__kind=Area.Kind.COUNTRY)),
        first=Min("year"),
        last=Max("year"),
    )
    found = {row["series_id"]: row for row in rows}
    cache.set(key, found, 300)
    return found


def _indicator_area_counts(indicator_ids: Iterable[int], area: Area | None) -> dict[int, tuple[int, int]]:
    """Distinct areas and countries with data per indicator, over all its series."""
    ids = list(indicator_ids)
    if not ids:
        return {}
    key = f"indicators:indicator-areas:{area.pk if area else '-'}:{_data_version()}"
    found = cache.get(key)
    if found is None:
        observations = Observation.objects.order_by().filter(series__indicator__isnull=False)
        if area is not None:
            observations = observations.filter(area=area)
        rows = observations.values("series__indicator_id").annotate(
            areas=Count("area_id", distinct=True),
            countries=Count("area_id", distinct=True, filter=Q(area__kind=Area.Kind.COUNTRY)),
        )
        found = {row["series__indicator_id"]: (row["areas"], row["countries"]) for row in rows}
        cache.set(key, found, 300)
    return found


def objectives_by_indicator(indicators: Iterable[Indicator]) -> dict[int, list[Objective]]:
    """The objectives each indicator informs, in two queries for all of them."""
    indicators = list(indicators)
    by_sdg: dict[int, set[int]] = defaultdict(set)
    links = ObjectiveIndicator.objects.filter(
        indicator_id__in=[i.sdg_indicator_id for i in indicators if i.sdg_indicator_id]
    ).values_list("indicator_id", "objective_id")
    for sdg_id, objective_id in links:
        by_sdg[sdg_id].add(objective_id)
    direct: dict[int, set[int]] = defaultdict(set)
    through = Indicator.objectives.through.objects.filter(indicator_id__in=[i.pk for i in indicators])
    for indicator_id, objective_id in through.values_list("indicator_id", "objective_id"):
        direct[indicator_id].add(objective_id)
    wanted = set().union(*by_sdg.values(), *direct.values()) if (by_sdg or direct) else set()
    objectives = {o.pk: o for o in Objective.objects.filter(pk__in=wanted)}
    result = {}
    for indicator in indicators:
        ids = direct.get(indicator.pk, set()) | by_sdg.get(indicator.sdg_indicator_id, set())
        result[indicator.pk] = sorted((objectives[i] for i in ids if i in objectives), key=lambda o: o.number)
    return result


def catalogue(objective: int | None = None, query: str = "", area: Area | None = None) -> list[CatalogueEntry]:
    """Every indicator and context series with data, optionally only those
    informing ``objective``, matching ``query`` (code, name, series code or
    description) or with data for ``area``."""
    stats = series_stats(area)
    series_list = list(
        Series.objects.filter(pk__in=stats.keys()).select_related("indicator", "indicator__sdg_indicator")
    )
    entries: dict[str, CatalogueEntry] = {}
    indicator_entries: dict[int, CatalogueEntry] = {}
    for series in series_list:
        row = stats[series.pk]
        item = SeriesStats(series, row["n"], row["areas"], row["countries"], row["first"], row["last"])
        indicator = series.indicator
        if indicator is not None:
            entry = indicator_entries.get(indicator.pk)
            if entry is None:
                entry = CatalogueEntry(
                    code=indicator.code,
                    name=localized(indicator, "name"),
                    unit=indicator.unit,
                    custodian=indicator.custodian,
                    indicator=indicator,
                )
                indicator_entries[indicator.pk] = entry
                entries[f"i:{indicator.code}"] = entry
        else:
            entry = CatalogueEntry(
                code=series.code, name=series_name(series), unit=unit_label(series.unit), custodian="",
                indicator=None,
            )  # fmt: skip
            entries[f"s:{series.code}"] = entry
            entry.areas, entry.countries = item.areas, item.countries
        entry.series.append(item)
        entry.first_year = min(filter(None, (entry.first_year, item.first_year)), default=None)
        entry.last_year = max(filter(None, (entry.last_year, item.last_year)), default=None)
    counts = _indicator_area_counts(indicator_entries.keys(), area)
    for indicator_id, entry in indicator_entries.items():
        entry.areas, entry.countries = counts.get(indicator_id, (0, 0))
        entry.unit = _catalogue_unit(entry)
    objectives = objectives_by_indicator(e.indicator for e in indicator_entries.values())
    for indicator_id, entry in indicator_entries.items():
        entry.objectives = objectives.get(indicator_id, [])
        entry.series.sort(key=lambda s: s.series.code)
    result = list(entries.values())
    if objective is not None:
        result = [e for e in result if any(o.number == objective for o in e.objectives)]
    if query:
        needle = query.strip().casefold()
        result = [e for e in result if needle in _search_text(e)]
    # SDG indicators in SDG order, then national ones, then context series.
    result.sort(key=lambda e: (e.is_context, e.indicator.sort_key if e.indicator else "", e.code))
    return result


def _catalogue_unit(entry: CatalogueEntry) -> str:
    """An indicator's unit; each series' own where its series differ (10.7.2:
    a percentage of countries, and country scores on a 1–4 scale)."""
    units = {item.series.code: series_unit_label(item.series) for item in entry.series}
    units = {code: unit for code, unit in units.items() if unit}
    if len(set(units.values())) > 1:
        return "; ".join(f"{unit} ({code})" for code, unit in sorted(units.items()))
    return next(iter(units.values()), "") or unit_label(entry.unit)


def _search_text(entry: CatalogueEntry) -> str:
    parts = [entry.code, entry.name, entry.custodian]
    if entry.indicator is not None:
        parts += [entry.indicator.name_en, entry.indicator.name_fr, entry.indicator.name_es]
    for item in entry.series:
        parts += [item.series.code, item.series.description]
    return " ".join(p for p in parts if p).casefold()


def catalogue_sources() -> list[tuple[str, int]]:
    """Publishers of the stored data and how many observations each gave."""
    key = f"indicators:sources:{_data_version()}"
    found = cache.get(key)
    if found is None:
        rows = (
            Observation.objects.order_by()
            .filter(source__isnull=False)
            .values("source_id")
            .annotate(n=Count("pk"))
        )
        names = dict(DataSource.objects.values_list("pk", "name"))
        found = sorted(((names[r["source_id"]], r["n"]) for r in rows if r["source_id"] in names))
        cache.set(key, found, 300)
    return found


# --- the indicator page ------------------------------------------------------------


@dataclass
class DimensionFilter:
    """A disaggregation present in a series, for the filter form."""

    code: str
    label: str
    values: list[tuple[str, str]]  # (code, label), in code-list order
    has_total: bool
    selected: str = ""

    @property
    def choices(self) -> list[tuple[str, str]]:
        head = [("_T", _("Total"))] if self.has_total else []
        return head + self.values


def series_for_page(code: str) -> tuple[Indicator | None, list[Series]]:
    """The indicator ``code`` and its series with data, or a series ``code``
    alone (context series, or a series named directly). ``(None, [])``: unknown."""
    with_data = Observation.objects.order_by().values("series_id")
    indicator = Indicator.objects.select_related("sdg_indicator").filter(code=code).first()
    if indicator is not None:
        series = list(
            Series.objects.filter(indicator=indicator)
            .filter(pk__in=with_data.filter(series__indicator=indicator).distinct())
            .order_by("code")
        )
        return indicator, series
    series = Series.objects.select_related("indicator", "indicator__sdg_indicator").filter(code=code).first()
    if series is None:
        return None, []
    return series.indicator, [series]


def main_series(series_list: list[Series]) -> Series:
    """The series shown first: the one with data for the most areas
    (10.7.2: the country scores rather than the regional shares)."""
    stats = series_stats()
    return max(series_list, key=lambda s: (stats.get(s.pk, {}).get("areas", 0), -series_list.index(s)))


def areas_with_data(series: Series) -> list[Area]:
    """Areas holding observations of ``series``: world, regions, then countries by name."""
    ids = Observation.objects.order_by().filter(series=series).values("area_id").distinct()
    language = current_language()
    areas = list(Area.objects.filter(pk__in=ids))
    areas.sort(key=lambda a: (_KIND_ORDER.get(a.kind, 9), localized(a, "name", language).casefold()))
    return areas


def area_key(area: Area) -> str:
    """How an area is written in a URL: ISO3, else its M49 code."""
    return area.iso3 or area.m49


def dimension_filters(series: Series, selected: dict[str, str]) -> list[DimensionFilter]:
    """The disaggregations of ``series``, with the values present and which one
    is selected (the request's, else the total when there is one, else the first)."""
    keys = list(Observation.objects.order_by().filter(series=series).values_list("dimension_key", flat=True).distinct())
    present: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        for code, value in parse_dimension_key(key):
            present[code].add(value)
    if not present:
        return []
    dimensions = {d.code: d for d in Dimension.objects.filter(code__in=present)}
    labels: dict[tuple[str, str], str] = {}
    order: dict[tuple[str, str], int] = {}
    codes = DimensionCode.objects.filter(dimension__code__in=present).select_related("dimension")
    for position, item in enumerate(codes.order_by("dimension__code", "pk")):
        labels[(item.dimension.code, item.code)] = localized(item, "name")
        order[(item.dimension.code, item.code)] = position
    from .formats.codes import DIMENSION_IDS

    sdmx_order = {code: i for i, code in enumerate(DIMENSION_IDS)}
    filters = []
    for code in sorted(present, key=lambda c: (sdmx_order.get(c, len(sdmx_order)), c)):
        values = sorted(present[code], key=lambda v: (order.get((code, v), 10**6), v))
        has_total = any(code not in dict(parse_dimension_key(key)) for key in keys)
        dimension = dimensions.get(code)
        label = localized(dimension, "name") if dimension else code
        item = DimensionFilter(
            code=code,
            label=label or code,
            values=[(v, labels.get((code, v)) or v) for v in values],
            has_total=has_total,
        )
        wanted = selected.get(code, "")
        allowed = {c for c, _l in item.choices}
        if wanted == COMPARE_ALL:
            item.selected = COMPARE_ALL
        elif wanted in allowed or (wanted in TOTAL_CODES and has_total):
            item.selected = "_T" if wanted in TOTAL_CODES else wanted
        else:
            item.selected = "_T" if has_total else values[0]
        filters.append(item)
    return filters


@dataclass(frozen=True)
class Variant:
    """One combination of disaggregation values shown: its stored key and label."""

    key: str
    label: str


def variants(filters: list[DimensionFilter], compare: str | None) -> list[Variant]:
    """The dimension keys to show: one, or one per value of the compared dimension."""
    fixed = [(f.code, f.selected) for f in filters if f.code != compare and f.selected not in TOTAL_CODES]
    if not compare:
        return [Variant(dimension_key(fixed), "")]
    target = next((f for f in filters if f.code == compare), None)
    if target is None:
        return [Variant(dimension_key(fixed), "")]
    return [Variant(dimension_key([*fixed, (target.code, code)]), label) for code, label in target.choices]


def default_areas(series: Series, keys: list[str], user=None, limit: int = 4) -> list[Area]:
    """What to chart when the reader chose nothing.

    The reader's own country when they have one (a focal point's, or their
    organisation's), with its
    region — or else the world — when those have data, and countries of the
    same sub-region; otherwise the world and one country per region, so the
    chart compares parts of the world rather than the first names of the
    alphabet. Within a region, the country with the most values comes first,
    then the one with the largest latest value (the best-known case).
    """
    key = keys[0] if keys else ""
    counts = dict(
        Observation.objects.order_by()
        .filter(series=series, dimension_key__in=keys, value__isnull=False)
        .values("area_id")
        .annotate(n=Count("pk"))
        .values_list("area_id", "n")
    )
    if not counts:
        return []
    areas = Area.objects.in_bulk(list(counts))
    latest = {row.area.pk: abs(row.value) for row in latest_values(series, key)}

    def rank(area: Area):
        return (-counts.get(area.pk, 0), -latest.get(area.pk, 0.0), area.m49)

    countries = sorted((a for a in areas.values() if a.kind == Area.Kind.COUNTRY), key=rank)
    world = [a for a in areas.values() if a.kind == Area.Kind.WORLD]
    own = None
    if getattr(user, "is_authenticated", False):  # a focal point's country, else their organisation's
        own = getattr(user, "area", None) or getattr(getattr(user, "organization", None), "area", None)
    chosen: list[Area] = []
    if own is not None and own.pk in areas:
        region = next((areas[i] for i in (own.subregion_id, own.region_id) if i in areas), None)
        chosen = [region] if region else world[:1]
        chosen.append(areas[own.pk])
        chosen += [a for a in countries if a.subregion_id == own.subregion_id and a.pk != own.pk]
    else:
        chosen = world[:1]
        seen_regions: set[int | None] = set()
        for country in countries:
            if country.region_id not in seen_regions:
                seen_regions.add(country.region_id)
                chosen.append(country)
    chosen += [a for a in countries if a not in chosen]  # too few regions: fill up
    if not chosen:  # only regions and groups hold data
        chosen = sorted(areas.values(), key=lambda a: (_KIND_ORDER.get(a.kind, 9), a.m49))
    return chosen[:limit]


def observations(series: Series, areas: list[Area], keys: list[str]):
    """The observations shown in the chart and table, with their provenance."""
    return (
        Observation.objects.filter(series=series, area__in=areas, dimension_key__in=keys)
        .select_related("area", "source", "batch")
        .order_by("area__name_en", "year", "period", "dimension_key")
    )


def describe_key(key: str, filters: list[DimensionFilter]) -> str:
    """``Sex: Female · Age: 15–24 years`` for a dimension key."""
    names = {f.code: (f.label, dict(f.values)) for f in filters}
    parts = []
    for code, value in parse_dimension_key(key):
        label, values = names.get(code, (code, {}))
        parts.append(f"{label}: {values.get(value, value)}")
    return " · ".join(parts)


def sources_of(series: Series) -> list[tuple[str, int]]:
    """The sources of a series' observations and how many each gave."""
    rows = (
        Observation.objects.order_by()
        .filter(series=series)
        .values("source_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    names = dict(DataSource.objects.values_list("pk", "name"))
    return [(names.get(row["source_id"]) or _("not stated"), row["n"]) for row in rows]


def batches_of(series: Series, limit: int = 20) -> list[ImportBatch]:
    """The imports that wrote the series' current values, newest first."""
    ids = Observation.objects.order_by().filter(series=series).values("batch_id").distinct()
    return list(ImportBatch.objects.filter(pk__in=ids).select_related("user").order_by("-pk")[:limit])


# --- country page --------------------------------------------------------------------


@dataclass
class Sparkline:
    series: Series
    indicator: Indicator | None
    points: list[tuple[str, int, float]]  # (period, year, value), headline only

    @property
    def first(self) -> tuple[str, int, float]:
        return self.points[0]

    @property
    def last(self) -> tuple[str, int, float]:
        return self.points[-1]


def country_sparklines(area: Area, limit: int = 6) -> tuple[list[Sparkline], int]:
    """Headline series of ``area`` for the country page (SDG indicators first),
    and how many series hold data for it in all. Reads the ``(area, series)``
    index."""
    stats = (
        Observation.objects.order_by()
        .filter(area=area, value__isnull=False)
        .values("series_id")
        .annotate(n=Count("pk"))
    )
    series_ids = [row["series_id"] for row in stats]
    if not series_ids:
        return [], 0
    series = list(Series.objects.filter(pk__in=series_ids).select_related("indicator"))
    series.sort(key=lambda s: (s.indicator is None, s.indicator.sort_key if s.indicator else "", s.code))
    shown = []
    for item in series:
        rows = list(
            Observation.objects.filter(area=area, series=item, dimension_key="", value__isnull=False)
            .order_by("year", "period")
            .values_list("period", "year", "value")
        )
        if rows:
            shown.append(Sparkline(item, item.indicator, rows))
        if len(shown) >= limit:
            break
    return shown, len(series_ids)


# --- the map tab ---------------------------------------------------------------------


@dataclass
class LatestValue:
    area: Area
    period: str
    value: float


def latest_values(series: Series, key: str) -> list[LatestValue]:
    """Each country's most recent value of ``series`` for disaggregation ``key``,
    by country name (the map tab and its table)."""
    rows = (
        Observation.objects.order_by()
        .filter(series=series, dimension_key=key, value__isnull=False, area__kind=Area.Kind.COUNTRY)
        .values_list("area_id", "year", "period", "value")
    )
    latest: dict[int, tuple[int, str, float]] = {}
    for area_id, year, period, value in rows:
        if area_id not in latest or (year, period) > latest[area_id][:2]:
            latest[area_id] = (year, period, value)
    areas = Area.objects.in_bulk(list(latest))
    language = current_language()
    found = [LatestValue(areas[i], period, value) for i, (_y, period, value) in latest.items() if i in areas]
    found.sort(key=lambda row: localized(row.area, "name", language).casefold())
    return found
