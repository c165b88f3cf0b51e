"""Deriving the official texts from their sources (no shared data needed)."""

import unicodedata

import pytest

from gcmhub.framework.catalogue import DATA_DIR, read_bundle
from gcmhub.framework.models import Action
from gcmhub.framework.official_sources import (
    ACTION_TEXTS_FILE,
    KNOWN_STALE,
    derive_action_texts,
    official_sdg_titles,
    read_sdg_translations,
)
from gcmhub.framework.services import import_official_texts

CURRENT = {"en": "Remittance costs as a proportion of the amount remitted", "fr": "ours", "es": "nuestro"}


def titles(en, fr="Coûts officiels", es="Costos oficiales"):
    return {"en": {"10-c-1-title": en}, "fr": {"10-c-1-title": fr}, "es": {"10-c-1-title": es}}


def test_official_titles_replace_those_written_by_hand():
    found = official_sdg_titles("10.c.1", CURRENT, titles(CURRENT["en"]), english_is_current=True)
    assert found.title == {"en": CURRENT["en"], "fr": "Coûts officiels", "es": "Costos oficiales"}
    assert found.unverified == ()


def test_a_source_that_translates_another_english_title_is_not_taken():
    found = official_sdg_titles("10.c.1", CURRENT, titles("An older title"), english_is_current=True)
    assert found.title == CURRENT
    assert found.unverified == ("fr", "es")
    assert "differs from the current framework" in found.reasons[0]


def test_known_stale_translations_are_kept_as_written_and_flagged():
    code, language = next(iter(KNOWN_STALE))
    key = code.replace(".", "-") + "-title"
    source = {lang: {key: f"{lang} source"} for lang in ("en", "fr", "es")}
    current = {"en": "en source", "fr": "fr ours", "es": "es ours"}
    found = official_sdg_titles(code, current, source, english_is_current=True)
    assert found.title[language] == f"{language} ours"
    assert language in found.unverified


def test_decomposed_source_text_is_stored_composed(tmp_path):
    for language in ("en", "fr", "es"):
        (tmp_path / language).mkdir()
        (tmp_path / language / "global_targets.yml").write_text("{}", encoding="utf-8")
        text = unicodedata.normalize("NFD", "Número de víctimas")
        (tmp_path / language / "global_indicators.yml").write_text(f"16-2-2-title: {text}\n", encoding="utf-8")
    read = read_sdg_translations(tmp_path)
    assert read["es"]["16-2-2-title"] == "Número de víctimas"
    assert unicodedata.is_normalized("NFC", read["es"]["16-2-2-title"])


def test_an_objective_whose_transcription_is_wrong_is_left_out():
    bundle = read_bundle()
    two = bundle.objectives[1]
    actions = "\n".join(f"- {action.letter}. Text {action.letter}." for action in two.actions)
    raw = (
        f"# Objective 2\n## Title: {two.title['en']}\n## Associated actions\n{actions}\n\n"
        f"# Objective 20\n## Title: {two.title['en']}\n## Associated actions\n{actions}\n"
    ).encode()
    derived = derive_action_texts(raw, "copy.md", bundle, "copy.md (test)")
    assert derived.kept == [2]
    assert "objective 20: the title is not the official title" in derived.skipped[0]
    assert "Source: copy.md (test)." in derived.markdown


@pytest.mark.django_db
def test_the_committed_action_texts_import_and_leave_objective_20_its_short_titles():
    report = import_official_texts(DATA_DIR / ACTION_TEXTS_FILE, language="en")
    assert len(report.objectives) == 22 and report.missing == [20]
    assert not Action.objects.filter(objective__number=20).exclude(text_en="").exists()
    assert Action.objects.exclude(objective__number=20).filter(text_en="").count() == 0
    first = Action.objects.get(objective__number=1, letter="a")
    assert first.text_en.startswith("Elaborate and implement a comprehensive strategy")
    assert first.text_source_en.startswith(f"{ACTION_TEXTS_FILE} (sha256 ")
