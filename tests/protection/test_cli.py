"""``gcmhub services import|export``: all-or-nothing import with a located report, HSDS exports."""

import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gcmhub.protection.models import Service

from .test_hsds_import import EXAMPLES


@pytest.fixture
def example():
    path = EXAMPLES / "service_full.json"
    if not path.exists():
        pytest.skip("the HSDS examples are not there")
    return path


def test_import_then_export_both_formats(example, tmp_path, capsys, db):
    call_command("services", "import", str(example))
    captured = capsys.readouterr()
    assert "1 services created" in captured.out and "warning:" in captured.err
    out = tmp_path / "directory.json"
    call_command("services", "export", "--format", "hsds-json", "-o", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [s["name"] for s in document["contents"]] == ["Community Counselling"]
    package = tmp_path / "directory.zip"
    call_command("services", "export", "--format", "hsds-csv", "-o", str(package))
    with zipfile.ZipFile(package) as archive:
        assert {"datapackage.json", "services.csv", "locations.csv"} <= set(archive.namelist())


def test_refused_import_reports_each_problem_and_exits_2(example, tmp_path, capsys, db):
    record = json.loads(example.read_text(encoding="utf-8"))
    record["email"] = "nope"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("services", "import", str(bad))
    assert error.value.returncode == 2
    assert "bad.json:record 1: email:" in capsys.readouterr().err
    assert not Service.objects.exists()


def test_dry_run_draft_and_unknown_account(example, capsys, db):
    call_command("services", "import", str(example), "--dry-run")
    assert "nothing was written" in capsys.readouterr().out and not Service.objects.exists()
    call_command("services", "import", str(example), "--draft", "--type", "mhpss")
    service = Service.objects.get()
    assert not service.is_published and service.service_type == "mhpss"
    with pytest.raises(CommandError, match="No active account"):
        call_command("services", "import", str(example), "--as", "ghost")
    with pytest.raises(CommandError, match="There is no country"):
        call_command("services", "export", "-o", "-", "--area", "XXX")
