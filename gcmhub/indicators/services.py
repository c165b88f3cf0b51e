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
from gcmhub.uploads import check_upload_file

from . import exporters
from .formats.records import FormatError, Problem, ReadStats
from .keys import TOTAL_CODES, dimension_filter_fragment, parse_dimension_key
from .loader import ImportRejected, ImportResult, load, recognition_key
from .models import ImportBatch, Indicator, Observation, Series, Target
from .parallel import available as read_in_child_available
from .parallel import read_in_child
from .series_resolution import reader_options_for

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
    "json",
)  # fmt: skip
_MODULES = {"desa-matrix": "desa_stock", "json": "json_export"}
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
    create_series: bool = False,
) -> ImportResult:
    """Read ``path`` with the FORMAT reader and load it (see ``loader.load``).

    Files of ``PARALLEL_MIN_BYTES`` or more are read in a child process
    while this one writes (``parallel.py``); ``parallel`` forces either way.

    Raises ImportRejected (InvalidInput) with the report for bad input,
    Forbidden when ``actor`` may not import this data, InvalidInput for an
    unknown format, area or missing file.

    ``create_series``: an Open SDG file may create series for rows that are
    no SDG series and none of the catalogue's (``series_resolution``).
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
    reader_options = reader_options_for(
        format, options or {}, create_series=create_series, file_name=file_name, path=path
    )
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
        "source__name", "series__description",
    )  # fmt: skip
    ordered = observations.order_by("series__code", "area__m49", "year", "period", "dimension_key")
    for (series, indicator, m49, iso3, name, period, year, key, value, unit, series_unit, unit_mult, status,
         nature, footnote, source, description) in ordered.values_list(*fields).iterator(chunk_size=5000):  # fmt: skip
        yield exporters.ExportRow(
            series, indicator or "", m49, iso3, name, period, year, tuple(parse_dimension_key(key)), value,
            unit or series_unit, unit_mult, status, nature, footnote, source or "", description or "",
        )  # fmt: skip


def _check_export_options(fmt: str, sdmx_csv_version: int, opensdg_attributes: str) -> None:
    if fmt not in exporters.EXPORT_FORMATS:
        raise InvalidInput(
            _("Unknown export format “%(format)s”. Formats: %(formats)s.")
            % {"format": fmt, "formats": ", ".join(exporters.EXPORT_FORMATS)},
            field="format",
        )
    if sdmx_csv_version not in exporters.SDMX_CSV_VERSIONS:
        raise InvalidInput(
            _("The SDMX-CSV version is 2 (SDMX-CSV 2.0) or 1 (SDMX-CSV 1.0), not “%(version)s”.")
            % {"version": sdmx_csv_version},
            field="sdmx_csv_version",
        )
    if opensdg_attributes not in exporters.OPENSDG_ATTRIBUTE_MODES:
        raise InvalidInput(
            _("Open SDG attributes go to “metadata” or “columns”, not “%(mode)s”.") % {"mode": opensdg_attributes},
            field="opensdg_attributes",
        )


def prepare_export(fmt: str, *, series: str | None = None, area: str | None = None, indicator: str | None = None,
                   sdmx_csv_version: int = 2, opensdg_attributes: str = "metadata"):  # fmt: skip
    """``(rows, dimension_codes, several_areas)`` for an export; rows is lazy."""
    _check_export_options(fmt, sdmx_csv_version, opensdg_attributes)
    observations = _export_queryset(series, area, indicator)
    codes = series_dimension_codes(observations)
    several_areas = not area and observations.values("area_id").distinct()[:2].count() > 1
    return export_rows(observations), codes, several_areas


def _distinct(observations: QuerySet, field: str, limit: int = 2) -> list:
    return list(observations.order_by().values_list(field, flat=True).distinct()[:limit])


def series_outside_sdg_dsd(observations: QuerySet) -> list[str]:
    """Codes of the exported series that are not series of the SDG data structure."""
    from gcmhub.framework.models import SdgSeries

    listed = set(SdgSeries.objects.values_list("code", flat=True))
    found = observations.order_by().values_list("series__code", "series__indicator__sdg_indicator").distinct()
    outside = {code for code, sdg in found if not exporters.in_sdg_dsd(code, listed, sdg_indicator=sdg is not None)}
    return sorted(outside)


def export_notices(fmt: str, *, series: str | None = None, area: str | None = None, indicator: str | None = None,
                   opensdg_attributes: str = "metadata", to_file: bool = True) -> list[str]:  # fmt: skip
    """What a person must know about an export before using it (printed by the
    CLI, sent by the API in a header): series outside the SDG DSD in SDMX; for
    Open SDG without a file (a download, standard output), the sources and
    natures that only the metadata beside a file carries."""
    observations = _export_queryset(series, area, indicator)
    notices = []
    if fmt == "sdmx-csv":
        outside = series_outside_sdg_dsd(observations)
        if outside:
            notices.append(
                _(
                    "Outside the SDG data structure (SDG DSD): %(codes)s. These series are written with their own "
                    "codes, which tools that check the SDG code lists will refuse."
                )
                % {"codes": ", ".join(outside)}
            )
    if fmt == "opensdg" and opensdg_attributes == "metadata" and not to_file:
        if any(_distinct(observations, "source__name")) or any(_distinct(observations, "nature")):
            notices.append(
                _(
                    "Sources and natures are not Open SDG columns: they go to the metadata written beside an "
                    "exported file, and this export has none. Export to a file, or with the columns option "
                    "(--opensdg-attributes columns), to keep them."
                )
            )
    return notices


def opensdg_metadata_path(path: Path) -> Path:
    """``indicator_10-c-1.csv`` → ``meta_10-c-1.yml`` beside it (where the Open SDG reader looks)."""
    from .formats.opensdg import indicator_id

    return path.with_name(f"meta_{indicator_id(path)}.yml")


def export_settings(*, sdmx_csv_version: int = 2, opensdg_attributes: str = "metadata") -> dict:
    """The exporters' settings for a person's export (the CLI's and the API's)."""
    return {"sdmx_csv_version": sdmx_csv_version, "opensdg_attributes": opensdg_attributes, "series_names": True}


def export_observations(
    fmt: str, out, *, series: str | None = None, area: str | None = None, indicator: str | None = None,
    sdmx_csv_version: int = 2, opensdg_attributes: str = "metadata",
) -> int:  # fmt: skip
    """Write an export to ``out`` (a path, or an open text/binary stream). Returns
    the number of observations. To a path, what reads it back is saved beside
    it: for ``csv`` and ``xlsx`` the tidy mapping (``<name>.mapping.yml``), for ``opensdg``
    the metadata that the CSV leaves out (``meta_<id>.yml``)."""
    settings = export_settings(sdmx_csv_version=sdmx_csv_version, opensdg_attributes=opensdg_attributes)
    rows, codes, several_areas = prepare_export(
        fmt, series=series, area=area, indicator=indicator, sdmx_csv_version=sdmx_csv_version,
        opensdg_attributes=opensdg_attributes,
    )  # fmt: skip
    to_file = isinstance(out, (str, os.PathLike))
    ledger = exporters.OpenSdgLedger() if fmt == "opensdg" and opensdg_attributes == "metadata" and to_file else None
    counted = _Counter(ledger.watch(rows) if ledger else rows)
    if to_file:
        path = Path(out)
        if fmt == "xlsx":
            exporters.write_xlsx(counted, path, dimension_codes=codes)
        else:
            with path.open("w", encoding="utf-8", newline="") as fh:
                exporters.write(fmt, counted, fh, dimension_codes=codes, several_areas=several_areas, **settings)
        if fmt in ("csv", "xlsx"):
            mapping = exporters.mapping_for(codes, series_names=True)
            path.with_suffix(".mapping.yml").write_text(mapping, encoding="utf-8")
        if ledger is not None:
            indicators = _distinct(_export_queryset(series, area, indicator), "series__indicator__code")
            metadata = ledger.metadata(indicator=indicators[0] or "" if len(indicators) == 1 else "")
            if metadata:
                opensdg_metadata_path(path).write_text(metadata, encoding="utf-8")
    else:
        exporters.write(fmt, counted, out, dimension_codes=codes, several_areas=several_areas, **settings)
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
    "json": (".json",),
}
DEFAULT_UPLOAD_MAX_BYTES = 200 * 1024 * 1024


def upload_max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "GCMHUB_IMPORT_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def imports_dir() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "imports"


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
    create_series: bool = False,
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
    suffix = check_upload_file(
        fmt, uploaded.name, uploaded.size, head, allowed=UPLOAD_TYPES[fmt], max_bytes=upload_max_bytes()
    )
    if mapping is not None and mapping.size > 1024 * 1024:
        raise InvalidInput(_("The mapping file is larger than 1 MB."), field="mapping")
    batch = ImportBatch.objects.create(
        format=fmt,
        file_name=Path(uploaded.name).name[:500],
        user=actor,
        source=(source or "")[:500],
        area=area_obj,
        options={"dry_run": dry_run, "skip_invalid": skip_invalid, "create_series": bool(create_series)},
    )
    try:
        stored = _store_upload(batch, suffix, uploaded, mapping)
    except Exception as error:
        # A batch is never left "queued" for an upload that will not run.
        _fail(batch, _("The upload could not be stored: %(reason)s") % {"reason": error})
        raise

    from .tasks import run_import_task

    transaction.on_commit(lambda: run_import_task.enqueue(batch.pk, str(stored)))
    return batch


def _store_upload(batch: ImportBatch, suffix: str, uploaded, mapping) -> Path:
    """Save the upload (and mapping) under the batch's folder. An archive is
    stored as it came: it is checked and unpacked by the worker, never in the
    request (a small ZIP can unpack to gigabytes or hold 400,000 entries)."""
    folder = imports_dir() / str(batch.pk)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"upload{suffix}"
    with stored.open("wb") as fh:
        for piece in uploaded.chunks():
            fh.write(piece)
    if mapping is not None:
        mapping_path = folder / "mapping.yml"
        with mapping_path.open("wb") as fh:
            for piece in mapping.chunks():
                fh.write(piece)
        batch.options["mapping"] = str(mapping_path)
    batch.sha256 = file_sha256(stored)
    batch.stored_file = str(stored)
    batch.save(update_fields=["sha256", "stored_file", "options"])
    return stored


UNPACKED_FOLDER = "data"


def _extract_zip(archive: Path, target: Path, shown_name: str) -> Path:
    """Unpack an uploaded Open SDG folder once the archive is within the
    import limits (entries, unpacked size, compression ratio: see
    ``formats/limits.py``), refusing paths that leave ``target``."""
    import zipfile

    from .formats import limits

    members = limits.check_archive(archive, shown_name=shown_name)
    root = target.resolve()
    for member in members:
        destination = (target / member.filename).resolve()
        if root != destination and root not in destination.parents:
            raise InvalidInput(_("The archive holds a file outside its folder."), field="file")
    try:
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(target)
    except zipfile.BadZipFile:
        raise InvalidInput(_("The archive cannot be read."), field="file") from None
    target.mkdir(exist_ok=True)
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

    The batch is claimed (queued → running, with the worker process that runs
    it) and committed first, so the API shows it; an uploaded archive is
    checked against the import limits and unpacked here, in the worker; the
    import itself is the loader's; the outcome — succeeded, validated, or
    failed with the report or the reason — is saved on the batch afterwards,
    and the unpacked files are deleted. If the worker is stopped mid-import
    the batch is failed as interrupted (a worker killed outright is found by
    ``recover_interrupted_imports`` when a worker next starts).
    """
    import json
    import time

    from django.utils import timezone

    from gcmhub import workers

    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now(), worker=workers.identity()
    )
    batch = ImportBatch.objects.select_related("user", "area").get(pk=batch_id)
    if not claimed:
        return {"status": batch.status}  # already run (a retried task)
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
    unpacked = progress_file.with_name(UNPACKED_FOLDER)
    try:
        path = stored_path
        if stored_path.endswith(".zip"):
            path = _extract_zip(Path(stored_path), unpacked, shown_name=batch.file_name)
        result = run_import(
            batch.user,
            batch.format,
            path,
            source=batch.source,
            dry_run=bool(options.get("dry_run")),
            skip_invalid=bool(options.get("skip_invalid")),
            rejects_path=rejects,
            area=batch.area,
            options=reader_options,
            batch=batch,
            file_name=batch.file_name,
            progress_callback=progress,
            create_series=bool(options.get("create_series")),
        )
    except ImportRejected as error:
        _fail(batch, error.message, error.report)
    except (InvalidInput, Forbidden, NotFound) as error:
        _fail(batch, error.message, getattr(error, "report", {}))
    except FormatError as error:  # an archive over the import limits, or unreadable
        _fail(batch, str(error), {})
    except Exception:
        _fail(batch, _("The import stopped on an internal error; nothing was written."), {})
        raise
    except BaseException:  # the worker is being stopped (SIGTERM twice, Ctrl+C)
        _fail(batch, interrupted_message(), {"interrupted": True})
        raise
    else:
        batch.refresh_from_db()
        if rejects is not None and result.rejected:
            batch.report = {**batch.report, "rejects_file": "rejects.csv"}
            batch.save(update_fields=["report"])
    finally:
        progress_file.unlink(missing_ok=True)
        _remove_unpacked(batch.pk)
    return {"status": batch.status, "batch": batch.pk}


