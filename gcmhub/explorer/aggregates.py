"""Rebuild the explorer's precomputed tables from the stored observations.

``rebuild()`` is called by the background task that follows each import
(``signals``), by ``gcmhub manage explorer rebuild`` and by the demo. It
only redoes what changed: a series whose ``data_version`` is the one the
last build used is left alone (``force=True`` redoes everything). The work
runs in one transaction, so readers see the old tables until it commits.

Corridor values: every observation of a corridor series whose
disaggregation is exactly ``COUNTERPART_AREA=X`` (or with ``SEX`` for the
by-sex measures) becomes one ``CorridorValue`` once ``X`` is resolved to an
area by the project's area resolver (names for DESA, ISO3 codes for UNHCR
and RPW). Counterparts that are no area (UNHCR ``UNK``, DESA ``Other
South``) or that the resolver does not know are not corridors; they are
counted in ``BuildState.unresolved`` — but their values still count in the
*destination's* totals (``<measure>:in``), which therefore equal the sum of
the area's stored observations; the origin totals (``<measure>:out``) can
only sum the corridors whose origin is known.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from gcmhub import dataversion
from gcmhub.geo.models import Area
from gcmhub.geo.resolver import AreaNameError, get_resolver
from gcmhub.indicators.keys import parse_dimension_key
from gcmhub.indicators.models import DataSource, Observation, Series

from .measures import ADDITIVE, CORRIDOR_MEASURES, COUNTERPART
from .models import AreaTotal, BuildState, CorridorValue, SeriesSlice

logger = logging.getLogger(__name__)
CHUNK = 10_000


def state() -> BuildState:
    built = BuildState.objects.order_by("pk").first()
    return built if built is not None else BuildState.objects.create()


def rebuild(*, force: bool = False) -> dict:
    """Bring the aggregate tables up to date; returns what was done."""
    started = time.perf_counter()
    with transaction.atomic():
        built = state()
        versions = {str(pk): version for pk, version in Series.objects.values_list("pk", "data_version")}
        before = {} if force else dict(built.data_versions or {})
        changed = {pk for pk, version in versions.items() if before.get(pk) != version}
        gone = set(before) - set(versions)
        if not (force or changed or gone):
            # Nothing to do (several imports queue a rebuild each; the first does the
            # work): no write and, above all, no new data version, which would make
            # every cached page and answer of the site obsolete for nothing.
            return _summary([], 0, set(), started)
        series_ids = {s.code: s.pk for s in Series.objects.filter(code__in={m.series for m in CORRIDOR_MEASURES})}
        redo_measures = [m for m in CORRIDOR_MEASURES if str(series_ids.get(m.series)) in changed | gone or force]
        unresolved = {} if force else dict(built.unresolved or {})
        rows = 0
        if redo_measures:
            codes = [m.code for m in redo_measures]
            _delete(CorridorValue.objects.filter(measure__in=codes))
            _delete(AreaTotal.objects.filter(measure__in=[f"{c}:{side}" for c in codes for side in ("in", "out")]))
            sources = dict(DataSource.objects.values_list("pk", "name"))
            resolved: dict[str, int | None] = {}
            for measure in redo_measures:
                series_id = series_ids.get(measure.series)
                if series_id is None:
                    continue
                count, missed = _corridors(measure, series_id, sources, resolved)
                rows += count
                unresolved[measure.code] = missed
        redo_slices = {int(pk) for pk in changed}
        if force:
            _delete(SeriesSlice.objects.all())
        else:
            _delete(SeriesSlice.objects.filter(series_id__in=redo_slices | {int(pk) for pk in gone}))
        _slices(sorted(redo_slices))
        built.built_at = timezone.now()
        built.data_versions = versions
        built.corridor_rows = CorridorValue.objects.count()
        built.unresolved = unresolved
        built.measure_years = {
            m.code: sorted(CorridorValue.objects.filter(measure=m.code).values_list("year", flat=True).distinct())
            for m in CORRIDOR_MEASURES
        }
        built.seconds = time.perf_counter() - started
        built.save()
        _analyze()
        dataversion.bump()
    summary = _summary(redo_measures, rows, redo_slices, started)
    logger.info("explorer aggregates rebuilt: %s", summary)
    return summary


def _summary(measures, rows: int, sliced: set, started: float) -> dict:
    return {
        "measures": [m.code for m in measures],
        "corridor_values_written": rows,
        "series_sliced": len(sliced),
        "seconds": round(time.perf_counter() - started, 2),
    }


def _counterpart_area(text: str, resolved: dict[str, int | None], aliases: dict[str, str]) -> int | None:
    if text not in resolved:
        try:
            area = get_resolver().resolve(aliases.get(text, text))
            resolved[text] = area.pk if area.kind == "country" else None
        except AreaNameError:
            resolved[text] = None
    return resolved[text]


def _wanted_pairs(measure) -> int:
    return 2 if measure.sex else 1


def _corridors(measure, series_id: int, sources: dict, resolved: dict) -> tuple[int, dict]:
    """Write the corridor values of one measure and its totals; (rows, unresolved texts)."""
    observations = (
        Observation.objects.filter(series_id=series_id, dimension_key__contains=f"{COUNTERPART}=")
        .exclude(value__isnull=True)
        .values_list("id", "area_id", "period", "year", "dimension_key", "value", "source_id")
    )
    wanted = _wanted_pairs(measure)
    aliases = dict(measure.aliases)
    resolved = {} if aliases else resolved  # a source's own aliases must not leak into the shared cache
    totals_in: dict = defaultdict(lambda: [0.0, 0])
    totals_out: dict = defaultdict(lambda: [0.0, 0])
    missed: dict[str, int] = defaultdict(int)
    staged = []
    latest: dict = {}
    countries = set(Area.objects.countries().values_list("pk", flat=True))
    for obs_id, area_id, period, year, key, value, source_id in observations.iterator(chunk_size=CHUNK):
        pairs = dict(parse_dimension_key(key))
        if len(pairs) != wanted or pairs.get("SEX", "") != measure.sex or COUNTERPART not in pairs:
            continue
        if area_id not in countries:
            continue  # a region as destination (DESA's matrix has a few): corridors join countries
        counterpart = pairs[COUNTERPART]
        entry = totals_in[(area_id, year)]
        entry[0] += value
        entry[1] += 1
        origin = _counterpart_area(counterpart, resolved, aliases)
        if origin is None:
            missed[counterpart] += 1
            continue
        entry = totals_out[(origin, year)]
        entry[0] += value
        entry[1] += 1
        staged.append([measure.code, origin, area_id, period, year, value, True, obs_id, sources.get(source_id, "")])
        corridor_year = (origin, area_id, year)
        if latest.get(corridor_year, "") < period:
            latest[corridor_year] = period
    for row in staged:
        row[6] = latest[(row[1], row[2], row[4])] == row[3]
    _insert(
        CorridorValue,
        ["measure", "origin_id", "destination_id", "period", "year", "value", "is_year_latest", "observation_id",
         "source_name"],
        staged,
    )  # fmt: skip
    if measure.code in ADDITIVE:
        totals = [[area, f"{measure.code}:in", year, v, n] for (area, year), (v, n) in totals_in.items()]
        totals += [[area, f"{measure.code}:out", year, v, n] for (area, year), (v, n) in totals_out.items()]
    else:
        totals = _averages(measure.code, staged)
    _insert(AreaTotal, ["area_id", "measure", "year", "value", "corridors"], totals)
    return len(staged), dict(sorted(missed.items()))


def _averages(code: str, staged: list) -> list:
    """A non-additive measure (the cost of remitting): per area and year, the mean of
    the corridors' latest value in the year — ":in" over corridors ending in the area
    (money sent from it), ":out" over those starting there (money sent to it)."""
    sums: dict = defaultdict(lambda: [0.0, 0])
    for _code, origin, destination, _period, year, value, latest, *_rest in staged:
        if not latest:
            continue
        for key in ((destination, "in", year), (origin, "out", year)):
            sums[key][0] += value
            sums[key][1] += 1
    return [[area, f"{code}:{side}", year, v / n, n] for (area, side, year), (v, n) in sums.items()]


def _analyze() -> None:
    """Fresh planner statistics for the rebuilt tables: on PostgreSQL a table just
    refilled by the hundred thousand keeps its old (or no) statistics until
    autovacuum comes by, and the planner may then scan instead of seeking."""
    if connection.vendor != "postgresql":
        return
    tables = [connection.ops.quote_name(m._meta.db_table) for m in (CorridorValue, AreaTotal, SeriesSlice)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def _delete(queryset) -> None:
    """One DELETE statement: ``QuerySet.delete()`` would load every row to send
    its delete signals (the data-version receiver listens), one bump per row."""
    queryset._raw_delete(queryset.db)


def _insert(model, columns: list[str], rows: list) -> None:
    """Plain ``executemany`` in chunks: these tables are rebuilt by the hundred thousand."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    fields = {f.attname: f.column for f in model._meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(fields[c]) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])


