"""Write the records a reader yields into the database: the one loader.

    result = load(formats.get_reader("tidy").read(path), format="tidy",
                  file_name="data.csv", sha256=digest, user=None)

Guarantees (docs/indicators.md):

* **All or nothing.** Everything happens in one transaction. A problem in
  any row (and ``skip_invalid`` not set) raises ``ImportRejected`` after the
  transaction is rolled back; an exception or a killed process leaves the
  database as it was, because nothing is committed before the end.
* **Idempotent.** Rows are matched on their key (series, area, period,
  dimension key); an identical row is counted as unchanged and not written,
  so importing a file twice writes nothing the second time. A changed row is
  updated and its previous state is kept as an ``ObservationRevision``.
* **Streaming and bulk.** Records are taken in chunks (10,000 by default);
  each chunk is written with one multi-row statement per kind of write (an
  ``executemany`` on SQLite, ``COPY`` on PostgreSQL) and existing rows are
  looked up per chunk, never per row. Series that held no observations when
  the import started skip the lookup altogether. Areas, series, dimension
  keys and sources are resolved once per distinct value.

Blank values. A record whose value is missing and that carries no
observation status and no footnote says nothing, and is counted as
``missing`` without being stored (nor does it erase a stored value). With a
status or a footnote it is stored with an empty value.
"""

from __future__ import annotations

import csv
import io
import re
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from operator import attrgetter

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.errors import Forbidden, InvalidInput
from gcmhub.geo.names import AreaNameError
from gcmhub.geo.resolver import get_resolver

from .formats.records import FormatError, Problem
from .formats.records import Observation as Record
from .keys import TOTAL_CODES, dimension_key
from .models import (
    DataSource,
    Dimension,
    DimensionCode,
    Direction,
    ImportBatch,
    Indicator,
    Observation,
    ObservationRevision,
    Series,
)

__all__ = ["CHUNK_SIZE", "ImportRejected", "ImportResult", "load"]

CHUNK_SIZE = 10_000
REPORTED_PROBLEMS = 100  # problems listed in full in a report; the rest are counted

# Field limits (the columns' max_length): longer text is a problem, not a crash.
# An Observation as the tuple of its fields, in declaration order.
_AS_TUPLE = attrgetter(*(f.name for f in fields(Record)))
# Length of a "plain" record tuple from parallel.py: series, indicator, area,
# scheme, period, year, value, dimensions, line, series name — no attributes.
PLAIN = 10

_LIMITS = {"period": 24, "unit": 100, "obs_status": 60, "nature": 60, "dimension key": 500, "series": 100}

# Formats whose series codes a person typed: an unknown code there must come
# with an indicator or a series name, so that a typo never creates a series.
# The other readers make their codes themselves (UNHCR_POPULATION_REFUGEES).
USER_CODED_FORMATS = frozenset({"tidy"})

# Preferred direction of the migration-related SDG indicators created on import
# (higher is better unless listed). An administrator can change it afterwards.
LOWER_IS_BETTER = frozenset({"10.7.1", "10.7.3", "10.7.4", "10.c.1", "8.8.1", "8.8.2", "8.7.1"})


class ImportRejected(InvalidInput):
    """The file has problems; nothing was written. ``problems`` lists the
    first ones in full, ``problem_count`` counts them all."""

    def __init__(self, problems: list[Problem], problem_count: int, report: dict | None = None):
        self.problems = list(problems)
        self.problem_count = problem_count
        self.report = report or {}
        first = "; ".join(str(problem) for problem in self.problems[:3])
        message = ngettext(
            "The import was refused: %(count)d problem, nothing was written. %(first)s",
            "The import was refused: %(count)d problems, nothing was written. %(first)s",
            problem_count,
        ) % {"count": problem_count, "first": first}
        super().__init__(message.strip())

    def __reduce__(self):
        return (ImportRejected, (self.problems, self.problem_count, self.report))


