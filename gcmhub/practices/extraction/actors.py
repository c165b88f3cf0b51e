"""Who carried out what a sentence describes.

In order of evidence:

1. a list heading naming the actor ("Ethiopia: ...", "The Khartoum Process: ...");
2. a phrase that names a country's voice or authority: "the representative of X",
   "the delegate from X", "the Government of X", "the Mayor of X", and adjectives
   before such words ("the Ecuadorean legislation", "the Mexican Government");
3. a country, city, process or organisation that opens the sentence as its
   subject ("Costa Rica had set up ...", "In Egypt, ...", "Nigeria s policy ...");
4. a speaker introduced in the sentence, "Name (Title, Organisation, Country)",
   or named again after being introduced;
5. otherwise the actor of the previous sentences ("her country", "the
   Government", "it"), unless the sentence turns to speakers in general
   ("Many speakers ...", "Several States ...").

A country named after "with", "between", "and" or "to" is a partner, not the actor.
A body named as the author of what the sentence describes ("guidelines
developed by a working group of the Global Migration Group") is the actor,
not the speaker who mentions it; a sentence listing several processes ("the
Regional Conference on Migration, ..., the Abu Dhabi Dialogue, the Bali
Process, and more") is about them all and credits none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gcmhub.practices.extraction.places import (
    CITY,
    COUNTRY,
    DEMONYM,
    NATIONALS,
    ORGANISATION,
    PROCESS,
    Mention,
    PlaceFinder,
)
from gcmhub.practices.extraction.speakers import Speaker

PERSON = "person"
# Strength of the evidence, recorded in the candidate's confidence.
HEADING, VOICE, SUBJECT, SPEAKER, CARRIED = 5, 4, 3, 2, 1

_VOICE_BEFORE = re.compile(
    r"(?:representative|representatives|delegate|delegates|delegation|speaker|Government|government|Minister|Ministry|"
    r"President|Mayor|mayor|authorities|Parliament|Constitution|Council|City|city|Commissioner General[\w\s]{0,60}|"
    r"people|Embassy|Mission)\s+(?:of|from|in)\s+(?:the\s+)?$|\bon behalf of\s+(?:the\s+)?$"
)
_VOICE_AFTER = re.compile(
    r"^\s+(?:Government|government|Parliament|representative|delegate|delegation|legislation|authorities|"
    r"Ministry|Constitution|consulates|leaders|law|Council|State|Border Force)\b"
)
# An adjective a few words before an institution or a measure of that country:
# "the Sri Lankan Bureau of Foreign Employment", "the Moroccan regularization
# campaign", "Kenyan officials".
_DEMONYM_INSTITUTION = re.compile(
    r"^\s+(?:[\w-]+\s+){0,3}?(?:Government|government|authorities|officials|Ministry|ministry|Bureau|Agency|"
    r"Office|Parliament|legislation|law|laws|programme|programmes|program|policy|strategy|campaign|Council|"
    r"Commission|consulates|Embassy|embassy|Constitution|institutions|Presidency|Senate|Congress)\b"
)
_POSSESSIVE_AFTER = re.compile(r"^\s*(?:s|’s|'s)\s")
_OPENERS = re.compile(
    r"^(?:(?:In addition|Likewise|Similarly|Moreover|Furthermore|Domestically|At the same time|For example|"
    r"For instance|Finally|Also|Indeed|In terms of [\w\s]+|In [\w\s]+ s case|Thus|Meanwhile|However),?\s+)*"
    r"(?:(?:In|At|Within)\s+)?(?:the\s+|The\s+)?$"
)
_PARTNER_BEFORE = re.compile(r"\b(?:with|between|and|to|into|from|through|across|for|than|via|towards)\s+(?:the\s+)?$")
_HEADING = re.compile(r"^(?:The\s+)?([A-Z][^:.;]{1,60}):\s")
_GENERIC = re.compile(
    r"^(?:Many|Several|Some|Other|Others|Most|Speakers|Participants|The participants|A number of|Multiple|"
    r"There (?:was|were)|It was|Delegates|Member States|Civil society|Government representatives)\b"
)
_SUBJECT_WINDOW = 45
_UNRESOLVED_VOICE = re.compile(
    r"\b(?:Government|government|representative|delegate|delegation) (?:of|from) (?:the )?([A-Z][a-z]{3,}(?: [A-Z][a-z]+)?)\b"
)


@dataclass(frozen=True)
class Actor:
    area: str | None
    name: str
    strength: int
    speaker: str = ""
    kind: str = COUNTRY  # what names the actor: a country, city, process, organisation or person

    @property
    def is_process(self) -> bool:
        return self.kind == PROCESS


# "The representatives of A, B, C and D said ...": many voices, no single actor.
COLLECTIVE = Actor(None, "", 0, kind="collective")
_LIST_SEPARATOR = re.compile(r"^\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?$")


# At least this many processes named in one sentence make it a list of processes.
_PROCESS_LIST = 3


def lists_processes(mentions: list[Mention]) -> bool:
    """Whether the sentence names several distinct regional processes (a survey of them, no single actor)."""
    return len({mention.text for mention in mentions if mention.kind == PROCESS}) >= _PROCESS_LIST


# "developed by (a working group of) the X", "launched by X": X made what the sentence describes.
_AUTHORED_BY = re.compile(
    r"\b(?:developed|established|launched|created|set up|adopted|drawn up|run|led|organi[sz]ed|published|"
    r"implemented|founded)\s+by\s+(?:(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?(?:of|from)\s+)?(?:the\s+)?$"
)


def authoring_body(sentence: str, mentions: list[Mention], country_names: dict[str, str]) -> Actor | None:
    """The country, process or organisation named as the author ("developed by the X"), if any."""
    for mention in mentions:
        if mention.kind in (COUNTRY, PROCESS, ORGANISATION, CITY, DEMONYM) and _AUTHORED_BY.search(sentence[: mention.start]):
            return _actor_for(mention, VOICE, country_names, [])
    return None


def _starts_a_list(sentence: str, mentions: list[Mention]) -> bool:
    """Whether the first mention opens a list of three or more countries."""
    count = 1
    for current, following in zip(mentions, mentions[1:]):
        if following.kind != COUNTRY or not _LIST_SEPARATOR.match(sentence[current.end : following.start]):
            break
        count += 1
    return count >= 3


def is_generic(sentence: str) -> bool:
    return bool(_GENERIC.match(sentence))


def named_process(sentence: str, mentions: list[Mention]) -> Actor | None:
    """A regional process the sentence names: it outranks an actor carried from earlier sentences."""
    for mention in mentions:
        before = sentence[: mention.start]
        inside_parenthesis = before.count("(") > before.count(")")
        if mention.kind == PROCESS and not inside_parenthesis and not _PARTNER_BEFORE.search(before):
            if not re.search(r"\bof\s+(?:the\s+)?$", before):
                return Actor(None, mention.text, SUBJECT - 1, kind=PROCESS)
    return None


def explicit_actor(
    sentence: str,
    places: PlaceFinder,
    mentions: list[Mention],
    introduced: list[Speaker],
    known_speakers: dict[str, Speaker],
    country_names: dict[str, str],
) -> Actor | None:
    """The actor a sentence itself names, or None when it relies on context."""
    heading = _HEADING.match(sentence)
    if heading:
        actor = _from_mention_text(heading.group(1).strip(), places, mentions, HEADING, country_names)
        if actor:
            return actor
    if lists_processes(mentions):
        return COLLECTIVE
    author = authoring_body(sentence, mentions, country_names)
    if author is not None:
        return author
    for position, mention in enumerate(mentions):
        if mention.kind in (COUNTRY, CITY, ORGANISATION, PROCESS) and _VOICE_BEFORE.search(sentence[: mention.start]):
            if _starts_a_list(sentence, mentions[position:]):
                return COLLECTIVE
            return _actor_for(mention, VOICE, country_names, introduced)
        if mention.kind in (DEMONYM, COUNTRY) and _VOICE_AFTER.match(sentence[mention.end :]):
            return _actor_for(mention, VOICE, country_names, introduced)
    for mention in mentions:
        if mention.kind == DEMONYM and mention.start <= _SUBJECT_WINDOW and _DEMONYM_INSTITUTION.match(sentence[mention.end :]):
            if not _PARTNER_BEFORE.search(sentence[: mention.start]):
                return _actor_for(mention, SUBJECT, country_names, introduced)
    for mention in mentions:
        if mention.kind in (COUNTRY, ORGANISATION, PROCESS) and _POSSESSIVE_AFTER.match(sentence[mention.end :]):
            if not _PARTNER_BEFORE.search(sentence[: mention.start]):
                return _actor_for(mention, VOICE, country_names, introduced)
    unresolved = _UNRESOLVED_VOICE.search(sentence)
    if unresolved and not any(m.start <= unresolved.start(1) < m.end for m in mentions):
        return Actor(None, unresolved.group(1), VOICE, kind=COUNTRY)
    for mention in mentions:
        if mention.start > _SUBJECT_WINDOW:
            break
        if mention.kind in (DEMONYM, NATIONALS):
            continue
        before = sentence[: mention.start]
        if _OPENERS.match(before) or _POSSESSIVE_AFTER.match(sentence[mention.end :]) and not _PARTNER_BEFORE.search(before):
            return _actor_for(mention, SUBJECT, country_names, introduced)
    if introduced:
        speaker = introduced[0]
        name = speaker.organisation or _country_label(speaker.iso3, country_names) or speaker.name
        kind = COUNTRY if speaker.iso3 else ORGANISATION if speaker.organisation else PERSON
        return Actor(speaker.iso3, name, SPEAKER, speaker.name, kind)
    for mention in mentions:
        if mention.kind == CITY and not _PARTNER_BEFORE.search(sentence[: mention.start]):
            return _actor_for(mention, SUBJECT, country_names, introduced)
    for name, speaker in known_speakers.items():
        position = sentence.find(name)
        if 0 <= position <= _SUBJECT_WINDOW and (speaker.iso3 or speaker.organisation):
            return _known_speaker_actor(speaker, country_names)
    speaker = speaker_by_surname(sentence, known_speakers)
    if speaker is not None:
        return _known_speaker_actor(speaker, country_names)
    return None


_TITLED_SURNAME = re.compile(r"\b(?:Mr|Ms|Mrs|Dr|Minister|Ambassador|Mayor|Councillor)\.?\s+((?:[A-Z][\w'’-]+\s+)?[A-Z][\w'’-]+)")


def speaker_by_surname(sentence: str, known_speakers: dict[str, Speaker]) -> Speaker | None:
    """A speaker named again by title and surname ("Ms Diallo", "Mr Samsar") near the start of a sentence.

    Only when exactly one introduced speaker, with a country or an organisation, has that surname.
    """
    match = _TITLED_SURNAME.search(sentence[: _SUBJECT_WINDOW + 20])
    if not match:
        return None
    surname = match.group(1)
    found = [
        speaker for name, speaker in known_speakers.items()
        if (name.endswith(" " + surname)) and (speaker.iso3 or speaker.organisation)
    ]
    if not found:
        last = surname.split()[-1]
        found = [s for name, s in known_speakers.items() if name.endswith(" " + last) and (s.iso3 or s.organisation)]
    return found[0] if len(found) == 1 else None


def _known_speaker_actor(speaker: Speaker, country_names: dict[str, str]) -> Actor:
    name = speaker.organisation or _country_label(speaker.iso3, country_names)
    return Actor(speaker.iso3, name, SPEAKER, speaker.name, COUNTRY if speaker.iso3 else ORGANISATION)


def _from_mention_text(text: str, places: PlaceFinder, mentions: list[Mention], strength: int, country_names) -> Actor | None:
    for mention in mentions:
        if mention.start < len(text) + 5 and mention.text in text and mention.kind not in (NATIONALS,):
            return _actor_for(mention, strength, country_names, [])
    return None


def _actor_for(mention: Mention, strength: int, country_names: dict[str, str], introduced: list[Speaker]) -> Actor:
    speaker = next((s for s in introduced if mention.iso3 and s.iso3 == mention.iso3), None)
    if mention.kind in (PROCESS, ORGANISATION, CITY):
        name = mention.text
    elif speaker and speaker.organisation:
        name = speaker.organisation
    else:
        name = _country_label(mention.iso3, country_names) or mention.text
    kind = mention.kind if mention.kind in (PROCESS, ORGANISATION, CITY) else COUNTRY
    return Actor(mention.iso3, name, strength, speaker.name if speaker else "", kind)


def _country_label(iso3: str | None, country_names: dict[str, str]) -> str:
    return country_names.get(iso3 or "", iso3 or "")
