"""Speakers as reports introduce them: "Name (Title, Organisation, Country)".

The parenthesis may hold a title and an organisation ("Edward Hobart
(Migration Envoy, Europe Directorate, Foreign and Commonwealth Office,
United Kingdom...)"), a city and country ("Bart Somers (Mayor, Mechelen,
Belgium)"), only a country ("Mehmet Samsar (Turkey)") or only an
organisation ("Robert J. Vitillo (ICMC)"). Once introduced, a speaker named
again without the parenthesis keeps their country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gcmhub.practices.extraction.places import ORGANISATION, PlaceFinder

_PARTICLES = r"(?:de|del|della|da|dos|das|di|du|van|von|der|den|y|bin|al|el|la|le|ter|ibn)"
# Capitalised words and initials; an all-capitals word is a heading, not a name.
_NAME_TOKEN = r"(?:[A-ZÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÄËÏÖÜÇÑØ][a-zà-ÿ][\w'’\-]*\.?|[A-Z]\.)"
_NAME = re.compile(
    rf"(?<![\w-])({_NAME_TOKEN}(?:\s+(?:{_NAME_TOKEN}|{_PARTICLES})){{1,5}})\s*\("
)
# Words that make a capitalised run an institution rather than a person.
_NOT_PERSON = re.compile(
    r"\b(Association|Organi[sz]ation|Committee|Forum|Council|Ministry|Office|Department|Process|Union|Conference|"
    r"Convention|Declaration|Agenda|Programme|Program|Centre|Center|Initiative|Mechanism|Group|Government|"
    r"Republic|Nations|Commission|Service|Services|Agency|Institute|University|Fund|Bank|Protocol|Treaty|Plan|"
    r"Policy|Framework|Report|Summit|Dialogue|Platform|Network|Community|Federation|Coalition|Project|Corridors|"
    r"Representative|General|Director|Minister|Secretary|Division|Unit|Court|Act|Law|IOM|UN|The|In|For|At|As|"
    r"From|With|On|Of|By|According|Speaking|Likewise|Similarly|Moreover|However|Mr|Ms|Mrs|Dr)\b"
)
_ORG_WORDS = re.compile(
    r"\b(Ministry|Office|Department|Directorate|Commission|Council|Committee|Agency|Service|Services|Secretariat|"
    r"Organi[sz]ation|Association|Forum|Union|Mechanism|Group|Centre|Center|Institute|University|Confederation|"
    r"Coalition|Foundation|Foundations|Federation|Division|Bureau|Platform|Network|Library|Programme|Partners)\b"
)


@dataclass(frozen=True)
class Speaker:
    name: str
    title: str
    organisation: str
    iso3: str | None
    start: int  # position of the introduction in the text it was found in
    end: int


def find_speakers(text: str, places: PlaceFinder) -> list[Speaker]:
    """Speakers introduced in ``text`` with their parenthesis."""
    found = []
    for match in _NAME.finditer(text):
        name = match.group(1).strip()
        if _NOT_PERSON.search(name) or len(name) > 60:
            continue
        close = _closing_parenthesis(text, match.end() - 1)
        if close is None:
            continue
        inside = text[match.end() : close]
        speaker = _parse_parenthesis(name, inside, places, match.start(1), close + 1)
        if speaker is not None:
            found.append(speaker)
    return found


def _closing_parenthesis(text: str, open_at: int) -> int | None:
    depth = 0
    for position in range(open_at, min(len(text), open_at + 400)):
        if text[position] == "(":
            depth += 1
        elif text[position] == ")":
            depth -= 1
            if depth == 0:
                return position
    return None


def _parse_parenthesis(name: str, inside: str, places: PlaceFinder, start: int, end: int) -> Speaker | None:
    parts = [part.strip() for part in re.split(r"[;,]", inside) if part.strip()]
    if not parts:
        return None
    iso3 = None
    for part in reversed(parts):
        iso3 = places.country_of(part)
        if iso3:
            break
    organisation = ""
    for part in parts:
        mentions = places.mentions(part)
        if _ORG_WORDS.search(part) or any(m.kind == ORGANISATION for m in mentions):
            organisation = part
            if iso3 is None:
                iso3 = next((m.iso3 for m in mentions if m.kind == ORGANISATION and m.iso3), None)
            break
    is_person_context = iso3 is not None or organisation or len(parts) >= 2
    if not is_person_context:
        return None
    title = parts[0] if len(parts) > 1 and parts[0] != organisation else ""
    if len(parts) == 1 and places.country_of(parts[0]):
        title = ""
    return Speaker(name=name, title=title, organisation=organisation, iso3=iso3, start=start, end=end)