def interrupted_message() -> str:
    return _("The import was interrupted (its worker stopped); nothing was written. Upload the file again.")


def _fail(batch: ImportBatch, message: str, report: dict | None = None) -> None:
    from django.utils import timezone

    batch.status = ImportBatch.Status.FAILED
    batch.finished_at = timezone.now()
    batch.report = {**(report or {}), "error": message}
    batch.rows_read = (report or {}).get("rows_read", 0)
    batch.rows_rejected = (report or {}).get("rejected", 0)
    batch.rows_written = 0
    batch.save()


# --- interrupted imports and upload retention ------------------------------------------


def recover_interrupted_imports() -> int:
    """Fail the uploads left "running" by a worker that is gone (killed, or its
    machine restarted); returns how many. Called by every worker as it starts
    and once a minute after."""
    from gcmhub import workers

    running = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).exclude(worker="")
    interrupted = [batch for batch in running if not workers.is_alive(batch.worker)]
    for batch in interrupted:
        if ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.RUNNING).exists():
            _fail(batch, interrupted_message(), {"interrupted": True})
            progress_path(batch.pk).unlink(missing_ok=True)
            _remove_unpacked(batch.pk)
    return len(interrupted)


def upload_retention_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "GCMHUB_UPLOAD_RETENTION_DAYS", 30))


