"""Scorecards: stored assessments rolled up for pages and the API.

* ``objective_links`` — which series (and 10.7.2 policy domains) inform each
  objective: the framework's objective → SDG indicator links, the series the
  framework and the catalogue know for each indicator, and national
  indicators linked to objectives directly;
* ``country_scorecard`` — one country: the 23 objectives, each rolled up
  from its linked indicators, each from its series (``rollups``);
* ``objective_scorecard`` — one objective: every country (optionally in one
  M49 region), and the countries rolled up to regions;
* ``not_doing_well`` — one country's results that go the wrong way or too
  slowly, and its targets off track or overdue, most severe first.

Primary links count towards an objective's status; contextual ones are
listed beside it and never counted. Reads only stored assessments and
timelines, a handful of queries per page whatever the number of series.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max
from django.utils import timezone

from gcmhub.framework.models import Objective, ObjectiveIndicator, SdgSeries
from gcmhub.geo.models import Area
from gcmhub.i18n import localized

from . import defaults, rollups, timelines
from .models import Assessment, Status, TargetTimeline
from .rollups import Rollup

PRIMARY = ObjectiveIndicator.Relevance.PRIMARY
CONTEXTUAL = ObjectiveIndicator.Relevance.CONTEXTUAL


# --- what informs each objective --------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One leaf: a series (headline or one policy domain)."""

    series_code: str
    series_id: int | None  # the catalogue row; None if never imported
    description: str
    dimension_key: str = ""

    @property
    def key(self) -> tuple[int | None, str]:
        return (self.series_id, self.dimension_key)


@dataclass(frozen=True)
class Link:
    """An indicator linked to an objective, with the units it is measured by."""

    code: str
    title: object  # SdgIndicator or indicators.Indicator (for the |tr filter)
    title_field: str
    relevance: str
    policy_domain: str
    units: tuple[Unit, ...]
    url: str = ""

    @property
    def label(self) -> str:
        return f"{self.code} {self.policy_domain}".strip()

    @property
    def title_text(self) -> str:
        return localized(self.title, self.title_field)


def _domain_code(link: ObjectiveIndicator) -> str:
    """The link's 10.7.2 policy domain code ("PD_3"), or "" for the whole indicator."""
    code = getattr(link, "policy_domain_id", None)  # a foreign key to PolicyDomain by code
    if code is None and isinstance(getattr(link, "policy_domain", None), str):
        code = link.policy_domain  # a plain code column
    return code or ""


def objective_links(*, country_level: bool = True) -> dict[int, list[Link]]:
    """{objective number: links} — primary links first, in framework order."""
    from gcmhub.indicators.models import Indicator, Series

    catalogue = list(Series.objects.select_related("indicator").filter(indicator__isnull=False))
    catalogue_by_code = {series.code: series for series in catalogue}
    series_of_sdg: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for code, description, indicator_id in SdgSeries.objects.values_list("code", "description", "indicator_id"):
        series_of_sdg[indicator_id].append((code, description))
    for series in catalogue:
        sdg_id = series.indicator.sdg_indicator_id
        if sdg_id and series.code not in {code for code, _d in series_of_sdg[sdg_id]}:
            series_of_sdg[sdg_id].append((series.code, series.description))

    def units_for(codes: list[tuple[str, str]], policy_domain: str) -> tuple[Unit, ...]:
        chosen = []
        if policy_domain:
            by_domain = [(c, d) for c, d in codes if c in defaults.DOMAIN_SERIES]
            codes = by_domain or codes
        for code, description in sorted(codes):
            if country_level and code in defaults.AGGREGATE_ONLY_SERIES:
                continue
            found = catalogue_by_code.get(code)
            key = f"COMPOSITE_BREAKDOWN={policy_domain}" if policy_domain and code in defaults.DOMAIN_SERIES else ""
            chosen.append(
                Unit(code, found.pk if found else None, description or (found.description if found else ""), key)
            )
        return tuple(chosen)

    result: dict[int, list[Link]] = defaultdict(list)
    links = ObjectiveIndicator.objects.select_related("objective", "indicator")
    for link in links:
        domain = _domain_code(link)
        units = units_for(series_of_sdg.get(link.indicator_id, []), domain)
        if not units:
            # An indicator with no series at all still counts as linked and unmeasured.
            units = (Unit(link.indicator.code, None, "", ""),)
        result[link.objective.number].append(
            Link(
                code=link.indicator.code,
                title=link.indicator,
                title_field="title",
                relevance=link.relevance,
                policy_domain=domain,
                units=units,
                url=link.indicator.get_absolute_url(),
            )
        )
    national = Indicator.objects.filter(sdg_indicator__isnull=True, objectives__isnull=False).prefetch_related(
        "objectives", "series"
    )
    for indicator in national.distinct():
        units = tuple(
            Unit(s.code, s.pk, s.description, "") for s in sorted(indicator.series.all(), key=lambda s: s.code)
        )
        for objective in indicator.objectives.all():
            result[objective.number].append(
                Link(
                    code=indicator.code,
                    title=indicator,
                    title_field="name",
                    relevance=PRIMARY,
                    policy_domain="",
                    units=units or (Unit(indicator.code, None, "", ""),),
                    url=indicator.get_absolute_url(),
                )
            )
    for number in result:
        result[number].sort(key=lambda link: link.relevance != PRIMARY)
    return dict(result)


