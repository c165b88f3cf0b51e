"""The progress app's French and Spanish catalogues are complete and consistent."""

import re
from pathlib import Path

import polib
import pytest

import gcmhub.progress

LOCALE_DIR = Path(gcmhub.progress.__file__).parent / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_message_is_translated_without_fuzzy_entries(language):
    catalogue = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 200
    assert catalogue.fuzzy_entries() == []
    assert catalogue.untranslated_entries() == []
    for entry in catalogue:
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) == wanted, entry.msgid
