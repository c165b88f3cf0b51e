"""``gcmhub import``: summaries, exit codes and reports."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gcmhub.indicators.models import ImportBatch, Observation

pytestmark = pytest.mark.django_db

MAPPING = "area: Country\narea_scheme: name\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n"


def tidy(tmp_path, body: str, name="costs.csv") -> Path:
    path = tmp_path / name
    path.write_text("Country,Year,Value\n" + body)
    path.with_suffix(".mapping.yml").write_text(MAPPING)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_summary(tmp_path):
    path = tidy(tmp_path, "Kenya,2019,7.5\nMexico,2019,5.1\n")
    out, _err = run("tidy", str(path), "--source", "World Bank")
    assert "Imported costs.csv" in out
    assert "created" in out and " 2 " in out
    assert "New series: SI_RMT_COST" in out
    assert Observation.objects.count() == 2
    assert ImportBatch.objects.get().source == "World Bank"

    again, _err = run("tidy", str(path), "--source", "World Bank")
    assert "unchanged" in again and Observation.objects.count() == 2


def test_bad_input_exits_2_with_the_report_on_stderr(tmp_path):
    path = tidy(tmp_path, "Kenya,2019,abc\nNarnia,2020,1\n")
    with pytest.raises(CommandError) as error:
        run("tidy", str(path))
    assert error.value.returncode == 2
    assert "2 problems" in str(error.value)
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_report_names_file_line_column_and_reason(tmp_path):
    path = tidy(tmp_path, "Kenya,2019,abc\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "tidy", str(path), "--no-progress", stderr=err)
    assert "costs.csv, line 2, column \"Value\": 'abc' is not a number" in err.getvalue()


def test_dry_run_writes_nothing(tmp_path):
    out, _err = run("tidy", str(tidy(tmp_path, "Kenya,2019,7.5\n")), "--dry-run")
    assert "Dry run" in out and Observation.objects.count() == 0


def test_skip_invalid_writes_a_rejects_file(tmp_path):
    path = tidy(tmp_path, "Kenya,2019,abc\nKenya,2020,1\n")
    out, _err = run("tidy", str(path), "--skip-invalid")
    rejects = tmp_path / "costs.csv.rejects.csv"
    assert rejects.exists() and "abc" in rejects.read_text()
    assert str(rejects) in out
    assert Observation.objects.count() == 1


def test_area_for_files_without_an_area_column(tmp_path):
    path = tmp_path / "national.csv"
    path.write_text("Year,Value\n2019,3\n")
    mapping = tmp_path / "national.yml"
    mapping.write_text("period: Year\nvalue: Value\nseries: SI_RMT_COST\n")
    run("tidy", str(path), "--area", "KEN", "--mapping", str(mapping))
    assert Observation.objects.get().area.iso3 == "KEN"

    with pytest.raises(CommandError, match="no area with the code"):
        run("tidy", str(path), "--area", "XXX", "--mapping", str(mapping))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pdf", "x.csv"), "Unknown format"),
        (("tidy", "/nonexistent/file.csv"), "There is no file"),
    ],
)
def test_usage_errors_exit_2(args, message):
    with pytest.raises(CommandError, match=message) as error:
        run(*args)
    assert error.value.returncode == 2
