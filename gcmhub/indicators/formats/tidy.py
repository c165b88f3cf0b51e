"""Generic tidy CSV/XLSX: one observation per row, columns named by a mapping.

The mapping is YAML (a file given as ``options["mapping"]``, a dict given
the same way, or ``<data file>.mapping.yml`` beside the data)::

    area: Country            # column; leave out to use the caller's default area
    area_scheme: iso3        # name (default) | iso3 | iso2 | m49
    period: Year             # column: 2019, 2019-Q3, 2019-07, 2015-16, …
    value: Value             # column
    series: SI_RMT_COST      # a column name, or else a constant series code
    indicator: 10.c.1        # optional, column or constant
    unit: PERCENT            # optional, column or constant
    unit_mult: 0             # optional, column or constant ("Thousands" → 3)
    obs_status: Status       # optional, column or constant ("Estimated value" → E)
    nature: Nature           # optional, column or constant
    footnote: Note           # optional, column or constant
    source: Ministry of Labour   # optional, column or constant
    series_name: Description # optional, column or constant: names a series the catalogue lacks
    dimensions:              # optional: dimension code → column
      SEX: Sex               #   labels become SDMX codes where known (Female → F)
      AGE: Age group         #   blank cells are totals
    sheet: Data              # XLSX: sheet to read (default: the first)
    header_row: 1            # 1-based row of the column names
    encoding: utf-8          # CSV only; utf-8 with or without BOM by default
    delimiter: ","           # CSV only; sniffed from the header by default
    missing: ["x", "n.a."]   # extra missing-value markers
    decimal: "."             # "," for files that write 1,5

A plain string for ``series``/``indicator``/``unit``/… names a column if the
header has a column of that name, else it is a constant; ``{column: X}`` or
``{value: X}`` says which explicitly. Unknown keys are refused, so a typo
is an error rather than a silently ignored setting.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from operator import itemgetter

import yaml

from .codes import dimension_for, obs_status_code, unit_multiplier
from .context import Context, duplicate_reason
from .duplicates import NEW, SAME, LineIndex
from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats, make_observation
from .spreadsheets import is_workbook, open_workbook
from .textfiles import CsvSource, HeaderIndex
from .values import parse_cell, parse_number

FORMAT = "tidy"

_COLUMN_KEYS = ("area", "period", "value")
_FIELD_KEYS = ("series", "indicator", "unit", "unit_mult", "obs_status", "nature", "footnote", "source",
               "series_name")  # fmt: skip
_OTHER_KEYS = (
    "area_scheme", "dimensions", "sheet", "header_row", "encoding", "delimiter", "missing", "decimal",
    "check_duplicates",
)  # fmt: skip
_SCHEMES = ("name", "iso3", "iso2", "m49")


def load_mapping(path, options: dict | None) -> dict:
    """The mapping dict from the options, or from the file beside the data."""
    given = (options or {}).get("mapping")
    where = None
    if given is None:
        stem, _ = os.path.splitext(str(path))
        for candidate in (f"{stem}.mapping.yml", f"{stem}.mapping.yaml", f"{path}.mapping.yml"):
            if os.path.exists(candidate):
                given = candidate
                break
    if given is None:
        raise FormatError(
            path,
            "a tidy file needs a mapping (which column is area, period, value, series…): "
            "pass it as the mapping option or put it beside the data as <name>.mapping.yml",
        )
    if isinstance(given, dict):
        mapping = given
    else:
        where = str(given)
        try:
            with open(given, encoding="utf-8-sig") as fh:
                mapping = yaml.safe_load(fh)
        except OSError as exc:
            raise FormatError(where, f"mapping cannot be read: {exc.strerror or exc}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise FormatError(
                where, f"mapping is not valid YAML: {getattr(exc, 'problem', exc)}", line=mark.line + 1 if mark else None
            ) from None
    if not isinstance(mapping, dict):
        raise FormatError(where or path, "the mapping must be a set of 'key: column' lines")
    unknown = sorted(set(mapping) - set(_COLUMN_KEYS) - set(_FIELD_KEYS) - set(_OTHER_KEYS))
    if unknown:
        known = ", ".join((*_COLUMN_KEYS, *_FIELD_KEYS, *_OTHER_KEYS))
        raise FormatError(where or path, f"unknown mapping key(s) {', '.join(unknown)} (known: {known})")
    for key in ("period", "value", "series"):
        if not mapping.get(key):
            raise FormatError(where or path, f"the mapping must say which column is the {key}")
    scheme = mapping.get("area_scheme", "name")
    if scheme not in _SCHEMES:
        raise FormatError(where or path, f"area_scheme must be one of {', '.join(_SCHEMES)}, not {scheme!r}")
    dimensions = mapping.get("dimensions") or {}
    if not isinstance(dimensions, dict):
        raise FormatError(where or path, "dimensions must map a dimension code to a column")
    return mapping


class _Plan:
    """Column positions and constants, resolved against the header."""

    def __init__(self, mapping: dict, header: HeaderIndex, default_area):
        self.header = header

        def column(key):
            name = mapping[key]
            if isinstance(name, dict):
                name = name.get("column")
            return header.require(str(name))

        self.area_index = column("area") if mapping.get("area") else None
        if self.area_index is None and default_area is None:
            raise FormatError(header.file, "the mapping names no area column and no default area was given")
        self.default_area = default_area
        self.scheme = mapping.get("area_scheme", "name") if self.area_index is not None else "default"
        self.period_index = column("period")
        self.value_index = column("value")
        self.fields = {}
        for key in _FIELD_KEYS:
            spec = mapping.get(key)
            if spec is None or spec == "":
                self.fields[key] = (None, None)
            elif isinstance(spec, dict):
                if "column" in spec:
                    self.fields[key] = (header.require(str(spec["column"])), None)
                else:
                    self.fields[key] = (None, spec.get("value"))
            else:
                position = header.find(str(spec))
                self.fields[key] = (position, None) if position is not None else (None, spec)
        self.dimensions = []
        for code, name in (mapping.get("dimensions") or {}).items():
            self.dimensions.append((str(code), header.require(str(name))))
        self.extra_missing = frozenset(str(m) for m in (mapping.get("missing") or ()))
        self.decimal_comma = mapping.get("decimal") == ","
        constant_mult = self.fields["unit_mult"][1]
        if constant_mult is not None:
            try:
                self.fields["unit_mult"] = (None, unit_multiplier(constant_mult))
            except ValueError as exc:
                raise FormatError(header.file, f"mapping unit_mult: {exc}") from None
        constant_status = self.fields["obs_status"][1]
        if constant_status is not None:
            self.fields["obs_status"] = (None, obs_status_code(str(constant_status)))
        self.needed = 1 + max(
            [self.period_index, self.value_index]
            + ([self.area_index] if self.area_index is not None else [])
            + [position for position, _ in self.fields.values() if position is not None]
            + [position for _, position in self.dimensions]
        )


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from a tidy CSV or XLSX file described by a mapping."""
    # A plain function handing back the reading generator saves a generator
    # layer per row; as with every reader, nothing happens before iteration.
    return _read(path, default_area, options, stats)


