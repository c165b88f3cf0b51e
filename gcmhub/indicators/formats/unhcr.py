"""UNHCR population statistics: origin × asylum × year tables.

Reads the tables of UNHCR's ``refugees`` package / Refugee Data Finder
(``population``, ``flows``, ``solutions``), with either column style:

==========================  ===========================================
``year``                    ``Year``
``coo_iso`` / ``coo``       ``Country of origin (ISO)`` / ``… (UNHCR)``
``coa_iso`` / ``coa``       ``Country of asylum (ISO)`` / ``… (UNHCR)``
``refugees``                ``Refugees under UNHCR's mandate``
``asylum_seekers``          ``Asylum-seekers``
``returned_refugees``       ``Returned refugees``
``idps``, ``returned_idps``  ``IDPs of concern to UNHCR``, ``Returned IDPss``
``stateless``, ``ooc``      ``Stateless persons``, ``Others of concern``
``oip``, ``hst``            ``Other people in need of international protection``, ``Host community``
``refugee_like``, ``resettlement``, ``naturalisation``
==========================  ===========================================

One observation per row and population column with a value (blank cells
are not yielded; zeros are, since UNHCR writes real zeros):

* series ``UNHCR_<TABLE>_<COLUMN>``, e.g. ``UNHCR_POPULATION_REFUGEES``,
  ``UNHCR_FLOWS_ASYLUM_SEEKERS``, ``UNHCR_SOLUTIONS_RESETTLEMENT``; the
  table comes from ``options["table"]`` or the file name (``flows``,
  ``solutions``, else ``population``) — the same column means different
  things in the stock and flow tables;
* area = the country of **asylum** (ISO3, from ``coa_iso``, falling back
  to the UNHCR code), ``COUNTERPART_AREA`` = the country of origin (same
  scheme). ``options["area"]="origin"`` swaps them (10.7.4 counts refugees
  by origin);
* period = the year (end-year stock, or flows during the year).

UNHCR's non-area codes — ``UNK``/``UKN`` (unknown), ``STA`` (stateless),
``TIB`` (Tibetan) — are kept as counterparts (``UKN`` written ``UNK``;
``NON_AREA_COUNTERPARTS``); a row whose *area* is one of them is skipped
and counted as ``non_area``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .tables import cell_text, is_blank, new_context, table_rows
from .textfiles import HeaderIndex, normalise_name
from .values import parse_cell

FORMAT = "unhcr"
COUNTERPART = "COUNTERPART_AREA"
NON_AREA_COUNTERPARTS = frozenset({"UNK", "STA", "TIB"})
_NON_AREA = {"UNK": "UNK", "UKN": "UNK", "STA": "STA", "TIB": "TIB", "XXA": "STA"}

MEASURES = {
    "refugees": ("refugees", "refugees under unhcr's mandate", "refugees under unhcrs mandate"),
    "asylum_seekers": ("asylum_seekers", "asylum-seekers", "asylum seekers"),
    "returned_refugees": ("returned_refugees", "returned refugees"),
    "idps": ("idps", "idps of concern to unhcr"),
    "returned_idps": ("returned_idps", "returned idpss", "returned idps"),
    "stateless": ("stateless", "stateless persons"),
    "ooc": ("ooc", "others of concern", "others of concern to unhcr"),
    "oip": ("oip", "other people in need of international protection"),
    "hst": ("hst", "host community"),
    "refugee_like": ("refugee_like", "people in refugee-like situations"),
    "resettlement": ("resettlement", "resettlement arrivals"),
    "naturalisation": ("naturalisation", "naturalisation", "naturalization"),
}


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from a UNHCR origin × asylum table (CSV or workbook)."""
    ctx = new_context(path, stats, options)
    options = ctx.options
    table = options.get("table")
    if not table:
        base = os.path.basename(str(path)).lower()
        table = "flows" if "flow" in base else "solutions" if "solution" in base else "population"
    table = re.sub(r"[^0-9A-Za-z]+", "_", str(table)).upper()
    by_origin = options.get("area") == "origin"
    with table_rows(ctx, path, sheet=options.get("sheet")) as (source, rows):
        header = None
        for line, cells in rows:
            names = [cell_text(c) for c in cells]
            if "year" in [normalise_name(n) for n in names]:
                header = HeaderIndex(names, ctx.file, line)
                break
        if header is None:
            raise FormatError(ctx.file, "no header row with a 'year' column was found")
        if source is not None:
            source.expect_width(len(header))
        year_i = header.require("year")
        origin_i = header.find("coo_iso", "Country of origin (ISO)")
        origin_alt = header.find("coo", "Country of origin (UNHCR)")
        asylum_i = header.find("coa_iso", "Country of asylum (ISO)")
        asylum_alt = header.find("coa", "Country of asylum (UNHCR)")
        if origin_i is None and origin_alt is None:
            header.require("coo_iso")
        if asylum_i is None and asylum_alt is None:
            header.require("coa_iso")
        measures = []
        for key, aliases in MEASURES.items():
            position = header.find(*aliases)
            if position is not None:
                measures.append((position, f"UNHCR_{table}_{key.upper()}", header.names[position]))
        if not measures:
            raise FormatError(ctx.file, "no population columns (refugees, asylum_seekers, …)", line=header.line)
        count = 0
        for line, cells in rows:
            if is_blank(cells):
                continue
            count += 1
            ctx.stats.rows += 1

            def code(primary, fallback):
                text = cell_text(cells[primary]) if primary is not None and primary < len(cells) else ""
                if not text and fallback is not None and fallback < len(cells):
                    text = cell_text(cells[fallback])
                return _NON_AREA.get(text.upper(), text)

            origin, asylum = code(origin_i, origin_alt), code(asylum_i, asylum_alt)
            area, counterpart = (origin, asylum) if by_origin else (asylum, origin)
            if not area or not counterpart:
                yield ctx.problem(line, None, "the country of origin or of asylum is blank", cells)
                continue
            if area in NON_AREA_COUNTERPARTS:
                ctx.stats.skip("non_area")
                continue
            try:
                period, year = parse_period(cell_text(cells[year_i]))
            except ValueError as exc:
                yield ctx.problem(line, header.names[year_i], str(exc), cells)
                continue
            dims = ((COUNTERPART, counterpart),)
            for position, series, column in measures:
                raw = cells[position] if position < len(cells) else None
                try:
                    value = parse_cell(raw)
                except ValueError as exc:
                    yield ctx.problem(line, column, str(exc), cells)
                    continue
                if value is None:
                    continue
                obs = Observation(
                    series, None, area, "iso3", period, year, value, dims, "NUMBER", None, None, None, None,
                    "UNHCR Refugee Population Statistics Database", line, None,
                )  # fmt: skip
                result = ctx.accept(obs, cells, column)
                if result is not None:
                    yield result
        if count == 0:
            raise FormatError(ctx.file, "has a header but no data rows")
    return ctx.stats
