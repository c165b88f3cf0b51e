"""From pages of text to candidate practices.

One pass over the sentences of the whole text (pages joined by form feeds):
find who acts (``actors``), whether the sentence reports a concrete measure
(``measures``), which objectives it serves (``objectives``) and at which
stage (``stages``). A sentence that reports a measure by a known actor and
serves an objective becomes a candidate; a following sentence that only
elaborates the same measure ("The programme s main goals were ...") is
merged into it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from gcmhub.practices.extraction import semantic
from gcmhub.practices.extraction.actors import CARRIED, COLLECTIVE, VOICE, Actor, explicit_actor, is_generic, named_process
from gcmhub.practices.extraction.measures import THRESHOLD as MEASURE_THRESHOLD
from gcmhub.practices.extraction.measures import MeasureEvidence, measure_evidence
from gcmhub.practices.extraction.objectives import get_classifier
from gcmhub.practices.extraction.pages import back_matter_start, front_matter_pages, join_pages
from gcmhub.practices.extraction.places import CITY, COUNTRY, get_place_finder
from gcmhub.practices.extraction.sentences import Sentence, page_at, split_sentences
from gcmhub.practices.extraction.speakers import Speaker, find_speakers
from gcmhub.practices.extraction.stages import stage_of

SUMMARY_MAX = 400
# A carried actor is forgotten after this many sentences without a new one.
_CONTEXT_SENTENCES = 4
_CREDITED = "good practice credited in brackets"
# A sentence elaborating a candidate may follow it at this distance (in sentences).
_MERGE_DISTANCE = 2
# Footnotes and references inside the body text are not practices.
_NOT_BODY = re.compile(r"(?:^\d{0,2}\s*See\b|Available at|^Source:|press release|factsheet|fact sheet|\bn\.d\.)", re.I)
_ELABORATION = re.compile(
    r"^(?:The|This|That|These|Those|Such|Through the|Under the|Its|Their)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:programmes?|programs?|polic(?:y|ies)|legislation|laws?|mechanisms?|councils?|plans?|strateg(?:y|ies)|"
    r"initiatives?|projects?|process(?:es)?|protocols?|agreements?|decrees?|platforms?|cent(?:re|er)s?|forums?|"
    r"committees?|frameworks?|corridors?|action plan|guidelines|activities|schemes?|services?)\b",
    re.I,
)


@dataclass
class Candidate:
    """A practice proposed from a report; ``to_json`` gives the issue's line format."""

    area: str | None
    actor: str
    speaker: str
    page: int
    summary: str
    objectives: list[int]
    stage: str
    confidence: float
    span: dict
    objective_terms: dict[str, list[str]] = field(default_factory=dict)
    measure_terms: list[str] = field(default_factory=list)

    JSON_KEYS = ("area", "actor", "speaker", "page", "summary", "objectives", "stage", "confidence", "span")

    def to_json(self, explain: bool = False) -> dict:
        data = {key: getattr(self, key) for key in self.JSON_KEYS}
        if explain:
            data["objective_terms"] = self.objective_terms
            data["measure_terms"] = self.measure_terms
        return data

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def span_start(self) -> int:
        return self.span["start"]

    @property
    def span_end(self) -> int:
        return self.span["end"]


@dataclass
class _Found:
    sentences: list[Sentence]
    actor: Actor
    measure_score: float
    measure_terms: list[str]
    index: int  # of the last sentence, to merge elaborations


