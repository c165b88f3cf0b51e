"""`gcmhub framework load` and `gcmhub framework import-text`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gcmhub.framework.models import Action, Objective
from tests.framework.helpers import replace_in

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("framework", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_reports_an_up_to_date_database():
    out, _ = run("load")
    assert "actions: 0 created, 0 updated, 187 unchanged, 0 deleted" in out
    assert "follow-up elements: 0 created, 0 updated, 11 unchanged, 0 deleted" in out
    assert "follow_up.yaml: schema version 1, edition 2026-11-26" in out
    assert "Framework already up to date." in out


def test_load_from_another_folder(bundle_dir):
    replace_in(bundle_dir / "principles.yaml", "    en: People-centred", "    en: People first")
    out, _ = run("load", "--data-dir", str(bundle_dir))
    assert "principles: 0 created, 1 updated" in out
    assert "Framework loaded." in out


def test_load_refuses_a_broken_bundle_with_the_place_of_each_problem(bundle_dir):
    replace_in(bundle_dir / "objective_indicators.yaml", 'primary: ["10.7.3"]', 'primary: ["99.9.9"]')
    with pytest.raises(CommandError, match=r"objective_indicators\.yaml, line \d+, objective 8\.primary"):
        run("load", "--data-dir", str(bundle_dir))


def test_import_text(write_official_text):
    path = write_official_text(list(Objective.objects.filter(number__in=[9, 10])))
    out, _ = run("import-text", str(path))
    assert "Imported official.md (en): 2 objectives; 16 action texts changed, 0 already up to date." in out
    assert "Not in the file: objectives 1, 2, 3" in out
    assert Action.objects.get(objective__number=10, letter="j").text_en == "Official text of action 10j."


def test_import_text_dry_run(write_official_text):
    out, _ = run("import-text", str(write_official_text([Objective.objects.get(number=9)])), "--dry-run")
    assert "6 action texts would change" in out and "Nothing was written." in out
    assert not Action.objects.exclude(text_en="").exists()


def test_import_text_refuses_a_mismatch_unless_told_to_skip(tmp_path):
    path = tmp_path / "wrong.md"
    path.write_text("# Objective 9\n## Title: Not the real title\n- a. Text.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="wrong.md, line 2, objective 9 title") as refused:
        run("import-text", str(path))
    assert refused.value.returncode == 2  # bad input, as for every importer
    out, err = run("import-text", str(path), "--skip-mismatched")
    assert "Skipped: wrong.md, line 2, objective 9 title" in err
    assert "0 objectives" in out


def test_import_text_in_french(write_official_text):
    path = write_official_text([Objective.objects.get(number=22)], language="fr", text=lambda a: "Texte.")
    out, _ = run("import-text", str(path), "--language", "fr")
    assert "(fr): 1 objectives; 3 action texts changed" in out


def test_load_refuses_a_file_with_an_unknown_schema_version(bundle_dir):
    replace_in(bundle_dir / "policy_domains.yaml", "schema_version: 1", "schema_version: 2")
    with pytest.raises(CommandError, match=r"policy_domains\.yaml, line \d+, schema_version: is 2") as refused:
        run("load", "--data-dir", str(bundle_dir))
    assert refused.value.returncode == 2
