"""Commitments as a table: one column spec for the import template, the CSV,
XLSX and JSON exports (CLI and web download) and the importer.

Each ``Column`` says, once, how a commitment's value is read for export
(``value``), written into a cell (``cell``) and read back from a cell
(``parse``, pure: it checks syntax only; ``importer.py`` resolves the codes to
records). Columns without ``parse`` are written by exports for people and
ignored by the importer (``id``, ``review_state``, ``flags`` …), so an export
can be edited and imported again as new records.

Cells holding several items separate them with ``;`` and the parts of an
item with ``|``, in the order the column's help gives:

* ``partners``: ``ORGANISATION|role`` — ``12|lead; 31|funder``
* ``objectives``: numbers, primary first — ``5; 6``
* ``actions``: codes — ``5a; 6c``
* ``principles``: letters — ``a; f``
* ``situations``: codes of situations of vulnerability — ``unaccompanied_child; trafficking_victim``
* ``stages``: migration stages — ``transit; destination`` (empty: every stage)
* ``indicators``: ``SERIES|baseline|baseline year|target|target year``
* ``amounts``: ``stage|amount|currency|date`` — ``pledged|250000|USD|2025-01-31``

Organisations are given by id, or by exact name or acronym (see importer).
JSON keeps the structure instead: lists of objects, numbers as numbers.

This module reads no database; ``prefetch`` names the relations an export
needs so that a long export runs a fixed number of queries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gcmhub.protection.taxonomy import STAGES

from .models import Commitment, CommitmentAmount, CommitmentPartner

__all__ = [
    "COLUMNS", "FORMATS", "Column", "CellError", "IMPORT_COLUMNS", "REQUIRED", "content_type", "export_record",
    "prefetch", "suffix", "write_commitments", "write_template",
]  # fmt: skip

FORMATS = ("csv", "xlsx", "json")
ITEM_SEPARATOR = ";"
PART_SEPARATOR = "|"
SHEET = "Commitments"
_FORMULA_START = "=+-@\t\r"
HELP_SHEET = "Columns"


class CellError(ValueError):
    """A cell that does not read as its column expects; the message is the reason."""


# --- reading cells (pure) ----------------------------------------------------------


def text(cell) -> str:
    """A cell as stripped text: spreadsheets give numbers and dates as such."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    value = str(cell).strip()
    # Undo _safe_cell, so that an export reads back as it was.
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_START:
        return value[1:]
    return value


def _items(value: str, *, commas: bool = False) -> list[str]:
    """The items of a list cell. Lists of plain codes (objectives, actions,
    principles) also accept commas, as people often type ``5, 6``."""
    if commas:
        value = value.replace(",", ITEM_SEPARATOR)
    return [item.strip() for item in value.split(ITEM_SEPARATOR) if item.strip()]


def _parts(item: str, count: int, shape: str) -> list[str]:
    parts = [part.strip() for part in item.split(PART_SEPARATOR)]
    if len(parts) != count:
        raise CellError(f"“{item}” should have {count} parts separated by “{PART_SEPARATOR}”: {shape}")
    return parts


def parse_text(value: str) -> str:
    return value


def parse_choice(choices) -> Callable[[str], str]:
    allowed = [choice for choice, _label in choices]

    def parse(value: str) -> str:
        if value and value not in allowed:
            raise CellError(f"“{value}” is not one of: {', '.join(allowed)}")
        return value

    return parse


def parse_decimal(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        raise CellError(f"“{value}” is not a number (use a point for decimals, no thousands separators)") from None
    if not number.is_finite():
        raise CellError(f"“{value}” is not a finite number")
    return number


def parse_float(value: str) -> float | None:
    number = parse_decimal(value)
    return None if number is None else float(number)


def parse_int(value: str) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(f"“{value}” is not a whole number")
    return int(number)


def parse_year(value: str) -> int | None:
    year = parse_int(value)
    if year is not None and not 1900 <= year <= 2100:
        raise CellError(f"“{value}” is not a year between 1900 and 2100")
    return year


def parse_date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10] if re.match(r"^\d{4}-\d\d-\d\dT", value) else value)
    except ValueError:
        raise CellError(f"“{value}” is not a date written YYYY-MM-DD") from None


