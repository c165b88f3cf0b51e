"""Stored assessments: recompute them, and read them.

``recompute`` is the one way assessments are written. It

1. reads the observations in scope in **one query** into numpy arrays,
   keeping the headline and the assessed disaggregations
   (``defaults.assessed_key``) and averaging sub-annual values per year;
2. builds **one** ``SeriesBatch`` of every series × area × disaggregation,
   with its target (``indicators.Target``, else the global SDG target in
   ``defaults.GLOBAL_TARGETS``, else none), base year and direction;
3. calls ``assess`` once per stored method;
4. compares a fingerprint of each result's inputs with the stored one and
   writes only what changed, in bulk (``bulk_create(update_conflicts=True)``
   on the unique key), and deletes assessments whose data are gone — so a
   second run on the same data writes nothing;
5. refreshes the target timelines of the targets in scope.

It runs from ``gcmhub assess``, from the background task that imports and
target changes enqueue (``signals``), and from the API for administrators
(which only enqueues it). It never runs inside a web request.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub import dataversion
from gcmhub.actors.services import require_permission
from gcmhub.errors import InvalidInput, NotFound
from gcmhub.geo.models import Area

from . import defaults, timelines
from .engine import SeriesBatch, assess, available_methods
from .models import Assessment, TargetSource, TargetTimeline, Trajectory

__all__ = [
    "RecomputeResult",
    "affected_by_batch",
    "assessments",
    "find_area",
    "parse_method",
    "recompute",
    "recompute_for_batch",
    "series_scope",
    "set_timeline",
    "timeline_history",
    "timelines_for",
]

Progress = Callable[[str, int, int], None]

_RESULT_FIELDS = (
    "status", "method_status", "score", "progress_value", "base_year", "base_value", "current_year",
    "current_value", "cagr_actual", "cagr_required", "ratio", "projection", "flags", "reason", "reason_code",
    "details", "years", "values", "requested_base_year", "target_value", "target_year", "target_source",
    "target", "direction", "limit", "sources", "last_batch_id", "method_version", "parameters",
    "fingerprint", "computed_at",
)  # fmt: skip
_BULK = 500


# --- arguments -------------------------------------------------------------------


def parse_method(method: str | None) -> str:
    """A stored method name (default ``opensdg``); InvalidInput otherwise."""
    method = (method or defaults.DEFAULT_METHOD).strip().lower()
    if method not in defaults.STORED_METHODS:
        raise InvalidInput(
            _("Unknown method “%(method)s”. Methods: %(methods)s.")
            % {"method": method, "methods": ", ".join(defaults.STORED_METHODS)},
            field="method",
        )
    return method


def find_area(code: str | Area, field: str = "area") -> Area:
    """Any area (country, region, world) by ISO alpha-3 or M49 code;
    InvalidInput otherwise."""
    if isinstance(code, Area):
        return code
    from gcmhub.geo.names import normalise_m49

    text = (code or "").strip()
    area = None
    if len(text) == 3 and text.isalpha():
        area = Area.objects.filter(iso3=text.upper()).first()
    elif text.isdigit() and len(text) <= 3:
        area = Area.objects.filter(m49=normalise_m49(text)).first()
    if area is None:
        raise InvalidInput(_("No area has the code “%(code)s”.") % {"code": text}, field=field)
    return area


# --- recomputation ------------------------------------------------------------------


@dataclass
class RecomputeResult:
    methods: tuple[str, ...] = ()
    observations: int = 0  # rows read
    series: int = 0  # series × area × disaggregation assessed (per method)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    timelines: int = 0  # timelines created or changed
    seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)  # first method

    @property
    def written(self) -> int:
        return self.created + self.updated + self.deleted

    def as_dict(self) -> dict:
        data = asdict(self)
        data["methods"] = list(self.methods)
        data["seconds"] = round(self.seconds, 3)
        return data


def _noop(stage: str, done: int, total: int) -> None:
    return None


def series_scope(indicator: str | None, series: str | None, series_ids: Iterable[int] | None) -> dict[int, tuple]:
    """{series id: (code, direction)} of the series that can be assessed:
    those measuring an indicator, whose preferred direction is known."""
    from gcmhub.indicators.models import Indicator, Series

    queryset = Series.objects.filter(indicator__isnull=False)
    if indicator:
        found = Indicator.objects.filter(code=indicator.strip()).first()
        if found is None:
            raise InvalidInput(_("No indicator has the code “%(code)s”.") % {"code": indicator}, field="indicator")
        queryset = queryset.filter(indicator=found)
    if series:
        if not Series.objects.filter(code=series.strip()).exists():
            raise InvalidInput(_("No series has the code “%(code)s”.") % {"code": series}, field="series")
        queryset = queryset.filter(code=series.strip())
    if series_ids is not None:
        queryset = queryset.filter(pk__in=list(series_ids))
    return {pk: (code, direction) for pk, code, direction in queryset.values_list("pk", "code", "indicator__direction")}


def _read_observations(series_ids: list[int], area_ids: list[int] | None):
    """One query; returns column arrays (empty arrays when nothing matches)."""
    from gcmhub.indicators.models import Observation

    queryset = Observation.objects.filter(series_id__in=series_ids, value__isnull=False)
    if area_ids is not None:
        queryset = queryset.filter(area_id__in=area_ids)
    rows = list(
        queryset.order_by().values_list(
            "series_id", "area_id", "dimension_key", "year", "value", "source_id", "batch_id"
        )
    )
    if not rows:
        return None
    series_col, area_col, key_col, year_col, value_col, source_col, batch_col = zip(*rows, strict=True)
    n = len(rows)
    codes: dict[str, int] = {}
    key_idx = np.fromiter((codes.setdefault(key, len(codes)) for key in key_col), dtype=np.int64, count=n)
    return {
        "n": n,
        "series": np.fromiter(series_col, dtype=np.int64, count=n),
        "area": np.fromiter(area_col, dtype=np.int64, count=n),
        "key": key_idx,
        "keys": list(codes),
        "year": np.fromiter(year_col, dtype=np.int64, count=n),
        "value": np.fromiter(value_col, dtype=np.float64, count=n),
        "source": np.fromiter((-1 if s is None else s for s in source_col), dtype=np.int64, count=n),
        "batch": np.fromiter((-1 if b is None else b for b in batch_col), dtype=np.int64, count=n),
    }


@dataclass
class _Groups:
    """Series × area × disaggregation groups and their yearly points."""

    series: np.ndarray  # per group
    area: np.ndarray
    key: np.ndarray  # index into keys
    keys: list[str]
    offsets: np.ndarray  # points of group g: offsets[g]:offsets[g+1]
    point_group: np.ndarray
    years: np.ndarray
    values: np.ndarray
    averaged: np.ndarray  # bool per group: some year had several values
    sources: list[list[int]]
    last_batch: np.ndarray  # per group, -1 = none

    @property
    def n(self) -> int:
        return len(self.series)


def _group(obs) -> _Groups | None:
    keys = obs["keys"]
    keep_key = np.array([defaults.assessed_key(key) for key in keys], dtype=bool)
    keep = keep_key[obs["key"]] & np.isfinite(obs["value"])
    if not keep.any():
        return None
    series, area, key = obs["series"][keep], obs["area"][keep], obs["key"][keep]
    year, value, source, batch = obs["year"][keep], obs["value"][keep], obs["source"][keep], obs["batch"][keep]

    n_keys = len(keys)
    area_span = int(area.max()) + 1
    composite = (series * area_span + area) * n_keys + key
    group_codes, group = np.unique(composite, return_inverse=True)
    n_groups = len(group_codes)

    # One point per (group, year): the mean of that year's values. Rows are
    # sorted by (group, year, value) first so the sums never depend on the
    # order the database returned them in.
    ymin = int(year.min())
    span = int(year.max()) - ymin + 1
    point_code = group * span + (year - ymin)
    order = np.lexsort((value, point_code))
    point_code, value_sorted = point_code[order], value[order]
    points, point_idx, counts = np.unique(point_code, return_inverse=True, return_counts=True)
    sums = np.bincount(point_idx, weights=value_sorted, minlength=len(points))
    means = sums / counts
    point_group = points // span
    point_years = points % span + ymin
    offsets = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(point_group, minlength=n_groups), out=offsets[1:])
    averaged = np.zeros(n_groups, dtype=bool)
    averaged[point_group[counts > 1]] = True

    # Data sources (distinct, per group) and the latest import batch.
    sources: list[list[int]] = [[] for _ in range(n_groups)]
    has_source = source >= 0
    if has_source.any():
        width = int(source.max()) + 1
        for code in np.unique(group[has_source] * width + source[has_source]).tolist():
            sources[code // width].append(code % width)
    last_batch = np.full(n_groups, -1, dtype=np.int64)
    np.maximum.at(last_batch, group, batch)

    n_areas_keys = area_span * n_keys
    return _Groups(
        series=group_codes // n_areas_keys,
        area=(group_codes // n_keys) % area_span,
        key=group_codes % n_keys,
        keys=keys,
        offsets=offsets,
        point_group=point_group,
        years=point_years,
        values=means,
        averaged=averaged,
        sources=sources,
        last_batch=last_batch,
    )


@dataclass(frozen=True)
class _TargetRow:
    id: int
    series_id: int
    area_id: int
    dimension_key: str
    target_value: float
    target_year: int
    baseline_year: int | None
    baseline_value: float | None
    direction: str
    horizon: str


def _targets(series_ids: list[int], area_ids: list[int] | None) -> list[_TargetRow]:
    from gcmhub.indicators.models import Target

    queryset = Target.objects.filter(series_id__in=series_ids)
    if area_ids is not None:
        queryset = queryset.filter(area_id__in=area_ids)
    fields = ("id", "series_id", "area_id", "dimension_key", "target_value", "target_year", "baseline_year",
              "baseline_value", "direction", "horizon")  # fmt: skip
    return [_TargetRow(*row) for row in queryset.order_by().values_list(*fields)]


def _fingerprint(parts: tuple) -> str:
    """SHA-256 of the inputs: plain numbers, strings and lists, whose ``repr``
    is exact (floats round-trip) and stable across runs and processes."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _clean(value):
    """JSON-safe number: NaN and infinities become None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def recompute(
    area: str | Area | None = None,
    indicator: str | None = None,
    series: str | None = None,
    method: str | None = None,
    *,
    area_ids: Iterable[int] | None = None,
    series_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> RecomputeResult:
    """Recompute the stored assessments in scope; see the module docstring.

    ``area`` (ISO3 or M49 code), ``indicator`` (``10.c.1``) and ``series``
    (``SI_RMT_COST``) narrow the scope, as do ``area_ids`` / ``series_ids``
    (the background task's form); ``method`` recomputes one method only
    (default: every method in ``defaults.STORED_METHODS``).
    """
    started = time.perf_counter()
    progress = progress or _noop
    methods = (parse_method(method),) if method else defaults.STORED_METHODS
    for name in methods:
        if name not in available_methods():  # pragma: no cover - configuration error
            raise InvalidInput(f"unknown method {name!r}", field="method")
    result = RecomputeResult(methods=methods)
    today = today or timezone.localdate()

    scope_series = series_scope(indicator, series, series_ids)
    scope_areas: list[int] | None = None
    if area is not None and area != "":
        scope_areas = [find_area(area).pk]
    if area_ids is not None:
        ids = set(area_ids)
        scope_areas = sorted(ids if scope_areas is None else ids & set(scope_areas))
    series_list = sorted(scope_series)

    progress("load", 0, 1)
    obs = _read_observations(series_list, scope_areas) if series_list and scope_areas != [] else None
    result.observations = obs["n"] if obs else 0
    groups = _group(obs) if obs else None
    progress("load", 1, 1)

    targets = _targets(series_list, scope_areas) if series_list and scope_areas != [] else []
    existing = _existing(series_list, scope_areas, methods)
    rows_to_write: list[Assessment] = []
    seen: set[tuple] = set()

    if groups is not None and groups.n:
        params = _parameters(groups, scope_series, targets)
        batch = SeriesBatch.from_arrays(
            groups.point_group,
            groups.years,
            groups.values,
            n_series=groups.n,
            base_year=params["base_year"],
            target=params["target"],
            target_year=params["target_year"],
            direction=params["direction"],
            limit=params["limit"],
        )
        result.series = groups.n
        now = timezone.now()
        source_names = _source_names(groups)
        for step, name in enumerate(methods):
            progress("assess", step, len(methods))
            assessment = assess(batch, name)
            written = _rows_for_method(
                assessment, groups, params, source_names, existing, seen, now, result, first=step == 0
            )
            rows_to_write.extend(written)
        progress("assess", len(methods), len(methods))

    stale = [pk for key, (pk, _fp) in existing.items() if key not in seen]
    progress("write", 0, len(rows_to_write) + len(stale))
    with transaction.atomic():
        for start in range(0, len(rows_to_write), _BULK):
            chunk = rows_to_write[start : start + _BULK]
            Assessment.objects.bulk_create(
                chunk,
                update_conflicts=True,
                unique_fields=["series", "area", "dimension_key", "method"],
                update_fields=list(_RESULT_FIELDS),
            )
            progress("write", start + len(chunk), len(rows_to_write) + len(stale))
        for start in range(0, len(stale), _BULK):
            Assessment.objects.filter(pk__in=stale[start : start + _BULK]).delete()
        result.deleted = len(stale)
        result.timelines = _refresh_timelines(targets, groups, today)
        if rows_to_write or stale or result.timelines:
            dataversion.bump()  # bulk writes send no signals: cached scorecards are now stale
    progress("write", 1, 1)
    result.seconds = time.perf_counter() - started
    return result


def _existing(series_ids: list[int], area_ids: list[int] | None, methods: tuple[str, ...]) -> dict[tuple, tuple]:
    queryset = Assessment.objects.filter(method__in=methods)
    if series_ids:
        queryset = queryset.filter(series_id__in=series_ids)
    else:
        return {}
    if area_ids is not None:
        queryset = queryset.filter(area_id__in=area_ids)
    return {
        (series_id, area_id, key, method): (pk, fingerprint)
        for pk, series_id, area_id, key, method, fingerprint in queryset.values_list(
            "pk", "series_id", "area_id", "dimension_key", "method", "fingerprint"
        )
    }


def _parameters(groups: _Groups, scope_series: dict[int, tuple], targets: list[_TargetRow]) -> dict:
    """Per-group base year, target, target year, direction and limit."""
    n = groups.n
    # The latest target year is the one assessed (interim targets have
    # their own timelines); an exact disaggregation match wins over the
    # headline target of the same series and area.
    by_key: dict[tuple, _TargetRow] = {}
    for target in targets:
        key = (target.series_id, target.area_id, target.dimension_key)
        if key not in by_key or target.target_year > by_key[key].target_year:
            by_key[key] = target
    base_year = np.full(n, defaults.DEFAULT_BASE_YEAR, dtype=np.int64)
    target_value = np.full(n, np.nan)
    target_year = np.full(n, 2030, dtype=np.int64)
    direction = np.empty(n, dtype=np.int8)
    limit = np.full(n, np.nan)
    source = [""] * n
    target_ids: list[int | None] = [None] * n
    series_ids, area_ids, key_idx = groups.series.tolist(), groups.area.tolist(), groups.key.tolist()
    for g in range(n):
        code, preferred = scope_series[series_ids[g]]
        dimension_key = groups.keys[key_idx[g]]
        wanted = preferred or "positive"
        target = by_key.get((series_ids[g], area_ids[g], dimension_key))
        kind = TargetSource.NATIONAL
        if target is None and dimension_key:
            target = by_key.get((series_ids[g], area_ids[g], ""))
            kind = TargetSource.NATIONAL_HEADLINE
        if target is not None:
            target_value[g] = target.target_value
            target_year[g] = target.target_year
            if target.baseline_year is not None:
                base_year[g] = target.baseline_year
            if target.direction:
                wanted = target.direction
            source[g] = kind
            target_ids[g] = target.id
        elif code in defaults.GLOBAL_TARGETS:
            found = defaults.GLOBAL_TARGETS[code]
            target_value[g] = found.value
            target_year[g] = found.year
            source[g] = TargetSource.GLOBAL
        direction[g] = 1 if wanted == "positive" else -1
        if code in defaults.NATURAL_LIMITS:
            limit[g] = defaults.NATURAL_LIMITS[code]
    return {
        "base_year": base_year,
        "target": target_value,
        "target_year": target_year,
        "direction": direction,
        "limit": limit,
        "source": source,
        "target_id": target_ids,
    }


def _source_names(groups: _Groups) -> dict[int, str]:
    from gcmhub.indicators.models import DataSource

    ids = {source for group in groups.sources for source in group}
    return dict(DataSource.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _rows_for_method(
    assessment, groups, params, source_names, existing, seen, now, result, *, first
) -> list[Assessment]:
    records = assessment.to_records(details=True)
    reason_codes = assessment.reason.tolist()
    provenance = assessment.provenance()
    parameters = json.loads(json.dumps(provenance["parameters"], default=list))
    detail_keys = tuple(assessment.extra)
    method_key = (assessment.method, assessment.method_version, json.dumps(parameters, sort_keys=True))
    series_ids, area_ids, key_idx = groups.series.tolist(), groups.area.tolist(), groups.key.tolist()
    offsets = groups.offsets.tolist()
    years_all, values_all = groups.years.tolist(), groups.values.tolist()
    averaged, last_batch = groups.averaged.tolist(), groups.last_batch.tolist()
    out = []
    for g, record in enumerate(records):
        key = (series_ids[g], area_ids[g], groups.keys[key_idx[g]], assessment.method)
        seen.add(key)
        if first:
            result.by_status[record["status"]] = result.by_status.get(record["status"], 0) + 1
        lo, hi = offsets[g], offsets[g + 1]
        years, values = years_all[lo:hi], values_all[lo:hi]
        sources = sorted(source_names.get(s, "") for s in groups.sources[g])
        target = _clean(params["target"][g])
        inputs = (
            method_key, years, values,
            int(params["base_year"][g]), target, int(params["target_year"][g]) if target is not None else None,
            int(params["direction"][g]), _clean(params["limit"][g]), str(params["source"][g]), params["target_id"][g],
            sources, last_batch[g],
        )  # fmt: skip
        fingerprint = _fingerprint(inputs)
        before = existing.get(key)
        if before is not None and before[1] == fingerprint:
            result.unchanged += 1
            continue
        if before is None:
            result.created += 1
        else:
            result.updated += 1
        flags = list(record["flags"])
        if averaged[g]:
            flags.append("yearly_mean")
        out.append(
            Assessment(
                series_id=key[0],
                area_id=key[1],
                dimension_key=key[2],
                method=assessment.method,
                status=record["status"],
                method_status=record["method_status"],
                score=record["score"],
                progress_value=record["progress_value"],
                base_year=record["base_year"],
                base_value=record["base_value"],
                current_year=record["current_year"],
                current_value=record["current_value"],
                cagr_actual=record["cagr_actual"],
                cagr_required=record["cagr_required"],
                ratio=record["ratio"],
                projection=record["projection"],
                flags=flags,
                reason=record["reason"] or "",
                reason_code=int(reason_codes[g]),
                details={name: record.get(name) for name in detail_keys},
                years=years,
                values=values,
                requested_base_year=int(params["base_year"][g]),
                target_value=target,
                target_year=int(params["target_year"][g]) if target is not None else None,
                target_source=params["source"][g],
                target_id=params["target_id"][g],
                direction="positive" if params["direction"][g] > 0 else "negative",
                limit=_clean(params["limit"][g]),
                sources=sources,
                last_batch_id=last_batch[g] if last_batch[g] >= 0 else None,
                method_version=assessment.method_version,
                parameters=parameters,
                fingerprint=fingerprint,
                computed_at=now,
            )
        )
    return out


def _start_point(years: list[int], values: list[float], year: int) -> tuple[int, float] | None:
    """The observation of ``year`` or, without one, of the next year that has one."""
    for y, v in zip(years, values, strict=True):
        if y >= year:
            return y, v
    return None


def _value_known_at(years: list[int], values: list[float], year: int) -> tuple[int, float] | None:
    """The observation of the latest year up to ``year``."""
    found = None
    for y, v in zip(years, values, strict=True):
        if y > year:
            break
        found = (y, v)
    return found


def _refresh_timelines(targets: list[_TargetRow], groups: _Groups | None, today: date) -> int:
    """Create or refresh the timeline of every target in scope; returns how many changed."""
    if not targets:
        return 0
    from gcmhub.indicators.models import Target

    points: dict[tuple, tuple[list, list]] = {}
    if groups is not None:
        series_ids, area_ids, key_idx = groups.series.tolist(), groups.area.tolist(), groups.key.tolist()
        offsets = groups.offsets.tolist()
        years_all, values_all = groups.years.tolist(), groups.values.tolist()
        for g in range(groups.n):
            lo, hi = offsets[g], offsets[g + 1]
            points[(series_ids[g], area_ids[g], groups.keys[key_idx[g]])] = (years_all[lo:hi], values_all[lo:hi])
    existing = {tl.target_id: tl for tl in TargetTimeline.objects.filter(target_id__in=[t.id for t in targets])}
    loaded = Target.objects.select_related("series__indicator").in_bulk([t.id for t in targets])
    changed_rows, new_rows = [], []
    for row in targets:
        timeline = existing.get(row.id) or TargetTimeline(target_id=row.id)
        timeline.target = loaded[row.id]
        years, values = points.get((row.series_id, row.area_id, row.dimension_key), ([], []))
        start_year = row.baseline_year if row.baseline_year is not None else defaults.DEFAULT_BASE_YEAR
        if timeline.start_date:
            # A horizon starting on a date: the value known then (the latest
            # observation up to that year), else the first one after.
            start_year = timeline.start_date.year
            found = _value_known_at(years, values, start_year) or _start_point(years, values, start_year)
        else:
            found = _start_point(years, values, start_year)
        if row.baseline_value is not None:
            start = (start_year, row.baseline_value, False)
        elif found is not None:
            start = (found[0], found[1], True)
        else:
            start = (None, None, True)
        latest = (years[-1], values[-1]) if years else (None, None)
        before = (timeline.start_year, timeline.start_value, timeline.start_value_observed,
                  timeline.latest_year, timeline.latest_value, timeline.status, timeline.evaluated_on)  # fmt: skip
        timeline.start_year, timeline.start_value, timeline.start_value_observed = start
        timeline.latest_year, timeline.latest_value = latest
        timeline.status = timeline.evaluate(today).status
        timeline.evaluated_on = today
        after = (timeline.start_year, timeline.start_value, timeline.start_value_observed,
                 timeline.latest_year, timeline.latest_value, timeline.status, timeline.evaluated_on)  # fmt: skip
        if timeline.pk is None:
            new_rows.append(timeline)
        elif before != after:
            changed_rows.append(timeline)
    now = timezone.now()
    for timeline in new_rows + changed_rows:
        timeline.computed_at = now
    if new_rows:
        TargetTimeline.objects.bulk_create(new_rows, batch_size=_BULK, ignore_conflicts=True)
    if changed_rows:
        TargetTimeline.objects.bulk_update(
            changed_rows,
            ["start_year", "start_value", "start_value_observed", "latest_year", "latest_value", "status",
             "evaluated_on", "computed_at"],
            batch_size=_BULK,
        )  # fmt: skip
    return len(new_rows) + len(changed_rows)


# --- what an import changed ---------------------------------------------------------


def affected_by_batch(batch_id: int) -> tuple[list[int], list[int]]:
    """(series ids, area ids) an import wrote.

    Uses the lists in the batch's report when the loader records them
    (``series_ids`` / ``area_ids``); otherwise finds the observations the
    batch last wrote (a scan: the batch column has no index, which is fine
    in a background task).
    """
    from gcmhub.indicators.models import ImportBatch, Observation

    batch = ImportBatch.objects.filter(pk=batch_id).only("report", "area_id").first()
    if batch is None:
        return [], []
    report = batch.report or {}
    if isinstance(report.get("series_ids"), list) and isinstance(report.get("area_ids"), list):
        return sorted(report["series_ids"]), sorted(report["area_ids"])
    pairs = Observation.objects.filter(batch_id=batch_id).order_by().values_list("series_id", "area_id").distinct()
    series_ids, area_ids = set(), set()
    for series_id, area_id in pairs:
        series_ids.add(series_id)
        area_ids.add(area_id)
    return sorted(series_ids), sorted(area_ids)


def recompute_for_batch(batch_id: int) -> RecomputeResult:
    series_ids, area_ids = affected_by_batch(batch_id)
    if not series_ids:
        return RecomputeResult(methods=defaults.STORED_METHODS)
    return recompute(series_ids=series_ids, area_ids=area_ids)


# --- reading -------------------------------------------------------------------------


def assessments(
    *,
    area: str | Area | None = None,
    objective: int | None = None,
    indicator: str | None = None,
    series: str | None = None,
    method: str | None = None,
    status: str | None = None,
    dimension_key: str | None = None,
) -> QuerySet:
    """Stored assessments, filtered; every argument optional.

    ``objective`` keeps the series of the indicators linked to it (the SDG
    links of the framework, and national indicators linked directly);
    ``dimension_key`` "" keeps headline results only.
    """
    from gcmhub.framework.models import Objective

    queryset = Assessment.objects.select_related("series__indicator", "area").filter(method=parse_method(method))
    if area:
        queryset = queryset.filter(area=find_area(area))
    if objective is not None:
        if not Objective.objects.filter(number=objective).exists():
            raise InvalidInput(_("There is no objective %(number)s.") % {"number": objective}, field="objective")
        queryset = queryset.filter(
            Q(series__indicator__sdg_indicator__objective_links__objective__number=objective)
            | Q(series__indicator__objectives__number=objective)
        ).distinct()
    if indicator:
        queryset = queryset.filter(series__indicator__code=indicator.strip())
    if series:
        queryset = queryset.filter(series__code=series.strip())
    if status:
        from .models import Status

        if status not in Status.values:
            raise InvalidInput(
                _("Unknown status “%(status)s”. Statuses: %(statuses)s.")
                % {"status": status, "statuses": ", ".join(Status.values)},
                field="status",
            )
        queryset = queryset.filter(status=status)
    if dimension_key is not None:
        queryset = queryset.filter(dimension_key=dimension_key)
    return queryset.order_by("series__code", "area__name_en", "dimension_key")


# --- timelines ------------------------------------------------------------------------


def set_timeline(
    actor, target_id: int, *, trajectory: str | None = None, start_date: date | None | str = ""
) -> TargetTimeline:
    """Choose a target's expected path and/or the start date of its horizon.

    Needs ``indicators.change_target`` on the target (administrators, the
    focal point of its country). ``start_date=None`` clears it; leaving it
    out keeps it. The statuses are refreshed in the background.
    """
    from gcmhub.indicators.models import Target

    target = Target.objects.select_related("series__indicator", "area").filter(pk=target_id).first()
    if target is None:
        raise NotFound(_("No such target."))
    require_permission(actor, "indicators.change_target", target)
    timeline = TargetTimeline.objects.filter(target=target).first() or TargetTimeline(target=target)
    if trajectory is not None:
        if trajectory not in Trajectory.values:
            raise InvalidInput(
                _("Unknown expected path “%(value)s”. Use %(choices)s.")
                % {"value": trajectory, "choices": ", ".join(Trajectory.values)},
                field="trajectory",
            )
        timeline.trajectory = trajectory
    if start_date != "":
        if isinstance(start_date, str):
            try:
                start_date = date.fromisoformat(start_date)
            except ValueError:
                raise InvalidInput(_("The start date must be written YYYY-MM-DD."), field="start_date") from None
        if start_date is not None and start_date.year >= target.target_year + 1:
            raise InvalidInput(_("The start date must come before the target year ends."), field="start_date")
        timeline.start_date = start_date
    timeline.target = target
    if timeline.pk is not None and not timeline.history.exists():
        # Created by a recomputation (in bulk, without history): record the
        # state this edit starts from, so the history shows before and after.
        stored = TargetTimeline.objects.get(pk=timeline.pk)
        TargetTimeline.history.bulk_history_create([stored], default_date=stored.computed_at)
    timeline._history_user = actor
    timeline.save()
    from .signals import schedule_recompute

    schedule_recompute(series_ids=[target.series_id], area_ids=[target.area_id])
    return timeline


def timeline_history(reader, target_id: int) -> list:
    """Who chose what for a target's timeline, newest first. Timelines are
    public, so is their history; editors are named by username to those who
    may change the target, by role or organisation to everyone else."""
    from gcmhub.actors.history import history_of

    timeline = TargetTimeline.objects.select_related("target").filter(target_id=target_id).first()
    if timeline is None:
        raise NotFound(_("No such target."))
    staff = reader is None or reader.has_perm("indicators.change_target", timeline.target)
    return history_of(timeline, reader=reader, show_usernames=staff, exclude=("target",))


def timelines_for(
    area: Area | None = None, today: date | None = None
) -> list[tuple[TargetTimeline, timelines.TimelineResult]]:
    """Target timelines (of ``area``) with their status on ``today``."""
    queryset = TargetTimeline.objects.select_related("target__series__indicator", "target__area")
    if area is not None:
        queryset = queryset.filter(target__area=area)
    today = today or timezone.localdate()
    rows = [(timeline, timeline.evaluate(today)) for timeline in queryset]
    rows.sort(
        key=lambda row: (timelines.STATUSES.index(row[1].status), row[0].target.series.code, row[0].target.target_year)
    )
    return rows