# --- one country ---------------------------------------------------------------------------


@dataclass
class UnitResult:
    unit: Unit
    assessment: Assessment | None
    rollup: Rollup
    disaggregations: list[Assessment] = field(default_factory=list)


@dataclass
class LinkResult:
    link: Link
    units: list[UnitResult]
    rollup: Rollup


@dataclass
class ObjectiveResult:
    objective: Objective
    links: list[LinkResult]  # primary: counted
    context: list[LinkResult]  # contextual: shown, not counted
    rollup: Rollup

    @property
    def assessed_units(self) -> list[UnitResult]:
        """Units with stored data (assessed ones first), for the sparklines."""
        units = [u for link in self.links for u in link.units if u.assessment is not None]
        return sorted(units, key=lambda u: u.assessment.status == "not_available")


@dataclass
class CountryScorecard:
    area: Area
    method: str
    objectives: list[ObjectiveResult]
    rollup: Rollup  # over objectives
    series_assessed: int  # distinct primary units with a result
    series_total: int
    computed_at: object
    timelines: list = field(default_factory=list)


def _leaf(assessment: Assessment | None) -> Rollup:
    return rollups.leaf(assessment.status, assessment.score) if assessment is not None else rollups.missing()


def _link_result(link: Link, found: dict, disaggregations: dict | None = None) -> LinkResult:
    units = []
    for unit in link.units:
        assessment = found.get(unit.key) if unit.series_id is not None else None
        extra = (
            disaggregations.get(unit.series_id, []) if disaggregations is not None and not unit.dimension_key else []
        )
        units.append(UnitResult(unit, assessment, _leaf(assessment), extra))
    return LinkResult(link, units, rollups.combine(u.rollup for u in units))


def country_scorecard(area: Area, method: str, *, today: date | None = None) -> CountryScorecard:
    from .services import timelines_for

    links = objective_links()
    found: dict[tuple, Assessment] = {}
    disaggregations: dict[int, list[Assessment]] = defaultdict(list)
    queryset = Assessment.objects.filter(area=area, method=method).select_related("series__indicator")
    for assessment in queryset:
        found[(assessment.series_id, assessment.dimension_key)] = assessment
        if assessment.dimension_key and not assessment.dimension_key.startswith("COMPOSITE_BREAKDOWN=PD_"):
            disaggregations[assessment.series_id].append(assessment)
    objectives = []
    distinct: dict[tuple, bool] = {}
    for objective in Objective.objects.order_by("number"):
        primary, context = [], []
        for link in links.get(objective.number, []):
            result = _link_result(link, found, disaggregations)
            (primary if link.relevance == PRIMARY else context).append(result)
            if link.relevance == PRIMARY:
                for unit in result.units:
                    ident = (unit.unit.series_code, unit.unit.dimension_key)
                    distinct[ident] = distinct.get(ident, False) or unit.assessment is not None
        objectives.append(
            ObjectiveResult(objective, primary, context, rollups.combine(link.rollup for link in primary))
        )
    computed = queryset.aggregate(latest=Max("computed_at"))["latest"]
    return CountryScorecard(
        area=area,
        method=method,
        objectives=objectives,
        rollup=rollups.combine(o.rollup for o in objectives),
        series_assessed=sum(distinct.values()),
        series_total=len(distinct),
        computed_at=computed,
        timelines=timelines_for(area, today),
    )


# --- one objective, every country ---------------------------------------------------------


@dataclass
class CountryRow:
    area: Area
    links: list[LinkResult]
    rollup: Rollup


    @property
    def has_data(self) -> bool:
        """Whether any linked series has a stored result for the country."""
        return any(unit.assessment is not None for link in self.links for unit in link.units)


# How the objective page's country table can be ordered (the first is the default).
COUNTRY_ROW_ORDERS = ("name", "score", "-score", "coverage")