def parse_flag(value: str) -> bool:
    lowered = value.lower()
    if lowered in {"", "0", "no", "false", "n"}:
        return False
    if lowered in {"1", "yes", "true", "y"}:
        return True
    raise CellError(f"“{value}” is not yes or no")


def parse_horizon(value: str) -> int | None:
    years = parse_int(value)
    allowed = [choice for choice, _label in Commitment.Horizon.choices]
    if years is not None and years not in allowed:
        raise CellError(f"“{value}” is not a horizon of {', '.join(map(str, allowed))} years")
    return years


def parse_objectives(value: str) -> list[int]:
    numbers = []
    for item in _items(value, commas=True):
        number = parse_int(item)
        if number is None or not 1 <= number <= 23:
            raise CellError(f"“{item}” is not an objective number from 1 to 23")
        if number in numbers:
            raise CellError(f"objective {number} is listed twice")
        numbers.append(number)
    return numbers


def parse_actions(value: str) -> list[str]:
    codes = []
    for item in _items(value, commas=True):
        code = item.replace(" ", "").replace("(", "").replace(")", "").lower()
        if not re.fullmatch(r"\d{1,2}[a-z]", code):
            raise CellError(f"“{item}” is not an action code such as 5a or 23(c)")
        codes.append(code)
    return codes


def parse_principles(value: str) -> list[str]:
    letters = []
    for item in _items(value, commas=True):
        if not re.fullmatch(r"[a-jA-J]", item):
            raise CellError(f"“{item}” is not a guiding principle letter from a to j")
        letters.append(item.lower())
    return letters


def parse_situations(value: str) -> list[str]:
    codes = []
    for item in _items(value, commas=True):
        code = item.lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,63}", code):
            raise CellError(f"“{item}” is not a situation code such as unaccompanied_child")
        codes.append(code)
    return codes


def parse_stages(value: str) -> list[str]:
    stages = []
    for item in _items(value, commas=True):
        code = item.lower()
        if code not in STAGES:
            raise CellError(f"“{item}” is not a migration stage: {', '.join(STAGES)}")
        if code in stages:
            raise CellError(f"stage {code} is listed twice")
        stages.append(code)
    return stages


def parse_partners(value: str) -> list[dict]:
    roles = [choice for choice, _label in CommitmentPartner.Role.choices]
    partners = []
    for item in _items(value):
        organization, role = _parts(item, 2, "organisation|role")
        if role not in roles:
            raise CellError(f"partner role “{role}” is not one of: {', '.join(roles)}")
        if not organization:
            raise CellError(f"“{item}” names no organisation")
        partners.append({"organization": organization, "role": role})
    return partners


def parse_indicators(value: str) -> list[dict]:
    links = []
    for item in _items(value):
        series, baseline, baseline_year, target, target_year = _parts(
            item, 5, "series|baseline|baseline year|target|target year"
        )
        if not series:
            raise CellError(f"“{item}” names no series")
        links.append({
            "series": series, "baseline_value": parse_float(baseline), "baseline_year": parse_year(baseline_year),
            "target_value": parse_float(target), "target_year": parse_year(target_year),
        })  # fmt: skip
    return links


def parse_amounts(value: str) -> list[dict]:
    stages = [choice for choice, _label in CommitmentAmount.Stage.choices]
    amounts = []
    for item in _items(value):
        stage, amount, currency, date = _parts(item, 4, "stage|amount|currency|date")
        if stage not in stages:
            raise CellError(f"amount stage “{stage}” is not one of: {', '.join(stages)}")
        number = parse_decimal(amount)
        if number is None or number < 0:
            raise CellError(f"“{item}” needs an amount of zero or more")
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise CellError(f"“{currency}” is not a three-letter ISO 4217 currency code such as USD")
        day = parse_date(date)
        if day is None:
            raise CellError(f"“{item}” needs a date")
        amounts.append({"stage": stage, "amount": number, "currency": currency, "date": day})
    return amounts


