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


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda path: str(path.relative_to(path.parents[4])))
def test_plural_entries_have_every_form_the_header_announces(po_path):
    """A catalogue announcing three plural forms but translating two falls back
    to English for the third ("Every 4 years from 2022" on the Spanish site)."""
    catalogue = polib.pofile(str(po_path))
    header = catalogue.metadata.get("Plural-Forms", "")
    forms = int(header.split("nplurals=")[1].split(";")[0]) if "nplurals=" in header else 2
    short = [entry.msgid for entry in catalogue if entry.msgid_plural and len(entry.msgstr_plural) != forms]
    assert short == [], f"{po_path}: {forms} plural forms announced, fewer given for {short[:3]}"


@pytest.mark.django_db
def test_schedule_of_the_review_forum_is_translated_in_spanish():
    from django.utils import translation

    from gcmhub.framework.models import FollowUpElement

    element = FollowUpElement(schedule_every=4, schedule_first_year=2022)
    with translation.override("es"):
        assert element.schedule_text() == "Cada 4 años a partir de 2022"
    with translation.override("fr"):
        assert element.schedule_text() == "Tous les 4 ans à partir de 2022"
