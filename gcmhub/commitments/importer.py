"""Importing commitments from the CSV/XLSX template (``tabular.py``).

All or nothing: every row is read, resolved and created through
``services.create_commitment`` — the same permissions and validation as the
web form and the API — inside one transaction. If any row has a problem the
transaction is rolled back and every problem is reported, each naming the
file, the line (``Sheet!row`` in a workbook), the column and the reason. A
dry run does the same work and always rolls back, so it finds the problems
the database would find too.

Imported commitments are new drafts (the template's ``id`` column is
ignored); the importer acts as ``actor`` (None: the system operator at the
command line), and references (organisations, the pledge a matching pledge
matches) resolve through that actor's read rules, so an import cannot name a
record its author could not see.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from gcmhub.errors import GcmHubError
from gcmhub.indicators.formats.records import FormatError
from gcmhub.indicators.formats.spreadsheets import Workbook, is_workbook
from gcmhub.indicators.formats.textfiles import CsvSource

from . import tabular

# A template row is one commitment; a file of more rows than this is a bulk
# load that should be split (the whole file is one transaction).
MAX_ROWS = 5000


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


@dataclass
class ImportReport:
    file: str
    dry_run: bool
    rows: int = 0
    created: list[int] = field(default_factory=list)  # ids (empty after a dry run: nothing stays)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class ImportRefused(Exception):
    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.problems)} problem(s) in {report.file}")
        self.report = report


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run or a refused import."""


def import_commitments(actor, path, *, dry_run: bool = False, shown_name: str | None = None) -> ImportReport:
    """Import the commitments of the CSV or XLSX file at ``path``.

    Returns the report; raises ImportRefused (with the report) when any row
    has a problem, in which case nothing was written.
    """
    name = shown_name or os.path.basename(str(path))
    report = ImportReport(file=name, dry_run=dry_run)
    try:
        rows = list(_read_rows(path, name, report))
    except FormatError as error:
        report.problems.append(Problem(name, error.line, error.column, error.reason))
        raise ImportRefused(report) from None
    if report.problems:
        raise ImportRefused(report)
    if not rows:
        report.problems.append(Problem(name, None, None, "the file has a header but no commitments"))
        raise ImportRefused(report)
    try:
        with transaction.atomic():
            for line, values in rows:
                _import_row(actor, name, line, values, report)
            if report.problems or dry_run:
                raise _RollBack
    except _RollBack:
        if dry_run:
            report.created = []  # rolled back: report the count, not ids that no longer exist
    if report.problems:
        raise ImportRefused(report)
    if not dry_run:
        from gcmhub import dataversion

        dataversion.bump()
    return report


# --- reading the file -------------------------------------------------------------


def _read_rows(path, name: str, report: ImportReport) -> Iterator[tuple[int | str, dict[str, str]]]:
    """``(line, {column: text})`` for every non-blank data row, after checking the header."""
    if not Path(path).is_file():
        raise FormatError(name, "is not a file")
    if is_workbook(path):
        yield from _workbook_rows(path, name, report)
    else:
        yield from _csv_rows(path, name, report)


def _csv_rows(path, name, report):
    with CsvSource(path) as source:
        rows = source.rows()
        header = None
        for line, cells in rows:
            if header is None:
                if not cells:
                    continue
                header = _check_header(name, line, cells, report)
                if header is None:
                    return
                continue
            yield from _data_row(name, line, header, cells, report)


def _workbook_rows(path, name, report):
    with Workbook(path) as book:
        sheet = book.sheet(default=tabular.SHEET)
        header = None
        for number, values in book.rows(sheet):
            line = f"{sheet}!{number}"
            cells = [tabular.text(value) for value in values]
            if header is None:
                if not any(cells):
                    continue
                header = _check_header(name, line, cells, report)
                if header is None:
                    return
                continue
            yield from _data_row(name, line, header, cells, report)


def _check_header(name, line, cells, report) -> list[str] | None:
    header = [tabular.text(cell).strip().lower() for cell in cells]
    problems = []
    for position, column in enumerate(header, start=1):
        if column and column not in tabular.BY_NAME:
            problems.append(f"column {position} “{column}” is not a template column")
    seen = set()
    for column in header:
        if column and column in seen:
            problems.append(f"column “{column}” appears twice")
        seen.add(column)
    missing = [column for column in tabular.REQUIRED if column not in header]
    if missing:
        problems.append(f"required column(s) missing: {', '.join(missing)}")
    for problem in problems:
        report.problems.append(Problem(name, line, None, problem))
    return None if problems else header


def _data_row(name, line, header, cells, report):
    texts = [tabular.text(cell) for cell in cells]
    if not any(texts):
        return
    report.rows += 1
    if report.rows > MAX_ROWS:
        if report.rows == MAX_ROWS + 1:
            report.problems.append(Problem(name, line, None, f"more than {MAX_ROWS} rows: split the file"))
        return
    if len(texts) > len(header) and any(texts[len(header):]):
        report.problems.append(Problem(name, line, None, "the row has more cells than the header has columns"))
        return
    yield line, {column: texts[i] if i < len(texts) else "" for i, column in enumerate(header) if column}


