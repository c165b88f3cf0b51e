"""Every catalogue compiles, is complete, and the compiled file is what Django reads."""

import gettext

import polib
import pytest

from gcmhub.translations import catalogues, compile_catalogue


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda path: str(path.relative_to(path.parents[4])))
def test_catalogue_is_complete_and_compiles(po_path, tmp_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], f"{po_path}: untranslated {untranslated[:5]}"
    assert fuzzy == [], f"{po_path}: fuzzy {fuzzy[:5]}"
    copy = tmp_path / po_path.name
    copy.write_bytes(po_path.read_bytes())
    mo_path = compile_catalogue(copy)
    translations = gettext.GNUTranslations(mo_path.open("rb"))
    entry = next(entry for entry in catalogue if entry.msgid and not entry.msgid_plural)
    assert translations.gettext(entry.msgid) == entry.msgstr


def test_there_are_french_and_spanish_catalogues_for_every_app_with_strings():
    languages = {path.parts[-3] for path in catalogues()}
    assert {"fr", "es"} <= languages
