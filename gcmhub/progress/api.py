"""API: stored progress assessments, scorecards and target timelines.

* ``GET /progress`` — stored assessments, filtered (``area``, ``objective``,
  ``indicator``, ``series``, ``method``, ``status``, ``dimension``), paginated;
* ``GET /scorecards/{iso3}`` — a country's 23 objectives with coverage;
* ``GET /scorecards/{iso3}/not-doing-well`` — its concerns, most severe first;
* ``GET /objectives/{number}/scorecard`` — every country (``region`` = an M49
  region or group) and the regional roll-ups (``/objectives/{number}`` itself
  belongs to the framework);
* ``GET /progress/timelines`` — target timelines with today's status;
  ``PUT /progress/timelines/{target_id}`` sets the expected path or start,
  ``GET /progress/timelines/{target_id}/history`` says who did;
* ``POST /progress/recompute`` — administrators: enqueue a recomputation.

Reads are public (computed from public observations). Every result carries
its method, method version, parameters and inputs.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from gcmhub.actors.api import HistoryEntryOut
from gcmhub.actors.auth import bearer_auth, read_auth
from gcmhub.actors.services import require_permission
from gcmhub.apischema import MAX_OFFSET, MAX_PAGE_SIZE, Code, Flag, Id, InputSchema, Text
from gcmhub.framework import services as framework_services
from gcmhub.geo import services as geo_services
from gcmhub.i18n import SUPPORTED as LANGUAGES

from . import defaults, scorecards, services
from .models import Assessment

router = Router(tags=["progress"])


# --- schemas -----------------------------------------------------------------------------


class AreaRef(Schema):
    m49: str
    iso3: str
    name: str


class TargetOut(Schema):
    value: float
    year: int
    source: str = Field(description="national, national-headline (the headline's target) or global (SDG)")


class InputsOut(Schema):
    years: list[int]
    values: list[float]
    requested_base_year: int
    direction: str
    limit: float | None


class AssessmentOut(Schema):
    series: str
    indicator: str | None
    area: AreaRef
    dimension_key: str = Field(description='"" for the headline; e.g. "COMPOSITE_BREAKDOWN=MS_MIGRANT"')
    method: str
    method_version: str
    status: str
    method_status: str
    score: float | None
    progress_value: float | None
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    cagr_actual: float | None
    cagr_required: float | None
    ratio: float | None
    projection: float | None
    target: TargetOut | None
    flags: list[str]
    reason: str
    details: dict
    inputs: InputsOut
    parameters: dict
    sources: list[str]
    last_batch: int | None
    computed_at: datetime


def _area(area) -> dict:
    return {"m49": area.m49, "iso3": area.iso3, "name": area.name_en}


def _assessment(a: Assessment) -> dict:
    return {
        "series": a.series.code,
        "indicator": a.series.indicator.code if a.series.indicator_id else None,
        "area": _area(a.area),
        "dimension_key": a.dimension_key,
        "method": a.method,
        "method_version": a.method_version,
        "status": a.status,
        "method_status": a.method_status,
        "score": a.score,
        "progress_value": a.progress_value,
        "base_year": a.base_year,
        "base_value": a.base_value,
        "current_year": a.current_year,
        "current_value": a.current_value,
        "cagr_actual": a.cagr_actual,
        "cagr_required": a.cagr_required,
        "ratio": a.ratio,
        "projection": a.projection,
        "target": (
            {"value": a.target_value, "year": a.target_year, "source": a.target_source} if a.has_target else None
        ),
        "flags": a.flags,
        "reason": a.reason,
        "details": a.details,
        "inputs": {
            "years": a.years,
            "values": a.values,
            "requested_base_year": a.requested_base_year,
            "direction": a.direction,
            "limit": a.limit,
        },
        "parameters": a.parameters,
        "sources": a.sources,
        "last_batch": a.last_batch_id,
        "computed_at": a.computed_at,
    }


class RollupOut(Schema):
    status: str
    score: float | None
    assessed: int = Field(description="linked series with a result")
    total: int = Field(description="linked series")
    achieved: int
    parts_assessed: int
    parts_total: int


class UnitOut(Schema):
    series: str
    dimension_key: str
    status: str
    score: float | None
    base_year: int | None = None
    base_value: float | None = None
    current_year: int | None = None
    current_value: float | None = None
    target: TargetOut | None = None


class IndicatorRollupOut(Schema):
    indicator: str
    policy_domain: str
    relevance: str
    rollup: RollupOut
    series: list[UnitOut]


class ObjectiveRollupOut(Schema):
    number: int
    title: dict[str, str]
    rollup: RollupOut
    indicators: list[IndicatorRollupOut]
    context: list[IndicatorRollupOut]


class TimelineOut(Schema):
    target_id: int
    series: str
    area: AreaRef
    dimension_key: str
    target_value: float
    target_year: int
    horizon: str
    trajectory: str
    trajectory_used: str
    start_date: date | None
    start_year: int | None
    start_value: float | None
    latest_year: int | None
    latest_value: float | None
    status: str = Field(description="achieved, on_track, off_track, overdue or not_available")
    evaluated_on: date
    expected: float | None
    gap: float | None
    reason: str | None


class CountryScorecardOut(Schema):
    area: AreaRef
    method: str
    rollup: RollupOut
    series_assessed: int
    series_total: int
    computed_at: datetime | None
    objectives: list[ObjectiveRollupOut]
    timelines: list[TimelineOut]


class CountryRowOut(Schema):
    area: AreaRef
    rollup: RollupOut
    indicators: list[IndicatorRollupOut]


class RegionRowOut(Schema):
    area: AreaRef
    rollup: RollupOut


class ObjectiveScorecardOut(Schema):
    objective: int
    title: dict[str, str]
    method: str
    region: AreaRef | None
    rollup: RollupOut
    indicators: list[str]
    countries: list[CountryRowOut]
    regions: list[RegionRowOut]


class ConcernOut(Schema):
    kind: str = Field(description="assessment or timeline")
    status: str
    series: str
    indicator: str
    dimension_key: str
    objectives: list[int]
    score: float | None
    assessment: AssessmentOut | None
    timeline: TimelineOut | None


class NotDoingWellOut(Schema):
    area: AreaRef
    method: str
    concerns: list[ConcernOut]
    objectives_without_data: list[int]


def _unit(unit) -> dict:
    a = unit.assessment
    out = {
        "series": unit.unit.series_code,
        "dimension_key": unit.unit.dimension_key,
        "status": unit.rollup.status,
        "score": unit.rollup.score,
    }
    if a is not None:
        out.update(
            base_year=a.base_year,
            base_value=a.base_value,
            current_year=a.current_year,
            current_value=a.current_value,
            target={"value": a.target_value, "year": a.target_year, "source": a.target_source}
            if a.has_target
            else None,
        )
    return out


def _link(result) -> dict:
    return {
        "indicator": result.link.code,
        "policy_domain": result.link.policy_domain,
        "relevance": result.link.relevance,
        "rollup": result.rollup.as_dict(),
        "series": [_unit(unit) for unit in result.units],
    }


def _titles(objective, field: str = "short_title") -> dict[str, str]:
    return {language: getattr(objective, f"{field}_{language}") for language in LANGUAGES}


def _timeline(timeline, result) -> dict:
    target = timeline.target
    return {
        "target_id": target.pk,
        "series": target.series.code,
        "area": _area(target.area),
        "dimension_key": target.dimension_key,
        "target_value": target.target_value,
        "target_year": target.target_year,
        "horizon": target.horizon,
        "trajectory": timeline.trajectory,
        "trajectory_used": result.trajectory_used,
        "start_date": timeline.start_date,
        "start_year": timeline.start_year,
        "start_value": timeline.start_value,
        "latest_year": timeline.latest_year,
        "latest_value": timeline.latest_value,
        "status": result.status,
        "evaluated_on": result.on,
        "expected": result.expected,
        "gap": result.gap,
        "reason": result.reason,
    }


def _country(iso3: str):
    """A country by ISO alpha-3 or M49 code (NotFound → 404)."""
    return geo_services.get_country(iso3)


# --- endpoints -------------------------------------------------------------------------------


class ProgressFilters(Schema):
    area: Code | None = Field(None, description="ISO alpha-3 or M49 code of a country, region or group")
    objective: Id | None = Field(None, description="Objective number (1–23): series of its linked indicators")
    indicator: Code | None = Field(None, description="Indicator code, e.g. 10.c.1")
    series: Code | None = Field(None, description="Series code, e.g. SI_RMT_COST")
    method: Code = Field(defaults.DEFAULT_METHOD, description="opensdg (default), escap or eurostat")
    status: Code | None = Field(None, description="Only this status, e.g. deterioration")
    dimension: Text(500) | None = Field(None, description='Disaggregation key; "headline" for headline results only')
    limit: int = Field(100, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class AssessmentPage(Schema):
    count: int
    items: list[AssessmentOut]


@router.get("/progress", response=AssessmentPage, auth=read_auth, summary="Stored progress assessments")
def list_assessments(request, filters: Query[ProgressFilters]):
    """One result per series × area × disaggregation for the method, with its
    inputs (yearly values, base year, target and its source, direction) and
    the method's version and parameters."""
    dimension = filters.dimension
    queryset = services.assessments(
        area=filters.area,
        objective=filters.objective,
        indicator=filters.indicator,
        series=filters.series,
        method=filters.method,
        status=filters.status,
        dimension_key="" if dimension == "headline" else dimension,
    )
    page = queryset[filters.offset : filters.offset + filters.limit]
    return {"count": queryset.count(), "items": [_assessment(a) for a in page]}


