"""Is a sentence about a concrete measure, or an opinion or a general call?

A practice is something an actor did or runs: a programme, a law, an
institution, an agreement, a service. The evidence is read from the words:

- a measure noun ("programme", "legislation", "memorandum of understanding",
  "task force", "hotline", ...) — necessary;
- a verb that reports it as done or running ("had established", "adopted",
  "set up", "was issuing", "provided") — strong;
- specifics: a year, a figure, a named instrument in capitals — supporting;
- against it: modal and advocacy wording ("should", "needed to", "called
  for", "urged", "argued") that marks opinions and general calls.

The terms are data (``data/measure_terms.yaml``); the score and the words
that produced it are returned so a curator can see why a passage was kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "measure_terms.yaml"


@dataclass(frozen=True)
class MeasureEvidence:
    score: float
    nouns: list[str] = field(default_factory=list)
    verbs: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    introduces: bool = False  # announces examples given elsewhere

    @property
    def is_measure(self) -> bool:
        return bool(self.nouns) and self.score >= THRESHOLD and not self.introduces


THRESHOLD = 2.0


@dataclass(frozen=True)
class _Lexicon:
    nouns: re.Pattern
    not_measures: re.Pattern
    verbs: re.Pattern
    against: re.Pattern
    weak_against: re.Pattern
    introductions: re.Pattern
    generic_subject: re.Pattern
    own_measure: re.Pattern


def _alternation(terms: list[str], plurals: bool = False) -> re.Pattern:
    ordered = sorted({term.lower() for term in terms}, key=len, reverse=True)
    body = "|".join(re.escape(term).replace(r"\ ", r"\s+") for term in ordered)
    ending = "(?:s|es)?" if plurals else ""
    return re.compile(rf"(?<![\w-])(?:{body}){ending}(?![\w-])", re.I)


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return _Lexicon(
        nouns=_alternation(data["measure_nouns"], plurals=True),
        not_measures=_alternation(data["not_measures"]),
        verbs=_alternation(data["realised_verbs"]),
        against=_alternation(data["opinion_markers"]),
        weak_against=_alternation(data["weak_opinion_markers"]),
        introductions=_alternation(data["introductions"]),
        generic_subject=re.compile(
            r"^(?:" + "|".join(re.escape(term) for term in data["generic_subjects"]) + r")\b", re.I
        ),
        own_measure=_own_measure_pattern(data["own_measure_reporting"], data["measure_nouns"]),
    )


def _own_measure_pattern(reporting: dict, nouns: list[str]) -> re.Pattern:
    """ "described its (emerging migration governance) policy": verb, possessive, up to four words, a measure noun."""
    verbs = "|".join(re.escape(term).replace(r"\ ", r"\s+") for term in reporting["verbs"])
    owners = "|".join(re.escape(term).replace(r"\ ", r"\s+") for term in sorted(reporting["possessives"], key=len, reverse=True))
    measure = "|".join(re.escape(term).replace(r"\ ", r"\s+") for term in sorted(set(nouns), key=len, reverse=True))
    return re.compile(
        rf"(?<![\w-])(?:{verbs})\s+(?:{owners})\s+(?:[\w-]+\s+){{0,4}}?(?:{measure})(?:s|es)?(?![\w-])", re.I
    )


def own_measure_reported(text: str) -> list[str]:
    """The "described its ... policy" phrases in ``text`` (a speaker reporting their own country's measure)."""
    return [re.sub(r"\s+", " ", match.group(0).lower()) for match in _lexicon().own_measure.finditer(text)]


_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_FIGURE = re.compile(r"\b\d[\d,.]*\s*(?:per\s*cent|%|million|thousand|people|children|agencies|jobs|countries)\b", re.I)
_NAMED = re.compile(r"\b(?:[A-Z][a-z]+\s+){1,5}(?:Policy|Council|Plan|Programme|Mechanism|Act|Law|Strategy|Forum|Centre|Initiative|Process|Protocol|Agreement|Commission|Committee|Platform|Corridors|Service|Force)\b")


# "had rejected", "had also provided": an action reported as done, even without a
# measure noun. Verbs of speech and opinion ("had noted", "had called") are not actions.
_PAST_ACTION = re.compile(r"\b(?:had|has|have)\s+(?:also\s+|recently\s+|already\s+|since\s+)?(\w+ed)\b", re.I)
_SPEECH_VERBS = {
    "noted", "stated", "stressed", "emphasized", "emphasised", "agreed", "expressed", "called", "argued",
    "suggested", "mentioned", "referred", "highlighted", "recognized", "recognised", "acknowledged", "underlined",
    "reminded", "observed", "explained", "described", "discussed", "concluded", "recalled", "welcomed", "raised",
    "cautioned", "praised", "pointed", "added", "asked", "answered", "replied", "claimed", "warned", "urged",
    "hoped", "wanted", "needed", "seemed", "appeared", "considered", "believed", "learned", "learnt", "noticed",
    "identified", "focused", "focussed", "reflected", "voiced", "echoed", "recommended", "proposed", "requested",
    "shared", "presented", "indicated", "affirmed", "reaffirmed", "committed", "pledged", "decided", "failed",
    "tried", "attempted", "faced", "experienced", "suffered", "remained", "increased", "decreased", "changed",
    "existed", "emerged", "happened", "occurred", "started", "returned", "moved", "migrated", "travelled", "arrived",
    "crossed", "fled", "lived", "worked", "played", "contributed", "benefited", "benefitted", "gained",
}


# "had to be established", "should be set up": the verb names what is wanted, not what was done.
_OBLIGED = re.compile(
    r"\b(?:(?:had|has|have|need|needs|needed|ought)\s+to|should|must|would|could)\s+(?:not\s+)?(?:also\s+)?be\s+\w+(?:\s+up)?",
    re.I,
)


def past_actions(text: str) -> list[str]:
    """Past-perfect verbs of action in ``text`` ("had rejected")."""
    return [match.group(0).lower() for match in _PAST_ACTION.finditer(text) if match.group(1).lower() not in _SPEECH_VERBS]


def measure_evidence(text: str, named_measure: str = "") -> MeasureEvidence:
    """How strongly ``text`` reports a concrete measure.

    Pass the sentence with speaker introductions blanked out: a title such as
    "Ministry of Foreign Affairs" is not a measure. ``named_measure`` is the
    name of a process or initiative that is itself the actor ("the Khartoum
    Process"): named in the sentence, it counts as a measure noun.
    """
    lexicon = _lexicon()
    nouns = _found(lexicon.nouns, lexicon.not_measures.sub(" ", text))
    if named_measure and named_measure in text:
        nouns.insert(0, named_measure.lower())
    if not nouns:
        actions = past_actions(text)
        if not actions:
            return MeasureEvidence(0.0)
        nouns = actions  # the action itself is the measure ("he had rejected ghettos")
    done = _OBLIGED.sub(" ", text)
    verbs = _found(lexicon.verbs, done) or past_actions(done) or own_measure_reported(done)
    against = _found(lexicon.against, text)
    weak = _found(lexicon.weak_against, text)
    score = 1.0 + min(len(nouns), 3) * 0.5
    score += 1.5 if verbs else 0.0
    score += 0.5 * min(len(verbs), 2) if len(verbs) > 1 else 0.0
    score += 0.5 if _YEAR.search(text) else 0.0
    score += 0.5 if _FIGURE.search(text) else 0.0
    score += 0.5 if _NAMED.search(text) else 0.0
    score -= 1.5 * len(against) + 0.5 * len(weak)
    if lexicon.generic_subject.match(text):
        score -= 1.5
    introduces = bool(lexicon.introductions.search(text)) or _advice_list(text, lexicon)
    return MeasureEvidence(score=score, nouns=nouns, verbs=verbs, against=against + weak, introduces=introduces)


def _advice_list(text: str, lexicon: _Lexicon) -> bool:
    """"X suggested five ways to ...: (a) ...; (b) ..." — the items are advice, not
    measures, even when each names one, because the lead before the colon says so."""
    lead, colon, _items = text.partition(":")
    return bool(colon) and bool(lexicon.against.search(lead))


def _found(pattern: re.Pattern, text: str) -> list[str]:
    seen = []
    for match in pattern.finditer(text):
        term = re.sub(r"\s+", " ", match.group(0).lower())
        if term not in seen:
            seen.append(term)
    return seen