def select_country_rows(
    rows: list[CountryRow], *, status: str = "", include_without_data: bool = False, order: str = "name"
) -> list[CountryRow]:
    """The rows of an objective's country table the reader asked for.

    Countries without any data are left out unless asked for: with 251 areas,
    most of them empty for a given objective, the table would otherwise be
    mostly "not available". ``order``: ``name`` (rows come sorted by name),
    ``score`` (lowest first: where the objective needs attention), ``-score``
    (highest first) or ``coverage`` (best covered first); rows without a
    score always come last.
    """
    chosen = [
        row
        for row in rows
        if (include_without_data or row.has_data) and (not status or row.rollup.status == status)
    ]
    if order == "score":
        chosen.sort(key=lambda row: (row.rollup.score is None, row.rollup.score or 0))
    elif order == "-score":
        chosen.sort(key=lambda row: (row.rollup.score is None, -(row.rollup.score or 0)))
    elif order == "coverage":
        chosen.sort(key=lambda row: -(row.rollup.coverage or 0))
    return chosen


@dataclass
class RegionRow:
    region: Area
    rollup: Rollup  # over countries: parts = countries


@dataclass
class ObjectiveScorecard:
    objective: Objective
    method: str
    region: Area | None
    links: list[Link]  # primary
    context: list[Link]
    rows: list[CountryRow]
    rollup: Rollup  # the countries shown, rolled up
    regions: list[RegionRow]
    computed_at: object = None

    @property
    def assessed_rows(self) -> list[CountryRow]:
        return [row for row in self.rows if row.rollup.is_assessed]


def _country_rollups(links: list[Link], countries: list[Area], method: str) -> tuple[list[CountryRow], object]:
    series_ids = {u.series_id for link in links for u in link.units if u.series_id is not None}
    keys = {u.dimension_key for link in links for u in link.units}
    by_area: dict[int, dict[tuple, Assessment]] = defaultdict(dict)
    computed = None
    if series_ids:
        queryset = Assessment.objects.filter(
            method=method, series_id__in=series_ids, dimension_key__in=keys, area_id__in=[c.pk for c in countries]
        ).only(
            "area_id", "series_id", "dimension_key", "status", "score", "current_year", "current_value",
            "base_year", "base_value", "method", "computed_at", "target_value", "target_year",
        )  # fmt: skip
        for assessment in queryset:
            by_area[assessment.area_id][(assessment.series_id, assessment.dimension_key)] = assessment
            if computed is None or assessment.computed_at > computed:
                computed = assessment.computed_at
    rows = []
    for country in countries:
        found = by_area.get(country.pk, {})
        results = [_link_result(link, found) for link in links]
        rows.append(CountryRow(country, results, rollups.combine(r.rollup for r in results)))
    return rows, computed


def objective_scorecard(objective: Objective, method: str, *, region: Area | None = None) -> ObjectiveScorecard:
    from gcmhub.geo.services import sort_by_name

    all_links = objective_links().get(objective.number, [])
    primary = [link for link in all_links if link.relevance == PRIMARY]
    context = [link for link in all_links if link.relevance != PRIMARY]
    countries = Area.objects.countries().select_related("region")
    if region is not None:
        countries = countries.within(region.m49)
    countries = sort_by_name(countries)
    rows, computed = _country_rollups(primary, countries, method)
    regions = []
    by_region: dict[int, list[Rollup]] = defaultdict(list)
    for row in rows:
        if row.area.region_id:
            by_region[row.area.region_id].append(row.rollup)
    for area in sort_by_name(Area.objects.filter(pk__in=list(by_region))):
        regions.append(RegionRow(area, rollups.combine(by_region[area.pk])))
    return ObjectiveScorecard(
        objective=objective,
        method=method,
        region=region,
        links=primary,
        context=context,
        rows=rows,
        rollup=rollups.combine(row.rollup for row in rows),
        regions=regions,
        computed_at=computed,
    )


@dataclass
class OverviewRow:
    objective: Objective
    rollup: Rollup  # over countries
    links: list[Link]


def overview(method: str) -> list[OverviewRow]:
    """Every objective rolled up over every country (the progress home page)."""
    links = objective_links()
    countries = list(Area.objects.countries())
    primary_all = [link for number in links for link in links[number] if link.relevance == PRIMARY]
    series_ids = {u.series_id for link in primary_all for u in link.units if u.series_id is not None}
    keys = {u.dimension_key for link in primary_all for u in link.units}
    by_area: dict[int, dict[tuple, Assessment]] = defaultdict(dict)
    if series_ids:
        for assessment in Assessment.objects.filter(
            method=method, series_id__in=series_ids, dimension_key__in=keys, area__kind=Area.Kind.COUNTRY
        ).only("area_id", "series_id", "dimension_key", "status", "score"):
            by_area[assessment.area_id][(assessment.series_id, assessment.dimension_key)] = assessment
    rows = []
    for objective in Objective.objects.order_by("number"):
        primary = [link for link in links.get(objective.number, []) if link.relevance == PRIMARY]
        per_country = []
        for country in countries:
            found = by_area.get(country.pk, {})
            per_country.append(rollups.combine(_link_result(link, found).rollup for link in primary))
        rows.append(OverviewRow(objective, rollups.combine(per_country), primary))
    return rows


