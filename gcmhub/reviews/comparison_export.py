"""The comparison as a table to download: CSV or XLSX (openpyxl).

One row per question (and, for instruments that score domains, one per
domain, ``row_type`` = ``domain``); side by side the official rating and
justification, then for each scorecard its rating, justification, the
difference from the official rating and whether it disagrees; then the
spread and the ``disagreement`` flag. The XLSX has a second sheet stating the
rule. Cells that a spreadsheet would run as a formula are quoted (CSV
injection), as in the commitments export.
"""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _

from gcmhub.reviews import comparison as cmp

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMULA_START = "=+-@\t\r"


def safe_cell(value) -> str | float | int | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return value
    value = str(value)
    if value and value[0] in _FORMULA_START and not re.fullmatch(r"-?\d+(\.\d+)?", value):
        return "'" + value
    return value


def _number(value):
    number = cmp.to_number(value)
    if number is None:
        return None
    return int(number) if number == int(number) else number


def header(result: cmp.Comparison) -> list[str]:
    columns = [
        "row_type", "key", "label", "domain",
        "official_rating", "official_rating_label", "official_status", "official_justification",
    ]  # fmt: skip
    for index, _label in enumerate(result.sources[1:], start=1):
        prefix = f"scorecard_{index}"
        columns += [
            f"{prefix}_organisation", f"{prefix}_rating", f"{prefix}_rating_label", f"{prefix}_status",
            f"{prefix}_justification", f"{prefix}_difference", f"{prefix}_disagrees",
        ]  # fmt: skip
    return columns + ["spread", "disagreement", "scorecards_disagree"]


def rows(result: cmp.Comparison):
    for row_type, items in (("question", result.questions), ("domain", result.domains)):
        for row in items:
            official = row.official
            line = [
                row_type, row.key, row.label, row.domain,
                "" if official.value is None else str(official.value), official.display, official.status,
                official.justification,
            ]  # fmt: skip
            for cell in row.scorecards:
                line += [
                    cell.label,
                    "" if cell.value is None else str(cell.value),
                    cell.display,
                    cell.status,
                    cell.justification,
                    _number(cell.difference),
                    cell.disagrees,
                ]
            line += [_number(row.spread), row.disagreement, row.scorecards_disagree]
            yield line


def _rule_text() -> list[list[str]]:
    return [
        [_("Method"), f"{cmp.METHOD} v{cmp.METHOD_VERSION}"],
        [
            _("Disagreement"),
            _(
                "True when the official rating and a scorecard's rating are two levels or more apart on the "
                "rating scale, or 40 points or more apart on a domain score. Not applicable and missing answers "
                "never count as a disagreement."
            ),
        ],
        [_("Spread"), _("Highest minus lowest rated answer (levels, or points for domain scores).")],
        [_("Difference"), _("The scorecard's rating minus the official rating (levels or points).")],
        [_("Status"), _("rated, not_applicable, or missing (not answered, or not visible to you)")],
    ]


def write(result: cmp.Comparison, fmt: str) -> bytes:
    if fmt == "csv":
        stream = io.StringIO()
        writer = csv.writer(stream)
        writer.writerow(header(result))
        for line in rows(result):
            writer.writerow([safe_cell(value) for value in line])
        return ("\ufeff" + stream.getvalue()).encode("utf-8")  # BOM: spreadsheets read it as UTF-8
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Comparison")
        sheet.append(header(result))
        for line in rows(result):
            sheet.append([safe_cell(value) for value in line])
        about = book.create_sheet("Method")
        for line in _rule_text():
            about.append([safe_cell(value) for value in line])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"the comparison is exported as csv or xlsx, not {fmt!r}")


def filename(review, instrument_code: str, fmt: str) -> str:
    return f"review-{review.pk}-{instrument_code}-comparison.{fmt}"