# --- writing cells ------------------------------------------------------------------


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _decimal_text(value: Decimal) -> str:
    # normalize() drops the stored trailing zeros (250000.00 -> 250000); "f" avoids 2.5E+5.
    return format(value.normalize(), "f")


def _joined(value: list) -> str:
    return f"{ITEM_SEPARATOR} ".join(_plain(item) for item in value)


def _joined_parts(keys: tuple[str, ...]) -> Callable[[list[dict]], str]:
    def cell(value: list[dict]) -> str:
        return f"{ITEM_SEPARATOR} ".join(PART_SEPARATOR.join(_plain(item[key]) for key in keys) for item in value)

    return cell


# --- the columns ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    value: Callable[[Commitment], object]
    parse: Callable[[str], object] | None = None  # None: written by exports, ignored by the importer
    cell: Callable[[object], str] = _plain
    required: bool = False


def _choices(choices) -> str:
    return ", ".join(choice for choice, _label in choices)


def _attribute(name: str) -> Callable[[Commitment], object]:
    return lambda commitment: getattr(commitment, name)


def _flags(commitment: Commitment) -> list[str]:
    from .flags import commitment_flags

    return commitment_flags(commitment)


def _traffic_light(commitment: Commitment) -> str:
    from .flags import commitment_light

    return commitment_light(commitment)


def _partners(commitment: Commitment) -> list[dict]:
    return [{"organization": link.organization_id, "role": link.role} for link in commitment.partners.all()]


def _partner_names(commitment: Commitment) -> list[str]:
    return [link.organization.name for link in commitment.partners.all()]


def _objectives(commitment: Commitment) -> list[int]:
    links = sorted(commitment.objective_links.all(), key=lambda link: link.position)
    return [link.objective.number for link in links]


def _actions(commitment: Commitment) -> list[str]:
    return sorted((action.code for action in commitment.actions.all()), key=_action_order)


def _action_order(code: str) -> tuple[int, str]:
    return int(code[:-1]), code[-1]


def _principles(commitment: Commitment) -> list[str]:
    return sorted(principle.letter for principle in commitment.principles.all())


def _situations(commitment: Commitment) -> list[str]:
    return [situation.code for situation in commitment.situations.all()]


def _stages(commitment: Commitment) -> list[str]:
    return list(commitment.stages or [])


def _indicators(commitment: Commitment) -> list[dict]:
    return [
        {"series": link.series.code, "baseline_value": link.baseline_value, "baseline_year": link.baseline_year,
         "target_value": link.target_value, "target_year": link.target_year}
        for link in commitment.indicator_links.all()
    ]  # fmt: skip


def _amounts(commitment: Commitment) -> list[dict]:
    return [
        {"stage": amount.stage, "amount": amount.amount, "currency": amount.currency, "date": amount.date}
        for amount in commitment.amounts.all()
    ]


