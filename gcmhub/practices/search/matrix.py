"""The index's facets and dates, kept in memory as numpy arrays.

Counting facets over tens of thousands of results in SQL means reading ten
rows per result; with the facet table in memory it is one ``bincount``.
Each process loads the arrays once and reloads them when the index's token
(``practices_search_state``, renewed by every index write in the writer's
transaction) differs from the one it loaded — so a rolled-back write never
leaves a stale copy behind, and every process sees a committed edit on its
next search.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection


MEMO_SIZE = 64


@dataclass
class Matrix:
    token: str
    ids: np.ndarray  # practice ids, ascending
    published: np.ndarray  # bool per row
    dates: np.ndarray  # sort date per row (seconds)
    rows: np.ndarray  # row of each facet entry
    codes: np.ndarray  # code of each facet entry
    values: list[tuple[str, str]]  # (facet, value) of each code
    code_of: dict[tuple[str, str], int]
    # Text matches of recent queries: refining a search (a facet, a page, the
    # order) asks the engine again for the same words. Dropped with the matrix.
    memo: OrderedDict = field(default_factory=OrderedDict)

    def remember(self, key, compute):
        with _lock:
            if key in self.memo:
                self.memo.move_to_end(key)
                return self.memo[key]
        value = compute()
        with _lock:
            self.memo[key] = value
            while len(self.memo) > MEMO_SIZE:
                self.memo.popitem(last=False)
        return value

    def rows_of(self, practice_ids) -> np.ndarray:
        """Row numbers of these practice ids (ids not indexed are dropped)."""
        wanted = np.asarray(list(practice_ids), dtype=np.int64)
        if not len(wanted) or not len(self.ids):
            return np.zeros(0, dtype=np.int64)
        positions = np.searchsorted(self.ids, wanted)
        positions = np.minimum(positions, len(self.ids) - 1)
        return positions[self.ids[positions] == wanted]

    def assign(self, target: np.ndarray, practice_ids: list[int], values: list[float]) -> None:
        """``target[row of id] = value`` for the indexed ids among ``practice_ids``."""
        if not practice_ids or not len(self.ids):
            return
        wanted = np.asarray(practice_ids, dtype=np.int64)
        positions = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        known = self.ids[positions] == wanted
        target[positions[known]] = np.asarray(values, dtype=float)[known]

    def mask_of(self, practice_ids) -> np.ndarray:
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[self.rows_of(practice_ids)] = True
        return mask

    def with_any(self, facet: str, values: list[str]) -> np.ndarray:
        """Rows having at least one of ``values`` for ``facet``."""
        codes = [self.code_of[(facet, value)] for value in values if (facet, value) in self.code_of]
        mask = np.zeros(len(self.ids), dtype=bool)
        if codes:
            mask[self.rows[np.isin(self.codes, codes)]] = True
        return mask

    def counts(self, mask: np.ndarray) -> dict[tuple[str, str], int]:
        counted = np.bincount(self.codes[mask[self.rows]], minlength=len(self.values))
        return {self.values[code]: int(count) for code, count in enumerate(counted) if count}


_cache: dict[str, Matrix] = {}
_lock = threading.Lock()


def current_token(cursor) -> str:
    cursor.execute("SELECT token FROM practices_search_state")
    return cursor.fetchone()[0]


def current_matrix() -> Matrix:
    with connection.cursor() as cursor:
        token = current_token(cursor)
        key = f"{connection.alias}:{token}"
        matrix = _cache.get(key)
        if matrix is None:
            matrix = _load(cursor, token)
            with _lock:
                _cache.clear()  # only the newest copy is worth keeping
                _cache[key] = matrix
    return matrix


def _load(cursor, token: str) -> Matrix:
    cursor.execute("SELECT practice_id, is_published, sort_date FROM practices_search_entry ORDER BY practice_id")
    entries = cursor.fetchall()
    ids = np.fromiter((row[0] for row in entries), dtype=np.int64, count=len(entries))
    published = np.fromiter((bool(row[1]) for row in entries), dtype=bool, count=len(entries))
    dates = np.fromiter((row[2] for row in entries), dtype=np.int64, count=len(entries))
    cursor.execute("SELECT practice_id, facet, value FROM practices_search_facet")
    code_of: dict[tuple[str, str], int] = {}
    practice_ids, codes = [], []
    for practice_id, facet, value in cursor.fetchall():
        practice_ids.append(practice_id)
        codes.append(code_of.setdefault((facet, value), len(code_of)))
    matrix = Matrix(token, ids, published, dates, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), [], code_of)
    rows = np.searchsorted(ids, np.asarray(practice_ids, dtype=np.int64)) if len(ids) else np.zeros(0, dtype=np.int64)
    matrix.rows = rows.astype(np.int64)
    matrix.codes = np.asarray(codes, dtype=np.int64)
    matrix.values = list(code_of)
    return matrix
