"""Observation attributes in words, in the reader's language.

The stored values are codes (SDMX ``OBS_STATUS`` and the SDG DSD's
``NATURE``) or notes a reader wrote in English (UN DESA's ``type of data:
B R``). Pages show them through these functions; the stored text and the
exports keep the codes. Code names follow the code lists of the SDG DSD
(``../shared/reference/sdmx/SDG_DSD_1.0.xml``) and UN DESA's table notes.
An unknown code is shown as written.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .formats.codes import NATURE_NAMES, NOT_SPECIFIED, NOT_SPECIFIED_NAME, OBS_STATUS_NAMES

# The code lists and their names are in formats.codes (one list for readers,
# exports and pages); their names are marked for translation there.
OBS_STATUS = {code: pgettext_lazy("observation status", name) for code, name in OBS_STATUS_NAMES.items()}
OBS_STATUS[NOT_SPECIFIED] = pgettext_lazy("observation status", NOT_SPECIFIED_NAME["observation status"])
NATURE = {code: pgettext_lazy("nature of data", name) for code, name in NATURE_NAMES.items()}
NATURE[NOT_SPECIFIED] = pgettext_lazy("nature of data", NOT_SPECIFIED_NAME["nature of data"])

# UN DESA International Migrant Stock: how each country's figure was obtained.
TYPE_OF_DATA = {
    "B": _("foreign-born population"),
    "C": _("foreign citizens"),
    "I": _("imputed (no data)"),
    "R": _("refugees added"),
}
_TYPE_OF_DATA = re.compile(r"^\s*type[ _]of[ _]data\s*:\s*(?P<codes>[A-Za-z ]+?)\s*$", re.IGNORECASE)


def obs_status_text(code: str) -> str:
    return str(OBS_STATUS.get((code or "").strip().upper(), code or ""))


def nature_text(code: str) -> str:
    return str(NATURE.get((code or "").strip().upper(), code or ""))


def footnote_text(note: str) -> str:
    """``type of data: B R`` → ``Type of data: foreign-born population, refugees added``
    (in the reader's language); any other note as written."""
    match = _TYPE_OF_DATA.match(note or "")
    if not match:
        return note or ""
    codes = match.group("codes").upper().split()
    if not all(code in TYPE_OF_DATA for code in codes):
        return note
    return _("Type of data: %(kinds)s") % {"kinds": ", ".join(str(TYPE_OF_DATA[code]) for code in codes)}