def extract_candidates(
    pages: list[str], *, use_semantic: bool | None = None, on_progress: Callable[[int], None] | None = None
) -> list[Candidate]:
    """Candidate practices in a report given page by page (item i is page i + 1).

    ``use_semantic``: None uses the semantic extra when installed, False never,
    True always (the caller checks ``semantic.available()`` first).
    ``on_progress`` is called with a percentage (0-100) as the text is read,
    for a background task's progress bar.
    """
    text, offsets = join_pages(pages)
    sentences = split_sentences(text, offsets)
    first_body_page = front_matter_pages(pages) + 1
    back_matter = back_matter_start(pages)
    last_body_page = back_matter if back_matter is not None else len(pages)  # pages are numbered from 1
    places = get_place_finder()
    context = _ActorContext(places, _known_speakers(sentences, places))
    found: list[_Found] = []
    step = max(1, len(sentences) // 20)
    for index, sentence in enumerate(sentences):
        if on_progress is not None and index % step == 0:
            on_progress(int(100 * index / len(sentences)))
        if not first_body_page <= sentence.page <= last_body_page or _NOT_BODY.search(sentence.text):
            continue
        introduced = find_speakers(sentence.text, places)
        actor = context.actor_of(sentence.text, introduced)
        bracketed = _bracketed_practices(sentence, places)
        if bracketed:
            found.extend(_Found([clause], credited, MEASURE_THRESHOLD, [_CREDITED], index) for clause, credited in bracketed)
        elif actor is not None:
            _add_measures(found, index, sentence, actor, introduced, text, offsets)
    candidates = [candidate for item in found if (candidate := _candidate(item, use_semantic)) is not None]
    if on_progress is not None:
        on_progress(100)
    return candidates


class _ActorContext:
    """The actor of each sentence in turn, carrying the last one over pronouns."""

    def __init__(self, places, known: dict[str, Speaker]):
        self.places = places
        self.known = known
        self.current: Actor | None = None
        self.age = 0

    def actor_of(self, sentence: str, introduced: list[Speaker]) -> Actor | None:
        mentions = self.places.mentions(sentence)
        actor = explicit_actor(sentence, self.places, mentions, introduced, self.known, self.places.labels)
        if actor is COLLECTIVE:
            self.current = None
            return None
        if actor is None and not is_generic(sentence):
            actor = named_process(sentence, mentions)
        if actor is not None:
            self.current, self.age = actor, 0
            return actor
        if is_generic(sentence) or self.current is None:
            self.current = None
            return None
        self.age += 1
        if self.age > _CONTEXT_SENTENCES:
            self.current = None
            return None
        current = self.current
        return Actor(current.area, current.name, CARRIED, current.speaker, current.kind)


def _add_measures(
    found: list[_Found], index: int, sentence: Sentence, actor: Actor, introduced: list[Speaker], text: str, offsets
) -> None:
    """Add the measure(s) this sentence reports, or merge it into the previous candidate it elaborates."""
    named = actor.name if actor.is_process else ""
    evidence = measure_evidence(_without_introductions(sentence.text, introduced), named)
    if not _accepted(evidence, actor):
        return
    clauses = _measure_clauses(sentence, text, offsets, actor)
    if len(clauses) > 1:
        found.extend(_Found([clause], actor, part.score, part.nouns, index) for clause, part in clauses)
        return
    previous = found[-1] if found else None
    if previous is not None and _elaborates(previous, actor, index, sentence, evidence):
        previous.sentences.append(sentence)
        previous.index = index
        previous.measure_terms = list(dict.fromkeys(previous.measure_terms + evidence.nouns))
        return
    found.append(_Found([sentence], actor, evidence.score, evidence.nouns + evidence.verbs, index))


def _elaborates(previous: _Found, actor: Actor, index: int, sentence: Sentence, evidence: MeasureEvidence) -> bool:
    """Does this sentence only say more about the previous candidate's measure?

    Same actor, at most one sentence between them, and either it refers back
    ("The programme ...", "These policies ...") or, for a process, it reports nothing done.
    """
    if index - previous.index > _MERGE_DISTANCE:
        return False
    if (previous.actor.area, previous.actor.name) != (actor.area, actor.name):
        return False
    if _ELABORATION.match(sentence.text):
        return True
    # A process named again ("At its core, the Process seeks ...") without anything new done.
    return actor.is_process and not evidence.verbs


def _accepted(evidence: MeasureEvidence, actor: Actor) -> bool:
    """A measure strong enough for this kind of actor.

    A carried actor ("It had ...") needs a verb that reports the measure as
    done; a body with no country (an organisation, a process) needs more
    evidence, since such speakers mostly comment rather than report.
    """
    if not evidence.is_measure:
        return False
    if actor.strength == CARRIED and not evidence.verbs:
        return False
    if actor.area is None and evidence.score < MEASURE_THRESHOLD + 1:
        return False
    return True


_CLAUSE_BREAK = re.compile(
    r";\s+(?:and\s+)?|,\s+and\s+(?=(?:it|they|the Government|the country|the Ministry|[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+(?:had|has|have|was|were|is|are)\b)"
)


def _measure_clauses(sentence: Sentence, text: str, offsets: list[int], actor: Actor) -> list[tuple[Sentence, MeasureEvidence]]:
    """The parts of a sentence that each report a measure ("it had a strategy ...; it had signed ...").

    Returns one entry per qualifying part when there are at least two, else [].
    """
    parts = []
    position = 0
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        if sentence.text[:match.start()].count("(") == sentence.text[:match.start()].count(")"):
            parts.append(sentence.text[position : match.start()])
            position = match.end()
    parts.append(sentence.text[position:])
    if len(parts) < 2:
        return []
    qualifying = []
    raw = text[sentence.start : sentence.end]
    for part in parts:
        evidence = measure_evidence(part)
        if evidence.is_measure and (evidence.verbs or actor.strength > CARRIED):
            offset = raw.find(part[:25])
            start = sentence.start + max(offset, 0)
            end = start + len(part) if offset >= 0 else sentence.end
            qualifying.append((Sentence(start, min(end, sentence.end), part.strip(" ,;"), page_at(offsets, start)), evidence))
    return qualifying if len(qualifying) > 1 else []


_BRACKET = re.compile(r"\[([^\]]{3,120})\]")
_GOOD_PRACTICE = re.compile(r"\b(?:good|best|effective|innovative|promising)\s+(?:\w+\s+)?practices?\b|\bexamples?\b", re.I)


def _bracketed_practices(sentence: Sentence, places) -> list[tuple[Sentence, Actor]]:
    """Practices credited in brackets: "good practices in civil registration [Sierra Leone and South Africa]".

    Each bracket credits the clause before it to every country (or city) it names.
    """
    if not _GOOD_PRACTICE.search(sentence.text):
        return []
    found = []
    clause_start = 0
    for match in _BRACKET.finditer(sentence.text):
        clause = sentence.text[clause_start : match.start()]
        clause = re.split(r"(?:such as|including|:)\s+", clause)[-1].strip(" ,;")
        clause_start = match.end()
        mentions = places.mentions(match.group(1))
        cities = [m for m in mentions if m.kind == CITY]
        credited = cities or [m for m in mentions if m.kind == COUNTRY]
        for mention in credited:
            name = mention.text if mention.kind == CITY else places.labels.get(mention.iso3, mention.text)
            actor = Actor(mention.iso3, name, VOICE, kind=mention.kind)
            found.append((Sentence(sentence.start, sentence.end, clause, sentence.page), actor))
    return found


def _without_introductions(text: str, introduced: list[Speaker]) -> str:
    """The sentence with each speaker's "(Title, Organisation, Country)" blanked."""
    for speaker in introduced:
        text = text[: speaker.start] + " " * (speaker.end - speaker.start) + text[speaker.end :]
    return text


def _known_speakers(sentences: list[Sentence], places) -> dict[str, Speaker]:
    """Every speaker introduced anywhere, by full name (first introduction wins)."""
    known: dict[str, Speaker] = {}
    for sentence in sentences:
        for speaker in find_speakers(sentence.text, places):
            current = known.get(speaker.name)
            if current is None or (current.iso3 is None and speaker.iso3):
                known[speaker.name] = speaker
    return known


def _candidate(item: _Found, use_semantic: bool | None) -> Candidate | None:
    passage = " ".join(sentence.text for sentence in item.sentences)
    summary = passage
    if item.measure_terms == [_CREDITED]:
        summary = f"Good practice credited to {item.actor.name}: {passage}"
    elif passage[:1].islower() or passage.startswith(("(", "It ", "They ", "She ", "He ")):
        summary = f"{item.actor.name}: {passage}"  # a clause or a pronoun: say who
    ranked = get_classifier().classify(passage)
    ranked = semantic.rerank(passage, ranked, enabled=use_semantic)
    if not ranked:
        return None
    first, last = item.sentences[0], item.sentences[-1]
    confidence = _confidence(item.measure_score, item.actor.strength, ranked[0].score)
    return Candidate(
        area=item.actor.area,
        actor=item.actor.name,
        speaker=item.actor.speaker,
        page=first.page,
        summary=_summary(summary),
        objectives=[objective.number for objective in ranked],
        stage=stage_of(passage),
        confidence=confidence,
        span={"start": first.start, "end": last.end},
        objective_terms={str(objective.number): objective.terms for objective in ranked},
        measure_terms=item.measure_terms,
    )


def _confidence(measure_score: float, actor_strength: int, objective_score: float) -> float:
    measure = min(1.0, max(0.0, (measure_score - 1.5) / 4))
    actor = actor_strength / 5
    objective = min(1.0, objective_score / 10)
    return round(0.2 + 0.35 * measure + 0.25 * actor + 0.2 * objective, 2)


def _summary(passage: str) -> str:
    if len(passage) <= SUMMARY_MAX:
        return passage
    cut = passage[:SUMMARY_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"

