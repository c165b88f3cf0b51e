"""Open SDG data repositories: ``data/indicator_*.csv`` with ``meta/*``.

``read(path)`` takes a repository (or any folder holding
``indicator_*.csv`` files, directly or under ``data/``) or one CSV file.
Metadata is looked up beside the data (``X.md``, ``X.yml``, ``meta_X.yml``,
``config_X.yml``) and in the repository's ``meta/``, ``meta/en/`` and
``indicator-config/`` folders, for indicator ``X`` (``10-7-2-a``); Markdown
files contribute their YAML front matter. Metadata is optional: when it
cannot be parsed the read goes on and a warning is recorded.

CSV layout (METHODS §8.4): ``Year`` and ``Value`` are required; ``GeoCode``
(or ``REF_AREA``) gives the area when present, otherwise the caller's
``default_area`` (scheme ``default``) — national data carry no area.
``Series``/``SERIES`` and ``Units``/``Unit measure``/``UNIT_MEASURE`` (any
case) are selectors; ``Unit multiplier``/``UNIT_MULT``, ``Observation
status``/``OBS_STATUS``, ``NATURE``, ``COMMENT_OBS`` and ``SOURCE_DETAIL``
(the source, else the metadata's ``source_organisation_1``; the nature
else its ``NATURE``; rows listed in its ``gcmhub_row_attributes``, written
by GCM Hub's export, take theirs from there) are attributes;
``COMMENT_TS``, ``DATA_LAST_UPDATE``, ``FREQ``, ``REPORTING_TYPE`` and
``TIME_DETAIL`` are ignored. Every other column is a disaggregation, mapped
by ``codes.dimension_for``; a blank cell is the total.

Series codes: a ``SERIES`` column gives the SDG series code itself (a
``SERIES`` cell in words is a label). In an import, rows without a code go
to the SDG series their indicator, ``Series`` and ``Units`` describe (see
``_SeriesNamer``); never to a new series unless ``options["create_series"]``.
Read alone (and with that option), the code is derived from the indicator id: ``10-c-1`` →
``OSDG_10_C_1``; with a ``Series`` label it gets the label's slug
(``Fatality claims`` → ``OSDG_8_8_1_FATALITY_CLAIMS``), and when one
series comes in several units within the file, the unit's slug too
(Armenia's 10.7.4: ``OSDG_10_7_4_PER_100000_POPULATION`` and
``OSDG_10_7_4_PERCENT``). Codes longer than 64 characters are cut and end
in 8 hex digits of a hash of what was cut. ``options["series"]`` sets the
code of a single-series file, ``options["series_map"]`` maps ``Series``
labels to codes (``{"Remittance costs…": "SI_RMT_COST"}``).

The SDG indicator (``10.7.2``) comes from the metadata (``indicator``,
``indicator_number``, or the "Indicator 10.7.2: …" text of SDMX-style
YAML) or else from the id; national sub-indicators such as ``10.7.2.a`` or
``10-7-2-1`` keep their global indicator ``10.7.2``.

Quirks handled: UTF-8 BOM and fully quoted cells (Armenia), CRLF, a blank
line at the end (Korea), ``NA`` values, placeholder rows such as
``There is no data for this indicator yet,`` (skipped, counted as
``placeholder``), translation keys (``data.1_Yes``) kept as written, a
column with a blank header (Moldova 10.7.4: named ``COLUMN_2``), periods
like ``2013 Q1``, ``2000/01`` and ``1980 to 1990``. In a folder, a
header-only file is skipped (counted as ``empty_file``); read alone it is an
error.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
from collections.abc import Iterator

import yaml

from .codes import dimension_for, obs_status_code, unit_multiplier
from .context import Context
from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .series_match import match_series
from .textfiles import CsvSource, HeaderIndex
from .values import parse_number

FORMAT = "opensdg"

_IGNORED = {"comment_ts", "data_last_update", "freq", "reporting_type", "time_detail", "upper_bound",
            "lower_bound"}  # fmt: skip
_SERIES_CODE = re.compile(r"[A-Z0-9][A-Z0-9_.]*")
_INDICATOR = re.compile(r"(\d{1,2})[.-]([0-9a-z]{1,2})[.-](\d{1,2})")
_MAX_CODE = 64


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from an Open SDG repository folder or one indicator CSV."""
    stats = stats if stats is not None else ReadStats()
    options = options or {}
    if os.path.isdir(path):
        root = str(path)
        data = os.path.join(root, "data")
        folder = data if os.path.isdir(data) else root
        files = sorted(glob.glob(os.path.join(folder, "indicator_*.csv")), key=_natural)
        if not files:
            raise FormatError(root, "holds no indicator_*.csv files (looked in data/ and in the folder itself)")
        for file in files:
            yield from _read_file(file, default_area, options, stats, in_folder=True)
    else:
        yield from _read_file(path, default_area, options, stats, in_folder=False)
    return stats