@dataclass
class ImportResult:
    format: str
    file_name: str
    sha256: str = ""
    source: str = ""
    dry_run: bool = False
    batch_id: int | None = None
    rows_read: int = 0  # records received from the reader (observations and problems)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # identical repeats of a key within the import
    missing: int = 0  # blank values with nothing else to say, not stored
    rejected: int = 0  # rows with a problem (not written)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    unknown_areas: dict[str, dict] = field(default_factory=dict)
    series_created: list[str] = field(default_factory=list)
    indicators_created: list[str] = field(default_factory=list)
    dimensions_created: list[str] = field(default_factory=list)
    codes_created: list[str] = field(default_factory=list)
    areas: int = 0
    series: int = 0
    rejects_path: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return self.created + self.updated

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0

    def report(self) -> dict:
        """A JSON-able summary, stored on the batch and returned by the API."""
        return {
            "format": self.format,
            "file": self.file_name,
            "sha256": self.sha256,
            "source": self.source,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "missing": self.missing,
            "rejected": self.rejected,
            "problem_count": self.problem_count,
            "problems": [problem_dict(problem) for problem in self.problems],
            "unknown_areas": list(self.unknown_areas.values()),
            "series": self.series,
            "areas": self.areas,
            "series_created": self.series_created,
            "indicators_created": self.indicators_created,
            "dimensions_created": self.dimensions_created,
            "codes_created": self.codes_created[:200],
            "codes_created_count": len(self.codes_created),
            "rejects_file": self.rejects_path,
            "seconds": round(self.seconds, 3),
        }


def problem_dict(problem: Problem) -> dict:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "reason": problem.reason,
        "message": str(problem),
    }


@dataclass(slots=True)
class _SeriesInfo:
    id: int
    code: str
    unit: str
    fresh: bool  # held no observations when the import started (or was created by it)


NEW = 0
SAME = -1
UNKNOWN_LINE = 0x7FFFFFFF  # a key written before the loader started checking repeats


class KeyIndex:
    """The keys seen in this import, in about 16 bytes each.

    Open addressing over two flat arrays, at most half full: a 64-bit hash
    of the key, and the line with a 32-bit hash of the value. ``add`` gives
    NEW, SAME (an identical repeat) or the earlier line whose value
    differs. A million keys take 32 MB, against some 200 MB for a set of
    tuples. Two keys sharing a 64-bit hash (odds about 1 in 10¹⁰ per million
    keys) would be taken for a repeat. ``_process`` inlines the common case.
    """

    __slots__ = ("keys", "payload", "mask", "count", "limit")

    def __init__(self, expected: int = 0):
        size = 1 << 16
        while size < expected * 3:  # at most a third full: few probes
            size *= 2
        self.keys = array("q", bytes(8 * size))
        self.payload = array("q", bytes(8 * size))
        self.mask = size - 1
        self.count = 0
        self.limit = size // 2

    def add(self, key_hash: int, value_hash: int, line: int) -> int:
        keys, mask = self.keys, self.mask
        position = key_hash & mask
        while True:
            stored = keys[position]
            if not stored:
                keys[position] = key_hash
                self.payload[position] = (line << 32) | (value_hash & 0xFFFFFFFF)
                self.count += 1
                if self.count > self.limit:
                    self.grow()
                return NEW
            if stored == key_hash:
                payload = self.payload[position]
                if payload & 0xFFFFFFFF == value_hash & 0xFFFFFFFF:
                    return SAME
                return payload >> 32
            position = (position + 1) & mask

    def grow(self) -> None:
        keys, payload = self.keys, self.payload
        size = len(keys) * 4
        self.keys = new_keys = array("q", bytes(8 * size))
        self.payload = new_payload = array("q", bytes(8 * size))
        self.mask = mask = size - 1
        self.limit = size // 2
        for slot, key in enumerate(keys):
            if key:
                position = key & mask
                while new_keys[position]:
                    position = (position + 1) & mask
                new_keys[position] = key
                new_payload[position] = payload[slot]


class _Stop(Exception):
    """Rolls the transaction back at the end of a dry run."""


# Column order of the bulk writes.
_INSERT_COLUMNS = (
    "series_id", "area_id", "period", "year", "dimension_key", "value", "unit", "unit_mult",
    "obs_status", "nature", "footnote", "source_id", "batch_id",
)  # fmt: skip
_SHORT_COLUMNS = ("series_id", "area_id", "period", "year", "dimension_key", "value", "source_id", "batch_id")
_COMPARED = ("value", "unit", "unit_mult", "obs_status", "nature", "footnote", "source_id")
_REVISION_COLUMNS = (
    "observation_id", "value", "unit", "unit_mult", "obs_status", "nature", "footnote", "source_id",
    "old_batch_id", "replaced_by_id", "replaced_at",
)  # fmt: skip


