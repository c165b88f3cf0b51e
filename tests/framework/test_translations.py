"""The framework's French and Spanish catalogues are complete."""

import re
from pathlib import Path

import pytest

import gcmhub.framework

LOCALE_DIR = Path(gcmhub.framework.__file__).parent / "locale"
# msgid "..." (with continuation lines) followed by msgstr / msgstr[n] lines.
ENTRY = re.compile(r'^msgid "(?P<msgid>.*?)"\n(?P<rest>(?:".*"\n|msgid_plural .*\n|msgstr.*\n)*)', re.MULTILINE)


def entries(language: str):
    text = (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    return text, [m for m in ENTRY.finditer(text) if m.group("msgid") or m.group("rest").startswith('"')]


@pytest.mark.parametrize("language", ["fr", "es"])
def test_no_fuzzy_entries(language):
    text, _ = entries(language)
    assert "#, fuzzy" not in text


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_message_is_translated(language):
    _, found = entries(language)
    assert len(found) > 100
    empty_translation = re.compile(r'^msgstr(\[\d\])? ""\n(?!")', re.MULTILINE)
    untranslated = [m.group(0) for m in found[1:] if empty_translation.search(m.group("rest"))]
    assert untranslated == []
