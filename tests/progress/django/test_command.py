"""gcmhub assess."""

import pytest
from django.core.management import CommandError, call_command

from gcmhub.progress.models import Assessment

pytestmark = pytest.mark.django_db


def test_assess_everything_then_nothing_to_do(world, capsys):
    call_command("assess", "--no-progress")
    out = capsys.readouterr().out
    assert "created" in out and "21" in out  # 7 series × areas × disaggregations × 3 methods
    assert Assessment.objects.count() == 21
    call_command("assess", "--no-progress")
    out = capsys.readouterr().out
    assert "unchanged" in out


def test_assess_one_area_one_indicator_one_method(world, capsys):
    call_command("assess", "--area", "KEN", "--indicator", "10.c.1", "--method", "opensdg", "--no-progress")
    assert list(Assessment.objects.values_list("area__iso3", "series__code", "method")) == [
        ("KEN", "SI_RMT_COST", "opensdg")
    ]


def test_assess_with_the_progress_bar(world, capsys):
    call_command("assess", "--area", "MEX")
    assert Assessment.objects.filter(area__iso3="MEX").exists()


def test_bad_arguments_exit_with_status_2(world):
    with pytest.raises(CommandError) as error:
        call_command("assess", "--area", "XXX", "--no-progress")
    assert error.value.returncode == 2
    with pytest.raises(CommandError):
        call_command("assess", "--method", "magic")


def test_the_gcmhub_command_knows_assess():
    from gcmhub.cli import OWN_COMMANDS

    assert "assess" in OWN_COMMANDS
