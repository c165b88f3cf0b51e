"""UN DESA International Migrant Stock: totals by sex and destination.

Reads the official workbooks (*International Migrant Stock 2020:
Destination*, ``Table 1`` … ``Table 6``; the 2019 ``UN_MigrantStockTotal``
workbook, same tables) and CSV copies of one table.

Workbook layout: a title block, then a header row with the area name
(``Region, development group, country or area`` / ``Major area, region,
country or area of destination``), ``Notes``, ``Location code``/``Code``,
``Type of data`` and the years — in the same row (2020) or in the row
below (2019). The years come in three groups labelled "both sexes",
"male(s)", "female(s)", the labels sitting above (2020) or in (2019) the
header row. ``options["sheet"]`` picks the table (default ``Table 1``).
CSV: the same columns, or flattened ones (``location_code``,
``type_of_data``, ``both_1990`` … ``female_2020``).

Mapping: area = ``Location code`` (M49, scheme ``m49``; written as in the
file, ``4`` for Afghanistan); period = the year; sex from the group
(``SEX`` ``M``/``F``; both sexes is the headline); ``..`` is missing (not
yielded unless ``keep_missing``). The series follows the table's title:

=============================================  =========================  ======
table                                          series                     unit
=============================================  =========================  ======
International migrant stock (Table 1)          ``SM.POP.TOTL``            NUMBER
Total population, thousands (Table 2)          ``UNDESA_IMS_POP``         NUMBER ×10³
Migrant stock as % of population (Table 3)     ``SM.POP.TOTL.ZS``         PERCENT
Female migrants as % of migrants (Table 4)     ``UNDESA_IMS_FEMALE_PCT``  PERCENT
Annual rate of change (Table 5)                ``UNDESA_IMS_GROWTH``      PERCENT
Refugees incl. asylum seekers (Table 6)        ``UNDESA_IMS_REFUGEES``    NUMBER
=============================================  =========================  ======

(``SM.POP.TOTL`` and ``SM.POP.TOTL.ZS`` are the World Bank's codes for these
very DESA series.) A table with several column groups (2019's Table 6:
refugee stock, refugees as % of migrants — ``UNDESA_IMS_REFUGEES_PCT`` —
and its rate of change — ``UNDESA_IMS_REFUGEES_GROWTH``) gets the series
of each group's label. The type of data (``B`` foreign-born, ``C`` citizenship,
``I`` imputed, ``R`` refugees added) goes to ``footnote`` as ``type of
data: B R``.

Rows without a type of data, or whose code is 900 or above, are DESA's
aggregates (World 900, SDG regions 947, 1833, …, income groups 1500–1518):
they are skipped and counted as ``aggregate``, except WORLD (900), which
becomes M49 ``001``. ``options["aggregates"]="name"`` yields the others by
name (scheme ``name``), leaving their resolution to the area resolver.
Heading rows without a code (``UN development groups``) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .tables import cell_text, is_blank, new_context, table_rows
from .values import parse_cell

FORMAT = "desa-stock"

# (words that must all appear in the title or group label, series, unit, unit_mult), first match wins
TABLE_SERIES = (
    (("female migrants", "percentage"), "UNDESA_IMS_FEMALE_PCT", "PERCENT", None),
    (("refugee", "percentage"), "UNDESA_IMS_REFUGEES_PCT", "PERCENT", None),
    (("refugee", "rate of change"), "UNDESA_IMS_REFUGEES_GROWTH", "PERCENT", None),
    (("percentage of the total population",), "SM.POP.TOTL.ZS", "PERCENT", None),
    (("rate of change",), "UNDESA_IMS_GROWTH", "PERCENT", None),
    (("refugee",), "UNDESA_IMS_REFUGEES", "NUMBER", None),
    (("total population",), "UNDESA_IMS_POP", "NUMBER", 3),
    (("international migrant stock",), "SM.POP.TOTL", "NUMBER", None),
)
# The series' descriptions (``Observation.series_name``), from the tables' titles
# without the "by sex and by region, country or area …, 1990-2020" tail, so that
# they are the same whichever edition (2019, 2020) creates the series.
SERIES_NAMES = {
    "SM.POP.TOTL": "International migrant stock at mid-year",
    "UNDESA_IMS_POP": "Total population at mid-year (thousands)",
    "SM.POP.TOTL.ZS": "International migrant stock as a percentage of the total population",
    "UNDESA_IMS_FEMALE_PCT": "Female migrants as a percentage of the international migrant stock",
    "UNDESA_IMS_GROWTH": "Annual rate of change of the migrant stock (percentage)",
    "UNDESA_IMS_REFUGEES": "Estimated refugee stock (including asylum seekers) at mid-year",
    "UNDESA_IMS_REFUGEES_PCT": "Refugees and asylum seekers as a percentage of the international migrant stock",
    "UNDESA_IMS_REFUGEES_GROWTH": "Annual rate of change of the refugee stock (percentage)",
}
_TITLE_PREFIX = re.compile(r"^\s*table\s*\d+\s*[-:.]?\s*", re.IGNORECASE)
EXTRA_MISSING = frozenset({"~"})  # DESA's mark for a value not computed (2020 Table 6)
_YEAR_CELL = re.compile(r"\d{4}(\s*-\s*\d{4})?")
_FLAT = re.compile(r"(both|male|female|total)s?[_ ]+(\d{4})", re.IGNORECASE)


def sex_of(label: str) -> str | None:
    text = label.lower()
    if "female" in text or "women" in text:
        return "F"
    if re.search(r"\bmales?\b|\bmen\b", text):
        return "M"
    return None


def series_of(text: str):
    lowered = text.lower()
    for words, series, unit, mult in TABLE_SERIES:
        if all(word in lowered for word in words):
            return series, unit, mult
    return None


def area_of(code_text: str, name: str, type_of_data: str, aggregates: str):
    """``(area, scheme)``, or ``None`` to skip an aggregate."""
    try:
        number = int(float(code_text))
    except ValueError:
        number = None
    if number == 900:
        return "001", "m49"
    if number is None or number >= 900 or not type_of_data:
        if aggregates == "name" and name:
            return name, "name"
        return None
    return str(number), "m49"


def clean_name(cell) -> str:
    return cell_text(cell).strip().rstrip("*").strip()


class Layout:
    """Where things are in a DESA table, found from its first rows."""

    def __init__(self, file: str, buffered: list):
        self.file = file
        header_at = None
        for index, (line, cells) in enumerate(buffered):
            texts = [cell_text(c).lower() for c in cells]
            code = [i for i, t in enumerate(texts) if t in ("location code", "code", "location_code")]
            kind = [i for i, t in enumerate(texts) if t.startswith(("type of data", "type_of_data"))]
            names = [i for i, t in enumerate(texts) if "country or area" in t or t == "region_country_area"]
            if code and (kind or names):
                header_at = index
                self.code_i = code[0]
                self.type_i = kind[0] if kind else None
                self.name_i = names[0] if names else max(0, self.code_i - 2)
                self.header_line = line
                break
        if header_at is None:
            raise FormatError(file, "no header row with 'Location code' and 'Type of data' was found")
        header = buffered[header_at][1]
        self.last_fixed = max(i for i in (self.code_i, self.type_i, self.name_i) if i is not None)
        texts = [cell_text(c) for _, cells in buffered[: header_at + 1] for c in cells if c is not None]
        titles = [t for t in texts if re.match(r"table\s*\d", t, re.IGNORECASE)]
        title = titles[0] if titles else " ".join(texts)
        self.columns: list[tuple[int, str, int, str | None, tuple | None]] = []
        for position, cell in enumerate(header):
            match = _FLAT.fullmatch(cell_text(cell))
            if match:
                period, year = parse_period(match.group(2))
                self.columns.append((position, period, year, sex_of(match.group(1)), None))
        self.data_from = header_at + 1
        if not self.columns:
            year_row = header if self._years(header) else None
            if year_row is None and header_at + 1 < len(buffered) and self._years(buffered[header_at + 1][1]):
                year_row = buffered[header_at + 1][1]
                self.data_from = header_at + 2
            if year_row is None:
                raise FormatError(file, "no year columns next to the header row", line=self.header_line)
            labels = []
            for _, cells in buffered[max(0, header_at - 4) : header_at + 1]:
                for position, cell in enumerate(cells):
                    text = cell_text(cell)
                    if position > self.last_fixed and text and not _YEAR_CELL.fullmatch(text):
                        labels.append((position, text))
            labels.sort()
            for position, cell in enumerate(year_row):
                if position <= self.last_fixed:
                    continue
                text = cell_text(cell)
                if not _YEAR_CELL.fullmatch(text):
                    continue
                period, year = parse_period(text)
                label = next((t for p, t in reversed(labels) if p <= position), "")
                own = series_of(label)
                sex = None if own and own[0] == "UNDESA_IMS_FEMALE_PCT" else sex_of(label)
                self.columns.append((position, period, year, sex, own))
        self.title = title
        self.series = series_of(title)

    @staticmethod
    def _years(cells) -> bool:
        return sum(1 for c in cells if _YEAR_CELL.fullmatch(cell_text(c))) >= 2


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from a DESA migrant-stock table (workbook or CSV)."""
    ctx = new_context(path, stats, options)
    options = ctx.options
    aggregates = options.get("aggregates", "skip")
    keep_missing = bool(options.get("keep_missing"))
    with table_rows(ctx, path, sheet=options.get("sheet"), default_sheet="Table 1") as (source, rows):
        buffered = []
        for line, cells in rows:
            buffered.append((line, cells))
            texts = [cell_text(c).lower() for c in cells]
            if any(t in ("location code", "code", "location_code") for t in texts) and any(
                t.startswith(("type of data", "type_of_data")) or "country or area" in t for t in texts
            ):
                buffered.append(next(rows, (line, [])))
                break
            if len(buffered) > 40:
                break
        if not buffered or all(is_blank(cells) for _, cells in buffered):
            raise FormatError(ctx.file, "the file is empty")
        layout = Layout(ctx.file, buffered)
        if source is not None:
            source.expect_width(max(len(cells) for _, cells in buffered))
        # A series named in the options is described by the table's own title.
        title = _TITLE_PREFIX.sub("", layout.title).strip() if layout.title.lower().startswith("table") else ""
        if options.get("series"):
            series, unit, mult = str(options["series"]), options.get("unit"), None
        elif layout.series:
            series, unit, mult = layout.series
        else:
            series, unit, mult = "SM.POP.TOTL", "NUMBER", None
        pending = buffered[layout.data_from :]

        def data_rows():
            yield from pending
            yield from rows

        count = 0
        for line, cells in data_rows():
            if is_blank(cells):
                continue
            name = clean_name(cells[layout.name_i]) if layout.name_i < len(cells) else ""
            code = cell_text(cells[layout.code_i]) if layout.code_i < len(cells) else ""
            if not code:
                if name:
                    ctx.stats.skip("heading")
                continue
            count += 1
            ctx.stats.rows += 1
            type_i = layout.type_i
            type_of_data = cell_text(cells[type_i]) if type_i is not None and type_i < len(cells) else ""
            if not re.fullmatch(r"\d+(\.0+)?", code):
                yield ctx.problem(line, "Location code", f"{code!r} is not a location code", cells)
                continue
            where = area_of(code, name, type_of_data if type_i is not None else "-", aggregates)
            if where is None:
                ctx.stats.skip("aggregate")
                continue
            area, scheme = where
            note = f"type of data: {' '.join(type_of_data.split())}" if type_of_data else None
            for position, period, year, sex, own in layout.columns:
                raw = cells[position] if position < len(cells) else None
                try:
                    value = parse_cell(raw, EXTRA_MISSING)
                except ValueError as exc:
                    yield ctx.problem(line, str(year), str(exc), cells)
                    continue
                if value is None and not keep_missing:
                    continue
                dims = (("SEX", sex),) if sex else ()
                code, code_unit, code_mult = own if own and not options.get("series") else (series, unit, mult)
                series_name = SERIES_NAMES.get(code) or title or None
                obs = Observation(
                    code, None, area, scheme, period, year, value, dims, code_unit, code_mult, None, None, note,
                    "UN DESA Population Division, International Migrant Stock", line, series_name,
                )  # fmt: skip
                result = ctx.accept(obs, cells, str(year))
                if result is not None:
                    yield result
        if count == 0:
            raise FormatError(ctx.file, "has a header but no data rows")
    return ctx.stats