@router.get("/scorecards/{iso3}", response=CountryScorecardOut, auth=read_auth, summary="A country's scorecard")
def country_scorecard(request, iso3: Code, method: Code = defaults.DEFAULT_METHOD):
    """The 23 objectives rolled up from the linked indicators and series, with
    coverage (assessed of linked series) at every level, and the country's
    target timelines with today's status."""
    area = _country(iso3)
    card = scorecards.country_scorecard(area, services.parse_method(method))
    return {
        "area": _area(area),
        "method": card.method,
        "rollup": card.rollup.as_dict(),
        "series_assessed": card.series_assessed,
        "series_total": card.series_total,
        "computed_at": card.computed_at,
        "objectives": [
            {
                "number": row.objective.number,
                "title": _titles(row.objective),
                "rollup": row.rollup.as_dict(),
                "indicators": [_link(link) for link in row.links],
                "context": [_link(link) for link in row.context],
            }
            for row in card.objectives
        ],
        "timelines": [_timeline(timeline, result) for timeline, result in card.timelines],
    }


@router.get(
    "/scorecards/{iso3}/not-doing-well",
    response=NotDoingWellOut,
    auth=read_auth,
    summary="Where a country is not doing well, most severe first",
)
def not_doing_well(request, iso3: Code, method: Code = defaults.DEFAULT_METHOD):
    area = _country(iso3)
    report = scorecards.not_doing_well(area, services.parse_method(method))
    concerns = []
    for concern in report.concerns:
        concerns.append(
            {
                "kind": concern.kind,
                "status": concern.status,
                "series": concern.series_code,
                "indicator": concern.indicator_code,
                "dimension_key": concern.dimension_key,
                "objectives": concern.objectives,
                "score": concern.assessment.score if concern.assessment else None,
                "assessment": _assessment(concern.assessment) if concern.assessment else None,
                "timeline": _timeline(concern.timeline, concern.result) if concern.timeline else None,
            }
        )
    return {
        "area": _area(area),
        "method": report.method,
        "concerns": concerns,
        "objectives_without_data": [row.objective.number for row in report.no_data],
    }


