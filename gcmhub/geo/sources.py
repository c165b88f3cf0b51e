"""Reading the area reference data into plain records, without a database.

Countries and areas come from the taxonomy CSV bundled with
hdx-python-country (M49 code, ISO codes, M49 names in English, French and
Spanish, region codes, alternative terms, coordinates). What that file lacks
ships with GCM Hub as versioned YAML in ``gcmhub/geo/data/``:

- ``m49_names.yaml``: the official French and Spanish names of the countries
  and regions, from UNSD's M49 tables (written by
  ``gcmhub manage build_m49_names``); they replace the hdx file's names, and
  an area without them is marked ``unverified`` in those languages;
- ``regions.yaml``: the region tree, region names in English (and in French
  and Spanish for a region the M49 tables lack);
- ``groups.yaml``: LDC, LLDC and SIDS membership, and (under
  ``aggregates``) SDG regional groupings that UN data report figures for,
  loaded by name only, without members;
- ``areas_extra.yaml``: Kosovo (coded as UN SDG data code it) and names for
  rows whose M49 name columns are empty;
- ``aliases.yaml``: other names found in data files (read by the resolver).

Every YAML entry is checked; a bad one raises DataFileError naming the file
and the entry, so a typo fails loudly at load time rather than quietly
leaving a country without a region.
"""

from __future__ import annotations

import csv
import functools
import importlib.metadata
import importlib.resources
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from gcmhub.geo.names import normalise_m49

DATA_DIR = Path(__file__).resolve().parent / "data"
HDX_PACKAGE = "hdx-python-country"
HDX_TAXONOMY_FILE = "Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"

WORLD = "001"
GROUP_FLAGS = {"199": "is_ldc", "432": "is_lldc", "722": "is_sids"}
# Record attribute → kind of area in regions.yaml, broadest level first.
REGION_LEVELS = {"region": "region", "subregion": "subregion", "intermediate_region": "intermediate"}
# Record attribute → hdx column prefix ("Region Code", "Region Name"...).
HDX_REGION_COLUMNS = {"region": "Region", "subregion": "Sub-region", "intermediate_region": "Intermediate Region"}

# hdx columns with other names for the same country or area.
HDX_ALT_NAME_COLUMNS = (
    "Preferred Term",
    "ISO Alt Term",
    "DGACM Alt Term",
    "HPC Tools Alt Term",
    "RW Short Name",
    "RW API Alt Term",
    "English Short",
    "French Short",
    "Spanish Short",
    "English Formal",
)

