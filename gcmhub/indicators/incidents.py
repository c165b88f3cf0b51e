"""Import Missing Migrants incidents with their place (``Incident`` rows).

The ``missing-migrants`` import format keeps what SDG 10.7.3 publishes —
sums by year and region — as observations. The explorer's incident map
needs each incident with its coordinates, cause and route; those are read
here by ``formats.missing_migrants.read_incident_details`` and stored in
``Incident``, keyed by the MMP incident id:

* all or nothing: every file is read and checked before one transaction
  writes; a problem anywhere (an unknown grouping, bad coordinates, a
  negative count, a repeated id) refuses the whole import and names the
  file, line, column and reason (``ImportRejected``, like other imports);
* an incident id already stored is replaced (the later export wins), so
  importing the same files again changes nothing;
* the import is recorded as an ``ImportBatch`` (format
  ``missing-migrants-incidents``) with its counts.

Only administrators and the command-line operator import incidents (they
cover the whole world).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from gcmhub import dataversion
from gcmhub.geo.resolver import AreaNameError, get_resolver

from .formats.missing_migrants import SOURCE, IncidentRecord, read_incident_details
from .formats.records import Problem, ReadStats
from .loader import ImportRejected
from .models import DataSource, ImportBatch, Incident
from .services import check_import_permission, file_sha256

FORMAT = "missing-migrants-incidents"
MAX_PROBLEMS = 100
LOOKUP_CHUNK = 5000


@dataclass(frozen=True)
class IncidentImportResult:
    batch_id: int | None
    read: int
    created: int
    updated: int
    unchanged: int


def import_incidents(actor, paths: Iterable[str | Path], *, dry_run: bool = False) -> IncidentImportResult:
    """Read every file, then write all incidents in one transaction (or none)."""
    check_import_permission(actor, None)
    paths = [Path(p) for p in paths]
    records: dict[str, tuple[IncidentRecord, str]] = {}
    problems: list[Problem] = []
    problem_count = 0
    resolver = get_resolver()
    groupings: dict[str, int | None] = {}
    for path in paths:
        stats = ReadStats()
        for item in read_incident_details(path, stats=stats):
            if isinstance(item, Problem):
                problem_count += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append(item)
                continue
            if item.grouping and item.grouping not in groupings:
                try:
                    groupings[item.grouping] = resolver.resolve(item.grouping).pk
                except AreaNameError as error:  # unknown or ambiguous: a problem of this row
                    groupings[item.grouping] = None
                    problem_count += 1
                    problems.append(
                        Problem(str(path), item.line, "UNSD Geographical Grouping", str(error), None)
                    )
                    continue
            elif item.grouping and groupings[item.grouping] is None:
                problem_count += 1
                continue
            earlier = records.get(item.incident_id)
            if earlier is not None and earlier[1] != str(path):
                problem_count += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append(Problem(
                        str(path), item.line, "Incident ID",
                        f"incident {item.incident_id} is also in {earlier[1]}, line {earlier[0].line}", None,
                    ))  # fmt: skip
                continue
            records[item.incident_id] = (item, str(path))
    if problem_count:
        raise ImportRejected(problems, problem_count)
    rows = [_row(record, groupings) for record, _path in records.values()]
    stored: dict[str, Incident] = {}
    ids = list(records)
    for start in range(0, len(ids), LOOKUP_CHUNK):  # bounded IN lists (SQLite's variable limit)
        for incident in Incident.objects.filter(incident_id__in=ids[start : start + LOOKUP_CHUNK]).only(
            *_COMPARED, "incident_id", "pk"
        ):
            stored[incident.incident_id] = incident
    new, changed, unchanged = [], [], 0
    for row in rows:
        before = stored.get(row.incident_id)
        if before is None:
            new.append(row)
        elif all(getattr(before, name) == getattr(row, name) for name in _COMPARED):
            unchanged += 1
        else:
            row.pk = before.pk
            changed.append(row)
    if dry_run:
        return IncidentImportResult(None, len(rows), len(new), len(changed), unchanged)
    with transaction.atomic():
        source, _ = DataSource.objects.get_or_create(name=SOURCE)
        now = timezone.now()
        batch = ImportBatch.objects.create(
            format=FORMAT, file_name=", ".join(p.name for p in paths)[:500],
            sha256=file_sha256(paths[0]) if len(paths) == 1 else "", source=SOURCE,
            user=actor, status=ImportBatch.Status.SUCCEEDED, started_at=now, finished_at=now,
            rows_read=len(rows), rows_written=len(new) + len(changed), rows_unchanged=unchanged,
            report={"created": len(new), "updated": len(changed), "unchanged": unchanged, "files": [str(p.name) for p in paths]},
        )  # fmt: skip
        for row in new + changed:
            row.source_id = source.pk
            row.batch_id = batch.pk
        Incident.objects.bulk_create(new, batch_size=2000)
        Incident.objects.bulk_update(changed, [*_COMPARED, "source", "batch"], batch_size=500)
        dataversion.bump()
    return IncidentImportResult(batch.pk, len(rows), len(new), len(changed), unchanged)


_COMPARED = (
    "year", "date", "mmp_region", "area_id", "dead", "missing", "total", "cause", "route", "location",
    "latitude", "longitude",
)  # fmt: skip


def _count(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def _row(record: IncidentRecord, groupings: dict[str, int | None]) -> Incident:
    return Incident(
        incident_id=record.incident_id[:60],
        year=record.year,
        date=Date.fromisoformat(record.date) if record.date else None,
        mmp_region=record.mmp_region[:100],
        area_id=groupings.get(record.grouping) if record.grouping else None,
        dead=_count(record.dead),
        missing=_count(record.missing),
        total=_count(record.total),
        cause=record.cause[:300],
        route=record.route[:200],
        location=record.location,
        latitude=record.latitude,
        longitude=record.longitude,
    )
