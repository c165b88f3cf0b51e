"""Finding countries, cities, processes and organisations named in a passage.

Countries are recognised by every name the area reference data gives them
(M49 names in three languages, alternative terms, ``geo/data/aliases.yaml``)
and resolved through the same name index as every importer
(``gcmhub.geo.names.NameIndex``), built from the bundled files so that
extraction needs no database. What reports add — adjectives ("Ecuadorean"),
nationals ("Malians"), cities ("Prato"), regional processes ("Khartoum
Process") and organisations — is data in ``practices/data/places.yaml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from gcmhub.geo.names import AreaNameError, fold

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "places.yaml"

# Kinds of mention, strongest evidence of a country first.
COUNTRY, CITY, DEMONYM, NATIONALS, PROCESS, ORGANISATION = (
    "country", "city", "demonym", "nationals", "process", "organisation",
)


class PlacesDataError(ValueError):
    """places.yaml is malformed or names an unknown country code."""


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str
    text: str
    iso3: str | None  # None for a process or an organisation without a home country


@dataclass(frozen=True)
class _Entry:
    kind: str
    iso3: str | None
    name: str


class PlaceFinder:
    """Finds mentions in text; build once (``get_place_finder``) and reuse."""

    def __init__(self, country_names: dict[str, str], data: dict, labels: dict[str, str] | None = None):
        self._entries: dict[str, _Entry] = {}
        # ISO3 → the name to show ("Ecuador"); defaults to the first name seen.
        self.labels: dict[str, str] = dict(labels or {})
        for name, iso3 in country_names.items():
            self.labels.setdefault(iso3, name)
        for name, iso3 in {**country_names, **(data.get("short_names") or {})}.items():
            self._add(name, _Entry(COUNTRY, iso3, name))
        for kind, key in ((DEMONYM, "demonyms"), (NATIONALS, "nationals"), (CITY, "cities")):
            for iso3, names in (data.get(key) or {}).items():
                for name in names:
                    self._add(name, _Entry(kind, iso3, name))
        for name in data.get("processes") or []:
            self._add(name, _Entry(PROCESS, None, name))
        for name, iso3 in (data.get("organisations") or {}).items():
            self._add(name, _Entry(ORGANISATION, iso3, name))
        self._masked = [name for name in data.get("masked") or []]
        self._unlisted_process = _unlisted_process_pattern(data)
        self._generic_process_words = set(data.get("generic_process_words") or [])
        self._process_leading_words = set(data.get("process_leading_words") or [])
        names = sorted({*self._entries, *self._masked}, key=len, reverse=True)
        # Case-sensitive on purpose: "Chad" the country, not "chad"; "Niger" is
        # not inside "Nigeria" thanks to the word boundaries.
        self._pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(name) for name in names) + r")(?![\w-])")
        self._masked_set = set(self._masked)

    def _add(self, name: str, entry: _Entry) -> None:
        name = name.strip()
        if len(name) < 3 or not name[0].isupper():
            return
        current = self._entries.get(name)
        if current is None or _STRENGTH[entry.kind] < _STRENGTH[current.kind]:
            self._entries[name] = entry

    def mentions(self, text: str) -> list[Mention]:
        found = []
        masked_spans = []
        for match in self._pattern.finditer(text):
            name = match.group(1)
            if name in self._masked_set and name not in self._entries:
                masked_spans.append((match.start(), match.end()))
                continue
            entry = self._entries[name]
            found.append(Mention(match.start(), match.end(), entry.kind, name, entry.iso3))
        return self._with_unlisted_processes(text, found, masked_spans)

    def _with_unlisted_processes(self, text: str, found: list[Mention], masked_spans) -> list[Mention]:
        """Add processes known only by their form ("the Quito Process"); they replace what they contain ("Quito")."""
        if self._unlisted_process is None:
            return found
        added = []
        for match in self._unlisted_process.finditer(text):
            start, end = match.span(1)
            name = match.group(1)
            while len(name.split()) > 1 and name.split()[0] in self._process_leading_words:
                name = name[len(name.split()[0]) :].lstrip()  # any whitespace, line breaks included
                start = end - len(name)
            if any(m.kind == PROCESS and m.start <= start < m.end for m in found):
                continue
            if any(m_start <= start < m_end for m_start, m_end in masked_spans):
                continue
            if not self.is_named_process(name):
                continue
            added.append(Mention(start, end, PROCESS, " ".join(name.split()), None))
        if not added:
            return found
        kept = [m for m in found if not any(a.start <= m.start < a.end for a in added)]
        return sorted(kept + added, key=lambda mention: mention.start)

    def is_named_process(self, name: str) -> bool:
        """ "Quito Process" is a process's name; "Regional Consultative Process" and "Morocco Dialogue" are not."""
        words = name.split()[:-1]
        if not words or all(word in self._generic_process_words for word in words):
            return False
        entry = self._entries.get(" ".join(words))
        return not (entry is not None and entry.kind == COUNTRY)

    def country_of(self, text: str) -> str | None:
        """ISO3 of the one country (or city, adjective) that ``text`` names exactly, else None."""
        entry = self._entries.get(text.strip())
        if entry and entry.iso3 and entry.kind in (COUNTRY, CITY, DEMONYM, NATIONALS):
            return entry.iso3
        for mention in reversed(self.mentions(text)):
            if mention.iso3 and mention.kind in (COUNTRY, CITY):
                return mention.iso3
        return None


