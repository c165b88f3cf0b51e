"""What people do with indicator data: import, export, query, set targets.

The CLI, the API, the background task and (later) the web pages call these
functions, so each check lives here once. ``actor`` is the acting user;
``None`` is the system operator at the command line (full rights).
"""

from __future__ import annotations

import hashlib
import importlib
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gcmhub.actors.rules import is_admin
from gcmhub.actors.services import require_permission
from gcmhub.errors import Forbidden, InvalidInput, NotFound
from gcmhub.geo.models import Area

from . import exporters
from .formats.records import FormatError, Problem, ReadStats
from .keys import TOTAL_CODES, dimension_filter_fragment, parse_dimension_key
from .loader import ImportRejected, ImportResult, load, recognition_key
from .models import ImportBatch, Indicator, Observation, Series, Target
from .parallel import available as read_in_child_available
from .parallel import read_in_child

__all__ = [
    "FORMATS",
    "ImportRejected",
    "export_observations",
    "export_rows",
    "file_sha256",
    "find_area",
    "get_reader",
    "import_visible_to",
    "observations_for",
    "run_import",
    "save_target",
]

# The FORMAT words of ``gcmhub import`` (one reader module each in formats/).
FORMATS = (
    "opensdg", "unsd-sdg", "sdmx", "wdi", "rpw", "desa-stock", "desa-matrix", "unhcr", "missing-migrants", "tidy",
)  # fmt: skip
_MODULES = {"desa-matrix": "desa_stock"}
# Below this size a file is read in the importing process (a fork costs more than it saves).
PARALLEL_MIN_BYTES = 8 * 1024 * 1024


# --- readers -----------------------------------------------------------------


def get_reader(name: str):
    """The reader module for a FORMAT word; InvalidInput for an unknown one."""
    if name not in FORMATS:
        raise InvalidInput(
            _("Unknown format “%(format)s”. Formats: %(formats)s.") % {"format": name, "formats": ", ".join(FORMATS)},
            field="format",
        )
    from . import formats

    getter = getattr(formats, "get_reader", None)
    try:
        if getter is not None:
            return getter(name)
        return importlib.import_module(f"{formats.__name__}.{_MODULES.get(name, name.replace('-', '_'))}")
    except (ImportError, KeyError, ValueError) as error:
        raise InvalidInput(
            _("The %(format)s reader is not available: %(error)s") % {"format": name, "error": error}, field="format"
        ) from None


def file_sha256(path) -> str:
    """SHA-256 of a file, or of every file under a folder (names and contents, in order)."""
    digest = hashlib.sha256()
    path = Path(path)
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(path)).encode())
            digest.update(b"\0")
            _feed(digest, file)
    else:
        _feed(digest, path)
    return digest.hexdigest()


def _feed(digest, file: Path) -> None:
    with file.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)


# --- areas --------------------------------------------------------------------


def find_area(code: str, field: str = "area") -> Area:
    """An area by ISO 3166 alpha-3 code (``KEN``) or M49 code (``001``)."""
    text = (code or "").strip()
    area = None
    if text.isdigit() and len(text) <= 3:
        area = Area.objects.filter(m49=text.zfill(3)).first()
    elif text:
        area = Area.objects.filter(iso3=text.upper()).first()
    if area is None:
        raise InvalidInput(_("There is no area with the code “%(code)s”.") % {"code": code}, field=field)
    return area


# --- import -------------------------------------------------------------------


def check_import_permission(actor, area: Area | None) -> set[int] | None:
    """Raise Forbidden unless ``actor`` may import for ``area``; the area ids
    the rows may then be for (None: any).

    Files covering several countries (no area given) are for administrators
    and the command-line operator; a focal point imports for their country,
    and every row is checked against it.
    """
    require_permission(actor, "indicators.import_data", area)
    if actor is None or is_admin(actor):
        return None
    if area is None:
        raise Forbidden(
            _(
                "Only administrators import files that cover several countries. "
                "Import your country's data with its area set (--area ISO3)."
            )
        )
    return {area.pk}