C = Commitment
COLUMNS: tuple[Column, ...] = (
    Column("id", "Written by exports; ignored on import (an imported row is always a new commitment).",
           _attribute("pk")),
    Column("kind", f"Required. One of: {_choices(C.Kind.choices)}.", _attribute("kind"),
           parse_choice(C.Kind.choices), required=True),
    Column("title", "Required. At most 300 characters.", _attribute("title"), parse_text, required=True),
    Column("description", "At most 3,000 characters.", _attribute("description"), parse_text),
    Column("description_format", f"{_choices(C.DescriptionFormat.choices)} (default plain).",
           _attribute("description_format"), parse_choice(C.DescriptionFormat.choices)),
    Column("area", "Required. ISO3 code of the country, e.g. KEN.", lambda c: c.area.iso3 or c.area.m49,
           parse_text, required=True),
    Column("owner", "Required. The owner organisation: its id, or its exact name or acronym.",
           _attribute("owner_id"), parse_text, required=True),
    Column("owner_name", "Written by exports for people; ignored on import.", lambda c: c.owner.name),
    Column("matches", "matching_pledge only: id of the pledge or request it matches.", _attribute("matches_id"),
           parse_int),
    Column("partners", "organisation|role items separated by ;, roles: "
           f"{_choices(CommitmentPartner.Role.choices)}. Example: 12|lead; Example Network|support.",
           _partners, parse_partners, _joined_parts(("organization", "role"))),
    Column("partner_names", "Written by exports for people; ignored on import.", _partner_names, cell=_joined),
    Column("objectives", "Required. Objective numbers separated by ;, the primary one first. Example: 5; 6.",
           _objectives, parse_objectives, _joined, required=True),
    Column("actions", "Action codes separated by ;. Example: 5a; 6c.", _actions, parse_actions, _joined),
    Column("principles", "Guiding principle letters (a to j) separated by ;.", _principles, parse_principles,
           _joined),
    Column("situations", "Codes of the situations of vulnerability addressed, separated by ;. Example: "
           "unaccompanied_child; trafficking_victim (the protection taxonomy lists them).", _situations,
           parse_situations, _joined),
    Column("stages", f"Migration stages concerned, separated by ;: {', '.join(STAGES)}. Empty: every stage.",
           _stages, parse_stages, _joined),
    Column("indicators", "series|baseline|baseline year|target|target year items separated by ;. "
           "Example: SI_RMT_COST|6.5|2020|3|2030.", _indicators, parse_indicators,
           _joined_parts(("series", "baseline_value", "baseline_year", "target_value", "target_year"))),
    Column("metric", "The commitment's own metric, where no indicator series fits.", _attribute("metric"),
           parse_text),
    Column("metric_unit", "Unit of the metric.", _attribute("metric_unit"), parse_text),
    Column("metric_baseline", "Number.", _attribute("metric_baseline"), parse_decimal),
    Column("metric_target", "Number.", _attribute("metric_target"), parse_decimal),
    Column("metric_target_year", "Year.", _attribute("metric_target_year"), parse_year),
    Column("start_date", "YYYY-MM-DD.", _attribute("start_date"), parse_date),
    Column("due_date", "YYYY-MM-DD; or give horizon_years.", _attribute("due_date"), parse_date),
    Column("horizon_years", "2, 5 or 15.", _attribute("horizon_years"), parse_horizon),
    Column("form_of_support", f"One of: {_choices(C.FormOfSupport.choices)}.", _attribute("form_of_support"),
           parse_choice(C.FormOfSupport.choices)),
    Column("funding_state", f"One of: {_choices(C.FundingState.choices)}.", _attribute("funding_state"),
           parse_choice(C.FundingState.choices)),
    Column("amounts", "stage|amount|currency|date items separated by ;, stages: "
           f"{_choices(CommitmentAmount.Stage.choices)}. Example: pledged|250000|USD|2025-01-31.",
           _amounts, parse_amounts, _joined_parts(("stage", "amount", "currency", "date"))),
    Column("iati_identifier", "IATI activity identifier, if any.", _attribute("iati_identifier"), parse_text),
    Column("status", f"One of: {_choices(C.Status.choices)} (default planned).", _attribute("status"),
           parse_choice(C.Status.choices)),
    Column("completion", f"One of: {_choices(C.Completion.choices)} (default not_started).",
           _attribute("completion"), parse_choice(C.Completion.choices)),
    Column("is_demo", "yes for invented demonstration records (labelled as such on every page).",
           _attribute("is_demo"), parse_flag),
    Column("review_state", "Written by exports; ignored on import (imports create drafts).",
           _attribute("review_state")),
    Column("flags", "Written by exports: overdue, stale, inactive; ignored on import.", _flags, cell=_joined),
    Column("traffic_light", "Written by exports: green, yellow, red or grey; ignored on import.", _traffic_light),
    Column("last_reported_at", "Written by exports; ignored on import.", _attribute("last_reported_at")),
)  # fmt: skip
del C