def _read(path, default_area, options, stats):
    """The reading generator (the only generator layer between the caller and the rows)."""
    mapping = load_mapping(path, options)
    merged = {**(options or {}), **{k: mapping[k] for k in ("check_duplicates",) if k in mapping}}
    header_row = int(mapping.get("header_row", 1))
    if is_workbook(path):
        ctx = Context(path, stats, merged, labelled=True)
        with open_workbook(path) as book:
            sheet = book.sheet(mapping.get("sheet"))
            rows = book.rows(sheet)
            header = None
            for number, values in rows:
                if number >= header_row:
                    header = HeaderIndex(values, ctx.file, f"{sheet}!{number}")
                    break
            if header is None:
                raise FormatError(ctx.file, f"sheet {sheet!r} has no header row (expected on row {header_row})")
            plan = _Plan(mapping, header, default_area)
            yield from _records(ctx, plan, _SheetRows(rows, header_row), None, sheet)
        return ctx.stats
    ctx = Context(path, stats, merged)
    encoding = mapping.get("encoding") or ctx.options.get("encoding")
    with CsvSource(path, encoding=encoding, delimiter=mapping.get("delimiter")) as source:
        reader = source.open_reader()
        header = None
        try:
            for row in reader:
                if reader.line_num >= header_row:
                    header = HeaderIndex(row, ctx.file, reader.line_num)
                    break
        except (UnicodeDecodeError, csv.Error) as exc:
            raise source.translate(exc) from None
        if header is None:
            raise FormatError(ctx.file, f"has no header row (expected on line {header_row})")
        plan = _Plan(mapping, header, default_area)
        source.expect_width(len(header))
        yield from _records(ctx, plan, reader, source, None)
    return ctx.stats


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell if isinstance(cell, str) else str(cell)


