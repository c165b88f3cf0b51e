"""Labels found in files → SDMX codes of the SDG data structure (METHODS §8).

``dimension_for(column, value)`` is the one function readers call: it gives
``(code, value)`` for a disaggregation cell, or ``None`` when the cell means
"total" (then the dimension is left out: the headline has no dimensions).

* A column we know (``Sex``, ``Age``, ``Migratory status``, ``Policy
  Domains``, ``Location``/``Urbanisation``, or an SDMX ID such as ``SEX``)
  with a label we know gives the SDMX dimension and code:
  ``("Sex", "Female")`` → ``("SEX", "F")``;
  ``("Migratory status", "Migrants")`` → ``("COMPOSITE_BREAKDOWN", "MS_MIGRANT")``;
  ``("Policy Domains", "Domain 3. Cooperation and partnerships")`` →
  ``("COMPOSITE_BREAKDOWN", "PD_3")``.
* A blank cell, and an explicit total in a known column (``Both sexes``,
  ``All ages``, ``All migratory statuses``, ``All domains``, ``_T``), is the
  total: ``None``.
* Anything else stays as written, under the column's own name:
  ``("Destination countries", "xx")`` → ``("Destination countries", "xx")``,
  ``("Sex", "Intersex")`` → ``("Sex", "Intersex")``. Nothing is dropped, and
  the loader can show the raw label. A column whose header is blank is named
  ``COLUMN_<n>`` (1-based position), e.g. ``COLUMN_2`` in Moldova's 10.7.4.

Words like "Total" in columns we do not know are *not* treated as totals:
Moldova's 8.8.1 has ``Fatal accidents, by sex = Total`` and
``Non-fatal accidents, by sex = Total`` side by side, and folding both into
the headline would make them collide.

The 10.7.2 policy domains are numbered as in the UN Inquiry and as every
national file here labels them (Armenia "Domain 1. Migrant rights",
Canada, Malta "Migrant rights (Domain 1)"; Moldova's unnumbered labels in
the same order): PD_1 migrant rights; PD_2 whole-of-government /
evidence-based policies; PD_3 cooperation and partnerships; PD_4
socioeconomic well-being; PD_5 mobility dimensions of crises; PD_6 safe,
orderly and regular migration. UNSD's own extract writes them ``domain1`` …
``domain6`` and ``alldomains``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "ATTRIBUTE_IDS",
    "DIMENSION_IDS",
    "NATURE_NAMES",
    "NOT_DISAGGREGATIONS",
    "NOT_SPECIFIED",
    "NOT_SPECIFIED_NAME",
    "OBS_STATUS_NAMES",
    "SERIES_INDICATORS",
    "dimension_for",
    "indicator_for_series",
    "nature_code",
    "obs_status_code",
    "sdmx_area_code",
    "unit_measure_code",
    "unit_multiplier",
]

# SDG DSD (IAEG-SDGs:SDG 1.8) dimensions and attributes, METHODS §8.2
DIMENSION_IDS = (
    "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", "URBANISATION",
    "INCOME_WEALTH_QUANTILE", "EDUCATION_LEV", "OCCUPATION", "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN", "DISABILITY_STATUS", "ACTIVITY", "PRODUCT", "TIME_PERIOD",
)  # fmt: skip
ATTRIBUTE_IDS = frozenset({
    "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE", "COMMENT_OBS", "COMMENT_TS",
    "DATA_LAST_UPDATE", "TIME_DETAIL", "SOURCE_DETAIL", "UPPER_BOUND", "LOWER_BOUND",
    "BASE_PER", "GEO_INFO_URL", "TIME_COVERAGE", "OBS_CONF", "DECIMALS", "TITLE",
    "COMMENT_DSET", "UNIT", "TIME_FORMAT",
})  # fmt: skip

# Codes meaning "total" or "not applicable" in any SDMX dimension
TOTAL_CODES = frozenset({"_T", "_Z"})

# Columns of an Open SDG CSV that are not disaggregations (METHODS §8.4)
NOT_DISAGGREGATIONS = frozenset(
    name.lower()
    for name in (
        "Year", "Value", "GeoCode", "Series", "Units", "Unit measure", "Unit multiplier",
        "Observation status", "SERIES", "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE",
        "COMMENT_OBS", "COMMENT_TS", "DATA_LAST_UPDATE", "REF_AREA", "TIME_PERIOD", "FREQ",
        "REPORTING_TYPE", "TIME_DETAIL", "SOURCE_DETAIL", "UPPER_BOUND", "LOWER_BOUND",
    )
)  # fmt: skip

# Series → SDG indicator for the migration-related series (METHODS §2.1)
SERIES_INDICATORS = {
    "SL_EMP_RCOST": "10.7.1",
    "SG_CPA_MIGR": "10.7.2", "SG_CPA_MIGRP": "10.7.2", "SG_CPA_MIGRS": "10.7.2",
    "SM_DTH_MIGR": "10.7.3",
    "SM_POP_REFG_OR": "10.7.4",
    "SI_RMT_COST": "10.c.1", "SI_RMT_COST_BC": "10.c.1", "SI_RMT_COST_SC": "10.c.1",
    "SL_EMP_FTLINJUR": "8.8.1", "SL_EMP_INJUR": "8.8.1",
    "SL_LBR_NTLCPL": "8.8.2",
    "VC_HTF_DETV": "16.2.2", "VC_HTF_DETVFL": "16.2.2", "VC_HTF_DETVOP": "16.2.2",
    "VC_HTF_DETVOG": "16.2.2", "VC_HTF_DETVSX": "16.2.2", "VC_VAW_DIST": "16.2.2",
    "BX_TRF_PWKR": "17.3.2",
    "SD_SDG_AVLB": "17.18.1", "SG_STT_CAPTY": "17.19.1",
    "SG_REG_BRTH": "16.9.1",
    "SL_TLF_CHLDEC": "8.7.1", "SL_TLF_CHLDEA": "8.7.1",
    "SH_MED_DEN": "3.c.1", "DC_TOF_SCHIPSL": "4.b.1",
}  # fmt: skip


def indicator_for_series(series: str | None) -> str | None:
    return SERIES_INDICATORS.get(series.upper()) if series else None


def _norm(text: str) -> str:
    """Lower case, accents and punctuation off: "Féminin" → "feminin", "Non-Migrant" → "non migrant"."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^0-9a-z+<>]+", " ", text).strip()