# --- one row -------------------------------------------------------------------------


def _import_row(actor, name: str, line, values: dict[str, str], report: ImportReport) -> None:
    from .services import create_commitment

    problems_before = len(report.problems)

    def problem(column: str | None, reason: str) -> None:
        report.problems.append(Problem(name, line, column, reason))

    parsed = {}
    for column in tabular.IMPORT_COLUMNS:
        if column.name not in values:
            continue
        try:
            parsed[column.name] = column.parse(values[column.name])
        except tabular.CellError as error:
            problem(column.name, str(error))
    for column in tabular.REQUIRED:
        if column in parsed and parsed[column] in ("", [], None):
            problem(column, "is required")
    if len(report.problems) > problems_before:
        return
    data = _resolve(actor, parsed, problem)
    if data is None:
        return
    try:
        # A savepoint per row: a database error in one row must not spoil
        # the transaction the other rows are checked in.
        with transaction.atomic():
            commitment = create_commitment(actor, data)
    except ValidationError as error:
        for column, reason in _validation_problems(error):
            problem(column, reason)
        return
    except PermissionDenied as error:
        who = f"as {actor.username}, " if actor is not None else ""
        problem(None, f"{error or 'You do not have permission to do this.'} ({who}creating a commitment owned by "
                      f"“{data.owner.name}” in {data.area.iso3 or data.area.m49})")
        return
    except GcmHubError as error:
        problem(error.field, error.message)
        return
    report.created.append(commitment.pk)


def _validation_problems(error: ValidationError) -> list[tuple[str | None, str]]:
    if hasattr(error, "error_dict"):
        return [
            (None if column == "__all__" else column, " ".join(ValidationError(errors).messages))
            for column, errors in error.error_dict.items()
        ]
    return [(None, " ".join(error.messages))]


def _resolve(actor, parsed: dict, problem):
    """The row's codes turned into records, as a CommitmentInput; None after
    reporting a problem. Codes resolve through the resolvers the API and the
    forms use (``inputs.py``), so an unknown value gets the same message."""
    from . import inputs

    failed = False

    def fail(column, reason):
        nonlocal failed
        failed = True
        problem(column, reason)

    def resolved(resolve, *args):
        try:
            return resolve(*args)
        except GcmHubError as error:
            fail(error.field, error.message)
            return None

    area = resolved(inputs.resolve_area, parsed["area"])
    owner = _organization(actor, parsed["owner"], area, "owner", fail)
    partners = []
    for item in parsed.get("partners", []):
        organization = _organization(actor, item["organization"], area, "partners", fail)
        if organization is not None:
            partners.append((organization, item["role"]))
    objectives = resolved(inputs.resolve_objectives, parsed["objectives"])
    actions = resolved(inputs.resolve_actions, parsed.get("actions", []))
    principles = resolved(inputs.resolve_principles, parsed.get("principles", []))
    situations = resolved(inputs.resolve_situations, parsed.get("situations", []))
    indicators = []
    for link in parsed.get("indicators", []):
        indicators.append({**link, "series": resolved(inputs.resolve_series, link["series"])})
    matches = None
    if parsed.get("matches") is not None:
        matches = resolved(inputs.resolve_commitment, actor, parsed["matches"])
    if failed:
        return None
    optional = {
        key: parsed[key]
        for key in (
            "description", "description_format", "metric", "metric_unit", "metric_baseline", "metric_target",
            "metric_target_year", "start_date", "due_date", "horizon_years", "form_of_support", "funding_state",
            "amounts", "iati_identifier", "status", "completion", "is_demo", "stages",
        )
        if key in parsed and parsed[key] not in ("", None)
    }  # fmt: skip
    return inputs.CommitmentInput(
        kind=parsed["kind"], title=parsed["title"], area=area, owner=owner, matches=matches, partners=partners,
        objectives=objectives, actions=actions, principles=principles, situations=situations, indicators=indicators,
        **optional,
    )  # fmt: skip


def _organization(actor, reference: str, area, column: str, fail):
    """The organisation a cell names by id, or by exact name or acronym
    (case-insensitive; one in the row's area is preferred when several
    share it), among those ``actor`` may read."""
    from gcmhub.actors.services import visible_organizations

    if reference.isdigit():
        from .inputs import resolve_organization

        try:
            return resolve_organization(actor, reference, column)
        except GcmHubError as error:
            fail(column, error.message)
            return None
    organizations = visible_organizations(actor)
    candidates = list(organizations.filter(Q(name__iexact=reference) | Q(acronym__iexact=reference))[:10])
    if len(candidates) > 1 and area is not None:
        candidates = [org for org in candidates if org.area_id == area.pk] or candidates
    if not candidates:
        fail(column, f"there is no organisation named “{reference}” (give its id, exact name or acronym)")
        return None
    if len(candidates) > 1:
        ids = ", ".join(str(org.pk) for org in candidates)
        fail(column, f"“{reference}” names several organisations (ids {ids}): give the id")
        return None
    return candidates[0]
