"""UN DESA International Migrant Stock by destination *and origin*.

Three layouts, told apart by the header row:

* **Cleaned matrix CSV** (``Year, Dest, Afghanistan, Albania, …``; G. Abel's
  copy of the 2019 revision): one row per year and destination, one column
  per origin, by *name*. Area = ``Dest`` (scheme ``name``), origin in the
  ``COUNTERPART_AREA`` dimension (also a name: the same scheme as the
  area). In that file ``..`` and blank were written as ``0``, so a zero
  cannot be told from a missing value: zeros are not yielded
  (``options["zero_is_missing"]=False`` keeps them).
* **Official wide workbook** (2019 and earlier revisions: ``Year``,
  ``Sort order``, ``Major area, region, country or area of destination``,
  ``Notes``, ``Code``, ``Type of data``, ``Total``, ``Other North``,
  ``Other South``, then one column per origin name; tables 1/2/3 for both
  sexes/males/females). The destination is taken by *name* so that area
  and counterpart share a scheme; ``Total`` is the headline (no
  counterpart); ``Other North``/``Other South`` stay as written;
  ``..`` is missing. Aggregate destinations (code 900 and above, or no type
  of data) are skipped; WORLD becomes M49 ``001``.
* **Official long workbook** (2020 revision: ``… of destination``,
  ``Location code of destination``, ``… of origin``, ``Location code of
  origin`` and year columns grouped by sex). Area and counterpart are the
  location codes (scheme ``m49``); origin WORLD (900) is the headline,
  other aggregate origins and destinations are skipped.

Series ``SM.POP.TOTL`` (international migrant stock), unit NUMBER, sex
from the table title or the column group (``SEX`` ``M``/``F``; both sexes
is the headline). NON_AREA_COUNTERPARTS lists the counterparts that are not
areas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .desa_stock import EXTRA_MISSING, clean_name, sex_of
from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .tables import cell_text, is_blank, new_context, table_rows
from .values import parse_cell

FORMAT = "desa-matrix"
COUNTERPART = "COUNTERPART_AREA"
NON_AREA_COUNTERPARTS = frozenset({"Other North", "Other South"})
SERIES = "SM.POP.TOTL"
SOURCE = "UN DESA Population Division, International Migrant Stock"
_YEAR_CELL = re.compile(r"\d{4}")


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from a DESA origin–destination table (CSV or workbook)."""
    ctx = new_context(path, stats, options)
    with table_rows(ctx, path, sheet=ctx.options.get("sheet"), default_sheet="Table 1") as (source, rows):
        buffered = []
        layout = None
        for line, cells in rows:
            buffered.append((line, cells))
            texts = [cell_text(c).lower() for c in cells]
            if texts[:2] == ["year", "dest"]:
                layout = "clean"
                break
            if any("of origin" in t for t in texts) and any("of destination" in t for t in texts):
                layout = "long"
                break
            if "year" in texts and any("of destination" in t for t in texts):
                layout = "wide"
                break
            if len(buffered) > 40:
                break
        if not buffered or all(is_blank(cells) for _, cells in buffered):
            raise FormatError(ctx.file, "the file is empty")
        if layout is None:
            raise FormatError(
                ctx.file, "no header row of an origin–destination table (Year, Dest, … or … of destination, …)"
            )
        if source is not None:
            source.expect_width(len(buffered[-1][1]))
        title = " ".join(cell_text(c) for _, cells in buffered for c in cells if c is not None)
        reader = {"clean": _clean, "wide": _wide, "long": _long}[layout]
        yield from reader(ctx, buffered, rows, title)
    return ctx.stats


def _emit(ctx, series_area, scheme, counterpart, period, year, value, sex, line, cells, column, note=None, name=None):
    dims = []
    if counterpart is not None:
        dims.append((COUNTERPART, counterpart))
    if sex:
        dims.append(("SEX", sex))
    obs = Observation(
        SERIES, None, series_area, scheme, period, year, value, tuple(sorted(dims)), "NUMBER", None, None, None,
        note, SOURCE, line, name,
    )  # fmt: skip
    return ctx.accept(obs, cells, column)


def _value(ctx, raw, line, column, cells, zero_is_missing: bool):
    try:
        value = parse_cell(raw, EXTRA_MISSING)
    except ValueError as exc:
        return ctx.problem(line, column, str(exc), cells), None
    if value == 0 and zero_is_missing:
        value = None
    return None, value


def _table_title(text: str) -> str:
    """The "Table N: …" sentence of a header block (for the sex of the table)."""
    match = re.search(r"table\s*\d[^.]*?(?=\s{2,}|$)", text, re.IGNORECASE)
    return match.group(0)[:300] if match else text[:300]


def _clean(ctx, buffered, rows, title):
    header = [cell_text(c) for c in buffered[-1][1]]
    zero_is_missing = bool(ctx.options.get("zero_is_missing", True))
    keep_missing = bool(ctx.options.get("keep_missing"))
    sex = sex_of(ctx.options.get("title", ""))
    origins = [(p, header[p].strip().rstrip("*").strip()) for p in range(2, len(header))]
    origins = [(p, o) for p, o in origins if o]
    count = 0
    for line, cells in rows:
        if is_blank(cells):
            continue
        count += 1
        ctx.stats.rows += 1
        try:
            period, year = parse_period(cell_text(cells[0]))
        except ValueError as exc:
            yield ctx.problem(line, header[0], str(exc), cells)
            continue
        dest = clean_name(cells[1]) if len(cells) > 1 else ""
        if not dest:
            yield ctx.problem(line, header[1], "the destination is blank", cells)
            continue
        width = len(cells)
        for position, origin in origins:
            raw = cells[position] if position < width else None
            if raw == "0" and zero_is_missing and not keep_missing:
                continue  # the bulk of the matrix: skip without parsing
            problem, value = _value(ctx, raw, line, origin, cells, zero_is_missing)
            if problem is not None:
                yield problem
                continue
            if value is None and not keep_missing:
                continue
            result = _emit(ctx, dest, "m49name", origin, period, year, value, sex, line, cells, origin)
            if result is not None:
                yield result
    if count == 0:
        raise FormatError(ctx.file, "has a header but no data rows")


