"""Loading the bundle into the database: complete, idempotent, all-or-nothing."""

import pytest

from gcmhub.framework.loader import load_framework
from gcmhub.framework.models import Action, Objective, ObjectiveIndicator, Principle, SdgIndicator, SdgSeries, SdgTarget
from gcmhub.framework.problems import FrameworkDataError
from tests.framework.helpers import replace_in

pytestmark = pytest.mark.django_db


def test_the_session_database_holds_the_whole_framework():
    assert Principle.objects.count() == 10
    assert Objective.objects.count() == 23
    assert Action.objects.count() == 187
    assert SdgTarget.objects.count() == 28
    assert SdgIndicator.objects.count() == 36
    assert SdgSeries.objects.filter(code="SI_RMT_COST", indicator__code="10.c.1").exists()
    assert ObjectiveIndicator.objects.filter(objective__number=8, indicator__code="10.7.3").exists()


def test_objective_20_has_the_remittance_actions():
    remittances = Objective.objects.get(number=20)
    assert remittances.paragraph == 36
    assert list(remittances.actions.values_list("letter", flat=True)) == list("abcdefghi")
    assert remittances.actions.get(letter="a").title_en.startswith("Road map to bring remittance costs")


def test_indicators_sort_in_framework_order():
    codes = list(SdgIndicator.objects.values_list("code", flat=True))
    assert codes.index("1.5.3") < codes.index("10.2.1")
    assert codes.index("10.7.4") < codes.index("10.c.1")
    assert codes.index("16.9.1") < codes.index("16.10.2") < codes.index("16.b.1")


def test_loading_again_changes_nothing():
    summary = load_framework()
    assert summary.changed == 0
    assert summary.tables["actions"].unchanged == 187


def test_an_edited_title_updates_only_that_row(bundle_dir):
    replace_in(bundle_dir / "objectives.yaml", "en: Country migration profiles", "en: National migration profiles")
    summary = load_framework(bundle_dir)
    assert summary.tables["actions"].updated == 1
    assert summary.changed == 1
    assert Action.objects.get(objective__number=1, letter="j").title_en == "National migration profiles"


def test_a_link_removed_from_the_bundle_is_deleted(bundle_dir):
    replace_in(bundle_dir / "objective_indicators.yaml", 'primary: ["10.7.3"]\n', 'primary: ["10.7.4"]\n')
    summary = load_framework(bundle_dir)
    counts = summary.tables["objective–indicator links"]
    assert (counts.created, counts.deleted) == (1, 1)
    assert list(ObjectiveIndicator.objects.filter(objective__number=8).values_list("indicator__code", flat=True)) == [
        "10.7.4"
    ]


def test_reloading_keeps_imported_official_texts():
    action = Action.objects.get(objective__number=3, letter="a")
    action.text_en, action.text_source_en = "Official wording.", "file.md (sha256 0123456789ab)"
    action.save()
    load_framework()
    action.refresh_from_db()
    assert (action.text_en, action.text_source_en) == ("Official wording.", "file.md (sha256 0123456789ab)")


def test_a_broken_bundle_changes_nothing(bundle_dir):
    replace_in(bundle_dir / "objectives.yaml", "      en: Country migration profiles", "      en: Edited title")
    replace_in(bundle_dir / "objective_indicators.yaml", 'primary: ["10.7.3"]', 'primary: ["99.9.9"]')
    with pytest.raises(FrameworkDataError):
        load_framework(bundle_dir)
    assert Action.objects.get(objective__number=1, letter="j").title_en == "Country migration profiles"
