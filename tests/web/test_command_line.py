"""The ``gcmhub`` command as a newcomer meets it: help for each command,
clear errors printed once, exit status 2 for what the user must fix."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gcmhub import cli
from gcmhub.progress import batch


def test_help_command_shows_that_commands_help(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["help", "export"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: gcmhub export")
    assert "--series" in out


def test_help_for_an_unknown_command_fails(capsys):
    assert cli.main(["help", "frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


def test_usage_mentions_gcmhub_help(capsys):
    cli.main(["--help"])
    assert "gcmhub help COMMAND" in capsys.readouterr().out


def test_export_to_a_missing_folder_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["export", "csv", "-o", "/missing/dir/x.csv"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "/missing/dir/x.csv" in err and "does not exist" in err
    assert err.count("/missing/dir/x.csv") == 1


def test_export_to_a_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="folder") as error:
        call_command("export", "csv", "-o", str(tmp_path))
    assert error.value.returncode == 2


@pytest.mark.django_db
def test_import_problems_are_printed_once(tmp_path):
    data = tmp_path / "costs.csv"
    data.write_text("Country,Year,Value\nKenya,2019,abc\n")
    data.with_suffix(".mapping.yml").write_text("area: Country\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n")
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import", "tidy", str(data), "--no-progress", stderr=err)
    printed = err.getvalue() + str(error.value)
    assert printed.count("'abc' is not a number") == 1
    assert "1 problem" in str(error.value)


def test_progress_calc_help_describes_its_input_and_output():
    out = io.StringIO()
    assert batch.main(["--help"], stdout=out) == 0
    text = out.getvalue()
    for field in ("id", "data", "base_year", "target", "target_year", "direction", "limit"):
        assert f"  {field} " in text, field
    for field in ("status", "score", "progress_value", "current_value", "method_version", "flags"):
        assert field in text.split("output (standard output)")[1], field


def test_the_licence_is_declared_the_way_setuptools_expects():
    """A table (``{text = ...}``) or a licence classifier makes every
    ``pip install`` print setuptools' deprecation warnings."""
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert project["project"]["license"] == "AGPL-3.0-or-later"
    assert not [c for c in project["project"].get("classifiers", []) if c.startswith("License ::")]
    assert "setuptools>=77" in project["build-system"]["requires"]