def _wide(ctx, buffered, rows, title):
    header = [cell_text(c) for c in buffered[-1][1]]
    lowered = [h.lower() for h in header]
    year_i = lowered.index("year")
    dest_i = next(i for i, t in enumerate(lowered) if "of destination" in t)
    code_i = next((i for i, t in enumerate(lowered) if t in ("code", "location code")), None)
    type_i = next((i for i, t in enumerate(lowered) if t.startswith("type of data")), None)
    first = max(i for i in (year_i, dest_i, code_i, type_i) if i is not None) + 1
    sex = sex_of(_table_title(title))
    keep_missing = bool(ctx.options.get("keep_missing"))
    origins = [(p, header[p].strip().rstrip("*").strip()) for p in range(first, len(header))]
    origins = [(p, o) for p, o in origins if o]
    count = 0
    for line, cells in rows:
        if is_blank(cells):
            continue
        dest = clean_name(cells[dest_i]) if dest_i < len(cells) else ""
        code = cell_text(cells[code_i]) if code_i is not None and code_i < len(cells) else ""
        if not code:
            continue  # heading row
        count += 1
        ctx.stats.rows += 1
        try:
            period, year = parse_period(cell_text(cells[year_i]))
        except ValueError as exc:
            yield ctx.problem(line, header[year_i], str(exc), cells)
            continue
        kind = cell_text(cells[type_i]) if type_i is not None and type_i < len(cells) else "-"
        try:
            number = int(float(code))
        except ValueError:
            yield ctx.problem(line, header[code_i], f"{code!r} is not a location code", cells)
            continue
        if number == 900:
            dest, scheme = "001", "m49"
        elif number >= 900 or not kind:
            ctx.stats.skip("aggregate")
            continue
        else:
            scheme = "name"
        for position, origin in origins:
            problem, value = _value(ctx, cells[position] if position < len(cells) else None, line, origin,
                                    cells, False)  # fmt: skip
            if problem is not None:
                yield problem
                continue
            if value is None and not keep_missing:
                continue
            counterpart = None if origin.lower() == "total" else origin
            result = _emit(ctx, dest, scheme, counterpart, period, year, value, sex, line, cells, origin)
            if result is not None:
                yield result
    if count == 0:
        raise FormatError(ctx.file, "has a header but no data rows")


def _long(ctx, buffered, rows, title):
    header_cells = buffered[-1][1]
    header = [cell_text(c) for c in header_cells]
    lowered = [h.lower() for h in header]
    dest_code_i = next(i for i, t in enumerate(lowered) if "code" in t and "destination" in t)
    origin_code_i = next(i for i, t in enumerate(lowered) if "code" in t and "origin" in t)
    type_i = next((i for i, t in enumerate(lowered) if t.startswith("type of data")), None)
    last_fixed = max(i for i, t in enumerate(lowered) if "destination" in t or "origin" in t or "type of data" in t)
    labels = []
    for _, cells in buffered[-5:]:
        for position, cell in enumerate(cells):
            text = cell_text(cell)
            if position > last_fixed and text and not _YEAR_CELL.fullmatch(text):
                labels.append((position, text))
    labels.sort()
    columns = []
    for position in range(last_fixed + 1, len(header)):
        if _YEAR_CELL.fullmatch(header[position]):
            label = next((t for p, t in reversed(labels) if p <= position), "")
            period, year = parse_period(header[position])
            columns.append((position, period, year, sex_of(label)))
    if not columns:
        raise FormatError(ctx.file, "no year columns in the header row", line=buffered[-1][0])
    keep_missing = bool(ctx.options.get("keep_missing"))
    count = 0
    for line, cells in rows:
        if is_blank(cells):
            continue
        dest = cell_text(cells[dest_code_i]) if dest_code_i < len(cells) else ""
        origin = cell_text(cells[origin_code_i]) if origin_code_i < len(cells) else ""
        if not dest:
            continue
        count += 1
        ctx.stats.rows += 1
        try:
            dest_n, origin_n = int(float(dest)), int(float(origin))
        except ValueError:
            yield ctx.problem(line, header[origin_code_i], f"{origin!r} or {dest!r} is not a location code", cells)
            continue
        kind = cell_text(cells[type_i]) if type_i is not None and type_i < len(cells) else "-"
        if dest_n == 900:
            area = "001"
        elif dest_n >= 900 or not kind:
            ctx.stats.skip("aggregate")
            continue
        else:
            area = str(dest_n)
        if origin_n == 900:
            counterpart = None
        elif origin_n >= 900:
            ctx.stats.skip("aggregate_origin")
            continue
        else:
            counterpart = str(origin_n)
        for position, period, year, sex in columns:
            problem, value = _value(ctx, cells[position] if position < len(cells) else None, line,
                                    header[position], cells, False)  # fmt: skip
            if problem is not None:
                yield problem
                continue
            if value is None and not keep_missing:
                continue
            result = _emit(ctx, area, "m49", counterpart, period, year, value, sex, line, cells, header[position])
            if result is not None:
                yield result
    if count == 0:
        raise FormatError(ctx.file, "has a header but no data rows")
