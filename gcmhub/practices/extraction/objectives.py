"""Which of the Compact's 23 objectives a passage serves, and why.

A transparent, offline classifier: weighted lexicons per objective.

1. From the Compact itself: each objective's title (counted three times),
   GCM Hub's summary and action titles, and the official action texts when
   bundled. Every word and two-word phrase gets a weight per objective of
   frequency × inverse objective frequency, so "trafficking" counts for
   objective 10 while "migrants", which every objective uses, counts for
   nothing.
2. From ``data/objective_terms.yaml``: the words reports use for the same
   things, weighted 1–3 by hand.

A passage's score for an objective is the sum of the weights of the distinct
terms it contains. Objectives are returned strongest first with the terms
that decided them, so a curator sees why.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "objective_terms.yaml"
FRAMEWORK_DIR = Path(__file__).resolve().parents[2] / "framework" / "data"

# Objectives kept after the first: at least this share of the first one's score.
SECONDARY_SHARE = 0.3
MIN_SCORE = 1.5
MAX_OBJECTIVES = 3
# Weight of the lexicon drawn from the Compact's wording relative to the curated terms.
COMPACT_WEIGHT = 0.3
_COMPACT_TERMS_PER_OBJECTIVE = 80

_STOPWORDS = set(
    """a an and are as at be been being both but by for from had has have in into is it its of on or such that the
    their them these they this those through to under was were which while who will with within all any other
    including include includes relevant also well order ensure based among can may more most well than so
    not no nor there where when whose whether each every own same further through towards upon via per
    migrants migrant migration international national states state countries country level levels
    commit commits global compact measures develop development strengthen promote establish support
    relevant appropriate accordance view line regard particular particularly specific existing
    floor speaking speaker speakers delegate delegates representative representatives government governments
    workshop workshops panel participants minister ministry director said noted"""
    .split()
)
_WORD = re.compile(r"[a-z][a-z\-]+")


def stem(word: str) -> str:
    """A light suffix stripper: enough to meet "recruitment"/"recruitments", "trafficked"/"trafficking"."""
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def content_terms(text: str) -> set[str]:
    """Stemmed content words and two-word phrases of ``text``."""
    words = [stem(word) for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]
    words = [word for word in words if word not in _STOPWORDS]
    return set(words) | {f"{first} {second}" for first, second in zip(words, words[1:])}


@dataclass(frozen=True)
class ObjectiveScore:
    number: int
    score: float
    terms: list[str]


class ObjectiveClassifier:
    def __init__(self, compact_texts: dict[int, list[tuple[str, float]]], curated: dict[int, dict[int, list[str]]]):
        self.compact = self._compact_lexicon(compact_texts)
        self.curated = [
            (number, float(weight), term, _phrase_pattern(term))
            for number, by_weight in curated.items()
            for weight, terms in by_weight.items()
            for term in terms
        ]

    @staticmethod
    def _compact_lexicon(texts: dict[int, list[tuple[str, float]]]) -> dict[str, dict[int, float]]:
        frequencies: dict[int, Counter] = {}
        for number, parts in texts.items():
            counter: Counter = Counter()
            for text, weight in parts:
                for term in content_terms(text):
                    counter[term] += weight
            frequencies[number] = counter
        document_frequency = Counter(term for counter in frequencies.values() for term in counter)
        total = len(frequencies)
        lexicon: dict[str, dict[int, float]] = defaultdict(dict)
        for number, counter in frequencies.items():
            weighted = {
                term: (1 + math.log(count)) * math.log(total / document_frequency[term])
                for term, count in counter.items()
                if document_frequency[term] <= total // 4
            }
            # Ties broken by the term itself, so the lexicon does not depend on set order (hash seed).
            for term, weight in sorted(weighted.items(), key=lambda item: (-item[1], item[0]))[:_COMPACT_TERMS_PER_OBJECTIVE]:
                lexicon[term][number] = round(weight * COMPACT_WEIGHT, 3)
        return dict(lexicon)

    def scores(self, text: str) -> list[ObjectiveScore]:
        totals: dict[int, float] = defaultdict(float)
        reasons: dict[int, dict[str, float]] = defaultdict(dict)
        lowered = text.lower()
        for number, weight, term, pattern in self.curated:
            if term in reasons[number] or not pattern.search(lowered):
                continue
            totals[number] += weight
            reasons[number][term] = weight
        # Sorted: summing in a fixed order keeps scores (and rounded confidences) the same from run to run.
        for term in sorted(content_terms(text)):
            for number, weight in self.compact.get(term, {}).items():
                totals[number] += weight
                reasons[number].setdefault(term, weight)
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return [
            ObjectiveScore(number, round(score, 3), _top_terms(reasons[number]))
            for number, score in ranked
            if score > 0
        ]

    def classify(self, text: str) -> list[ObjectiveScore]:
        """The objectives ``text`` serves, primary first (empty when nothing is convincing)."""
        ranked = self.scores(text)
        if not ranked or ranked[0].score < MIN_SCORE:
            return []
        top = ranked[0].score
        return [item for item in ranked[:MAX_OBJECTIVES] if item.score >= max(MIN_SCORE, top * SECONDARY_SHARE)]


def _top_terms(reasons: dict[str, float], limit: int = 5) -> list[str]:
    return [term for term, _ in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))[:limit]]


def _phrase_pattern(term: str) -> re.Pattern:
    words = [re.escape(word) for word in term.lower().split()]
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"[a-z]{0,3}(?![\w-])")


def compact_texts(framework_dir: Path = FRAMEWORK_DIR) -> dict[int, list[tuple[str, float]]]:
    """Each objective's own words: (text, weight) pairs from the bundled framework files."""
    from gcmhub.framework.catalogue import read_bundle
    from gcmhub.framework.official_text import parse_official_text

    texts: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for objective in read_bundle(framework_dir).objectives:
        texts[objective.number].append((objective.title.get("en", ""), 3.0))
        texts[objective.number].append((objective.summary.get("en", ""), 1.0))
        for action in objective.actions:
            texts[objective.number].append((action.title.get("en", ""), 1.0))
    official = framework_dir / "action_texts_en.md"
    if official.exists():
        parsed, _problems = parse_official_text(official.read_text(encoding="utf-8"), official.name)
        for objective in parsed:
            for action_text in _action_texts(objective):
                texts[objective.number].append((action_text, 1.0))
    return dict(texts)


def _action_texts(parsed) -> list[str]:
    actions = getattr(parsed, "actions", None) or {}
    values = actions.values() if isinstance(actions, dict) else actions
    return [value if isinstance(value, str) else getattr(value, "text", "") for value in values]


def read_curated_terms(path: Path = DATA_FILE) -> dict[int, dict[int, list[str]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if data.get("version") != 1:
        raise ValueError(f"{path.name}: version must be 1")
    curated: dict[int, dict[int, list[str]]] = {}
    for number, by_weight in (data.get("objectives") or {}).items():
        if not 1 <= int(number) <= 23:
            raise ValueError(f"{path.name}, objectives: {number} is not an objective number (1-23)")
        for weight, terms in by_weight.items():
            if int(weight) not in (1, 2, 3) or not isinstance(terms, list):
                raise ValueError(f"{path.name}, objective {number}: weight {weight} must be 1, 2 or 3 with a list")
        curated[int(number)] = {int(weight): list(terms) for weight, terms in by_weight.items()}
    return curated


@functools.lru_cache(maxsize=1)
def get_classifier() -> ObjectiveClassifier:
    return ObjectiveClassifier(compact_texts(), read_curated_terms())
