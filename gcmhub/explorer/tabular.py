"""Downloads of exactly what a view shows: CSV and XLSX with units and sources.

Every row carries its unit, series code and source, and the ``filters``
column repeats the view's state (``measure=migrant_stock; year=2019``), so
a file cut out of its context still says what it is. The XLSX adds an
"About" sheet with the title, the filters and the permalink.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FIGURE_COLUMNS = ("measure", "label", "area", "counterpart", "sex", "year", "period", "value", "unit", "series",
                  "source", "observation_id", "summed")  # fmt: skip
CORRIDOR_COLUMNS = ("origin", "origin_name", "destination", "destination_name", "measure", "year", "period", "value",
                    "unit", "series", "source", "observation_id")  # fmt: skip
MAP_COLUMNS = ("iso3", "m49", "name", "period", "value", "unit", "series", "source", "observation_id")
COMPARE_COLUMNS = ("iso3", "name", "period", "value", "unit", "series", "dim", "source", "observation_id",
                   "rank_in_year")  # fmt: skip
RANKING_COLUMNS = ("rank", "iso3", "name", "period", "value", "unit", "series", "dim", "source", "observation_id",
                   "compared")  # fmt: skip
INCIDENT_COLUMNS = ("incident_id", "year", "date", "mmp_region", "subregion", "dead", "missing", "total", "cause",
                    "route", "latitude", "longitude", "location", "unit", "source")  # fmt: skip


def filters_text(filters: dict) -> str:
    return "; ".join(f"{key}={value}" for key, value in filters.items() if value not in (None, ""))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def rows_with_filters(rows: Iterable[dict], columns: tuple[str, ...], filters: dict) -> list[list]:
    text = filters_text(filters)
    return [[_cell(row.get(column)) for column in columns] + [text] for row in rows]


def write_csv(rows: Iterable[dict], columns: tuple[str, ...], filters: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*columns, "filters"])
    writer.writerows(rows_with_filters(rows, columns, filters))
    return out.getvalue()


def write_xlsx(rows: Iterable[dict], columns: tuple[str, ...], filters: dict, *, title: str, permalink: str) -> bytes:
    book = Workbook(write_only=True)
    data = book.create_sheet("Data")
    data.append([*columns, "filters"])
    for row in rows_with_filters(rows, columns, filters):
        data.append(row)
    about = book.create_sheet("About")
    about.append(["title", title])
    for key, value in filters.items():
        about.append([f"filter: {key}", "" if value is None else str(value)])
    about.append(["permalink", permalink])
    about.append(["no data", "an empty value cell means no data; 0 is a stored zero"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