# --- columns -------------------------------------------------------------

_COLUMNS = {
    "sex": "SEX", "gender": "SEX",
    "age": "AGE", "age group": "AGE", "age groups": "AGE", "age band": "AGE",
    "migratory status": "MIGRATORY", "migrant status": "MIGRATORY", "migration status": "MIGRATORY",
    "policy domains": "DOMAIN", "policy domain": "DOMAIN", "policy area": "DOMAIN", "policy areas": "DOMAIN",
    "location": "URBANISATION", "urbanisation": "URBANISATION", "urbanization": "URBANISATION",
    "composite breakdown": "COMPOSITE_BREAKDOWN", "disability status": "DISABILITY_STATUS",
    "reporting type": "REPORTING_TYPE",
    # UNSD DDF extract (lower-case concept names)
    "migratory status ": "MIGRATORY", "migratory_status": "MIGRATORY", "policy_domains": "DOMAIN",
}  # fmt: skip
for _id in DIMENSION_IDS:
    _COLUMNS.setdefault(_id.lower(), _id)


def _column_kind(column: str) -> str | None:
    key = column.strip().lower()
    if key in _COLUMNS:
        return _COLUMNS[key]
    return _COLUMNS.get(re.sub(r"[\s_]+", " ", key))


# --- values --------------------------------------------------------------