@router.get(
    "/objectives/{number}/scorecard",
    response=ObjectiveScorecardOut,
    auth=read_auth,
    summary="Every country's status on an objective, and regional roll-ups",
)
def objective_scorecard(request, number: Id, region: Code | None = None, method: Code = defaults.DEFAULT_METHOD):
    """``region``: an M49 region, sub-region or group code (e.g. 002 Africa,
    199 least developed countries) to keep only its countries."""
    objective = framework_services.get_objective(number)
    area = geo_services.container(region) if region else None
    card = scorecards.objective_scorecard(objective, services.parse_method(method), region=area)
    return {
        "objective": objective.number,
        "title": _titles(objective),
        "method": card.method,
        "region": _area(area) if area else None,
        "rollup": card.rollup.as_dict(),
        "indicators": [link.label for link in card.links],
        "countries": [
            {"area": _area(row.area), "rollup": row.rollup.as_dict(), "indicators": [_link(link) for link in row.links]}
            for row in card.rows
        ],
        "regions": [{"area": _area(row.region), "rollup": row.rollup.as_dict()} for row in card.regions],
    }


@router.get("/progress/timelines", response=list[TimelineOut], auth=read_auth, summary="Target timelines")
def list_timelines(request, area: Code | None = None):
    """Every target (of ``area``) with its status today: achieved, on_track,
    off_track, overdue or not_available."""
    found = services.find_area(area) if area else None
    return [_timeline(timeline, result) for timeline, result in services.timelines_for(found)]


class TimelineIn(InputSchema):
    trajectory: Code | None = Field(None, description="cagr (constant growth) or linear (straight line)")
    start_date: date | None = Field(None, description="Start of the target's horizon (2, 5 or 15 years)")
    clear_start_date: Flag = False


@router.put(
    "/progress/timelines/{target_id}", response=TimelineOut, auth=bearer_auth, summary="Set a target's timeline"
)
def update_timeline(request, target_id: Id, payload: TimelineIn):
    start = None if payload.clear_start_date else (payload.start_date if payload.start_date is not None else "")
    timeline = services.set_timeline(request.auth, target_id, trajectory=payload.trajectory, start_date=start)
    return _timeline(timeline, timeline.evaluate(timezone.localdate()))


@router.get(
    "/progress/timelines/{target_id}/history",
    response=list[HistoryEntryOut],
    auth=read_auth,
    summary="Who changed a target's timeline",
)
def timeline_history(request, target_id: Id):
    """Every change to the expected path and start date, newest first."""
    return services.timeline_history(request.auth, target_id)


class RecomputeIn(InputSchema):
    area: Code | None = None
    indicator: Code | None = None
    series: Code | None = None


class RecomputeQueuedOut(Schema):
    enqueued: bool
    series: int
    areas: int | None


@router.post(
    "/progress/recompute", response={202: RecomputeQueuedOut}, auth=bearer_auth, summary="Recompute assessments (administrators)"
)
def recompute(request, payload: RecomputeIn):
    """Enqueues a background recomputation of the stored assessments in scope."""
    require_permission(request.auth, "progress.recompute")
    series_ids = sorted(services.series_scope(payload.indicator, payload.series, None))
    area_ids = [services.find_area(payload.area).pk] if payload.area else None
    from .signals import schedule_recompute

    schedule_recompute(series_ids=series_ids, area_ids=area_ids)
    return Status(202, {"enqueued": True, "series": len(series_ids), "areas": len(area_ids) if area_ids else None})
