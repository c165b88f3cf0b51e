"""``gcmhub commitments import``: the template read back, all or nothing,
each problem naming file, line, column and reason, the importer's permissions."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gcmhub.commitments import tabular
from gcmhub.commitments.importer import ImportRefused, import_commitments
from gcmhub.commitments.models import Commitment

HEADER = ["kind", "title", "area", "owner", "partners", "objectives", "actions", "principles", "indicators",
          "metric", "metric_baseline", "metric_target", "due_date", "form_of_support", "funding_state", "amounts"]


def row(**values):
    base = {
        "kind": "pledge", "title": "Legal aid desks at border posts", "area": "KEN",
        "owner": "Kenya Ministry of Labour", "partners": "Kenya Ministry of Labour|lead; Nairobi Migrant Collective|support",
        "objectives": "7; 12", "actions": "7a; 12(b)", "principles": "c", "indicators": "",
        "metric": "desks open", "metric_baseline": "2", "metric_target": "10", "due_date": "2028-12-31",
        "form_of_support": "financial", "funding_state": "partly_funded",
        "amounts": "pledged|250000|USD|2025-01-31; committed|100000.50|KES|2025-03-01",
    }
    base.update(values)
    return base


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for values in rows:
            writer.writerow([values.get(column, "") for column in header])
    return path


def test_a_valid_csv_creates_drafts_with_every_relation(tmp_path, orgs, people):
    path = write_csv(tmp_path / "pledges.csv", [row(), row(title="Second pledge", objectives="5, 6", actions="")])
    report = import_commitments(None, path)
    assert report.rows == 2 and len(report.created) == 2
    first = Commitment.objects.get(pk=report.created[0])
    assert first.review_state == "draft" and first.owner == orgs.ken_gov and first.area.iso3 == "KEN"
    assert [link.objective.number for link in first.objective_links.order_by("position")] == [7, 12]
    assert sorted(a.code for a in first.actions.all()) == ["12b", "7a"]
    assert {(p.organization.name, p.role) for p in first.partners.all()} == {
        ("Kenya Ministry of Labour", "lead"), ("Nairobi Migrant Collective", "support")}
    amounts = {(a.stage, str(a.amount), a.currency) for a in first.amounts.all()}
    assert amounts == {("pledged", "250000.00", "USD"), ("committed", "100000.50", "KES")}
    assert first.principles.get().letter == "c"
    second = Commitment.objects.get(pk=report.created[1])
    assert [link.objective.number for link in second.objective_links.order_by("position")] == [5, 6]


def test_one_bad_row_refuses_the_whole_file_and_names_line_column_reason(tmp_path, orgs):
    rows = [row(), row(objectives="7; 99"), row(amounts="pledged|12|dollars|2025-01-01"), row(owner="Nobody Inc")]
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportRefused) as refused:
        import_commitments(None, path)
    problems = [str(p) for p in refused.value.report.problems]
    assert problems == [
        "bad.csv:3: objectives: “99” is not an objective number from 1 to 23",
        "bad.csv:4: amounts: “dollars” is not a three-letter ISO 4217 currency code such as USD",
        "bad.csv:5: owner: there is no organisation named “Nobody Inc” (give its id, exact name or acronym)",
    ]
    assert not Commitment.objects.exists()  # line 2 was valid, and still nothing was written


def test_problems_found_by_the_services_are_reported_by_row_too(tmp_path, orgs):
    # A matching pledge must name what it matches: the model's rule, reached through create_commitment.
    path = write_csv(tmp_path / "m.csv", [row(), row(kind="matching_pledge")])
    with pytest.raises(ImportRefused) as refused:
        import_commitments(None, path)
    (problem,) = refused.value.report.problems
    assert (problem.line, problem.field) == (3, "matches")
    assert not Commitment.objects.exists()


def test_dry_run_checks_everything_and_writes_nothing(tmp_path, orgs):
    path = write_csv(tmp_path / "ok.csv", [row(), row(title="Another")])
    report = import_commitments(None, path, dry_run=True)
    assert report.rows == 2 and report.ok and report.created == []
    assert not Commitment.objects.exists()


def test_header_problems_are_named(tmp_path, orgs):
    path = write_csv(tmp_path / "h.csv", [{}], header=["kind", "titel", "area", "owner", "objectives", "kind"])
    with pytest.raises(ImportRefused) as refused:
        import_commitments(None, path)
    reasons = [p.reason for p in refused.value.report.problems]
    assert "column 2 “titel” is not a template column" in reasons
    assert "column “kind” appears twice" in reasons
    assert "required column(s) missing: title" in reasons
    assert all(p.line == 1 for p in refused.value.report.problems)


def test_an_xlsx_template_is_read_with_sheet_and_row(tmp_path, orgs):
    buffer = io.BytesIO()
    tabular.write_template("xlsx", buffer)
    path = tmp_path / "t.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book[tabular.SHEET]
    header = [cell.value for cell in sheet[1]]
    good = row(metric_baseline=2, metric_target=10.0)
    sheet.append([good.get(column, "") for column in header])
    sheet.append([row(due_date="31/12/2028").get(column, "") for column in header])
    book.save(path)
    with pytest.raises(ImportRefused) as refused:
        import_commitments(None, path)
    (problem,) = refused.value.report.problems
    assert str(problem) == "t.xlsx:Commitments!3: due_date: “31/12/2028” is not a date written YYYY-MM-DD"


def test_the_importer_obeys_the_actors_permissions(tmp_path, orgs, people):
    # A Mexican contributor may not create for a Kenyan ministry, nor name a Kenyan draft organisation.
    path = write_csv(tmp_path / "p.csv", [row(partners="")])
    with pytest.raises(ImportRefused) as refused:
        import_commitments(people.contributor_mex, path)
    (problem,) = refused.value.report.problems
    assert problem.line == 2 and "permission" in problem.reason
    # The Kenyan contributor may.
    report = import_commitments(people.contributor_ken, path)
    assert Commitment.objects.get(pk=report.created[0]).created_by == people.contributor_ken


def test_export_reads_back_through_import(tmp_path, make_commitment, orgs):
    original = make_commitment("published")
    exported = tmp_path / "all.csv"
    call_command("commitments", "export", "-o", str(exported))
    report = import_commitments(None, exported)
    copy = Commitment.objects.get(pk=report.created[0])
    assert copy.pk != original.pk and copy.review_state == "draft"
    for column in tabular.IMPORT_COLUMNS:
        assert column.value(copy) == column.value(original), column.name


def test_command_exit_status_and_report(tmp_path, orgs, capsys):
    bad = write_csv(tmp_path / "bad.csv", [row(kind="promise")])
    with pytest.raises(CommandError) as error:
        call_command("commitments", "import", str(bad))
    assert error.value.returncode == 2
    assert "nothing was written" in str(error.value)
    assert "bad.csv:2: kind: “promise” is not one of: national_action" in capsys.readouterr().err
    good = write_csv(tmp_path / "good.csv", [row()])
    call_command("commitments", "import", str(good), "--dry-run")
    assert "1 rows are valid" in capsys.readouterr().out and not Commitment.objects.exists()
    call_command("commitments", "import", str(good))
    assert Commitment.objects.count() == 1


def test_unknown_account_for_as_is_refused(tmp_path, orgs):
    good = write_csv(tmp_path / "good.csv", [row()])
    with pytest.raises(CommandError, match="No active account"):
        call_command("commitments", "import", str(good), "--as", "ghost")


def test_unknown_references_are_named_through_the_shared_resolvers(tmp_path, orgs, people):
    hidden = type(orgs.ken_gov).objects.create(name="Hidden draft body", area=orgs.mex_gov.area, kind="civil-society")
    rows = [
        row(area="XYZ"),
        row(actions="7z"),
        row(indicators="NO_SUCH_SERIES|1|2020|2|2030"),
        row(kind="matching_pledge", matches="999999"),
        row(partners=f"{hidden.pk}|support"),
    ]
    path = write_csv(tmp_path / "refs.csv", rows)
    with pytest.raises(ImportRefused) as refused:
        import_commitments(people.contributor_ken, path)
    found = {(p.line, p.field) for p in refused.value.report.problems}
    assert found == {(2, "area"), (3, "actions"), (4, "indicators"), (5, "matches"), (6, "partners")}
    # The unpublished Mexican organisation is unknown to a Kenyan contributor: same message as a wrong id.
    partner_problem = next(p for p in refused.value.report.problems if p.field == "partners")
    assert partner_problem.reason == f"There is no organisation with the id “{hidden.pk}”."
