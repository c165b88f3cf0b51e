"""Scoring candidates against hand labels (tests and benchmarks/bench_extract.py).

A candidate matches a label when

- its area is the label's, or its actor names the label's actor (either
  contains the other, ignoring case), and
- its page is within ``page_tolerance`` of the label's, and
- one of its objectives is among the label's.

Matching is one-to-one (each label and each candidate used once) and as
large as possible (a maximum bipartite matching). Recall is matched labels / labels; precision
is matched candidates / candidates on the labelled pages.

A label marked ``borderline: true`` is one a careful reader could go either
way on: ``Score.recall`` counts every label, ``Score.firm_recall`` only the
others (a borderline label's candidate still counts as correct for precision).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Label:
    page: int
    area: str | None
    actor: str
    objectives: tuple[int, ...]
    note: str = ""
    borderline: bool = False


@dataclass(frozen=True)
class Score:
    labels: int
    candidates: int
    matched: int
    recall: float
    precision: float
    missed: tuple[Label, ...]
    unmatched: tuple  # candidates
    firm_labels: int = 0
    firm_matched: int = 0

    @property
    def firm_recall(self) -> float:
        """Recall over the labels not marked borderline."""
        return self.firm_matched / self.firm_labels if self.firm_labels else 0.0


def read_labels(path: Path) -> tuple[list[Label], tuple[int, int]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    first, last = data["pages"]
    labels = [
        Label(
            page=int(item["page"]),
            area=item.get("area"),
            actor=item.get("actor") or "",
            objectives=tuple(item["objectives"]),
            note=item.get("note", ""),
            borderline=bool(item.get("borderline", False)),
        )
        for item in data["labels"]
    ]
    return labels, (int(first), int(last))


def matches(candidate, label: Label, page_tolerance: int = 1) -> bool:
    if abs(candidate.page - label.page) > page_tolerance:
        return False
    if not set(candidate.objectives) & set(label.objectives):
        return False
    if label.area and candidate.area == label.area:
        return True
    return _same_actor(candidate.actor, label.actor)


def _same_actor(found: str, expected: str) -> bool:
    found, expected = found.lower().strip(), expected.lower().strip()
    return bool(found and expected) and (found in expected or expected in found)


def _maximum_matching(options: dict[int, list[int]]) -> dict[int, int]:
    """Candidate index → label index, as many pairs as possible (augmenting paths)."""
    label_of: dict[int, int] = {}

    def assign(label: int, seen: set[int]) -> bool:
        for candidate in options[label]:
            if candidate in seen:
                continue
            seen.add(candidate)
            if candidate not in label_of or assign(label_of[candidate], seen):
                label_of[candidate] = label
                return True
        return False

    for label in options:
        assign(label, set())
    return label_of


def score(candidates: list, labels: list[Label], pages: tuple[int, int], page_tolerance: int = 1) -> Score:
    first, last = pages
    considered = [candidate for candidate in candidates if first <= candidate.page <= last]
    options = {
        l_index: [c_index for c_index, candidate in enumerate(considered) if matches(candidate, label, page_tolerance)]
        for l_index, label in enumerate(labels)
    }
    label_of = _maximum_matching(options)
    used_candidates = set(label_of)
    used_labels = set(label_of.values())
    matched = len(used_labels)
    firm = [index for index, label in enumerate(labels) if not label.borderline]
    return Score(
        labels=len(labels),
        candidates=len(considered),
        matched=matched,
        recall=matched / len(labels) if labels else 0.0,
        precision=len(used_candidates) / len(considered) if considered else 0.0,
        missed=tuple(label for index, label in enumerate(labels) if index not in used_labels),
        unmatched=tuple(candidate for index, candidate in enumerate(considered) if index not in used_candidates),
        firm_labels=len(firm),
        firm_matched=sum(1 for index in firm if index in used_labels),
    )