def _unlisted_process_pattern(data: dict) -> re.Pattern | None:
    suffixes = data.get("process_suffixes") or []
    if not suffixes:
        return None
    word = r"[A-Z][\w'’-]*"
    ending = "|".join(re.escape(suffix) for suffix in suffixes)
    return re.compile(rf"(?<![\w-])((?:{word}\s+){{1,4}}(?:{ending}))(?![\w-])")


_STRENGTH = {COUNTRY: 0, PROCESS: 1, ORGANISATION: 2, CITY: 3, DEMONYM: 4, NATIONALS: 5}


@functools.lru_cache(maxsize=1)
def _area_records():
    from gcmhub.geo.sources import build_area_records

    return tuple(build_area_records())


def _country_names() -> dict[str, str]:
    """Every name of every country in the reference data → ISO3, through the M49 name index.

    Names the index finds ambiguous ("Congo", "Guinea") are left out rather
    than guessed.
    """
    from gcmhub.geo.resolver import build_name_index
    from gcmhub.geo.sources import read_aliases

    every_area = _area_records()
    index = build_name_index(every_area)
    records = [record for record in every_area if record.kind == "country" and record.iso3]
    aliases, _ambiguous = read_aliases()
    by_m49 = {record.m49: record for record in records}
    names: dict[str, str] = {}
    candidates = set()
    for record in records:
        candidates.update((record.name_en, *record.alt_names))
    for code, extra in aliases.items():
        candidates.update(extra)
    for name in candidates:
        if not name or "," in name or "(" in name:
            continue
        try:
            area = index.lookup(name, ("country",))
        except (AreaNameError, ValueError):
            continue
        record = by_m49.get(area.m49)
        if record is not None and fold(name) and not name.isupper():
            names[name] = record.iso3
        # Short forms without "the": "the Philippines" → "Philippines".
        if name.startswith("the ") or name.startswith("The "):
            names.setdefault(name[4:], record.iso3 if record else None)
    return {name: iso3 for name, iso3 in names.items() if iso3}


def read_places_data(path: Path = DATA_FILE) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PlacesDataError(f"{path.name}: cannot be read ({exc})") from None
    if data.get("version") != 1:
        raise PlacesDataError(f"{path.name}: version must be 1")
    return data


def check_places_data(data: dict, known_iso3: set[str], file: str = DATA_FILE.name) -> None:
    """Every code in places.yaml must be a known country, and a name may stand for one country only."""
    country_of_name: dict[str, tuple[str, str]] = {}
    for key in ("demonyms", "nationals", "cities"):
        for iso3, names in (data.get(key) or {}).items():
            if iso3 not in known_iso3:
                raise PlacesDataError(f"{file}, {key}: {iso3!r} is not a country code")
            if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
                raise PlacesDataError(f"{file}, {key}, {iso3}: expected a list of names")
            for name in names:
                other_key, other = country_of_name.setdefault(name, (key, iso3))
                if other != iso3:
                    raise PlacesDataError(
                        f"{file}, {key}, {iso3}: {name!r} is already given to {other} under {other_key}; "
                        "an ambiguous name belongs in no list"
                    )
    for name, iso3 in (data.get("short_names") or {}).items():
        if iso3 not in known_iso3:
            raise PlacesDataError(f"{file}, short_names, {name}: {iso3!r} is not a country code")
    for name, iso3 in (data.get("organisations") or {}).items():
        if iso3 is not None and iso3 not in known_iso3:
            raise PlacesDataError(f"{file}, organisations, {name}: {iso3!r} is not a country code")


@functools.lru_cache(maxsize=1)
def get_place_finder() -> PlaceFinder:
    countries = _country_names()
    labels = {record.iso3: record.name_en for record in _area_records() if record.kind == "country" and record.iso3}
    data = read_places_data()
    check_places_data(data, set(countries.values()))
    return PlaceFinder(countries, data, labels)