IMPORT_COLUMNS = tuple(column for column in COLUMNS if column.parse is not None)
REQUIRED = tuple(column.name for column in COLUMNS if column.required)
BY_NAME = {column.name: column for column in COLUMNS}


def prefetch(queryset):
    """The queryset with every relation the columns read, loaded in a few queries."""
    return queryset.select_related("area", "owner").prefetch_related(
        "partners__organization", "objective_links__objective", "actions__objective", "principles",
        "situations", "indicator_links__series", "amounts",
    )  # fmt: skip


def export_record(commitment: Commitment) -> dict:
    """The commitment's values by column name (structured: lists, dates, numbers)."""
    return {column.name: column.value(commitment) for column in COLUMNS}


def cells(commitment: Commitment) -> list[str]:
    return [column.cell(column.value(commitment)) for column in COLUMNS]


# --- writing files ------------------------------------------------------------------


def content_type(fmt: str) -> str:
    return {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
    }[fmt]


def suffix(fmt: str) -> str:
    return f".{fmt}"


def write_commitments(rows: Iterable[Commitment], fmt: str, stream) -> int:
    """Write ``rows`` (commitments, ideally from ``prefetch``) to the binary
    ``stream`` as ``fmt`` (csv, xlsx or json); returns how many were written.

    The caller decides which commitments the reader may see
    (``services.visible_commitments``); this function writes what it is given.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json}[fmt](rows, stream)


def _write_csv(rows: Iterable[Commitment], stream) -> int:
    text_stream = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text_stream)
        writer.writerow([column.name for column in COLUMNS])
        count = 0
        for commitment in rows:
            writer.writerow([_safe_cell(value) for value in cells(commitment)])
            count += 1
        text_stream.flush()
    finally:
        text_stream.detach()  # the caller owns (and closes) the stream
    return count


def _safe_cell(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection):
    text starting with = + - @ gets a leading apostrophe, as OWASP advises
    (``text`` removes it on import). Numbers such as -3 are left alone."""
    if value and value[0] in _FORMULA_START and not re.fullmatch(r"-?\d+(\.\d+)?", value):
        return "'" + value
    return value


def _write_xlsx(rows: Iterable[Commitment], stream) -> int:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append([column.name for column in COLUMNS])
    count = 0
    for commitment in rows:
        # Every cell is text; _safe_cell keeps openpyxl from storing "=…" as a formula.
        sheet.append([_safe_cell(value) for value in cells(commitment)])
        count += 1
    _append_help_sheet(book)
    book.save(stream)
    return count


def _append_help_sheet(book) -> None:
    help_sheet = book.create_sheet(HELP_SHEET)
    help_sheet.append(["column", "read on import", "what to write"])
    for column in COLUMNS:
        help_sheet.append([column.name, "yes" if column.parse else "no", column.help])


def _write_json(rows: Iterable[Commitment], stream) -> int:
    stream.write(b'{"commitments": [')
    count = 0
    for commitment in rows:
        if count:
            stream.write(b",")
        stream.write(b"\n  ")
        stream.write(json.dumps(export_record(commitment), default=_json_value, ensure_ascii=False).encode())
        count += 1
    stream.write(b"\n]}\n")
    return count


def _json_value(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_template(fmt: str, stream) -> None:
    """The import template: the columns the importer reads, no rows; the
    XLSX one has a second sheet explaining each column."""
    if fmt == "csv":
        text_stream = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
        csv.writer(text_stream).writerow([column.name for column in IMPORT_COLUMNS])
        text_stream.flush()
        text_stream.detach()
        return
    if fmt != "xlsx":
        raise ValueError(f"the import template is csv or xlsx, not {fmt!r}")
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    book.create_sheet(SHEET).append([column.name for column in IMPORT_COLUMNS])
    _append_help_sheet(book)
    book.save(stream)