class _SheetRows:
    """Spreadsheet rows behind the csv-reader interface the hot loop expects."""

    def __init__(self, rows, line_num):
        self._rows = rows
        self.line_num = line_num

    def __iter__(self):
        return self

    def __next__(self):
        number, values = next(self._rows)
        self.line_num = number
        return values


def _records(ctx: Context, plan: _Plan, reader, source: CsvSource | None, sheet: str | None):
    """The hot loop: rows of ``reader`` (a csv reader, or sheet rows) to records."""
    str_lines = sheet is not None
    make = make_observation
    stats = ctx.stats
    file = ctx.file
    scheme = plan.scheme
    area_index, period_index, value_index = plan.area_index, plan.period_index, plan.value_index
    default_area = plan.default_area
    fields = plan.fields
    series_i, series_c = fields["series"]
    indicator_i, indicator_c = fields["indicator"]
    unit_i, unit_c = fields["unit"]
    mult_i, mult_c = fields["unit_mult"]
    status_i, status_c = fields["obs_status"]
    nature_i, nature_c = fields["nature"]
    note_i, note_c = fields["footnote"]
    source_i, source_c = fields["source"]
    name_i, name_c = fields["series_name"]
    name_c = None if name_c is None else str(name_c)
    series_c = None if series_c is None else str(series_c)
    indicator_c = None if indicator_c is None else str(indicator_c)
    simple = all(i is None for i in (indicator_i, unit_i, mult_i, status_i, nature_i, note_i, source_i, name_i))
    dimension_columns = plan.dimensions
    dim_positions = tuple(position for _, position in dimension_columns)
    dim_cache: dict = {}
    pick_dims = None
    if len(dim_positions) > 1:
        pick_dims = itemgetter(*dim_positions)
    elif dim_positions:
        only = dim_positions[0]

        def pick_dims(row):
            return (row[only],)
    extra_missing = plan.extra_missing
    decimal_comma = plan.decimal_comma
    needed = plan.needed
    check = ctx.check_duplicates
    index = ctx.index
    line_index = isinstance(index, LineIndex)
    reserve_at = 1024 if line_index and check and source is not None else 0
    add = index.add
    if line_index:
        table, mask, limit, filled = index.table, index.mask, index.limit, index.count
    dims_hash = hash(())
    periods: dict = {}
    count_rows = count_obs = count_missing = count_dups = 0
    previous = reader.line_num
    row = None
    line = 0
    try:
        for row in reader:
            line = previous + 1
            previous = reader.line_num
            if sheet is not None:
                line = f"{sheet}!{line}"
            if len(row) < needed:
                if not any(_text(c).strip() for c in row):
                    continue  # blank line
                count_rows += 1
                yield ctx.problem(line, None, f"the row has {len(row)} columns, the header {len(plan.header)}", row)
                continue
            count_rows += 1
            if count_rows == reserve_at:
                index.count = filled
                reserve_at = _size_index(index, source, count_rows)
                table, mask, limit = index.table, index.mask, index.limit
            # value
            raw = row[value_index]
            try:
                value = float(raw)
                if value - value != 0.0 or (str_lines is False and "_" in raw):
                    raise ValueError
            except (ValueError, TypeError):
                try:
                    if decimal_comma and isinstance(raw, str):
                        raw = raw.replace(".", "").replace(",", ".")
                    value = parse_cell(raw, extra_missing) if str_lines else parse_number(raw, extra_missing)
                except ValueError as exc:
                    yield ctx.problem(line, plan.header.names[value_index], str(exc), row)
                    continue
            # period
            raw_period = row[period_index]
            try:
                period, year = periods[raw_period]
            except KeyError:
                try:
                    period, year = periods.setdefault(raw_period, parse_period(raw_period))
                except ValueError as exc:
                    yield ctx.problem(line, plan.header.names[period_index], str(exc), row)
                    continue
            except TypeError:  # unhashable: cannot happen for str / cell values
                continue
            # area, series
            if area_index is not None:
                area = row[area_index]
                if not isinstance(area, str):
                    area = _text(area)
                area = area.strip()
                if not area:
                    yield ctx.problem(line, plan.header.names[area_index], "the area is blank", row)
                    continue
            else:
                area = default_area
            if series_i is not None:
                series = row[series_i]
                series = (series if series.__class__ is str else _text(series)).strip()
                if not series:
                    yield ctx.problem(line, plan.header.names[series_i], "the series is blank", row)
                    continue
            else:
                series = series_c
            # dimensions
            if dim_positions:
                cells = pick_dims(row)
                cached = dim_cache.get(cells)
                if cached is not None:
                    dims, dims_hash = cached
                else:
                    found = []
                    for (code, _), cell in zip(dimension_columns, cells, strict=True):
                        pair = dimension_for(code, _text(cell))
                        if pair is not None:
                            found.append(pair)
                    dims = tuple(sorted(found))
                    dims_hash = hash(dims)
                    if len(dim_cache) < 200_000:
                        dim_cache[cells] = (dims, dims_hash)
            else:
                dims = ()
            if simple:
                obs = make(series, indicator_c, area, scheme, period, year, value, dims,
                                  unit_c, mult_c, status_c, nature_c, note_c, source_c, line, name_c)  # fmt: skip
            else:
                try:
                    obs = _full_observation(row, plan, series, area, scheme, period, year, value, dims, line)
                except ValueError as exc:
                    yield ctx.problem(line, str(exc.args[1]), str(exc.args[0]), row)
                    continue
            if check:
                if line_index:
                    key_hash = hash((series, area, period, dims_hash)) or 1
                    slot = (key_hash & mask) << 1
                    if table[slot]:  # taken: a repeat, or a collision to probe past
                        index.count = filled
                        earlier = add(key_hash, hash(value), line)
                        table, mask, limit, filled = index.table, index.mask, index.limit, index.count
                    else:  # the common case, inlined: a new key in a free slot
                        table[slot] = key_hash
                        table[slot + 1] = (line << 32) | (hash(value) & 0xFFFFFFFF)
                        filled += 1
                        if filled > limit:
                            index.count = filled
                            index._rehash(filled * 2)
                            table, mask, limit = index.table, index.mask, index.limit
                        earlier = NEW
                else:
                    earlier = add((series, area, period, dims), value, line)
                if earlier:
                    if earlier == SAME:
                        count_dups += 1
                        continue
                    yield ctx.problem(line, None, duplicate_reason(obs, earlier), row)
                    continue
            count_obs += 1
            if value is None:
                count_missing += 1
            yield obs
    except (UnicodeDecodeError, csv.Error) as exc:
        raise source.translate(exc) from None
    finally:
        if line_index:
            index.count = filled
        stats.rows += count_rows
        stats.observations += count_obs
        stats.missing += count_missing
        stats.duplicates += count_dups
    if source is not None:
        source.finish(row, line)
    if count_rows == 0:
        raise FormatError(file, "has a header but no data rows")