def load(
    records: Iterable[Record | Problem],
    *,
    format: str,  # noqa: A002 - the word users type
    file_name: str,
    sha256: str = "",
    user=None,
    source: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejects_path=None,
    default_area=None,
    allowed_area_ids: set[int] | None = None,
    progress_callback: Callable[[ImportResult], None] | None = None,
    batch: ImportBatch | None = None,
    options: dict | None = None,
    chunk_size: int = CHUNK_SIZE,
    path_alias: list[tuple[str, str]] | None = None,
    expected_rows: int = 0,
    reader_checked: bool = False,
    reader_stats=None,
) -> ImportResult:
    """Import ``records`` in one transaction; see the module docstring.

    ``default_area`` (an Area) is used for records whose scheme is
    ``"default"``; ``allowed_area_ids`` limits the areas the rows may be for
    (a focal point's country) and raises Forbidden otherwise; ``batch`` is an
    existing ImportBatch to fill in (uploads through the API), else one is
    created inside the transaction; ``path_alias`` — pairs (stored path
    prefix, name shown) — renames files in problems; ``expected_rows``, an
    estimate, sizes the index of keys seen once instead of growing it;
    ``reader_checked`` says the reader refused or skipped repeated keys
    itself (its ``ReadStats``, ``reader_stats``, counts the skipped ones). Raises ImportRejected for bad input.
    """
    loader = _Loader(
        format=format,
        file_name=file_name,
        sha256=sha256,
        user=user,
        source=source or "",
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        rejects_path=rejects_path,
        default_area=default_area,
        allowed_area_ids=allowed_area_ids,
        progress_callback=progress_callback,
        batch=batch,
        options=options or {},
        chunk_size=chunk_size,
        path_alias=path_alias,
        expected_rows=expected_rows,
        reader_checked=reader_checked,
        reader_stats=reader_stats,
    )
    return loader.run(records)