_SEX = {
    "f": "F", "female": "F", "females": "F", "woman": "F", "women": "F",
    "m": "M", "male": "M", "males": "M", "man": "M", "men": "M",
    "t": None, "total": None, "both sexes": None, "both": None, "bothsex": None, "all sexes": None,
    "all": None, "persons": None, "all persons": None,
    "u": "_U", "unknown": "_U", "not stated": "_U", "notspec": None,
    # French and Spanish, the project's other languages
    "femmes": "F", "femme": "F", "feminin": "F", "mujeres": "F", "mujer": "F", "femenino": "F",
    "hommes": "M", "homme": "M", "masculin": "M", "hombres": "M", "hombre": "M", "masculino": "M",
    "les deux sexes": None, "deux sexes": None, "ambos sexos": None,
}  # fmt: skip
_MIGRATORY = {
    "migrants": "MS_MIGRANT", "migrant": "MS_MIGRANT", "migper": "MS_MIGRANT", "ms migrant": "MS_MIGRANT",
    "international migrants": "MS_MIGRANT",
    "non migrants": "MS_NOMIGRANT", "non migrant": "MS_NOMIGRANT", "nonmig": "MS_NOMIGRANT",
    "ms nomigrant": "MS_NOMIGRANT",
    "eu migrants": "MS_EUMIGRANT", "eumig": "MS_EUMIGRANT", "ms eumigrant": "MS_EUMIGRANT",
    "non eu migrants": "MS_NONEUMIGRANT", "noneumig": "MS_NONEUMIGRANT", "ms noneumigrant": "MS_NONEUMIGRANT",
    "t": None, "total": None, "all migratory statuses": None, "all": None, "notspec": None,
    "all migratory status": None,
    "migrantes": "MS_MIGRANT", "non migrantes": "MS_NOMIGRANT", "no migrantes": "MS_NOMIGRANT",
}  # fmt: skip
_DOMAIN_WORDS = (
    ("PD_1", ("migrant rights", "migrants rights")),
    ("PD_2", ("whole of government", "evidence based", "integrated government", "data driven")),
    ("PD_3", ("cooperation and partnership", "cooperation partnership")),
    ("PD_4", ("socioeconomic", "socio economic", "well being")),
    ("PD_5", ("mobility dimensions", "crises", "crisis")),
    ("PD_6", ("safe orderly", "regular migration")),
)
_URBAN = {"urban": "U", "rural": "R", "allarea": None, "all areas": None, "total": None, "t": None}
_AGE_TOTAL = {"total", "all ages", "all age groups", "allage", "all", "t", "notspec", "all age"}


def _policy_domain(label: str):
    text = _norm(label)
    if text in {"alldomains", "all domains", "all", "total", "t", "all policy domains"}:
        return None
    match = re.search(r"\bdomain\s*([1-6])\b", text) or re.fullmatch(r"pd\s*([1-6])", text)
    if match:
        return f"PD_{match.group(1)}"
    for code, words in _DOMAIN_WORDS:
        if any(word in text for word in words):
            return code
    return False


_AGE_CODE = re.compile(r"Y\d+T\d+|Y_(?:GE|GT|LE|LT)\d+|M\d+T\d+|_[TUXZ]")
_AGE_PATTERNS = (
    # "15-24", "15 to 24", "aged 0-17 years", DDF "15_24" (punctuation is normalised to spaces)
    (re.compile(r"(?:aged? )?(\d{1,3}) (?:to )?(\d{1,3})(?: years?)?(?: old)?"), "Y{0}T{1}"),
    (re.compile(r"(?:aged? )?(\d{1,3}) ?(?:\+|and (?:over|older|above)|or (?:over|older))(?: years?)?"), "Y_GE{0}"),
    (re.compile(r"(?:under|less than|below|<|lt) ?(\d{1,3})(?: ?y| years?)?"), "Y_LT{0}"),
    (re.compile(r"(?:over|above|>) ?(\d{1,3})(?: years?)?"), "Y_GT{0}"),
)


def _age(label: str):
    text = _norm(label)
    if text in _AGE_TOTAL:
        return None
    if text in {"u", "unknown", "age not known", "not known", "unknown age", "age unknown", "not stated"}:
        return "_U"  # UK 16.2.2 writes "Age not known"
    if _AGE_CODE.fullmatch(label.strip()):
        return label.strip()  # already an SDMX age code: Y15T24, Y_GE15, _U
    if text.isdigit():  # DDF "15" means 15+
        return f"Y_GE{int(text)}"
    for pattern, template in _AGE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return template.format(*(str(int(g)) for g in match.groups()))
    return False


