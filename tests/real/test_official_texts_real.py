"""The stored official texts against the official sources in ../shared/data.

Every SDG title and every M49 name in French and Spanish that GCM Hub stores
must be the published one, and the committed files the build commands write
must be exactly what those commands write from the sources today.
"""

import csv
import io
import shutil
import unicodedata

import pytest
from django.conf import settings
from django.core.management import call_command

from gcmhub.framework.catalogue import DATA_DIR as FRAMEWORK_DATA
from gcmhub.framework.catalogue import read_bundle
from gcmhub.framework.models import Objective, SdgIndicator, SdgTarget
from gcmhub.framework.official_sources import (
    ACTION_TEXTS_FILE,
    GCM_TEXT,
    KNOWN_STALE,
    SDG_TRANSLATIONS,
    read_sdg_translations,
    sdg_key,
)
from gcmhub.framework.official_text import comparable_title, parse_official_text
from gcmhub.geo.management.commands.build_m49_names import LEVELS, NOT_IN_UNSD
from gcmhub.geo.models import Area
from gcmhub.geo.sources import DATA_DIR as GEO_DATA

pytestmark = [pytest.mark.real, pytest.mark.django_db]


def _shared(relative: str):
    path = settings.SHARED_DATA_DIR / relative
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture(scope="module")
def official_titles():
    return read_sdg_translations(_shared(SDG_TRANSLATIONS))


@pytest.mark.parametrize("model", [SdgTarget, SdgIndicator])
def test_every_stored_sdg_title_is_the_official_one(model, official_titles):
    checked = 0
    for record in model.objects.all():
        for language in ("en", "fr", "es"):
            stored = getattr(record, f"title_{language}")
            if language in record.unverified:
                assert (record.code, language) in KNOWN_STALE, (record.code, language)
                continue
            official = official_titles[language][sdg_key(record.code)]
            assert stored == official, (record.code, language)
            assert unicodedata.is_normalized("NFC", stored)
            checked += 1
    assert checked >= 3 * model.objects.count() - len(KNOWN_STALE)


def test_known_stale_translations_are_the_only_unverified_sdg_titles():
    flagged = {(i.code, language) for i in SdgIndicator.objects.all() for language in i.unverified}
    assert flagged == set(KNOWN_STALE)


def test_committed_framework_texts_are_what_the_build_writes_from_the_sources(tmp_path):
    _shared(SDG_TRANSLATIONS)
    _shared(str(GCM_TEXT))
    out = tmp_path / "data"
    shutil.copytree(FRAMEWORK_DATA, out)
    call_command("build_framework_texts", data_dir=settings.SHARED_DATA_DIR, out=out, stdout=io.StringIO())
    for name in ("sdg.yaml", ACTION_TEXTS_FILE):
        assert (out / name).read_text(encoding="utf-8") == (FRAMEWORK_DATA / name).read_text(encoding="utf-8"), name


def test_english_objective_titles_are_the_resolutions():
    parsed, problems = parse_official_text(_shared(str(GCM_TEXT)).read_text(encoding="utf-8"), GCM_TEXT.name)
    assert not problems
    transcribed = {objective.number: objective.title for objective in parsed}
    for objective in Objective.objects.exclude(number=20):  # the transcription's 20 is a copy of 2
        assert comparable_title(objective.title_en) == comparable_title(transcribed[objective.number])


def test_derived_action_texts_cover_every_objective_but_the_defective_one():
    bundle = read_bundle()
    text = (FRAMEWORK_DATA / ACTION_TEXTS_FILE).read_text(encoding="utf-8")
    parsed, problems = parse_official_text(text, ACTION_TEXTS_FILE)
    assert not problems
    assert [objective.number for objective in parsed] == [n for n in range(1, 24) if n != 20]
    actions = {o.number: len(o.actions) for o in bundle.objectives}
    assert sum(len(objective.actions) for objective in parsed) == sum(actions.values()) - actions[20]


def _m49_rows(language):
    path = _shared(f"country-codes/unsd_m49_overview_{language}.csv")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_stored_m49_name_in_french_and_spanish_is_unsds(language):
    official = {}
    for row in _m49_rows(language):
        if row["M49 Code"] in NOT_IN_UNSD:
            continue
        for code_column, name_column in LEVELS:
            if row[code_column]:
                official[row[code_column]] = unicodedata.normalize("NFC", row[name_column].strip())
    areas = {area.m49: area for area in Area.objects.all()}
    assert set(official) <= set(areas), set(official) - set(areas)
    for code, name in official.items():
        assert getattr(areas[code], f"name_{language}") == name, code
        assert language not in areas[code].unverified, code
    # Everything else (SDG groupings, 830, 158, Sark, Kosovo) is marked.
    for code, area in areas.items():
        if code not in official:
            assert language in area.unverified, code


def test_committed_m49_names_are_what_the_build_writes(tmp_path):
    _shared("country-codes/unsd_m49_overview_fr.csv")
    call_command("build_m49_names", data_dir=settings.SHARED_DATA_DIR, out=tmp_path, stdout=io.StringIO())
    committed = (GEO_DATA / "m49_names.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "m49_names.yaml").read_text(encoding="utf-8") == committed