class _Loader:
    def __init__(self, **settings):
        self.__dict__.update(settings)
        self.result = ImportResult(
            format=self.format, file_name=self.file_name, sha256=self.sha256, source=self.source,
            dry_run=self.dry_run, rejects_path=str(self.rejects_path) if self.rejects_path else None,
        )  # fmt: skip
        self.vendor = connection.vendor
        self._series: dict[str, _SeriesInfo | str] = {}
        self._areas: dict[tuple, int | str] = {}
        self._dims: dict[tuple, str | tuple[str, str]] = {}
        self._sources: dict[str, int] = {}
        self._seen = KeyIndex(self.expected_rows)
        # Whether this loader must find repeated keys itself. A reader that
        # checked its own file (``reader_checked``) has refused or skipped every
        # repeat of the file's own keys; two different keys in the file can
        # still meet here only if two spellings resolve to the same area,
        # series or dimension key — _aliased() switches the check on then.
        self.check_repeats = not self.reader_checked
        self._stats_counted = False
        self._keys_made: set[str] = set()
        self._inserts: list[tuple] = []  # new rows, all columns
        self._short: list[tuple] = []  # new rows without unit, status, nature or footnote
        self._pending: list[tuple] = []  # rows of series that already had data: merged in _merge
        self._area_ids: set[int] = set()
        self._area_names: dict[int, str] = {}
        self._series_ids: set[int] = set()
        self._rejects = None
        self._rejects_file = None
        self._failed = False  # a problem seen and not skipping: validate, write no more

    # --- the run ---------------------------------------------------------

    def run(self, records) -> ImportResult:
        result = self.result
        result.started_at = timezone.now()
        started = time.perf_counter()
        if self.rejects_path:
            self._rejects_file = open(self.rejects_path, "w", newline="", encoding="utf-8")  # noqa: SIM115
            self._rejects = csv.writer(self._rejects_file)
            self._rejects.writerow(["file", "line", "column", "reason", "row"])
        try:
            with transaction.atomic():
                self._begin()
                self._read_all(records)
                result.seconds = time.perf_counter() - started
                result.finished_at = timezone.now()
                if result.problem_count and not self.skip_invalid:
                    raise ImportRejected(result.problems, result.problem_count, self._final_report())
                if self.dry_run:
                    raise _Stop
                self._finish_batch()
        except _Stop:
            # The transaction is rolled back; a batch that existed before the
            # import (an upload) records the outcome of the validation.
            if self.batch_given:
                self._finish_batch()
            else:
                result.batch_id = None
        finally:
            if self._rejects_file is not None:
                self._rejects_file.close()
            if self.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA cache_size = -2000")  # SQLite's default again
        result.seconds = time.perf_counter() - started
        return result

    def _final_report(self) -> dict:
        if self.reader_stats is not None and not self._stats_counted:
            self._stats_counted = True
            self.result.duplicates += self.reader_stats.duplicates  # repeats the reader skipped
        self.result.areas = len(self._area_ids)
        self.result.series = len(self._series_ids)
        return self.result.report()

    def _begin(self) -> None:
        self.batch_given = self.batch is not None
        if self.batch is None:
            self.batch = ImportBatch.objects.create(
                format=self.format,
                file_name=self.file_name[:500],
                sha256=self.sha256,
                user=self.user,
                source=self.source[:500],
                area=self.default_area,
                options={k: v for k, v in self.options.items() if isinstance(v, (str, int, float, bool))},
                status=ImportBatch.Status.RUNNING,
                started_at=self.result.started_at,
            )
        self.result.batch_id = self.batch.pk
        self.batch_id = self.batch.pk
        self.now = self.result.started_at
        self.default_source_id = self._source_id(self.source) if self.source else None
        self.resolver = get_resolver()
        self._load_dimensions()
        if self.vendor == "sqlite":
            # A bigger page cache keeps the indexes of a large import in memory.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # up to 256 MB, for this import only

    def _finish_batch(self) -> None:
        result = self.result
        batch = self.batch
        report = self._final_report()
        batch.status = ImportBatch.Status.VALIDATED if self.dry_run else ImportBatch.Status.SUCCEEDED
        batch.finished_at = result.finished_at
        batch.started_at = batch.started_at or result.started_at
        batch.rows_read = result.rows_read
        batch.rows_written = result.written
        batch.rows_unchanged = result.unchanged
        batch.rows_rejected = result.rejected
        batch.report = report
        batch.save()

    def _read_all(self, records) -> None:
        """Validate and buffer every record, writing a chunk whenever one is full.

        The loop handles the common row inline — a series that held no data,
        a known area and disaggregation, a value and nothing else — because a
        method call per row is a measurable share of a million-row import;
        every other record goes through ``_process``, which applies the same
        rules in full.
        """
        result = self.result
        chunk = self.chunk_size
        process = self._process
        as_tuple = _AS_TUPLE
        series_map, areas, dims_map = self._series, self._areas, self._dims
        seen = self._seen
        short = self._short
        batch_id = self.batch_id
        default_source = self.default_source_id
        count = buffered = 0
        try:
            for record in records:
                count += 1
                kind = type(record)
                if kind is not tuple:
                    if kind is Problem:
                        self._problem(record)
                        continue
                    record = as_tuple(record)
                if len(record) == PLAIN:
                    series_code, _indicator, area, scheme, period, year, value, dims, line, _name = record
                else:
                    (series_code, _indicator, area, scheme, period, year, value, dims, unit, unit_mult, status,
                     nature, footnote, source, line, _name) = record  # fmt: skip
                    if unit or status or nature or footnote or source or unit_mult is not None:
                        buffered += process(record)
                        if buffered >= chunk:
                            result.rows_read = count
                            self._flush()
                            buffered = 0
                        continue
                series = series_map.get(series_code)
                area_id = areas.get((area, scheme))
                key = dims_map.get(dims) if dims else ""
                if (
                    value is None or type(area_id) is not int or type(key) is not str or type(line) is not int
                    or series is None or type(series) is str or not series.fresh or len(period) > 24
                    or self._failed
                ):  # fmt: skip
                    buffered += process(record)
                elif not self.check_repeats:
                    short.append((series.id, area_id, period, year, key, value, default_source, batch_id))
                    buffered += 1
                else:
                    # Repeats within the import (see _process): finding a free slot inline.
                    series_id = series.id
                    key_hash = hash((series_id, area_id, period, key)) or 1
                    keys = seen.keys
                    mask = seen.mask
                    position = key_hash & mask
                    stored = keys[position]
                    while stored and stored != key_hash:
                        position = (position + 1) & mask
                        stored = keys[position]
                    if stored:  # the same key again: _process tells a repeat from a conflict
                        buffered += process(record)
                    else:
                        keys[position] = key_hash
                        seen.payload[position] = (line << 32) | (hash((value, "")) & 0xFFFFFFFF)
                        seen.count += 1
                        if seen.count > seen.limit:
                            seen.grow()
                        short.append((series_id, area_id, period, year, key, value, default_source, batch_id))
                        buffered += 1
                if buffered >= chunk:
                    result.rows_read = count
                    self._flush()
                    buffered = 0
        except (FormatError, OSError, UnicodeError) as error:
            result.rows_read = count
            if not isinstance(error, FormatError):  # the file vanished, or is not text after all
                error = FormatError(self.file_name, _("cannot be read: %(error)s") % {"error": error})
            self._problem(Problem(error.file or self.file_name, error.line, error.column, error.reason))
            self.skip_invalid = False  # a file that cannot be read is never partly imported
        result.rows_read = count
        self._flush()

    # --- one record --------------------------------------------------------

    def _process(self, record: tuple) -> int:
        """Validate one record (a tuple in ``Observation`` field order, or a
        plain one, see ``PLAIN``) and buffer its row; 1 if a row was buffered, else 0."""
        if len(record) == PLAIN:
            s, i, a, sc, p, y, v, d, ln, n = record
            record = (s, i, a, sc, p, y, v, d, None, None, None, None, None, None, ln, n)
        (series_code, _indicator, area, scheme, period, year, value, dims, unit, unit_mult, status, nature,
         footnote, source, line, _series_name) = record  # fmt: skip
        series = self._series.get(series_code)
        if series is None:
            series = self._series_for(Record(*record))
        if type(series) is str:
            return self._reject(record, "series", series)
        area_id = self._areas.get((area, scheme))
        if area_id is None:
            area_id = self._area_for(Record(*record))
        if type(area_id) is str:
            return self._reject(record, "area", area_id)
        if dims:
            key = self._dims.get(dims)
            if key is None:
                key = self._dimension_key(dims)
            if type(key) is tuple:
                return self._reject(record, key[0], key[1])
        else:
            key = ""
        status = status or ""
        footnote = footnote or ""
        if value is None and not status and not footnote:
            self.result.missing += 1
            return 0
        nature = nature or ""
        unit = unit or ""
        if len(period) > 24 or (status and len(status) > 60) or (nature and len(nature) > 60) or len(unit) > 100:
            return self._too_long(record, period, status, nature, unit)
        if unit:
            if unit == series.unit:
                unit = ""
            elif not series.unit:
                self._set_series_unit(series, unit)
                unit = ""
        source_id = self.default_source_id
        if source:
            source_id = self._sources.get(source) or self._source_id(source)
        series_id = series.id
        # Repeats within the import: identical ones are skipped, others refused.
        # The common case — a new key landing in a free slot of the index — is
        # inlined (as in formats/tidy.py): a method call per row costs more.
        if not self.check_repeats:
            return self._buffer(series, series_id, area_id, period, year, key, value, unit, unit_mult, status,
                                nature, footnote, source_id)  # fmt: skip
        seen = self._seen
        key_hash = hash((series_id, area_id, period, key)) or 1
        keys = seen.keys
        position = key_hash & seen.mask
        number = line if type(line) is int else self.result.rows_read
        if not keys[position]:
            keys[position] = key_hash
            seen.payload[position] = (number << 32) | (hash((value, status)) & 0xFFFFFFFF)
            seen.count += 1
            if seen.count > seen.limit:
                seen.grow()
            earlier = NEW
        else:
            earlier = seen.add(key_hash, hash((value, status)), number)
        if earlier != NEW:
            if earlier == SAME:
                self.result.duplicates += 1
                return 0
            known = type(line) is int and earlier != UNKNOWN_LINE
            where = _("line %(line)s") % {"line": earlier} if known else _("an earlier row")
            return self._reject(
                record, None,
                _("repeats the key of %(where)s (%(key)s) with a different value (%(value)s)")
                % {"where": where, "key": _describe(Record(*record)),
                   "value": "missing" if value is None else f"{value:g}"},
            )  # fmt: skip
        return self._buffer(series, series_id, area_id, period, year, key, value, unit, unit_mult, status, nature,
                            footnote, source_id)  # fmt: skip

    def _buffer(self, series, series_id, area_id, period, year, key, value, unit, unit_mult, status, nature,
                footnote, source_id) -> int:  # fmt: skip
        if self._failed:
            return 0
        if series.fresh:
            if unit or status or nature or footnote or unit_mult is not None:
                self._inserts.append((series_id, area_id, period, year, key, value, unit, unit_mult, status,
                                      nature, footnote, source_id, self.batch_id))  # fmt: skip
            else:
                self._short.append((series_id, area_id, period, year, key, value, source_id, self.batch_id))
        else:
            self._pending.append((series_id, area_id, period, year, key, value, unit, unit_mult, status,
                                  nature, footnote, source_id, self.batch_id))  # fmt: skip
        return 1

    def _aliased(self) -> None:
        """Two spellings met one area, series or key: check repeats from now on,
        starting with every key this import has written so far."""
        if self.check_repeats:
            return
        self.check_repeats = True
        self._flush()
        for series_id in self._series_ids:
            written = Observation.objects.filter(series_id=series_id, batch_id=self.batch_id).values_list(
                "area_id", "period", "dimension_key", "value", "obs_status"
            )
            for area_id, period, key, value, status in written.iterator(chunk_size=5000):
                self._seen.add(hash((series_id, area_id, period, key)) or 1, hash((value, status)), UNKNOWN_LINE)

    def _too_long(self, record, period, status, nature, unit) -> int:
        for name, text in (("period", period), ("obs_status", status), ("nature", nature), ("unit", unit)):
            if len(text) > _LIMITS[name]:
                return self._reject(
                    record, name,
                    _("the %(field)s is longer than %(limit)d characters") % {"field": name, "limit": _LIMITS[name]},
                )  # fmt: skip
        return 0

    def _reject(self, record: tuple, column, reason: str) -> int:
        obs = Record(*record)
        raw = (obs.series, obs.area or "", obs.period, dimension_key(obs.dimensions),
               "" if obs.value is None else repr(obs.value))  # fmt: skip
        self._problem(Problem(self.file_name, obs.line, column, reason, raw))
        return 0

    def _problem(self, problem: Problem) -> None:
        result = self.result
        for stored, shown in self.path_alias or ():
            # Name the file as the user knows it, not where the server stored it.
            if problem.file and problem.file.startswith(stored):
                rest = problem.file[len(stored) :].lstrip("/\\")
                problem = replace(problem, file="/".join(part for part in (shown, rest) if part))
                break
        result.problem_count += 1
        result.rejected += 1
        if len(result.problems) < REPORTED_PROBLEMS:
            result.problems.append(problem)
        if self._rejects is not None:
            row = "" if problem.raw_row is None else _csv_line(problem.raw_row)
            self._rejects.writerow([problem.file, "" if problem.line is None else problem.line,
                                    problem.column or "", problem.reason, row])  # fmt: skip
        if not self.skip_invalid and not self._failed:
            # Nothing will be committed: stop writing, keep validating.
            self._failed = True
            self._short.clear()
            self._inserts.clear()
            self._pending.clear()

    # --- resolving names and codes ---------------------------------------------

    def _series_for(self, obs: Record):
        code = (obs.series or "").strip()
        info = self._lookup_series(code, obs)
        self._series[obs.series] = info
        return info

    def _lookup_series(self, code: str, obs: Record):
        from gcmhub.framework.models import SdgSeries

        if not code:
            return _("the series is blank")
        if len(code) > _LIMITS["series"]:
            return _("the series code is longer than %(limit)d characters") % {"limit": _LIMITS["series"]}
        series = Series.objects.filter(code=code).first()
        if series is not None:
            fresh = not Observation.objects.filter(series_id=series.pk).exists()
        else:
            fresh = True
            sdg = SdgSeries.objects.filter(code=code).select_related("indicator").first()
            if sdg is not None:
                indicator = self._indicator(sdg.indicator.code, obs)
                series = Series(code=code, indicator=indicator, sdg_series=sdg, description=sdg.description[:500])
            elif obs.indicator or obs.series_name or self.format not in USER_CODED_FORMATS:
                indicator = self._indicator(obs.indicator.strip(), obs) if obs.indicator else None
                if isinstance(indicator, str):
                    return indicator
                series = Series(code=code, indicator=indicator, description=(obs.series_name or "")[:500])
            else:
                return _(
                    "unknown series %(code)s: it is not in the catalogue nor in the SDG framework, and the "
                    "file does not say which indicator it measures"
                ) % {"code": code}
            series.unit = (obs.unit or "")[:100]
            series._history_user = self.user
            series.save()
            self.result.series_created.append(code)
        if series.pk in self._series_ids:
            self._aliased()  # " SI_RMT_COST" and "SI_RMT_COST": one series
        self._series_ids.add(series.pk)
        return _SeriesInfo(series.pk, code, series.unit, fresh)

    def _indicator(self, code: str, obs: Record):
        from gcmhub.framework.models import SdgIndicator

        indicator = Indicator.objects.filter(code=code).first()
        if indicator is not None:
            return indicator
        if len(code) > 40:
            return _("the indicator code %(code)s is longer than 40 characters") % {"code": code[:50]}
        sdg = SdgIndicator.objects.filter(code=code).first()
        if sdg is not None:
            indicator = Indicator(
                code=code, name_en=sdg.title_en, name_fr=sdg.title_fr, name_es=sdg.title_es,
                custodian=sdg.custodians, sdg_indicator=sdg, unit=(obs.unit or "")[:100],
                direction=Direction.NEGATIVE if code in LOWER_IS_BETTER else Direction.POSITIVE,
            )  # fmt: skip
        else:
            # A national indicator the file defines: named after its series until edited.
            indicator = Indicator(code=code, name_en=(obs.series_name or code)[:500], unit=(obs.unit or "")[:100])
        indicator._history_user = self.user
        indicator.save()
        self.result.indicators_created.append(code)
        return indicator

    def _set_series_unit(self, series: _SeriesInfo, unit: str) -> None:
        Series.objects.filter(pk=series.id).update(unit=unit)
        series.unit = unit

    def _area_for(self, obs: Record):
        text, scheme = obs.area, obs.area_scheme
        found = self._resolve_area(text, scheme)
        if type(found) is int and self.allowed_area_ids is not None and found not in self.allowed_area_ids:
            name = self._area_names.get(found, text)
            raise Forbidden(
                _("You may import data only for your own country; %(file)s, line %(line)s is for %(area)s.")
                % {"file": self.file_name, "line": obs.line, "area": name}
            )
        self._areas[(text, scheme)] = found
        if type(found) is int:
            if found in self._area_ids:
                self._aliased()  # "Kenya" and "KEN" in one file: one area, two spellings
            self._area_ids.add(found)
        return found

    def _resolve_area(self, text, scheme):
        if text is None or text == "" or (scheme == "default" and self.default_area is not None):
            if self.default_area is None:
                return _("the row names no area and no default area was given (use --area)")
            self._area_names[self.default_area.pk] = self.default_area.name_en
            return self.default_area.pk
        resolver = self.resolver
        text = str(text).strip()
        area = None
        if scheme in ("iso3", "iso2", "m49"):
            try:
                area = resolver.areas[resolver.index.m49_for(text)]
            except (KeyError, ValueError):
                area = None
        elif scheme == "m49name":  # an official M49 English name first, then like any name
            found = resolver.index.official(text)
            area = resolver.areas.get(found.m49) if found is not None else None
        if area is None:
            try:
                area = resolver.resolve(text)
            except AreaNameError as error:
                self.result.unknown_areas.setdefault(
                    text,
                    {
                        "text": text,
                        "problem": error.problem,
                        "message": error.message,
                        "candidates": [candidate.as_dict() for candidate in error.candidates],
                    },
                )
                return error.message
        self._area_names[area.pk] = area.name_en
        return area.pk

    def _load_dimensions(self) -> None:
        self._dimension_rules: dict[str, tuple] = {}
        codes: dict[int, set[str]] = {}
        for dimension_id, code in DimensionCode.objects.values_list("dimension_id", "code"):
            codes.setdefault(dimension_id, set()).add(code)
        for dimension in Dimension.objects.all():
            pattern = re.compile(dimension.code_pattern) if dimension.code_pattern else None
            self._dimension_rules[dimension.code] = (dimension, pattern, codes.get(dimension.pk, set()))

    def _dimension_key(self, dims: tuple):
        """The key for a record's dimensions, or ``(column, reason)``."""
        found = None
        for code, value in dims:
            code, value = str(code), str(value)
            if value in TOTAL_CODES:
                continue
            if not code or len(code) > 100:
                found = ("dimensions", _("the dimension name %(code)r is empty or too long") % {"code": code[:40]})
                break
            if len(value) > 200:
                found = (code, _("the %(dimension)s code is longer than 200 characters") % {"dimension": code})
                break
            problem = self._check_code(code, value)
            if problem:
                found = (code, problem)
                break
        if found is None:
            key = dimension_key(dims)
            found = key if len(key) <= _LIMITS["dimension key"] else (
                "dimensions", _("the disaggregation is longer than 500 characters"))  # fmt: skip
        self._dims[dims] = found
        if type(found) is str:
            if found in self._keys_made:
                self._aliased()  # (("SEX", "_T"),) and (): both the headline
            self._keys_made.add(found)
        return found

    def _check_code(self, code: str, value: str) -> str | None:
        rule = self._dimension_rules.get(code)
        if rule is None:
            dimension = Dimension.objects.create(code=code, name_en=code, created_by_id=self.batch_id)
            self.result.dimensions_created.append(code)
            rule = self._dimension_rules[code] = (dimension, None, set())
        dimension, pattern, codes = rule
        if value in codes:
            return None
        if dimension.closed:
            allowed = ", ".join(sorted(codes))
            return _("unknown dimension code %(value)r for %(dimension)s (allowed: %(allowed)s)") % {
                "value": value, "dimension": code, "allowed": allowed}  # fmt: skip
        if pattern is not None and not pattern.match(value):
            return _("%(value)r is not a valid %(dimension)s code") % {"value": value, "dimension": code}
        DimensionCode.objects.create(dimension=dimension, code=value, name_en=value, created_by_id=self.batch_id)
        codes.add(value)
        self.result.codes_created.append(f"{code}={value}")
        return None

    def _source_id(self, name: str) -> int:
        name = name.strip()[:500]
        found = self._sources.get(name)
        if found is None:
            found = DataSource.objects.get_or_create(name=name)[0].pk
            self._sources[name] = found
        return found

    # --- writing --------------------------------------------------------------

    def _flush(self) -> None:
        # The buffers are emptied in place: _read_all holds references to them.
        if self._short:
            _insert(self.vendor, self._short, _SHORT_COLUMNS)
            self.result.created += len(self._short)
            self._short.clear()
        if self._inserts:
            _insert(self.vendor, self._inserts)
            self.result.created += len(self._inserts)
            self._inserts.clear()
        if self._pending:
            self._merge(self._pending)
            self._pending.clear()
        if self.progress_callback is not None:
            self.progress_callback(self.result)

    def _merge(self, rows: list[tuple]) -> None:
        """Insert, update or leave alone rows whose series already had data."""
        existing = _existing(rows)
        inserts: list[tuple] = []
        updates: list[tuple] = []
        revisions: list[tuple] = []
        for row in rows:
            old = existing.get((row[0], row[1], row[2], row[4]))
            if old is None:
                inserts.append(row)
                continue
            # old: (id, value, unit, unit_mult, obs_status, nature, footnote, source_id, batch_id)
            new = (row[5], row[6], row[7], row[8], row[9], row[10], row[11])
            if new == old[1:8]:
                self.result.unchanged += 1
                continue
            updates.append((*new, self.batch_id, old[0]))
            revisions.append((old[0], *old[1:9], self.batch_id, self.now))
        if inserts:
            _insert(self.vendor, inserts)
            self.result.created += len(inserts)
        if updates:
            _update(updates)
            _insert_revisions(revisions)
            self.result.updated += len(updates)