@lru_cache(maxsize=4096)
def dimension_for(column: str, value: str) -> tuple[str, str] | None:
    """``(code, value)`` for one disaggregation cell; ``None`` for a total."""
    value = value.strip()
    if not value:
        return None
    kind = _column_kind(column) if column else None
    name = column.strip() if column and column.strip() else column
    if kind is None:
        return (name, value)
    if value in TOTAL_CODES:
        return None
    upper = value.upper()
    if kind == "SEX":
        code = _SEX.get(_norm(value), False) if upper not in {"F", "M", "_U"} else upper
        return ("SEX", code) if code else (None if code is None else (name, value))
    if kind == "MIGRATORY":
        code = _MIGRATORY.get(_norm(value), False) if not upper.startswith("MS_") else upper
        return ("COMPOSITE_BREAKDOWN", code) if code else (None if code is None else (name, value))
    if kind == "DOMAIN":
        code = _policy_domain(value)
        return ("COMPOSITE_BREAKDOWN", code) if code else (None if code is None else (name, value))
    if kind == "AGE":
        code = _age(value)
        return ("AGE", code) if code else (None if code is None else (name, value))
    if kind == "URBANISATION":
        code = _URBAN.get(_norm(value), False) if upper not in {"U", "R"} else upper
        return ("URBANISATION", code) if code else (None if code is None else (name, value))
    if kind == "REPORTING_TYPE":  # G (global) and N (national) are the ordinary cases
        return None if upper in {"G", "N", "GLOBAL", "NATIONAL"} else ("REPORTING_TYPE", upper)
    if kind == "COMPOSITE_BREAKDOWN" and upper.startswith(("MS_", "PD_")):
        return ("COMPOSITE_BREAKDOWN", upper)
    # an SDMX column (SEX, AGE, …) holding codes: keep the code
    return (kind, value)


# --- attributes ----------------------------------------------------------

_UNIT_MULT = {
    "units": 0, "unit": 0, "ones": 0, "tens": 1, "hundreds": 2, "thousands": 3, "thousand": 3,
    "tens of thousands": 4, "hundreds of thousands": 5, "millions": 6, "million": 6,
    "billions": 9, "billion": 9, "trillions": 12,
}  # fmt: skip


def pgettext(context: str, name: str) -> str:
    """Marks a code's name for translation (``makemessages`` extracts
    ``pgettext`` calls); this module stays free of Django, so the name is
    returned as it is and pages translate it (``indicators.attributes``)."""
    return name


# SDMX CL_OBS_STATUS 2.1, as in the SDG DSD (the codes the SDG and national
# files use): code → name. The one list: readers turn the names (and the
# aliases below) into codes, pages show the names in the reader's language.
OBS_STATUS_NAMES = {
    "A": pgettext("observation status", "normal value"),
    "B": pgettext("observation status", "time series break"),
    "D": pgettext("observation status", "definition differs"),
    "E": pgettext("observation status", "estimated value"),
    "F": pgettext("observation status", "forecast value"),
    "G": pgettext("observation status", "experimental value"),
    "I": pgettext("observation status", "imputed value"),
    "M": pgettext("observation status", "missing value; data cannot exist"),
    "N": pgettext("observation status", "not significant"),
    "O": pgettext("observation status", "missing value"),
    "P": pgettext("observation status", "provisional value"),
    "U": pgettext("observation status", "low reliability"),
    "V": pgettext("observation status", "unvalidated value"),
}
# The UN SDG database's "not specified", written for either attribute; not a
# code of either list (an SDMX export writes NATURE _X for it).
NOT_SPECIFIED = "NOTSPEC"
NOT_SPECIFIED_NAME = {
    "observation status": pgettext("observation status", "not specified"),
    "nature of data": pgettext("nature of data", "not specified"),
}
_OBS_STATUS_WORDS = {
    "normal": "A", "estimated": "E", "estimate": "E", "provisional": "P", "forecast": "F", "projection": "F",
    "imputed": "I", "break in series": "B", "experimental": "G",
}  # fmt: skip