def _slices(series_ids: list[int]) -> None:
    """Which periods and disaggregations each series has (counterpart keys left out)."""
    if not series_ids:
        return
    obs = connection.ops.quote_name(Observation._meta.db_table)
    table = connection.ops.quote_name(SeriesSlice._meta.db_table)
    marks = ", ".join(["%s"] * len(series_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (series_id, year, period, dimension_key, areas) "
            f"SELECT series_id, year, period, dimension_key, COUNT(DISTINCT area_id) FROM {obs} "
            f"WHERE series_id IN ({marks}) AND dimension_key NOT LIKE %s "
            "GROUP BY series_id, year, period, dimension_key",
            [*series_ids, f"%{COUNTERPART}=%"],
        )


_pending: dict = {"key": None, "value": None}


def pending_rebuild() -> dict | None:
    """Whether data imported since the last rebuild are not in the aggregates yet:
    ``None`` when they are up to date, else ``{"series": n, "worker": bool}`` (whether
    a task worker is about to run the rebuild, or someone must run
    ``gcmhub explorer rebuild``). Read once per data version and process."""
    key = dataversion.current().key
    if _pending["key"] != key:
        built = BuildState.objects.order_by("pk").values_list("data_versions", flat=True).first()
        used = built or {}
        changed = [pk for pk, version in Series.objects.values_list("pk", "data_version")
                   if used.get(str(pk)) != version]  # fmt: skip
        value = None
        if changed and built is not None:
            from gcmhub import workers

            value = {"series": len(changed), "worker": workers.seen_recently()}
        _pending.update(key=key, value=value)
    return _pending["value"]