def _csv_line(cells) -> str:
    """The cells of a rejected row as one CSV line, as they were in the file."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def _describe(obs: Record) -> str:
    parts = [obs.series, obs.area or "-", obs.period]
    parts.extend(f"{code}={value}" for code, value in obs.dimensions)
    return " ".join(str(part) for part in parts)


# --- SQL, kept to fixed statements with parameters -----------------------------

_OBS_TABLE = Observation._meta.db_table
_REV_TABLE = ObservationRevision._meta.db_table


def _insert(vendor: str, rows: list[tuple], names: tuple[str, ...] = _INSERT_COLUMNS) -> None:
    columns = ", ".join(names)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {_OBS_TABLE} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {_OBS_TABLE} ({columns}) VALUES ({placeholders})", rows)


def _update(rows: list[tuple]) -> None:
    assignments = ", ".join(f"{column} = %s" for column in (*_COMPARED, "batch_id"))
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {_OBS_TABLE} SET {assignments} WHERE id = %s", rows)


def _insert_revisions(rows: list[tuple]) -> None:
    columns = ", ".join(_REVISION_COLUMNS)
    placeholders = ", ".join(["%s"] * len(_REVISION_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {_REV_TABLE} ({columns}) VALUES ({placeholders})", rows)


_PARAM_BATCH = 900  # keeps every statement under SQLite's oldest variable limit


def _existing(rows: list[tuple]) -> dict[tuple, tuple]:
    """Stored rows matching the keys of ``rows``, by key, in a few queries.

    Per series: the areas and periods of the chunk select a superset of the
    keys through the unique index; the exact keys are matched in Python.
    """
    by_series: dict[int, tuple[set, set]] = {}
    for row in rows:
        areas, periods = by_series.setdefault(row[0], (set(), set()))
        areas.add(row[1])
        periods.add(row[2])
    wanted = {(row[0], row[1], row[2], row[4]) for row in rows}
    found: dict[tuple, tuple] = {}
    fields = ("series_id", "area_id", "period", "dimension_key", "id", *_COMPARED, "batch_id")
    for series_id, (areas, periods) in by_series.items():
        area_list, period_list = sorted(areas), sorted(periods)
        for a in range(0, len(area_list), _PARAM_BATCH // 2):
            for p in range(0, len(period_list), _PARAM_BATCH // 2):
                query = Observation.objects.filter(
                    series_id=series_id,
                    area_id__in=area_list[a : a + _PARAM_BATCH // 2],
                    period__in=period_list[p : p + _PARAM_BATCH // 2],
                ).values_list(*fields)
                for stored in query.iterator(chunk_size=5000):
                    key = stored[:4]
                    if key in wanted:
                        found[key] = stored[4:]
    return found
