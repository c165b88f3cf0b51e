"""Matching written area names and codes to M49 areas, without a database.

This is the pure core of the resolver: it takes plain records and answers
"which area is this text?" — exactly one area, or an error that says why not
and lists candidates. It never guesses: a fuzzy match is only ever offered as
a candidate in an error, never returned.

How names are compared. Every name is reduced to a *key*: accents folded,
case folded, punctuation removed, a few abbreviations expanded ("Rep." →
"republic", "SAR" → "special administrative region"), filler words dropped
("the", "of", "and", and their French and Spanish equivalents), and the
remaining words sorted. So "Korea, Rep.", "Republic of Korea" and "Korea
(the Republic of)" share one key. A stored name with a parenthetical part is
also indexed without it ("Bolivia (Plurinational State of)" → "Bolivia"); the
text being looked up is never trimmed that way, so "Sudan (former)" stays
unknown instead of quietly becoming Sudan.

When one key leads to several areas (because two stored names reduce to the
same key, or because the alias file declares the name ambiguous), the answer
is AmbiguousArea with all of them. A kind filter (e.g. only countries) is
applied before deciding, so "Micronesia" is ambiguous in general but means
the Federated States of Micronesia when only countries are acceptable.

Statistical aggregates (``IndexedArea.aggregate``: the SDG regional
groupings such as "Eastern and South-Eastern Asia" or "Northern Africa (exc.
Sudan)") have names that differ from region names only by word order or by a
parenthetical qualifier. They are found by code, by their exact name (folded,
word order kept) and by a key that no other area uses; never by a name
stripped of its parenthetical part. So "Northern Africa" and "South-eastern
Asia" keep meaning the M49 sub-regions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from gcmhub.errors import InvalidInput

# Words that carry no identity in a country name, in en/fr/es. Dropping them
# lets "Bosnia & Herzegovina" meet "Bosnia and Herzegovina" and "Gambia, The"
# meet "Gambia". Single letters left by elisions ("d'", "l'") go too.
FILLER_WORDS = frozenset(
    "the of and & de del des du la le les l d el los las y et e".split()
)

# Abbreviations in data files (World Bank, UNHCR, DESA) spelled out, so that
# "Congo, Dem. Rep." reaches "Democratic Republic of the Congo".
ABBREVIATIONS = {
    "rep": "republic",
    "dem": "democratic",
    "fed": "federated",
    "st": "saint",
    "sar": "special administrative region",
    "pdr": "peoples democratic republic",
    "sts": "states",
    "is": "islands",
    "isl": "islands",
    "us": "united states",
    "uk": "united kingdom",
}

# Letters that Unicode decomposition does not reduce to ASCII.
_EXTRA_FOLDS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ß": "ss", "ı": "i"})
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PARENTHETICAL = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")
_ISO_CODE = re.compile(r"^[A-Za-z]{2,3}$")
_M49_CODE = re.compile(r"^\d{1,3}$")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; word order kept.

    Used for substring search as well as for building keys, so that typing
    "cote d'ivoire" finds "Côte d’Ivoire".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA_FOLDS))
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "People's" → "peoples", but "d'Ivoire" → "d ivoire" so the elided
    # article is a separate word that name_key() can drop.
    without_accents = re.sub(r"\b([dl])['’ʼ`´]", r"\1 ", without_accents)
    without_accents = _APOSTROPHES.sub("", without_accents)
    # "U.S." and "Dem." lose their dots without splitting the letters apart.
    without_accents = without_accents.replace(".", "")
    return " ".join(_NON_WORD.sub(" ", without_accents.replace("&", " and ")).split())


def name_key(text: str) -> str:
    """The order-free key under which a name is indexed and looked up."""
    words: set[str] = set()
    for word in fold(text).split():
        words.update(ABBREVIATIONS.get(word, word).split())
    return " ".join(sorted(words - FILLER_WORDS))


def name_variants(name: str) -> set[str]:
    """Keys for a stored name: as written, and without parenthetical parts."""
    keys = {name_key(name)}
    if _PARENTHETICAL.search(name):
        keys.add(name_key(_PARENTHETICAL.sub(" ", name)))
    return {key for key in keys if key}


def normalise_m49(code: str | int) -> str:
    """M49 codes are three digits: 4, "4" and "004" are all Afghanistan."""
    text = str(code).strip()
    if not _M49_CODE.match(text):
        raise ValueError(f"not an M49 code: {code!r}")
    return text.zfill(3)


@dataclass(frozen=True)
class IndexedArea:
    """What the index knows about one area."""

    m49: str
    kind: str
    name: str  # the English name, used in messages
    iso2: str = ""
    iso3: str = ""
    names: tuple[str, ...] = ()  # every other name it answers to
    aggregate: bool = False  # a statistical grouping: never wins a shared key (see module doc)

    def label(self) -> str:
        codes = ", ".join(code for code in (self.iso3, self.m49) if code)
        return f"{self.name} ({codes})"

    def as_dict(self) -> dict:
        return {"m49": self.m49, "iso3": self.iso3, "kind": self.kind, "name": self.name}


class AreaNameError(InvalidInput):
    """A text that does not designate exactly one area; lists candidates."""

    problem = ""

    def __init__(self, text: str, candidates: Iterable[IndexedArea], message: str):
        super().__init__(message, field="name")
        self.text = text
        self.candidates = list(candidates)


class UnknownArea(AreaNameError):
    problem = "unknown"

    def __init__(self, text: str, candidates: Iterable[IndexedArea] = ()):
        candidates = list(candidates)
        if not text.strip():
            message = _("No area name was given.")
        elif candidates:
            message = _('Unknown area "%(text)s". Closest names: %(candidates)s.') % {
                "text": text,
                "candidates": "; ".join(area.label() for area in candidates),
            }
        else:
            message = _('Unknown area "%(text)s", and no similar name is known.') % {"text": text}
        super().__init__(text, candidates, message)


class AmbiguousArea(AreaNameError):
    problem = "ambiguous"

    def __init__(self, text: str, candidates: Iterable[IndexedArea]):
        candidates = list(candidates)
        message = _(
            '"%(text)s" could mean any of: %(candidates)s. Use a more specific name or a code.'
        ) % {"text": text, "candidates": "; ".join(area.label() for area in candidates)}
        super().__init__(text, candidates, message)


@dataclass
class NameIndex:
    """Answers "which area is this?" for names in any language and for codes.

    ``aliases`` maps an area code (ISO alpha-3 or M49) to extra names;
    ``ambiguous`` maps a name to the area codes it could mean, overriding
    whatever the names would say. An unknown code raises ValueError.
    """

    areas: Iterable[IndexedArea]
    aliases: Mapping[str, Iterable[str]] = field(default_factory=dict)
    ambiguous: Mapping[str, Iterable[str]] = field(default_factory=dict)
    codes: Mapping[str, str] = field(default_factory=dict)  # other code → area code (WDI "CHI" → "830")

    def __post_init__(self) -> None:
        self.by_m49: dict[str, IndexedArea] = {area.m49: area for area in self.areas}
        self._by_key: dict[str, set[str]] = defaultdict(set)
        self._by_code: dict[str, str] = {}
        self._exact: dict[str, set[str]] = defaultdict(set)  # folded names of aggregates
        for area in self.by_m49.values():
            if not area.aggregate:
                self._index_area(area)
        for area in self.by_m49.values():
            if area.aggregate:
                self._index_aggregate(area)
        for other, code in self.codes.items():
            other = str(other).strip().upper()
            if not _ISO_CODE.match(other):
                raise ValueError(f"code alias {other!r} is not two or three letters")
            if other in self._by_code:
                raise ValueError(f"code alias {other!r} is already the code of {self.by_m49[self._by_code[other]].label()}")
            self._by_code[other] = self.m49_for(code)
        for code, names in self.aliases.items():
            m49 = self.m49_for(code)
            for name in names:
                if self.by_m49[m49].aggregate:
                    self._index_aggregate_name(name, m49)
                else:
                    self._index_name(name, m49)
        self._declared = {
            name_key(name): {self.m49_for(code) for code in codes} for name, codes in self.ambiguous.items()
        }

    def m49_for(self, code: str) -> str:
        """The M49 code of the area with this ISO or M49 code."""
        text = str(code).strip()
        found = self._by_code.get(normalise_m49(text) if _M49_CODE.match(text) else text.upper())
        if found is None:
            raise ValueError(f"unknown area code {code!r}")
        return found

    def _index_area(self, area: IndexedArea) -> None:
        for name in (area.name, *area.names):
            self._index_name(name, area.m49)
        self._by_code[area.m49] = area.m49
        for code in (area.iso2, area.iso3):
            if code:
                self._by_code[code.upper()] = area.m49

    def _index_aggregate(self, area: IndexedArea) -> None:
        """Code, exact names, and full-name keys that no other area claims."""
        self._by_code[area.m49] = area.m49
        for name in (area.name, *area.names):
            self._index_aggregate_name(name, area.m49)

    def _index_aggregate_name(self, name: str, m49: str) -> None:
        self._exact[fold(name)].add(m49)
        key = name_key(name)
        if key and not any(not self.by_m49[code].aggregate for code in self._by_key.get(key, ())):
            self._by_key[key].add(m49)

    def _index_name(self, name: str, m49: str) -> None:
        for key in name_variants(name):
            self._by_key[key].add(m49)

    def ambiguous_keys(self) -> dict[str, set[str]]:
        """Keys that lead to more than one area (for tests and diagnostics)."""
        found = {key: codes for key, codes in self._by_key.items() if len(codes) > 1}
        return {**found, **self._declared}

    def official(self, text: str) -> IndexedArea | None:
        """The one area whose English (M49) name is ``text`` exactly, folded; else None.

        For files that write official UN M49 names (UN DESA tables): there
        "Congo" is the Republic of the Congo and "Micronesia" the sub-region,
        although both words are ambiguous in data files at large.
        """
        if not hasattr(self, "_official"):
            official: dict[str, set[str]] = defaultdict(set)
            for area in self.by_m49.values():
                official[fold(area.name)].add(area.m49)
            self._official = official
        found = self._official.get(fold(text), set())
        return self.by_m49[next(iter(found))] if len(found) == 1 else None

    def lookup(self, text: str, kinds: Iterable[str] | None = None) -> IndexedArea:
        """The one area ``text`` designates, among areas of ``kinds`` if given."""
        allowed = set(kinds) if kinds else None
        matches = [self.by_m49[m49] for m49 in sorted(self._matching_codes(text))]
        matches = [area for area in matches if allowed is None or area.kind in allowed]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousArea(text, matches)
        raise UnknownArea(text, self.closest(text, allowed))

    def _matching_codes(self, text: str) -> set[str]:
        stripped = text.strip()
        codes: set[str] = set()
        if _M49_CODE.match(stripped):
            found = self._by_code.get(normalise_m49(stripped))
            return {found} if found else set()
        if _ISO_CODE.match(stripped) and stripped.upper() in self._by_code:
            codes.add(self._by_code[stripped.upper()])
        key = name_key(stripped)
        if key in self._declared:
            return codes | self._declared[key]
        exact = self._exact.get(fold(stripped))
        if exact and not codes:
            return set(exact)
        return codes | self._by_key.get(key, set())

    def closest(self, text: str, allowed: set[str] | None = None, limit: int = 5) -> list[IndexedArea]:
        """Areas whose names look like ``text``: suggestions, never answers."""
        key = name_key(text)
        if not key:
            return []
        keys = [
            candidate
            for candidate, codes in self._by_key.items()
            if allowed is None or any(self.by_m49[m49].kind in allowed for m49 in codes)
        ]
        found: list[IndexedArea] = []
        for candidate in difflib.get_close_matches(key, keys, n=limit * 3, cutoff=0.6):
            for m49 in sorted(self._by_key[candidate]):
                area = self.by_m49[m49]
                if area not in found and (allowed is None or area.kind in allowed):
                    found.append(area)
        return found[:limit]