def run_import(
    actor,
    format: str,  # noqa: A002 - the word users type
    path,
    *,
    source: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    rejects_path=None,
    area: str | Area | None = None,
    options: dict | None = None,
    batch: ImportBatch | None = None,
    file_name: str | None = None,
    progress_callback: Callable[[ImportResult], None] | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Read ``path`` with the FORMAT reader and load it (see ``loader.load``).

    Files of ``PARALLEL_MIN_BYTES`` or more are read in a child process
    while this one writes (``parallel.py``); ``parallel`` forces either way.

    Raises ImportRejected (InvalidInput) with the report for bad input,
    Forbidden when ``actor`` may not import this data, InvalidInput for an
    unknown format, area or missing file.
    """
    reader = get_reader(format)
    if isinstance(area, str):
        area = find_area(area) if area.strip() else None
    allowed = check_import_permission(actor, area)
    path = Path(path)
    if not path.exists():
        raise InvalidInput(_("There is no file or folder “%(path)s”.") % {"path": path}, field="path")
    shown_name = file_name or path.name
    digest = file_sha256(path)
    reader_options = dict(options or {})
    # Readers find repeated keys in their file (with the line of the first one);
    # the loader takes over only if two spellings meet ("Kenya" and "KEN").
    reader_checked = reader_options.get("check_duplicates", True) is not False
    stats = ReadStats()

    default_code = area.iso3 or area.m49 if area else None
    if parallel is None:
        parallel = path.is_file() and path.stat().st_size >= PARALLEL_MIN_BYTES
    parallel = parallel and read_in_child_available()

    if parallel:
        records = read_in_child(reader, path, default_area=default_code, options=reader_options, stats=stats)
    else:
        try:
            records = reader.read(str(path), default_area=default_code, options=reader_options, stats=stats)
        except (FormatError, OSError, UnicodeError) as error:  # a reader that checks before it yields
            records = _raising(error)
    # A file's size says roughly how many rows it has (30 bytes or more a row).
    expected = path.stat().st_size // 30 if path.is_file() and path.suffix.lower() == ".csv" else 0

    return load(
        records,
        format=format,
        file_name=shown_name,
        sha256=digest,
        user=actor,
        source=source,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        rejects_path=rejects_path,
        default_area=area,
        allowed_area_ids=allowed,
        progress_callback=progress_callback,
        batch=batch,
        options={"dry_run": dry_run, "skip_invalid": skip_invalid, **reader_options},
        path_alias=[(str(path), shown_name), (str(path.parent), "")] if file_name else None,
        expected_rows=min(expected, 2_000_000),
        reader_checked=reader_checked,
        reader_stats=stats,
        recognition=_recognition(format, reader, path, reader_options, source, area, allowed),
    )


def _recognition(fmt, reader, path: Path, reader_options: dict, source, area, allowed) -> str | None:
    """What makes two imports of the same bytes write the same rows (see
    ``loader.recognition_key``): a tidy file's mapping is part of it by content."""
    options = {key: value for key, value in reader_options.items() if key != "mapping"}
    mapping = None
    if hasattr(reader, "load_mapping"):
        try:
            mapping = reader.load_mapping(str(path), reader_options)
        except (FormatError, OSError):
            return None  # the import reports it
    return recognition_key(
        format=fmt, source=(source or "").strip(), area=area.pk if area else None,
        scope=sorted(allowed) if allowed is not None else None, options=options, mapping=mapping,
    )  # fmt: skip


def _raising(error: Exception):
    """Records that consist of raising ``error``: the loader reports it like any other."""
    raise error
    yield  # pragma: no cover - makes this a generator


def import_visible_to(actor, batch_id) -> ImportBatch:
    """An import batch ``actor`` may see; NotFound otherwise (existence does not leak)."""
    batch = ImportBatch.objects.select_related("user", "area").filter(pk=batch_id).first()
    if batch is None or (actor is not None and not actor.has_perm("indicators.view_import", batch)):
        raise NotFound(_("No such import."))
    return batch


def visible_imports(actor) -> QuerySet:
    batches = ImportBatch.objects.select_related("user", "area")
    if actor is None or is_admin(actor):
        return batches
    if not actor.is_authenticated:
        return batches.none()
    return batches.filter(user=actor)


# --- queries --------------------------------------------------------------------


def get_series(code: str) -> Series:
    series = Series.objects.select_related("indicator").filter(code=code).first()
    if series is None:
        raise NotFound(_("No series “%(code)s”.") % {"code": code})
    return series


def get_indicator(code: str) -> Indicator:
    indicator = Indicator.objects.select_related("sdg_indicator").filter(code=code).first()
    if indicator is None:
        raise NotFound(_("No indicator “%(code)s”.") % {"code": code})
    return indicator


def dimension_q(code: str, value: str) -> Q:
    """Observations whose key holds ``code=value`` (``_T``: no ``code`` at all)."""
    if value in TOTAL_CODES:
        piece = dimension_filter_fragment(code, "")
        return ~(Q(dimension_key__startswith=piece) | Q(dimension_key__contains="|" + piece))
    piece = dimension_filter_fragment(code, value)
    return (
        Q(dimension_key=piece)
        | Q(dimension_key__startswith=piece + "|")
        | Q(dimension_key__endswith="|" + piece)
        | Q(dimension_key__contains="|" + piece + "|")
    )


def observations_for(
    series_code: str,
    area: str | Area | None = None,
    from_year: int | None = None,
    to_year: int | None = None,
    dimensions: dict[str, str] | None = None,
    *,
    headline: bool = False,
) -> QuerySet:
    """Observations of one series, optionally for one area (ISO3 or M49),
    a range of years and dimension values (``{"SEX": "F"}``; ``_T`` = total).

    The (series, area) filter uses the leading columns of the unique index.
    """
    series = get_series(series_code)
    observations = Observation.objects.filter(series=series)
    if area is not None and area != "":
        area = area if isinstance(area, Area) else find_area(area)
        observations = observations.filter(area=area)
    if from_year is not None:
        observations = observations.filter(year__gte=from_year)
    if to_year is not None:
        observations = observations.filter(year__lte=to_year)
    if headline:
        observations = observations.filter(dimension_key="")
    for code, value in (dimensions or {}).items():
        observations = observations.filter(dimension_q(code, value))
    # Periods start with their year, so this is year order, and the index's own.
    return observations.order_by("area_id", "period", "dimension_key")


def series_dimension_codes(observations: QuerySet) -> list[str]:
    """The dimension codes used by ``observations``, in SDMX order then by name."""
    codes: set[str] = set()
    for key in observations.order_by().values_list("dimension_key", flat=True).distinct():
        codes.update(code for code, _value in parse_dimension_key(key))
    from .formats.codes import DIMENSION_IDS

    order = {code: i for i, code in enumerate(DIMENSION_IDS)}
    return sorted(codes, key=lambda code: (order.get(code, len(order)), code))


# --- export ---------------------------------------------------------------------


def _export_queryset(series: str | None, area: str | None, indicator: str | None) -> QuerySet:
    observations = Observation.objects.all()
    if series:
        observations = observations.filter(series=get_series(series))
    if indicator:
        observations = observations.filter(series__indicator=get_indicator(indicator))
    if area:
        observations = observations.filter(area=find_area(area))
    return observations


def export_rows(observations: QuerySet) -> Iterator[exporters.ExportRow]:
    """Rows for the exporters, streamed from the database in index order."""
    fields = (
        "series__code", "series__indicator__code", "area__m49", "area__iso3", "area__name_en", "period", "year",
        "dimension_key", "value", "unit", "series__unit", "unit_mult", "obs_status", "nature", "footnote",
        "source__name",
    )  # fmt: skip
    ordered = observations.order_by("series__code", "area__m49", "year", "period", "dimension_key")
    for (series, indicator, m49, iso3, name, period, year, key, value, unit, series_unit, unit_mult, status,
         nature, footnote, source) in ordered.values_list(*fields).iterator(chunk_size=5000):  # fmt: skip
        yield exporters.ExportRow(
            series, indicator or "", m49, iso3, name, period, year, tuple(parse_dimension_key(key)), value,
            unit or series_unit, unit_mult, status, nature, footnote, source or "",
        )  # fmt: skip


def prepare_export(fmt: str, *, series: str | None = None, area: str | None = None, indicator: str | None = None):
    """``(rows, dimension_codes, several_areas)`` for an export; rows is lazy."""
    if fmt not in exporters.EXPORT_FORMATS:
        raise InvalidInput(
            _("Unknown export format “%(format)s”. Formats: %(formats)s.")
            % {"format": fmt, "formats": ", ".join(exporters.EXPORT_FORMATS)},
            field="format",
        )
    observations = _export_queryset(series, area, indicator)
    codes = series_dimension_codes(observations)
    several_areas = not area and observations.values("area_id").distinct()[:2].count() > 1
    return export_rows(observations), codes, several_areas


def export_observations(
    fmt: str, out, *, series: str | None = None, area: str | None = None, indicator: str | None = None
) -> int:
    """Write an export to ``out`` (a path, or an open text/binary stream). Returns
    the number of observations. For ``csv`` to a path, the tidy mapping that
    reads it back is saved beside it as ``<name>.mapping.yml``."""
    rows, codes, several_areas = prepare_export(fmt, series=series, area=area, indicator=indicator)
    counted = _Counter(rows)
    if isinstance(out, (str, os.PathLike)):
        path = Path(out)
        if fmt == "xlsx":
            exporters.write_xlsx(counted, path, dimension_codes=codes)
        else:
            with path.open("w", encoding="utf-8", newline="") as fh:
                exporters.write(fmt, counted, fh, dimension_codes=codes, several_areas=several_areas)
            if fmt == "csv":
                path.with_suffix(".mapping.yml").write_text(exporters.mapping_for(codes), encoding="utf-8")
    else:
        exporters.write(fmt, counted, out, dimension_codes=codes, several_areas=several_areas)
    return counted.count


class _Counter:
    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


# --- targets --------------------------------------------------------------------


def save_target(
    actor,
    series_code: str,
    area: str | Area,
    *,
    target_value: float,
    target_year: int,
    dimensions: dict[str, str] | None = None,
    baseline_year: int | None = None,
    baseline_value: float | None = None,
    direction: str = "",
    horizon: str = "",
    note: str = "",
) -> Target:
    """Create or replace the target of a series in an area for a target year."""
    from .keys import dimension_key
    from .models import Direction, Horizon

    series = get_series(series_code)
    area = area if isinstance(area, Area) else find_area(area)
    if direction and direction not in Direction.values:
        raise InvalidInput(_("Unknown direction “%(value)s”.") % {"value": direction}, field="direction")
    if horizon and horizon not in Horizon.values:
        raise InvalidInput(_("Unknown horizon “%(value)s”.") % {"value": horizon}, field="horizon")
    if baseline_year is not None and baseline_year >= target_year:
        raise InvalidInput(_("The baseline year must come before the target year."), field="baseline_year")
    for name, number in (("target_value", target_value), ("baseline_value", baseline_value)):
        if number is not None and not math.isfinite(float(number)):  # as the loader refuses for observations
            raise InvalidInput(_("The value %(value)s is not a finite number.") % {"value": number}, field=name)
    key = dimension_key((dimensions or {}).items())
    target = Target.objects.filter(series=series, area=area, dimension_key=key, target_year=target_year).first()
    target = target or Target(series=series, area=area, dimension_key=key, target_year=target_year)
    require_permission(actor, "indicators.change_target", target)
    target.target_value = float(target_value)
    target.baseline_year = baseline_year
    target.baseline_value = baseline_value
    target.direction = direction
    target.horizon = horizon
    target.note = note
    target._history_user = actor
    target.save()
    return target


def problems_text(problems: list[Problem], total: int) -> str:
    """The report a person reads: one problem per line, then how many more."""
    lines = [str(problem) for problem in problems]
    if total > len(problems):
        lines.append(_("… and %(count)d more problems.") % {"count": total - len(problems)})
    return "\n".join(lines)


# --- uploads (API and upload page) -------------------------------------------------

# File types each reader accepts from an upload, by extension.
UPLOAD_TYPES = {
    "opensdg": (".csv", ".zip"),
    "unsd-sdg": (".csv",),
    "sdmx": (".xml", ".csv"),
    "wdi": (".csv",),
    "rpw": (".csv", ".xlsx"),
    "desa-stock": (".xlsx", ".csv"),
    "desa-matrix": (".xlsx", ".csv"),
    "unhcr": (".csv",),
    "missing-migrants": (".csv",),
    "tidy": (".csv", ".xlsx"),
}
DEFAULT_UPLOAD_MAX_BYTES = 200 * 1024 * 1024


def upload_max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "GCMHUB_IMPORT_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def imports_dir() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "imports"


def _check_upload(fmt: str, name: str, size: int, head: bytes) -> str:
    """The file's extension if the upload may go to the ``fmt`` reader; InvalidInput otherwise."""
    suffix = Path(name or "").suffix.lower()
    allowed = UPLOAD_TYPES[fmt]
    if suffix not in allowed:
        raise InvalidInput(
            _("A %(format)s upload must be a %(types)s file, not “%(name)s”.")
            % {"format": fmt, "types": " or ".join(allowed), "name": name},
            field="file",
        )
    if size > upload_max_bytes():
        raise InvalidInput(
            _("The file is larger than %(limit)d MB.") % {"limit": upload_max_bytes() // (1024 * 1024)}, field="file"
        )
    if size == 0:
        raise InvalidInput(_("The file is empty."), field="file")
    if suffix in (".xlsx", ".zip"):
        ok = head.startswith(b"PK\x03\x04")
    elif suffix == ".xml":
        ok = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    else:
        ok = b"\0" not in head  # text, in whatever encoding the reader will detect
    if not ok:
        raise InvalidInput(
            _("The content of “%(name)s” is not a %(suffix)s file.") % {"name": name, "suffix": suffix}, field="file"
        )
    return suffix


def submit_upload(
    actor,
    fmt: str,
    uploaded,
    *,
    mapping=None,
    source: str = "",
    area: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportBatch:
    """Check and store an uploaded file, record a queued ImportBatch and run
    the import as a background task once the batch is committed.

    ``uploaded`` (and ``mapping``, the column mapping of a tidy file) are
    Django UploadedFile objects.
    """
    from django.db import transaction

    get_reader(fmt)
    area_obj = find_area(area) if area else None
    check_import_permission(actor, area_obj)
    head = uploaded.read(4096)
    uploaded.seek(0)
    suffix = _check_upload(fmt, uploaded.name, uploaded.size, head)
    if mapping is not None and mapping.size > 1024 * 1024:
        raise InvalidInput(_("The mapping file is larger than 1 MB."), field="mapping")
    batch = ImportBatch.objects.create(
        format=fmt,
        file_name=Path(uploaded.name).name[:500],
        user=actor,
        source=(source or "")[:500],
        area=area_obj,
        options={"dry_run": dry_run, "skip_invalid": skip_invalid},
    )
    folder = imports_dir() / str(batch.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"upload{suffix}"
    with stored.open("wb") as fh:
        for piece in uploaded.chunks():
            fh.write(piece)
    if suffix == ".zip":
        stored = _extract_zip(stored, folder / "data")
    if mapping is not None:
        mapping_path = folder / "mapping.yml"
        with mapping_path.open("wb") as fh:
            for piece in mapping.chunks():
                fh.write(piece)
        batch.options["mapping"] = str(mapping_path)
    batch.sha256 = file_sha256(stored)
    batch.stored_file = str(stored)
    batch.save(update_fields=["sha256", "stored_file", "options"])

    from .tasks import run_import_task

    transaction.on_commit(lambda: run_import_task.enqueue(batch.pk, str(stored)))
    return batch


def _extract_zip(archive: Path, target: Path) -> Path:
    """Unpack an uploaded Open SDG folder, refusing paths that leave ``target``."""
    import zipfile

    limit = upload_max_bytes() * 10
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if sum(member.file_size for member in members) > limit:
                raise InvalidInput(_("The archive unpacks to more than the size allowed."), field="file")
            root = target.resolve()
            for member in members:
                destination = (target / member.filename).resolve()
                if root != destination and root not in destination.parents:
                    raise InvalidInput(_("The archive holds a file outside its folder."), field="file")
            bundle.extractall(target)
    except zipfile.BadZipFile:
        raise InvalidInput(_("The archive cannot be read."), field="file") from None
    entries = [entry for entry in target.iterdir() if not entry.name.startswith(("__MACOSX", "."))]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else target


def progress_path(batch_id: int) -> Path:
    return imports_dir() / str(batch_id) / "progress.json"


def batch_progress(batch: ImportBatch) -> dict | None:
    """Rows read so far by a running import (written by the task every second)."""
    import json

    if batch.status != ImportBatch.Status.RUNNING:
        return None
    try:
        return json.loads(progress_path(batch.pk).read_text())
    except (OSError, ValueError):
        return {"rows_read": 0}


def process_upload(batch_id: int, stored_path: str) -> dict:
    """Run a queued upload: the body of the background task.

    The batch is marked running (and committed) first, so the API shows it;
    the import itself is one transaction; the outcome — succeeded, validated,
    or failed with the report — is saved on the batch afterwards.
    """
    import json
    import time

    from django.utils import timezone

    batch = ImportBatch.objects.select_related("user", "area").get(pk=batch_id)
    if batch.status != ImportBatch.Status.QUEUED:
        return {"status": batch.status}  # already run (a retried task)
    batch.status = ImportBatch.Status.RUNNING
    batch.started_at = timezone.now()
    batch.save(update_fields=["status", "started_at"])
    progress_file = progress_path(batch.pk)
    last = [0.0]

    def progress(result: ImportResult) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            temporary = progress_file.with_suffix(".tmp")
            temporary.write_text(json.dumps({"rows_read": result.rows_read, "written": result.written}))
            os.replace(temporary, progress_file)

    options = batch.options or {}
    reader_options = {"mapping": options["mapping"]} if options.get("mapping") else {}
    rejects = progress_file.with_name("rejects.csv") if options.get("skip_invalid") else None
    try:
        result = run_import(
            batch.user,
            batch.format,
            stored_path,
            source=batch.source,
            dry_run=bool(options.get("dry_run")),
            skip_invalid=bool(options.get("skip_invalid")),
            rejects_path=rejects,
            area=batch.area,
            options=reader_options,
            batch=batch,
            file_name=batch.file_name,
            progress_callback=progress,
        )
    except ImportRejected as error:
        _fail(batch, error.message, error.report)
    except (InvalidInput, Forbidden, NotFound) as error:
        _fail(batch, error.message, getattr(error, "report", {}))
    except Exception:
        _fail(batch, _("The import stopped on an internal error; nothing was written."), {})
        raise
    else:
        batch.refresh_from_db()
        if rejects is not None and result.rejected:
            batch.report = {**batch.report, "rejects_file": "rejects.csv"}
            batch.save(update_fields=["report"])
    finally:
        progress_file.unlink(missing_ok=True)
    return {"status": batch.status, "batch": batch.pk}


def _fail(batch: ImportBatch, message: str, report: dict) -> None:
    from django.utils import timezone

    batch.status = ImportBatch.Status.FAILED
    batch.finished_at = timezone.now()
    batch.report = {**(report or {}), "error": message}
    batch.rows_read = (report or {}).get("rows_read", 0)
    batch.rows_rejected = (report or {}).get("rejected", 0)
    batch.rows_written = 0
    batch.save()
