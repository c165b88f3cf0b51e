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

# SDMX CL_OBS_STATUS (the codes the SDG and national files use).
OBS_STATUS = {
    "A": pgettext_lazy("observation status", "normal value"),
    "B": pgettext_lazy("observation status", "time series break"),
    "D": pgettext_lazy("observation status", "definition differs"),
    "E": pgettext_lazy("observation status", "estimated value"),
    "F": pgettext_lazy("observation status", "forecast value"),
    "I": pgettext_lazy("observation status", "imputed value"),
    "M": pgettext_lazy("observation status", "missing value; data cannot exist"),
    "O": pgettext_lazy("observation status", "missing value"),
    "P": pgettext_lazy("observation status", "provisional value"),
    "U": pgettext_lazy("observation status", "low reliability"),
    # The UN SDG database's "not specified".
    "NOTSPEC": pgettext_lazy("observation status", "not specified"),
}

# CL_NATURE of the SDG DSD.
NATURE = {
    "C": pgettext_lazy("nature of data", "country data"),
    "CA": pgettext_lazy("nature of data", "country data, adjusted"),
    "E": pgettext_lazy("nature of data", "estimated"),
    "G": pgettext_lazy("nature of data", "global monitoring data"),
    "M": pgettext_lazy("nature of data", "modelled"),
    "N": pgettext_lazy("nature of data", "non-relevant"),
    "_X": pgettext_lazy("nature of data", "not available"),
    "NOTSPEC": pgettext_lazy("nature of data", "not specified"),
}

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
