"""World Bank WDI tables: API CSV, DataBank CSV, Excel download; and the
KNOMAD remittance table.

Layouts recognised by their header row (found after any preamble):

* **WDI API CSV / Excel** — 4 preamble lines (``Data Source``, ``Last
  Updated Date``), then ``Country Name, Country Code, Indicator Name,
  Indicator Code, 1960 … YYYY`` (a trailing comma on every line in the CSV;
  sheet ``Data`` in the .xls/.xlsx download).
* **DataBank export** — ``Country Name, Country Code, Series Name, Series
  Code, 1990 [YR1990] …``, ``..`` for missing, and footer lines (``Data
  from database: …``, ``Last Updated: …``) which are skipped.
* **KNOMAD-style table** — first header cell is the title (``Migrant
  remittance inflows (US$ million)``), then year columns (``2017p`` is a
  projection: obs_status ``F``); one row per country *name*. In the file
  here missing years were written as ``0`` (PROVENANCE), so zeros are
  missing values in this layout (``options["zero_is_missing"]=False``
  keeps them). The title maps to series ``KNOMAD_REMIT_INFLOWS`` (unit
  ``USD``, unit_mult 6); another title gives ``options["series"]`` or the
  title's slug.

Series = the ``Indicator Code``/``Series Code`` as published
(``SM.POP.NETM``): WDI codes keep their dots, which also keeps them apart
from SDG series (``SM_POP_REFG_OR`` is per 100,000, WDI's
``SM.POP.REFG.OR`` a count). Area = ``Country Code`` (scheme ``iso3``; the
Bank's ``XKX`` for Kosovo included). The 48 WDI aggregates (regions,
income groups, ``EUU``, …) are not areas: they are skipped and counted as
``aggregate`` — except ``WLD``, which becomes M49 ``001`` (World).
``options["aggregates"]="keep"`` yields them all as written. Cells with no
value are not yielded (``options["keep_missing"]`` yields them as None).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context
from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .tables import cell_text, is_blank, new_context, table_rows
from .textfiles import HeaderIndex
from .values import parse_cell

FORMAT = "wdi"

WDI_AGGREGATES = frozenset(
    "AFE AFW ARB CEB CSS EAP EAR EAS ECA ECS EMU EUU FCS HIC HPC IBD IBT IDA IDB IDX INX LAC LCN LDC LIC "
    "LMC LMY LTE MEA MIC MNA NAC OED OSS PRE PSS PST SAS SSA SSF SST TEA TEC TLA TMN TSA TSS UMC WLD".split()
)
KNOWN_TITLES = {
    "migrant remittance inflows (us$ million)": ("KNOMAD_REMIT_INFLOWS", "USD", 6),
    "migrant remittance outflows (us$ million)": ("KNOMAD_REMIT_OUTFLOWS", "USD", 6),
}
_SUFFIX_STATUS = {"p": "F", "e": "E", "f": "F"}
_FOOTER = re.compile(r"^(data from database|last updated|source:|note:)", re.IGNORECASE)


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from a WDI/DataBank/KNOMAD wide table (CSV, XLS or XLSX)."""
    ctx = new_context(path, stats, options)
    with table_rows(ctx, path, sheet=ctx.options.get("sheet"), default_sheet="Data") as (source, rows):
        yield from _read(ctx, source, rows)
    return ctx.stats


def period_columns(names, start: int) -> list[tuple[int, str, int, str | None]]:
    """``(position, period, year, obs_status)`` for header cells that are periods."""
    found = []
    for position in range(start, len(names)):
        text = names[position].strip()
        status = None
        match = re.fullmatch(r"(\d{4})\s*([pef])", text, re.IGNORECASE)
        if match:
            text, status = match.group(1), _SUFFIX_STATUS[match.group(2).lower()]
        try:
            period, year = parse_period(text)
        except ValueError:
            continue
        found.append((position, period, year, status))
    return found


def _find_header(ctx: Context, rows):
    for line, cells in rows:
        names = [cell_text(c) for c in cells]
        lowered = [n.lower() for n in names]
        if "country code" in lowered:
            return line, names, "wdi"
        if names and names[0] and len(names) > 3:
            years = len(period_columns(names, 1))
            if years >= 3 and years >= 0.8 * len([n for n in names[1:] if n]):
                return line, names, "knomad"
    raise FormatError(ctx.file, "no header row with 'Country Code' (or a title and year columns) was found")


def _read(ctx: Context, source, rows):
    options = ctx.options
    header_line, names, layout = _find_header(ctx, rows)
    header = HeaderIndex(names, ctx.file, header_line)
    if source is not None:
        source.expect_width(len(header))
    keep_missing = bool(options.get("keep_missing"))
    keep_aggregates = options.get("aggregates") == "keep"
    if layout == "wdi":
        code_i = header.require("Country Code")
        series_i = header.require("Indicator Code", "Series Code")
        series_name_i = header.find("Indicator Name", "Series Name")
        periods = period_columns(header.names, max(code_i, series_i) + 1)
        zero_is_missing = bool(options.get("zero_is_missing", False))
        title = None
    else:
        code_i = 0
        series_i = series_name_i = None
        periods = period_columns(header.names, 1)
        zero_is_missing = bool(options.get("zero_is_missing", True))
        title = header.names[0]
    if not periods:
        raise FormatError(ctx.file, "the header has no year columns", line=header_line)
    known = KNOWN_TITLES.get(title.lower(), None) if title else None
    fixed_series = options.get("series") or (known[0] if known else None)
    if title and not fixed_series:
        fixed_series = re.sub(r"[^0-9A-Za-z]+", "_", title).strip("_").upper()
    unit, mult = (known[1], known[2]) if known else (None, None)
    count = 0
    for line, cells in rows:
        if is_blank(cells):
            continue
        first = cell_text(cells[0]) if cells else ""
        code = cell_text(cells[code_i]) if code_i < len(cells) else ""
        if layout == "wdi" and not code and _FOOTER.match(first):
            ctx.stats.skip("footer")
            continue
        count += 1
        ctx.stats.rows += 1
        if layout == "wdi" and (not code or len(cells) <= series_i):
            yield ctx.problem(line, header.names[code_i], "the country code is blank", cells)
            continue
        if layout == "knomad" and not code:
            yield ctx.problem(line, header.names[0], "the country name is blank", cells)
            continue
        if layout == "wdi":
            scheme = "iso3"
            if code.upper() == "WLD":
                code, scheme = "001", "m49"
            elif code.upper() in WDI_AGGREGATES and not keep_aggregates:
                ctx.stats.skip("aggregate")
                continue
            series = cell_text(cells[series_i])
            series_name = cell_text(cells[series_name_i]) if series_name_i is not None else None
            if not series:
                yield ctx.problem(line, header.names[series_i], "the indicator code is blank", cells)
                continue
        else:
            scheme = "name"
            if code.lower() == "world":
                code, scheme = "001", "m49"
            series, series_name = fixed_series, title
        for position, period, year, status in periods:
            raw = cells[position] if position < len(cells) else None
            try:
                value = parse_cell(raw)
            except ValueError as exc:
                yield ctx.problem(line, header.names[position], str(exc), cells)
                continue
            if value == 0 and zero_is_missing:
                value = None
            if value is None and not keep_missing:
                continue
            obs = Observation(
                series, None, code, scheme, period, year, value, (), unit, mult, status, None, None,
                None, line, series_name or None,
            )  # fmt: skip
            result = ctx.accept(obs, cells, header.names[position])
            if result is not None:
                yield result
    if count == 0:
        raise FormatError(ctx.file, "has a header but no data rows")
