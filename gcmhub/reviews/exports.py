"""The SDG 10.7.2 answers in the layout of the UN questionnaire (CSV, XLSX).

The UN Inquiry among Governments on Population and Development asks the
10.7.2 questions domain by domain, each domain a block of five
sub-categories answered Yes or No. The export keeps that layout: a block per
domain (its number and name), one row per sub-category (its number, the
question, the answer), then the domain's value (D = sum / 5 × 100) and its
class (1-4, as in SDMX series SG_CPA_MIGRS). Texts in the reader's language.
"""

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from gcmhub.reviews import instruments, services

COLUMNS = ("section", "item", "question", "response", "value")


def rows_10_7_2(answer_set, language: str = "en") -> list[list[str]]:
    instrument = instruments.load_instrument(instruments.SDG_10_7_2)
    answers = dict(answer_set.answers.values_list("question_key", "rating"))
    result = services.score_of(answer_set)
    review = answer_set.review
    with translation.override(language):
        rows = [
            [_("Indicator"), "10.7.2", instrument.label(language), "", ""],
            [_("Country or area"), review.area.iso3 or review.area.m49, review.area.tr("name"), "", ""],
            [_("Review"), str(review.pk), review.title, "", ""],
            [_("Instrument edition"), instrument.edition, "", "", ""],
            [_("State"), answer_set.state, answer_set.get_state_display(), "", ""],
            [],
            [_("Section"), _("Item"), _("Question"), _("Response"), _("Value")],
        ]
        for number, domain in enumerate(instrument.domains, start=1):
            rows.append([_("Domain %(number)d") % {"number": number}, domain.policy_domain, domain.label(language), "", ""])
            for question in domain.questions:
                option = instrument.scale.option(answers.get(question.key, ""))
                rows.append(
                    [
                        "",
                        question.number,
                        question.label(language),
                        option.title(language) if option else "",
                        str(int(option.points)) if option and option.points is not None else "",
                    ]
                )
            score = result.domains[domain.key]
            rows.append(["", "", _("Domain value (per cent)"), "", f"{score.value:.0f}" if score.value is not None else ""])
            rows.append(
                [
                    "",
                    "",
                    _("Classification"),
                    score.level.title(language) if score.level else "",
                    str(score.level.score) if score.level else "",
                ]
            )
        return rows


def csv_10_7_2(answer_set, language: str = "en") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows_10_7_2(answer_set, language))
    # A byte-order mark, so spreadsheet programs read the accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_10_7_2(answer_set, language: str = "en") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "10.7.2"
    for row in rows_10_7_2(answer_set, language):
        sheet.append(row)
        if len(row) > 1 and str(row[1]).startswith("PD_"):  # a domain's heading row
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for cell in sheet[7]:
        cell.font = Font(bold=True)
    widths = {"A": 16, "B": 10, "C": 90, "D": 28, "E": 8}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=8):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