def _remove_unpacked(batch_id: int) -> None:
    import shutil

    shutil.rmtree(imports_dir() / str(batch_id) / UNPACKED_FOLDER, ignore_errors=True)
    if upload_retention_days() <= 0:
        _remove_upload(batch_id, keep_reports=True)


def _remove_upload(batch_id: int, *, keep_reports: bool = False) -> None:
    import shutil

    folder = imports_dir() / str(batch_id)
    if not keep_reports:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for path in folder.glob("*"):
        if path.name not in {"rejects.csv"}:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def cleanup_uploads(*, days: int | None = None, dry_run: bool = False) -> list[Path]:
    """Delete the stored uploads of imports that ended more than ``days``
    (default: the retention setting) ago, and folders no import owns; the
    folders deleted (or that would be, with ``dry_run``)."""
    from datetime import timedelta

    from django.utils import timezone

    days = upload_retention_days() if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    root = imports_dir()
    folders = {int(p.name): p for p in root.iterdir() if p.is_dir() and p.name.isdigit()} if root.exists() else {}
    batches = dict(ImportBatch.objects.filter(pk__in=list(folders)).values_list("pk", "finished_at"))
    expired = []
    for batch_id, folder in sorted(folders.items()):
        if batch_id in batches:
            finished_at = batches[batch_id]
            if finished_at is None or finished_at > cutoff:
                continue  # still queued or running, or within the retention
        elif _modified_at(folder) > cutoff:
            continue  # an upload whose batch is being created right now
        expired.append(folder)
        if not dry_run:
            _remove_upload(batch_id)
    if not dry_run and expired:
        ImportBatch.objects.filter(pk__in=[int(folder.name) for folder in expired]).update(stored_file="")
    return expired


def _modified_at(path: Path):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
