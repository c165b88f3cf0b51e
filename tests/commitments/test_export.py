"""``gcmhub commitments export`` and ``tabular.write_commitments`` (the web download uses it too)."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gcmhub.commitments import tabular


@pytest.fixture
def records(make_commitment, orgs, mexico):
    published = make_commitment(
        "published", form_of_support="financial", funding_state="funded",
        amounts=[{"stage": "pledged", "amount": 1500, "currency": "USD", "date": __import__("datetime").date(2025, 2, 1)}],
    )  # fmt: skip
    draft = make_commitment("draft", title="A draft nobody outside may read")
    mexican = make_commitment("published", area=mexico, owner=orgs.mex_gov, partners=[], title="Mexican action")
    return published, draft, mexican


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_default_export_is_what_the_public_reads(tmp_path, records, capsys):
    published, draft, mexican = records
    out = tmp_path / "public.csv"
    call_command("commitments", "export", "-o", str(out))
    rows = read_csv(out)
    assert {row["id"] for row in rows} == {str(published.pk), str(mexican.pk)}
    assert "published records only" in capsys.readouterr().err
    mine = next(row for row in rows if row["id"] == str(published.pk))
    assert mine["amounts"] == "pledged|1500|USD|2025-02-01"
    assert mine["partners"] == f"{published.owner_id}|lead; {published.partners.get(role='support').organization_id}|support"
    assert mine["objectives"] == "7; 12" and mine["traffic_light"] in {"green", "yellow", "red", "grey"}
    assert list(rows[0]) == [column.name for column in tabular.COLUMNS]


def test_as_a_user_exports_what_that_user_reads_and_area_narrows(tmp_path, records, people):
    published, draft, mexican = records
    out = tmp_path / "mine.csv"
    call_command("commitments", "export", "-o", str(out), "--as", people.focal_ken.username, "--area", "KEN")
    assert {row["id"] for row in read_csv(out)} == {str(published.pk), str(draft.pk)}
    call_command("commitments", "export", "-o", str(out), "--as", people.focal_mex.username, "--area", "KEN")
    assert {row["id"] for row in read_csv(out)} == {str(published.pk)}  # not Kenya's draft


def test_json_keeps_structure(tmp_path, records):
    published, _draft, _mexican = records
    out = tmp_path / "c.json"
    call_command("commitments", "export", "-o", str(out), "--area", "KEN")
    data = json.loads(out.read_text())
    (record,) = data["commitments"]
    assert record["id"] == published.pk and record["objectives"] == [7, 12]
    assert record["amounts"] == [{"stage": "pledged", "amount": 1500, "currency": "USD", "date": "2025-02-01"}]
    assert record["metric_baseline"] == 2 and record["due_date"] == published.due_date.isoformat()


def test_xlsx_has_the_data_and_the_column_help(tmp_path, records):
    out = tmp_path / "c.xlsx"
    call_command("commitments", "export", "-o", str(out))
    book = openpyxl.load_workbook(out)
    rows = list(book[tabular.SHEET].values)
    assert list(rows[0]) == [column.name for column in tabular.COLUMNS] and len(rows) == 3
    help_rows = list(book[tabular.HELP_SHEET].values)
    assert ("owner_name", "no", "Written by exports for people; ignored on import.") in help_rows


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(make_commitment):
    commitment = make_commitment("draft", title="=HYPERLINK(\"http://evil.example\")")
    buffer = io.BytesIO()
    tabular.write_commitments(tabular.prefetch(type(commitment).objects.all()), "csv", buffer)
    (row,) = list(csv.DictReader(io.StringIO(buffer.getvalue().decode())))
    assert row["title"].startswith("'=")
    buffer = io.BytesIO()
    tabular.write_commitments(tabular.prefetch(type(commitment).objects.all()), "xlsx", buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))[tabular.SHEET]
    assert sheet.cell(2, 3).data_type == "s"  # text, not a formula
    assert tabular.text(row["title"]) == commitment.title  # the importer reads it back as it was


def test_export_refuses_unknown_area_and_missing_folder(tmp_path, records):
    with pytest.raises(CommandError, match="no country or area"):
        call_command("commitments", "export", "-o", str(tmp_path / "x.csv"), "--area", "XYZ")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("commitments", "export", "-o", str(tmp_path / "missing" / "x.csv"))


def test_template_lists_only_the_columns_the_importer_reads(tmp_path):
    out = tmp_path / "template.csv"
    call_command("commitments", "template", "-o", str(out))
    header = out.read_text().strip().split(",")
    assert header == [column.name for column in tabular.IMPORT_COLUMNS]
    assert "id" not in header and "flags" not in header


def test_export_runs_a_fixed_number_of_queries(make_commitment, django_assert_max_num_queries):
    for number in range(6):
        make_commitment("published", title=f"Commitment {number}")
    from gcmhub.commitments.models import Commitment

    with django_assert_max_num_queries(12):
        tabular.write_commitments(tabular.prefetch(Commitment.objects.all()), "json", io.BytesIO())
