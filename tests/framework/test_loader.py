"""Loading the bundle into the database: complete, idempotent, all-or-nothing."""

import pytest

from gcmhub.framework.loader import load_framework
from gcmhub.framework.models import (
    Action,
    FollowUpElement,
    FollowUpMilestone,
    MigofElement,
    Objective,
    ObjectiveIndicator,
    PolicyDomain,
    PolicyDomainScore,
    Principle,
    SdgIndicator,
    SdgSeries,
    SdgTarget,
)
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


# --- MiGOF, policy domains of 10.7.2, implementation and follow-up ----------


def test_the_session_database_holds_migof_domains_and_follow_up():
    assert MigofElement.objects.count() == 6
    assert PolicyDomainScore.objects.count() == 4
    assert list(PolicyDomain.objects.values_list("code", "migof__kind", "migof__number")) == [
        ("PD_1", "principle", 1),
        ("PD_2", "principle", 2),
        ("PD_3", "principle", 3),
        ("PD_4", "objective", 1),
        ("PD_5", "objective", 2),
        ("PD_6", "objective", 3),
    ]
    assert FollowUpElement.objects.count() == 11
    assert FollowUpMilestone.objects.count() == 7
    mechanism = FollowUpElement.objects.get(slug="capacity-building-mechanism")
    assert list(mechanism.parts.values_list("slug", flat=True)) == [
        "connection-hub",
        "start-up-fund",
        "global-knowledge-platform",
    ]


def test_follow_up_schedules():
    imrf = FollowUpElement.objects.get(slug="imrf")
    assert imrf.scheduled_years() == [2022, 2026, 2030]
    regional = FollowUpElement.objects.select_related("schedule_between").get(slug="regional-reviews")
    assert regional.schedule_between == imrf
    assert regional.scheduled_years() == [2020, 2021, 2023, 2024, 2025, 2027, 2028, 2029]
    assert FollowUpElement.objects.get(slug="gfmd-exchange").scheduled_years() == []  # every year, no start given


def test_links_keep_the_policy_domain_codes():
    # The column still holds PD_1 … PD_6 (NULL for the whole indicator), so
    # other apps can filter by code without a join.
    assert ObjectiveIndicator.objects.filter(objective__number=11, policy_domain="PD_6").exists()
    border = ObjectiveIndicator.objects.get(objective__number=11, policy_domain_id="PD_6")
    assert border.policy_domain.name_fr == "Migrations sûres, ordonnées et régulières"
    assert ObjectiveIndicator.objects.filter(objective__number=8, policy_domain__isnull=True).count() == 1


def test_loading_again_changes_nothing_in_the_new_tables():
    summary = load_framework()
    for table, count in [
        ("MiGOF elements", 6),
        ("policy domain scores", 4),
        ("policy domains", 6),
        ("follow-up elements", 11),
        ("follow-up milestones", 7),
    ]:
        counts = summary.tables[table]
        assert (counts.unchanged, counts.changed) == (count, 0), table
    assert [header.file for header in summary.headers][-1] == "follow_up.yaml"


def test_an_edited_follow_up_element_updates_only_that_row(bundle_dir):
    replace_in(bundle_dir / "follow_up.yaml", "    first: 2022\n    every: 4", "    first: 2022\n    every: 5")
    summary = load_framework(bundle_dir)
    assert summary.changed == 1 and summary.tables["follow-up elements"].updated == 1
    assert FollowUpElement.objects.get(slug="imrf").scheduled_years() == [2022, 2027]
    regional = FollowUpElement.objects.select_related("schedule_between").get(slug="regional-reviews")
    assert 2026 in regional.scheduled_years()


def test_a_milestone_removed_from_the_file_is_deleted(bundle_dir):
    follow_up = bundle_dir / "follow_up.yaml"
    text = follow_up.read_text(encoding="utf-8")
    start = text.index('  - date: "2024-12"')
    end = text.index("# --- Follow-up and review")
    follow_up.write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    summary = load_framework(bundle_dir)
    assert summary.tables["follow-up milestones"].deleted == 1
    assert not FollowUpMilestone.objects.filter(symbol="A/79/590").exists()


def test_a_new_element_that_points_at_a_new_element_is_created(bundle_dir):
    follow_up = bundle_dir / "follow_up.yaml"
    new = """
- slug: pilot-review
  kind: follow-up
  paragraphs: ["48"]
  schedule: {first: 2023, every: 3}
  name: {en: Pilot review, fr: Examen pilote, es: Examen piloto}
  description: {en: A test., fr: Un essai., es: Una prueba.}
- slug: pilot-review-between
  kind: follow-up
  part_of: pilot-review
  paragraphs: ["48"]
  schedule: {first: 2023, between: pilot-review}
  name: {en: Between, fr: Entre, es: Entre}
  description: {en: A test., fr: Un essai., es: Una prueba.}
"""
    follow_up.write_text(follow_up.read_text(encoding="utf-8") + new, encoding="utf-8")
    summary = load_framework(bundle_dir)
    assert summary.tables["follow-up elements"].created == 2
    between = FollowUpElement.objects.select_related("schedule_between").get(slug="pilot-review-between")
    assert between.parent.slug == "pilot-review"
    assert between.scheduled_years(2030) == [2024, 2025, 2027, 2028, 2030]
    assert load_framework(bundle_dir).changed == 0


def test_a_broken_follow_up_file_changes_nothing(bundle_dir):
    replace_in(bundle_dir / "migof.yaml", "    en: Strong partnerships", "    en: Partnerships")
    replace_in(bundle_dir / "follow_up.yaml", "schema_version: 1", "schema_version: 9")
    with pytest.raises(FrameworkDataError, match=r"follow_up\.yaml, line \d+, schema_version: is 9"):
        load_framework(bundle_dir)
    assert MigofElement.objects.get(kind="principle", number=3).name_en == "Strong partnerships"


@pytest.mark.django_db
def test_a_corrected_official_title_reaches_the_catalogues_unedited_copies(bundle_dir):
    from gcmhub.framework.models import SdgIndicator
    from gcmhub.indicators.models import Indicator

    sdg = SdgIndicator.objects.get(code="10.7.4")
    official = {language: getattr(sdg, f"title_{language}") for language in ("en", "fr", "es")}
    SdgIndicator.objects.filter(pk=sdg.pk).update(title_fr="Ancien titre", title_es="Título antiguo")
    copy = Indicator.objects.create(
        code="10.7.4", sdg_indicator=sdg, name_en=official["en"], name_fr="Ancien titre", name_es="Mi nombre"
    )
    load_framework(bundle_dir)
    copy.refresh_from_db()
    assert copy.name_fr == official["fr"]  # still the old official title: follows
    assert copy.name_es == "Mi nombre"  # edited by someone: left alone
    assert copy.history.first().history_change_reason.startswith("official SDG title corrected")
