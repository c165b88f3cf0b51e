"""The migration stage a practice addresses, from its wording.

Each stage has cue words; the stage with the most distinct cues wins, and a
passage with none, or a tie, is "all".
"""

from __future__ import annotations

import re

_CUES = {
    "pre_departure": [
        r"pre-departure", r"before departure", r"would-be migrants", r"recruit\w*", r"countr(?:y|ies) of origin",
        r"root causes", r"passports?", r"e-passport", r"jobs", r"youth unemployment", r"orientation",
    ],
    "transit": [
        r"transit", r"en route", r"journeys?", r"borders?", r"corridors?", r"rescue", r"smuggl\w*", r"crossing",
        r"trips", r"at sea", r"mediterranean",
    ],
    "destination": [
        r"integrat\w*", r"inclusion", r"host (?:communit\w*|countr\w*|societ\w*)", r"countr(?:y|ies) of destination",
        r"destination", r"newly arrived", r"settle", r"housing", r"language", r"health care", r"civic rights",
        r"workplace", r"employers", r"local council", r"residing",
    ],
    "return": [
        r"return\w*", r"reintegrat\w*", r"readmission", r"deport\w*", r"repatriat\w*", r"returnees",
    ],
}
_PATTERNS = {stage: re.compile(r"\b(?:" + "|".join(cues) + r")\b", re.I) for stage, cues in _CUES.items()}


def stage_of(text: str) -> str:
    counts = {stage: len({match.lower() for match in pattern.findall(text)}) for stage, pattern in _PATTERNS.items()}
    best = max(counts.values())
    if best == 0:
        return "all"
    winners = [stage for stage, count in counts.items() if count == best]
    return winners[0] if len(winners) == 1 else "all"