def unit_multiplier(text) -> int | None:
    """``0`` for "Units", ``3`` for "Thousands", the number itself for "3"; ``None`` if blank.

    Raises ``ValueError`` for anything else."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return int(text)
    stripped = str(text).strip()
    if not stripped:
        return None
    if re.fullmatch(r"-?\d+(\.0+)?", stripped):
        return int(float(stripped))
    known = _UNIT_MULT.get(_norm(stripped))
    if known is None:
        raise ValueError(f"{stripped!r} is not a unit multiplier")
    return known


def obs_status_code(text: str | None) -> str | None:
    """SDMX OBS_STATUS code for a label ("Estimated value" → "E"); unknown labels as written."""
    if text is None:
        return None
    stripped = text.strip()
    if not stripped:
        return None
    return _OBS_STATUS.get(_norm(stripped), stripped)


# --- codes of the SDG data structure's code lists (for SDMX exports) ------

# CL_UNIT_MEASURE of the SDG DSD: the codes GCM Hub's series use, with the
# words files write for them. A unit given as one of these codes, its
# label or an alias becomes the code; anything else is written as it is.
_UNIT_MEASURE = {
    "PT": ("percent", "percentage", "per cent", "percent pt", "pct", "percentage of"),
    "NUMBER": ("number", "numbers", "count", "persons", "people"),
    "USD": ("usd", "us dollars", "united states dollars", "current usd"),
    "CON_USD": ("constant usd",),
    "CUR_LCU": ("local currency",),
    "IX": ("index",),
    "RO": ("ratio",),
    "BOOL": ("boolean or binary measure", "boolean", "binary"),
    "PER_100000_POP": ("per 100 000 population", "per 100000 population"),
    "PER_100000_EMP": ("per 100 000 employees", "per 100000 employees"),
    "PER_100000_WKRS_EMP": ("per 100 000 workers employed", "per 100000 workers", "per 100 000 workers"),
    "PER_1000_POP": ("per 1 000 population", "per 1000 population"),
    "PER_10000_POP": ("per 10 000 population", "per 10000 population"),
    "PER_100_POP": ("per 100 population",),
    "PER_1000000_POP": ("per million population", "per 1 000 000 population"),
}
_UNIT_WORDS = {word: code for code, words in _UNIT_MEASURE.items() for word in words}
# CL_NATURE of the SDG DSD: code → name (shown as ``OBS_STATUS_NAMES`` is).
NATURE_NAMES = {
    "C": pgettext("nature of data", "country data"),
    "CA": pgettext("nature of data", "country data, adjusted"),
    "E": pgettext("nature of data", "estimated"),
    "G": pgettext("nature of data", "global monitoring data"),
    "M": pgettext("nature of data", "modelled"),
    "N": pgettext("nature of data", "non-relevant"),
    "_X": pgettext("nature of data", "not available"),
}
_NATURE_WORDS = {
    "country adjusted": "CA", "modeled": "M", "estimate": "E",  # the DSD's own spellings
    "notspec": "_X", "not specified": "_X",  # UNSD extracts write NOTSPEC
}  # fmt: skip


def _words_for(names: dict[str, str], aliases: dict[str, str]) -> dict[str, str]:
    return {_norm(name): code for code, name in names.items()} | aliases


_OBS_STATUS = _words_for(OBS_STATUS_NAMES, _OBS_STATUS_WORDS)
_NATURE = _words_for(NATURE_NAMES, _NATURE_WORDS)


def unit_measure_code(unit: str | None) -> str:
    """The SDG DSD's UNIT_MEASURE code for a unit (``PERCENT`` → ``PT``); unknown units as written."""
    text = (unit or "").strip()
    if not text or text.upper() in _UNIT_MEASURE:
        return text.upper()
    word = _norm(text)
    if word in _UNIT_WORDS:
        return _UNIT_WORDS[word]
    if "%" in text or word.startswith(("percent", "percentage")):
        return "PT"  # "Percentage (%)", "%", "PERCENT"
    return text


def nature_code(nature: str | None) -> str:
    """The SDG DSD's NATURE code (``Country data`` → ``C``); unknown values as written."""
    text = (nature or "").strip()
    if not text or text.upper() in NATURE_NAMES:
        return text.upper()
    return _NATURE.get(_norm(text), text)


def sdmx_area_code(m49: str) -> str:
    """REF_AREA as in CL_AREA: the M49 number without leading zeros (``004`` → ``4``)."""
    return str(int(m49)) if m49.isdigit() else m49