_ISO2 = re.compile(r"^[A-Z]{2}$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


class DataFileError(ValueError):
    """A reference data file is missing something or contradicts itself."""

    def __init__(self, file: str | Path, entry: str, problem: str):
        self.file = Path(file).name
        self.entry = entry
        self.problem = problem
        super().__init__(f"{self.file}, {entry}: {problem}")


@dataclass(frozen=True)
class AreaRecord:
    """One area as the sources describe it; codes refer to other areas by M49."""

    m49: str
    kind: str
    name_en: str
    name_fr: str
    name_es: str
    iso2: str = ""
    iso3: str = ""
    parent: str | None = None
    region: str | None = None
    subregion: str | None = None
    intermediate_region: str | None = None
    is_ldc: bool = False
    is_lldc: bool = False
    is_sids: bool = False
    latitude: float | None = None
    longitude: float | None = None
    alt_names: tuple[str, ...] = field(default=())
    # Languages whose name is not from the official M49 tables (m49_names.yaml).
    unverified: tuple[str, ...] = field(default=())


# --- file access -----------------------------------------------------------


def hdx_taxonomy_path() -> Path:
    """The CSV inside the installed hdx-python-country package."""
    path = Path(str(importlib.resources.files("hdx.location") / HDX_TAXONOMY_FILE))
    if not path.exists():
        raise DataFileError(path, "file", f"not found; is {HDX_PACKAGE} installed?")
    return path


def hdx_version() -> str:
    return importlib.metadata.version(HDX_PACKAGE)


def read_hdx_rows(path: Path | None = None) -> list[dict[str, str]]:
    with open(path or hdx_taxonomy_path(), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_yaml(name: str, data_dir: Path = DATA_DIR) -> dict[str, Any]:
    path = data_dir / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(path, "file", "not found") from None
    except yaml.YAMLError as exc:
        raise DataFileError(path, "file", f"not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise DataFileError(path, "file", "must be a mapping at the top level")
    return data


# --- checks shared by the YAML readers ---------------------------------------


def _entries(data: dict, key: str, file: str) -> list:
    entries = data.get(key)
    if not isinstance(entries, list):
        raise DataFileError(file, key, "must be a list")
    return entries


def _m49(value: Any, file: str, entry: str) -> str:
    try:
        return normalise_m49(value)
    except ValueError:
        raise DataFileError(file, entry, f"{value!r} is not a three-digit M49 code") from None


def _text(entry: dict, key: str, file: str, label: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(file, label, f"'{key}' must be a non-empty text")
    return value.strip()


def _names(entry: dict, file: str, label: str) -> dict[str, str]:
    return {f"name_{lang}": _text(entry, lang, file, label) for lang in ("en", "fr", "es")}


OFFICIAL_LANGUAGES = ("fr", "es")  # the languages m49_names.yaml gives


def read_m49_names(data_dir: Path = DATA_DIR) -> dict[str, dict[str, str]]:
    """M49 code → {"name_fr", "name_es"}: UNSD's official names."""
    file = "m49_names.yaml"
    names = read_yaml(file, data_dir).get("names")
    if not isinstance(names, dict):
        raise DataFileError(file, "names", "must map M49 codes to their French and Spanish names")
    return {
        _m49(code, file, f"names {code}"): {
            f"name_{lang}": _text(entry if isinstance(entry, dict) else {}, lang, file, f"names {code}")
            for lang in OFFICIAL_LANGUAGES
        }
        for code, entry in names.items()
    }


def with_official_names(record: AreaRecord, official: dict[str, dict[str, str]]) -> AreaRecord:
    """The record with UNSD's French and Spanish names, or marked unverified
    in those languages when the M49 tables do not name it."""
    names = official.get(record.m49)
    if names is None:
        return replace(record, unverified=OFFICIAL_LANGUAGES)
    return replace(record, **names, unverified=())


def _optional_float(value: Any, file: str, label: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return round(float(value), 6)
    except (TypeError, ValueError):
        raise DataFileError(file, label, f"{value!r} is not a number") from None


# --- regions -----------------------------------------------------------------

# A parent must sit above its child in this order.
_LEVEL = {"world": 0, "region": 1, "subregion": 2, "intermediate": 3}


def read_regions(data_dir: Path = DATA_DIR) -> dict[str, AreaRecord]:
    """The world and the region tree, keyed by M49 code, each with its ancestors."""
    file = "regions.yaml"
    regions: dict[str, AreaRecord] = {}
    official = read_m49_names(data_dir)
    for position, entry in enumerate(_entries(read_yaml(file, data_dir), "areas", file), start=1):
        label = f"area #{position}"
        if not isinstance(entry, dict):
            raise DataFileError(file, label, "must be a mapping")
        code = _m49(entry.get("m49"), file, label)
        label = f"area {code}"
        kind = entry.get("kind")
        if kind not in _LEVEL:
            raise DataFileError(file, label, f"kind must be one of {', '.join(_LEVEL)}, not {kind!r}")
        if code in regions:
            raise DataFileError(file, label, "appears twice")
        parent = _region_parent(entry, kind, regions, file, label)
        regions[code] = AreaRecord(m49=code, kind=kind, **_region_names(entry, code, official, file, label), parent=parent)
    return {code: _with_ancestors(record, regions) for code, record in regions.items()}


def _region_names(entry: dict, code: str, official: dict, file: str, label: str) -> dict[str, str]:
    """English from the entry; French and Spanish from the M49 tables, or
    from the entry for a region they lack (then marked unverified later)."""
    if code in official:
        extra = sorted(set(entry) & set(OFFICIAL_LANGUAGES))
        if extra:
            problem = f"{', '.join(extra)} given here, but m49_names.yaml names this region; remove them"
            raise DataFileError(file, label, problem)
        return {"name_en": _text(entry, "en", file, label), **official[code]}
    return _names(entry, file, label)


def _region_parent(entry: dict, kind: str, known: dict[str, AreaRecord], file: str, label: str) -> str | None:
    if kind == "world":
        return None
    parent = _m49(entry.get("parent"), file, label)
    if parent not in known:
        raise DataFileError(file, label, f"parent {parent} must be listed before it")
    if _LEVEL[known[parent].kind] >= _LEVEL[kind]:
        raise DataFileError(file, label, f"a {kind} cannot sit under a {known[parent].kind}")
    return parent


def _with_ancestors(record: AreaRecord, regions: dict[str, AreaRecord]) -> AreaRecord:
    """Fill region / subregion / intermediate_region from the parent chain."""
    ancestors: dict[str, str] = {}
    code = record.parent
    while code:
        ancestor = regions[code]
        ancestors[ancestor.kind] = ancestor.m49
        code = ancestor.parent
    return replace(
        record,
        region=ancestors.get("region"),
        subregion=ancestors.get("subregion"),
        intermediate_region=ancestors.get("intermediate"),
    )


# --- groups ------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    record: AreaRecord
    flag: str
    members: frozenset[str]  # ISO alpha-3
    left: frozenset[str]  # ISO alpha-3 of former members


def read_groups(data_dir: Path = DATA_DIR) -> list[Group]:
    file = "groups.yaml"
    groups = []
    for position, entry in enumerate(_entries(read_yaml(file, data_dir), "groups", file), start=1):
        label = f"group #{position}"
        if not isinstance(entry, dict):
            raise DataFileError(file, label, "must be a mapping")
        code = _m49(entry.get("m49"), file, label)
        label = f"group {code}"
        if code not in GROUP_FLAGS:
            raise DataFileError(file, label, f"unknown group; expected one of {', '.join(GROUP_FLAGS)}")
        record = AreaRecord(m49=code, kind="group", **_names(entry, file, label), parent=WORLD)
        members = _iso3_list(entry.get("members"), file, f"{label} members")
        former = [item.get("iso3") if isinstance(item, dict) else item for item in entry.get("left") or []]
        left = _iso3_list(former, file, f"{label} left")
        if members & left:
            both = ", ".join(sorted(members & left))
            raise DataFileError(file, label, f"both member and former member: {both}")
        groups.append(Group(record, GROUP_FLAGS[code], members, left))
    return groups


def read_aggregates(data_dir: Path = DATA_DIR) -> list[AreaRecord]:
    """SDG regional groupings and other M49 aggregates, without members.

    They are areas of kind "group" under the world, so that data published
    for them (UN SDG Global Database: 062 Central and Southern Asia, 513
    Europe and Northern America...) can be stored; no country flag is set.
    """
    file = "groups.yaml"
    records = []
    for position, entry in enumerate(read_yaml(file, data_dir).get("aggregates") or [], start=1):
        label = f"aggregate #{position}"
        if not isinstance(entry, dict):
            raise DataFileError(file, label, "must be a mapping")
        code = _m49(entry.get("m49"), file, label)
        label = f"aggregate {code}"
        if code in GROUP_FLAGS or code == WORLD:
            raise DataFileError(file, label, "is listed under 'groups' or is the world; list it once")
        if "members" in entry:
            raise DataFileError(file, label, "aggregates have no member list; use 'groups' for that")
        records.append(AreaRecord(m49=code, kind="group", **_names(entry, file, label), parent=WORLD))
    return records


def _iso3_list(values: Any, file: str, label: str) -> frozenset[str]:
    if not isinstance(values, list):
        raise DataFileError(file, label, "must be a list of ISO alpha-3 codes")
    bad = [repr(value) for value in values if not isinstance(value, str) or not _ISO3.match(value)]
    if bad:
        raise DataFileError(file, label, f"not ISO alpha-3 codes: {', '.join(bad)}")
    return frozenset(values)


# --- countries -----------------------------------------------------------------


def country_records(rows: list[dict[str, str]], regions: dict[str, AreaRecord], extra: dict) -> list[AreaRecord]:
    """Countries and areas from hdx rows that have an M49 code, plus additions."""
    names = _extra_names(extra)
    records = [
        _country_from_hdx(row, regions, names) for row in rows if row.get("m49 numerical code", "").strip()
    ]
    additions = extra.get("additions") or []
    records += [_country_from_extra(entry, position, regions) for position, entry in enumerate(additions, start=1)]
    return records


def _extra_names(extra: dict) -> dict[str, dict[str, str]]:
    file = "areas_extra.yaml"
    names = extra.get("names") or {}
    if not isinstance(names, dict):
        raise DataFileError(file, "names", "must be a mapping of M49 code to names")
    return {
        _m49(code, file, f"names {code}"): _names(entry or {}, file, f"names {code}") for code, entry in names.items()
    }


def _country_from_hdx(row: dict[str, str], regions: dict[str, AreaRecord], names: dict) -> AreaRecord:
    file = HDX_TAXONOMY_FILE
    code = _m49(row["m49 numerical code"], file, f"row ID {row.get('ID')}")
    label = f"M49 {code} ({row.get('Preferred Term', '')})"
    official = names.get(code) or {
        "name_en": row.get("M49 English", "").strip(),
        "name_fr": row.get("M49 French", "").strip(),
        "name_es": row.get("M49 Spanish", "").strip(),
    }
    if not all(official.values()):
        raise DataFileError(file, label, "M49 names missing; add them under 'names' in areas_extra.yaml")
    hierarchy = _hierarchy(
        {level: row.get(f"{column} Code") for level, column in HDX_REGION_COLUMNS.items()},
        regions,
        file,
        label,
        english={level: row.get(f"{column} Name") for level, column in HDX_REGION_COLUMNS.items()},
    )
    alt_names = {row.get(column, "").strip() for column in HDX_ALT_NAME_COLUMNS} - {"", *official.values()}
    return AreaRecord(
        m49=code,
        kind="country",
        **official,
        iso2=_iso(row.get("ISO 3166-1 Alpha 2-Codes", ""), _ISO2, file, label),
        iso3=_iso(row.get("ISO 3166-1 Alpha 3-Codes", ""), _ISO3, file, label),
        **hierarchy,
        latitude=_optional_float(row.get("Latitude"), file, label),
        longitude=_optional_float(row.get("Longitude"), file, label),
        alt_names=tuple(sorted(alt_names)),
    )


def _country_from_extra(entry: Any, position: int, regions: dict[str, AreaRecord]) -> AreaRecord:
    file = "areas_extra.yaml"
    label = f"addition #{position}"
    if not isinstance(entry, dict):
        raise DataFileError(file, label, "must be a mapping")
    code = _m49(entry.get("m49"), file, label)
    label = f"addition {code}"
    alt_names = entry.get("alt_names") or []
    if not isinstance(alt_names, list) or not all(isinstance(name, str) for name in alt_names):
        raise DataFileError(file, label, "alt_names must be a list of texts")
    return AreaRecord(
        m49=code,
        kind="country",
        **_names(entry, file, label),
        iso2=_iso(entry.get("iso2", ""), _ISO2, file, label),
        iso3=_iso(entry.get("iso3", ""), _ISO3, file, label),
        **_hierarchy(entry, regions, file, label),
        latitude=_optional_float(entry.get("latitude"), file, label),
        longitude=_optional_float(entry.get("longitude"), file, label),
        alt_names=tuple(alt_names),
    )


def _iso(value: str | None, pattern: re.Pattern, file: str, label: str) -> str:
    value = (value or "").strip().upper()
    if value and not pattern.match(value):
        raise DataFileError(file, label, f"{value!r} is not an ISO 3166 code")
    return value


def _hierarchy(codes: dict, regions: dict[str, AreaRecord], file: str, label: str, english=None) -> dict:
    """Region codes checked against regions.yaml, plus the parent: the lowest one."""
    checked = {
        level: _region_code(codes.get(level), kind, regions, file, label, (english or {}).get(level))
        for level, kind in REGION_LEVELS.items()
    }
    return {**checked, "parent": _branch_parent(checked, regions, file, label)}


def _region_code(value, kind: str, regions: dict[str, AreaRecord], file: str, label: str, english=None) -> str | None:
    if value in (None, ""):
        return None
    code = _m49(value, file, label)
    if code not in regions or regions[code].kind != kind:
        raise DataFileError(file, label, f"{kind} code {code} is not listed with that kind in regions.yaml")
    if english and english.strip() != regions[code].name_en:
        problem = f"{kind} {code} is named {english.strip()!r} here but {regions[code].name_en!r} in regions.yaml"
        raise DataFileError(file, label, problem)
    return code


def _branch_parent(codes: dict[str, str | None], regions: dict[str, AreaRecord], file: str, label: str) -> str:
    """The lowest code given, once each is shown to sit directly under the one above.

    A country cannot be in Eastern Africa and in Western Asia at once.
    """
    parent = WORLD
    for code in codes.values():  # broadest level first
        if code is None:
            continue
        if regions[code].parent != parent:
            raise DataFileError(file, label, f"{regions[code].kind} {code} does not belong under {parent}")
        parent = code
    return parent


# --- everything together -------------------------------------------------------


def build_area_records(data_dir: Path = DATA_DIR, hdx_path: Path | None = None) -> list[AreaRecord]:
    """Every area to load, parents before children, flags set from the groups."""
    regions = read_regions(data_dir)
    groups = read_groups(data_dir)
    countries = country_records(read_hdx_rows(hdx_path), regions, read_yaml("areas_extra.yaml", data_dir))
    countries = _apply_groups(countries, groups)
    aggregates = read_aggregates(data_dir)
    records = [*regions.values(), *(group.record for group in groups), *aggregates, *countries]
    official = read_m49_names(data_dir)
    records = [with_official_names(record, official) for record in records]
    _check_unique(records)
    return records


def _apply_groups(countries: list[AreaRecord], groups: list[Group]) -> list[AreaRecord]:
    iso3s = {record.iso3 for record in countries}
    for group in groups:
        unknown = (group.members | group.left) - iso3s
        if unknown:
            codes = ", ".join(sorted(unknown))
            raise DataFileError("groups.yaml", f"group {group.record.m49}", f"unknown ISO alpha-3 codes: {codes}")
    return [replace(record, **{group.flag: record.iso3 in group.members for group in groups}) for record in countries]


def _check_unique(records: list[AreaRecord]) -> None:
    for attribute in ("m49", "iso2", "iso3"):
        seen: dict[str, str] = {}
        for record in records:
            value = getattr(record, attribute)
            if value and value in seen:
                problem = f"used by both {seen[value]} and {record.name_en}"
                raise DataFileError("area data", f"{attribute} {value}", problem)
            seen[value] = record.name_en


@functools.cache
def provenance() -> dict[str, str]:
    """Where the loaded areas come from, for pages that cite their sources."""
    return {
        "hdx_version": hdx_version(),
        "groups_as_of": str(read_yaml("groups.yaml").get("as_of", "")),
    }


def read_code_aliases(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Codes that data files use for an area besides its ISO and M49 codes.

    ``codes`` in aliases.yaml maps such a code (two or three letters, e.g. the
    World Bank's ``CHI`` for the Channel Islands) to the area's ISO alpha-3 or
    M49 code. The name index checks that the target exists and that the code
    is not already another area's.
    """
    file = "aliases.yaml"
    codes = read_yaml(file, data_dir).get("codes") or {}
    if not isinstance(codes, dict):
        raise DataFileError(file, "codes", "must map a code used in data files to an area code")
    checked = {}
    for other, code in codes.items():
        if not isinstance(other, str) or not re.fullmatch(r"[A-Za-z]{2,3}", other.strip()):
            raise DataFileError(file, f"codes {other}", "must be a code of two or three letters")
        if not isinstance(code, str) or not code.strip():
            raise DataFileError(file, f"codes {other}", "must name an ISO alpha-3 or M49 code")
        checked[other.strip().upper()] = code.strip()
    return checked


def read_aliases(data_dir: Path = DATA_DIR) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Aliases by area code (ISO alpha-3 or M49) and declared ambiguous names."""
    file = "aliases.yaml"
    data = read_yaml(file, data_dir)
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict):
        raise DataFileError(file, "aliases", "must map an area code to a list of names")
    for code, names in aliases.items():
        if not isinstance(names, list) or not all(isinstance(name, str) and name.strip() for name in names):
            raise DataFileError(file, f"aliases {code}", "must be a list of non-empty names")
    ambiguous: dict[str, list[str]] = {}
    for position, entry in enumerate(data.get("ambiguous") or [], start=1):
        label = f"ambiguous #{position}"
        if not isinstance(entry, dict):
            raise DataFileError(file, label, "must be a mapping with 'name' and 'candidates'")
        name = _text(entry, "name", file, label)
        candidates = entry.get("candidates")
        if not isinstance(candidates, list) or len(candidates) < 2:
            raise DataFileError(file, f"ambiguous {name!r}", "needs at least two candidates")
        ambiguous[name] = [str(code) for code in candidates]
    return {str(code): names for code, names in aliases.items()}, ambiguous
