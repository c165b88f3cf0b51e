"""Remittance Prices Worldwide — the corridor table exported from DataBank.

Header: ``Sending Countries Name, Sending Countries Code, Series Name,
Series Code, Receiving Countries  Name, Receiving Countries  Code`` (the
double spaces are the Bank's; names are matched whatever the spacing), then
one column per quarter: ``2011Q1 [YR2011Q1]`` → period ``2011-Q1``.
Missing is ``..``; the five footer lines (blank lines, ``Data from
database: …``, ``Last Updated: …``) are skipped.

One observation per corridor and quarter with a value:

* series = ``Series Code`` as published (``ATCR.CORR``, average total cost
  of sending US$200 in the corridor), indicator ``10.c.1``, unit
  ``PERCENT``; ``Series Name`` is kept as the series name;
* area = the *sending* country code (``iso3``) — the country where the
  migrants live and remit from — and ``COUNTERPART_AREA`` = the receiving
  country code (also ISO3, the same scheme as the area).

Negative costs occur in the export (e.g. ``-11.36``); they are read as
written, since judging them is not a reader's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .periods import parse_period
from .records import FormatError, Observation, Problem, ReadStats
from .tables import cell_text, is_blank, new_context, table_rows
from .textfiles import HeaderIndex
from .values import parse_cell

FORMAT = "rpw"
COUNTERPART = "COUNTERPART_AREA"
_FOOTER = re.compile(r"^(data from database|last updated|source:|note:)", re.IGNORECASE)


def read(path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator[Observation | Problem]:
    """Observations from an RPW corridor export (CSV or workbook)."""
    ctx = new_context(path, stats, options)
    with table_rows(ctx, path, sheet=ctx.options.get("sheet")) as (source, rows):
        header = None
        for line, cells in rows:
            if not is_blank(cells):
                header = HeaderIndex([cell_text(c) for c in cells], ctx.file, line)
                break
        if header is None:
            raise FormatError(ctx.file, "the file is empty")
        if source is not None:
            source.expect_width(len(header))
        sender_i = header.require("Sending Countries Code", "Sending Country Code")
        receiver_i = header.require("Receiving Countries Code", "Receiving Country Code")
        series_i = header.require("Series Code")
        series_name_i = header.find("Series Name")
        periods = []
        for position, name in enumerate(header.names):
            if position in (sender_i, receiver_i, series_i, series_name_i):
                continue
            try:
                period, year = parse_period(name)
            except ValueError:
                continue
            periods.append((position, period, year))
        if not periods:
            raise FormatError(ctx.file, "the header has no quarter columns (2011Q1 [YR2011Q1] …)", line=header.line)
        keep_missing = bool(ctx.options.get("keep_missing"))
        count = 0
        for line, cells in rows:
            if is_blank(cells):
                continue
            sender = cell_text(cells[sender_i]) if sender_i < len(cells) else ""
            if not sender and _FOOTER.match(cell_text(cells[0])):
                ctx.stats.skip("footer")
                continue
            count += 1
            ctx.stats.rows += 1
            receiver = cell_text(cells[receiver_i]) if receiver_i < len(cells) else ""
            series = cell_text(cells[series_i]) if series_i < len(cells) else ""
            if not (sender and receiver and series):
                missing = [n for n, v in (("sending country code", sender), ("receiving country code", receiver),
                                          ("series code", series)) if not v]  # fmt: skip
                yield ctx.problem(line, None, f"the {' and '.join(missing)} is blank", cells)
                continue
            series_name = cell_text(cells[series_name_i]) if series_name_i is not None else None
            dims = ((COUNTERPART, receiver),)
            for position, period, year in periods:
                raw = cells[position] if position < len(cells) else None
                try:
                    value = parse_cell(raw)
                except ValueError as exc:
                    yield ctx.problem(line, header.names[position], str(exc), cells)
                    continue
                if value is None and not keep_missing:
                    continue
                obs = Observation(
                    series, "10.c.1", sender, "iso3", period, year, value, dims, "PERCENT", None, None, None,
                    None, None, line, series_name or None,
                )  # fmt: skip
                result = ctx.accept(obs, cells, header.names[position])
                if result is not None:
                    yield result
        if count == 0:
            raise FormatError(ctx.file, "has a header but no data rows")
    return ctx.stats