# --- where a country is not doing well -------------------------------------------------------

OVERDUE_RANK, DETERIORATION_RANK, OFF_TRACK_RANK, LIMITED_RANK = range(4)


@dataclass
class Concern:
    rank: int  # 0 most severe
    severity: float  # within a rank: lower is worse
    status: str  # an assessment status or a timeline status
    kind: str  # "assessment" or "timeline"
    series_code: str
    indicator_code: str
    dimension_key: str
    objectives: list[int]
    assessment: Assessment | None = None
    timeline: TargetTimeline | None = None
    result: timelines.TimelineResult | None = None


@dataclass
class NotDoingWell:
    area: Area
    method: str
    concerns: list[Concern]
    no_data: list[ObjectiveResult]  # objectives with nothing assessed (not bad: unknown)
    scorecard: CountryScorecard


def not_doing_well(area: Area, method: str, *, today: date | None = None) -> NotDoingWell:
    today = today or timezone.localdate()
    scorecard = country_scorecard(area, method, today=today)
    objectives_of: dict[str, set[int]] = defaultdict(set)
    for result in scorecard.objectives:
        for link in result.links + result.context:
            for unit in link.units:
                objectives_of[unit.unit.series_code].add(result.objective.number)
    concerns: list[Concern] = []
    bad = (Status.DETERIORATION, Status.LIMITED)
    for assessment in Assessment.objects.filter(area=area, method=method, status__in=bad).select_related(
        "series__indicator"
    ):
        code = assessment.series.code
        concerns.append(
            Concern(
                rank=DETERIORATION_RANK if assessment.status == Status.DETERIORATION else LIMITED_RANK,
                severity=assessment.score if assessment.score is not None else 0.0,
                status=assessment.status,
                kind="assessment",
                series_code=code,
                indicator_code=assessment.series.indicator.code if assessment.series.indicator else "",
                dimension_key=assessment.dimension_key,
                objectives=sorted(objectives_of.get(code, ())),
                assessment=assessment,
            )
        )
    for timeline, result in scorecard.timelines:
        if result.status not in (timelines.OVERDUE, timelines.OFF_TRACK):
            continue
        target = timeline.target
        required = abs(target.target_value - timeline.start_value) if timeline.start_value is not None else 0
        severity = (result.gap or 0.0) / required if required else (result.gap or 0.0)
        concerns.append(
            Concern(
                rank=OVERDUE_RANK if result.status == timelines.OVERDUE else OFF_TRACK_RANK,
                severity=severity,
                status=result.status,
                kind="timeline",
                series_code=target.series.code,
                indicator_code=target.series.indicator.code if target.series.indicator else "",
                dimension_key=target.dimension_key,
                objectives=sorted(objectives_of.get(target.series.code, ())),
                timeline=timeline,
                result=result,
            )
        )
    concerns.sort(key=lambda c: (c.rank, c.severity, c.series_code, c.dimension_key))
    no_data = [o for o in scorecard.objectives if o.links and not o.rollup.is_assessed]
    return NotDoingWell(area, method, concerns, no_data, scorecard)


# --- labels -------------------------------------------------------------------------------


def dimension_labels(keys) -> dict[str, str]:
    """Readable labels for dimension keys ("Sex: Female"), in the reader's language."""
    from gcmhub.indicators.keys import parse_dimension_key
    from gcmhub.indicators.models import Dimension, DimensionCode

    pairs = {pair for key in keys if key for pair in parse_dimension_key(key)}
    if not pairs:
        return {key: "" for key in keys}
    dims = {d.code: d for d in Dimension.objects.filter(code__in={c for c, _v in pairs})}
    codes = {
        (c.dimension.code, c.code): c
        for c in DimensionCode.objects.select_related("dimension").filter(
            dimension__code__in=list(dims), code__in={v for _c, v in pairs}
        )
    }
    labels = {}
    for key in keys:
        parts = []
        for code, value in parse_dimension_key(key) if key else []:
            value_obj = codes.get((code, value))
            value_label = localized(value_obj, "name") if value_obj else value
            if code == "COMPOSITE_BREAKDOWN" or code not in dims:
                parts.append(value_label)
            else:
                parts.append(f"{localized(dims[code], 'name')}: {value_label}")
        labels[key] = ", ".join(parts)
    return labels