def _size_index(index: LineIndex, source: CsvSource, rows: int) -> int:
    """Size the repeat index for the whole file once 64 KB have been read."""
    consumed = source.bytes_read()
    if consumed < 65536 and consumed < source.size:
        return rows * 2
    index.reserve(int(source.size / consumed * rows * 1.15) + 1024)
    return 0


def _cell(row, spec):
    position, constant = spec
    if position is None:
        return constant
    text = _text(row[position]).strip()
    return text or None


def _full_observation(row, plan: _Plan, series, area, scheme, period, year, value, dims, line):
    fields = plan.fields
    mult = fields["unit_mult"]
    unit_mult = mult[1]
    if mult[0] is not None:
        try:
            unit_mult = unit_multiplier(_text(row[mult[0]]))
        except ValueError as exc:
            raise ValueError(str(exc), plan.header.names[mult[0]]) from None
    status = fields["obs_status"]
    obs_status = status[1] if status[0] is None else obs_status_code(_text(row[status[0]]))
    indicator = _cell(row, fields["indicator"])
    return Observation(
        series, None if indicator is None else str(indicator), area, scheme, period, year, value, dims,
        _cell(row, fields["unit"]), unit_mult, obs_status, _cell(row, fields["nature"]),
        _cell(row, fields["footnote"]), _cell(row, fields["source"]), line, _cell(row, fields["series_name"]),
    )  # fmt: skip