def _natural(path: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", os.path.basename(path))]


def indicator_id(path) -> str:
    stem = os.path.splitext(os.path.basename(str(path)))[0]
    return stem[len("indicator_") :] if stem.startswith("indicator_") else stem


# --- metadata --------------------------------------------------------------


def metadata_files(path) -> list[str]:
    """Metadata files for a data file, most general first (later ones win)."""
    ident = indicator_id(path)
    folder = os.path.dirname(os.path.abspath(str(path)))
    candidates = []
    if os.path.basename(folder) == "data":
        root = os.path.dirname(folder)
        for sub in ("meta", os.path.join("meta", "en"), "_indicators", "indicator-config"):
            for ext in (".md", ".yml", ".yaml"):
                candidates.append(os.path.join(root, sub, ident + ext))
    for name in (ident, f"meta_{ident}", f"config_{ident}"):
        for ext in (".md", ".yml", ".yaml"):
            candidates.append(os.path.join(folder, name + ext))
    return [c for c in candidates if os.path.isfile(c)]


def read_metadata(path, stats: ReadStats) -> dict:
    merged: dict = {}
    for file in metadata_files(path):
        try:
            with open(file, encoding="utf-8-sig") as fh:
                text = fh.read()
            if file.endswith(".md"):
                match = re.match(r"\s*---\s*\n(.*?)\n---\s*(\n|$)", text, re.DOTALL)
                text = match.group(1) if match else ""
            data = yaml.safe_load(text) if text.strip() else {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            stats.warnings.append(f"{file}: metadata ignored ({type(exc).__name__}: {str(exc).splitlines()[0]})")
            continue
        if not isinstance(data, dict):
            stats.warnings.append(f"{file}: metadata ignored (not a set of key: value lines)")
            continue
        for key, value in data.items():
            if value not in (None, "", [], {}):
                merged[str(key)] = value
    return merged


def _text(value) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = re.sub(r"<[^>]+>", " ", str(value))
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def sdg_indicator(ident: str, meta: dict) -> str | None:
    """The global SDG indicator code (``10.7.2``) for an Open SDG indicator."""
    for key in ("indicator_number", "indicator", "SDG_INDICATOR", "SDG_INDICATOR__GLOBAL",
                "SDG_INDICATOR_INFO__GLOBAL"):  # fmt: skip
        text = _text(meta.get(key))
        if text:
            match = _INDICATOR.search(text)
            if match:
                return ".".join(match.groups())
    match = _INDICATOR.match(ident)
    return ".".join(match.groups()) if match else None


# --- series codes ----------------------------------------------------------


def _slug(text: str) -> str:
    text = text.replace("%", " percent ")
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").upper()


def derived_series(ident: str, label: str | None = None, unit: str | None = None) -> str:
    """``OSDG_<ID>[_<LABEL>][_<UNIT>]``, at most 64 characters."""
    code = "OSDG_" + _slug(ident)
    extra = "_".join(part for part in (_slug(label or ""), _slug(unit or "")) if part)
    if extra:
        code = f"{code}_{extra}"
    if len(code) > _MAX_CODE:
        digest = hashlib.sha1(code.encode()).hexdigest()[:8].upper()
        code = f"{code[: _MAX_CODE - 9].rstrip('_')}_{digest}"
    return code


# --- one file --------------------------------------------------------------


def _classify_area(code: str) -> str | None:
    if re.fullmatch(r"\d{1,3}", code):
        return "m49"
    if re.fullmatch(r"[A-Z]{3}", code):
        return "iso3"
    if re.fullmatch(r"[A-Z]{2}", code):
        return "iso2"
    return None


class _Columns:
    def __init__(self, header: HeaderIndex):
        self.year = header.require("Year")
        self.value = header.require("Value")
        self.geocode = header.find("GeoCode")
        self.ref_area = header.find("REF_AREA", fold=False)
        self.series_code = header.find("SERIES", fold=False)
        # the label: "Series" in any case but the code column's "SERIES"
        labels = [i for i, name in enumerate(header.names)
                  if name.strip().lower() == "series" and i != self.series_code]  # fmt: skip
        self.series_label = labels[0] if labels else None
        units = [header.find(name) for name in ("Units", "Unit measure", "UNIT_MEASURE")]
        self.units = list(dict.fromkeys(u for u in units if u is not None))
        self.mult = header.find("Unit multiplier", "UNIT_MULT")
        self.status = header.find("Observation status", "OBS_STATUS")
        self.nature = header.find("NATURE", "Nature")
        self.comment = header.find("COMMENT_OBS")
        self.source = header.find("SOURCE_DETAIL")
        taken = {self.year, self.value, self.geocode, self.ref_area, self.series_code, self.series_label,
                 self.mult, self.status, self.nature, self.comment, self.source, *self.units}  # fmt: skip
        self.dimensions = []
        for position, name in enumerate(header.names):
            if position in taken or name.strip().lower() in _IGNORED:
                continue
            self.dimensions.append((position, name.strip() or f"COLUMN_{position + 1}"))


def _unit_of(row, columns: _Columns) -> str | None:
    for position in columns.units:
        if position < len(row) and row[position].strip():
            return row[position].strip()
    return None


def _cell(row, position) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position].strip()


def _prescan_units(path, options, header_line: int, columns: _Columns) -> dict:
    """Series label → units seen (to tell whether the unit must be part of the code)."""
    seen: dict = {}
    if not columns.units:
        return seen
    with CsvSource(path, encoding=options.get("encoding")) as source:
        for line, row in source.rows():
            if line <= header_line:
                continue
            unit = _unit_of(row, columns)
            if unit:
                seen.setdefault(_cell(row, columns.series_label), set()).add(unit)
    return seen


class _SeriesNamer:
    """The series code of rows that do not give one.

    Read alone, the reader derives a code from the file (``OSDG_10_C_1…``).
    An import passes the SDG series (``options["sdg_series"]``: indicator →
    ``{"title": …, "series": [(code, description), …]}``) and the codes the
    catalogue holds (``options["known_series"]``): a row then goes to the
    SDG series its indicator, ``Series`` and ``Units`` describe
    (``series_match``), else to a derived code the catalogue already holds;
    a new derived series only with ``options["create_series"]``. National
    sub-indicators (``10-7-2-a``) are not the global indicator: they keep
    their own derived codes.
    """

    def __init__(self, ident: str, indicator: str | None, options: dict):
        self.ident = ident
        self.indicator = indicator
        self.resolving = "sdg_series" in options
        entry = (options.get("sdg_series") or {}).get(indicator or "") or {}
        global_file = bool(indicator) and _INDICATOR.fullmatch(ident.lower()) is not None
        self.candidates = list(entry.get("series") or ()) if global_file else []
        self.title = entry.get("title")
        self.known = options.get("known_series") or ()
        self.sdg_codes = {code for entry in (options.get("sdg_series") or {}).values() for code, _ in entry["series"]}
        self.create = bool(options.get("create_series"))
        self.cache: dict = {}

    def allowed(self, code: str) -> bool:
        """Whether rows may go to a series the file names (a SERIES column)."""
        return not self.resolving or self.create or code in self.known or code in self.sdg_codes

    def not_allowed(self, code: str) -> str:
        return (f"the series {code} is not in the catalogue nor an SDG series: allow it as a new series "
                "(create-series option)")  # fmt: skip

    def code(self, label: str | None, unit: str | None, several_units: bool) -> str | None:
        key = (label, unit, several_units)
        if key not in self.cache:
            self.cache[key] = self._code(label, unit, several_units)
        return self.cache[key]

    def _code(self, label, unit, several_units):
        derived = derived_series(self.ident, label, unit if several_units else None)
        if not self.resolving:
            return derived
        found = match_series(self.candidates, label, unit, title=self.title, unit_required=several_units)
        if found:
            return found
        if derived in self.known or self.create:
            return derived
        return None

    def unresolved(self, label: str | None, unit: str | None, several_units: bool) -> str:
        what = f"the series {label!r}" + (f" in {unit!r}" if unit else "") if label else "the series"
        codes = ", ".join(code for code, _ in self.candidates)
        if self.candidates and not label:
            reason = (f"the file names no series, and indicator {self.indicator} has several SDG series "
                      f"({codes})")  # fmt: skip
        elif self.candidates:
            reason = f"{what} is none of indicator {self.indicator}'s SDG series ({codes})"
        elif self.indicator and _INDICATOR.fullmatch(self.ident.lower()) is None:
            reason = f"{what} of {self.ident} (a national indicator under {self.indicator}) is not in the catalogue"
        else:
            reason = f"{what} of {self.ident} is not an SDG series nor in the catalogue"
        derived = derived_series(self.ident, label, unit if several_units else None)
        return f"{reason}: give its code in a SERIES column, or allow a new series {derived} (create-series option)"


def _row_attributes(meta: dict, key: str) -> dict[int, str]:
    """Data row (from 1) → value, from the ``gcmhub_row_attributes`` GCM Hub's
    export writes for rows whose source or nature is not the file's own
    (``{"SOURCE_DETAIL": {"UN DESA": "4-5,9"}}``); unreadable entries are ignored."""
    given = meta.get("gcmhub_row_attributes")
    values = given.get(key) if isinstance(given, dict) else None
    found: dict[int, str] = {}
    if not isinstance(values, dict):
        return found
    for value, runs in values.items():
        for run in str(runs).split(","):
            start, _, end = run.strip().partition("-")
            if start.isdigit() and (not end or end.isdigit()):
                for number in range(int(start), int(end or start) + 1):
                    found[number] = "" if value is None else str(value)
    return found


def _label_column(header: HeaderIndex, columns: _Columns) -> str | None:
    return header.names[columns.series_label] if columns.series_label is not None else None


def _read_file(path, default_area, options: dict, stats: ReadStats, *, in_folder: bool):
    ctx = Context(path, stats, options)
    file = ctx.file
    ident = options.get("indicator_id") or indicator_id(path)
    meta = read_metadata(path, stats)
    indicator = options.get("indicator") or sdg_indicator(ident, meta)
    meta_unit = _text(meta.get("computation_units")) or _text(meta.get("UNIT_MEASURE"))
    meta_name = _text(meta.get("indicator_name")) or _text(meta.get("graph_title"))
    meta_source = _text(meta.get("source_organisation_1"))
    meta_nature = _text(meta.get("NATURE"))
    row_sources, row_natures = _row_attributes(meta, "SOURCE_DETAIL"), _row_attributes(meta, "NATURE")
    series_option = options.get("series")
    series_map = options.get("series_map") or {}
    try:
        source = CsvSource(path, encoding=options.get("encoding"))
    except FormatError as exc:
        if in_folder and exc.reason == "the file is empty":
            stats.skip("empty_file")
            stats.warnings.append(f"{file}: empty, skipped")
            return
        raise
    with source:
        rows = source.rows()
        header = None
        for line, row in rows:
            if any(cell.strip() for cell in row):
                header = HeaderIndex(row, file, line, exact=True)
                header_line = line
                break
        if header is None:
            raise FormatError(file, "the file is empty")
        columns = _Columns(header)
        source.expect_width(len(header))
        if default_area is None and columns.geocode is None and columns.ref_area is None:
            raise FormatError(
                file, "Open SDG data carry no area of their own: give the reporting country (default area)"
            )
        units_by_series = _prescan_units(path, options, header_line, columns)
        namer = _SeriesNamer(ident, indicator, options)
        width = len(header)
        year_name, value_name = header.names[columns.year], header.names[columns.value]
        data_rows = 0
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            data_rows += 1
            stats.rows += 1
            if len(row) < width or any(cell.strip() for cell in row[width:]):
                yield ctx.problem(line, None, f"the row has {len(row)} columns, the header {width}", row)
                continue
            raw_value = row[columns.value]
            try:
                value = parse_number(raw_value)
            except ValueError as exc:
                value, value_error = None, str(exc)
            else:
                value_error = None
            raw_year = row[columns.year]
            try:
                period, year = parse_period(raw_year)
            except ValueError as exc:
                if value is None and value_error is None:
                    stats.skip("placeholder")
                    continue
                yield ctx.problem(line, year_name, str(exc), row)
                continue
            if value_error is not None:
                yield ctx.problem(line, value_name, value_error, row)
                continue
            dims: list = []
            area, scheme = default_area, "default"
            geocode = _cell(row, columns.geocode)
            if geocode:
                kind = _classify_area(geocode)
                if kind:
                    area, scheme = geocode, kind
                else:
                    dims.append((header.names[columns.geocode], geocode))
            ref_area = _cell(row, columns.ref_area)
            if ref_area:
                area, scheme = ref_area, _classify_area(ref_area) or "m49"
            if area is None:
                yield ctx.problem(line, None, "no area: the row has no GeoCode and no default area was given", row)
                continue
            used = set()
            for position, name in columns.dimensions:
                pair = dimension_for(name, row[position])
                if pair is not None:
                    if pair[0] in used:
                        pair = (name, row[position].strip())
                    used.add(pair[0])
                    dims.append(pair)
            unit = _unit_of(row, columns)
            label = _cell(row, columns.series_label) or None
            code = _cell(row, columns.series_code)
            if code and not _SERIES_CODE.fullmatch(code):
                label, code = label or code, ""  # a SERIES column holding words: a label
            if code:
                if not namer.allowed(code):
                    yield ctx.problem(line, header.names[columns.series_code], namer.not_allowed(code), row)
                    continue
            else:
                if label and label in series_map:
                    code = str(series_map[label])
                elif series_option and not label:
                    code = str(series_option)
                else:
                    several = len(units_by_series.get(label or "", ())) > 1
                    code = namer.code(label, unit, several)
                    if code is None:
                        reason = namer.unresolved(label, unit, several)
                        yield ctx.problem(line, _label_column(header, columns), reason, row)
                        continue
            try:
                mult = unit_multiplier(_cell(row, columns.mult))
            except ValueError as exc:
                yield ctx.problem(line, header.names[columns.mult], str(exc), row)
                continue
            obs = Observation(
                code, indicator, area, scheme, period, year, value, tuple(sorted(dims)),
                unit or meta_unit, mult, obs_status_code(_cell(row, columns.status)),
                _cell(row, columns.nature) or row_natures.get(data_rows, meta_nature) or None,
                _cell(row, columns.comment) or None,
                _cell(row, columns.source) or row_sources.get(data_rows, meta_source) or None, line,
                label or meta_name,
            )  # fmt: skip
            result = ctx.accept(obs, row)
            if result is not None:
                yield result
        if data_rows == 0:
            if in_folder:
                stats.skip("empty_file")
                stats.warnings.append(f"{file}: header only, no data rows; skipped")
                return
            raise FormatError(file, "has a header but no data rows")
