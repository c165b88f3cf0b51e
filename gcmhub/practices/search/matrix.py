"""The index's facets and dates, kept in memory as numpy arrays.

Counting facets over tens of thousands of results in SQL means reading ten
rows per result; with the facet table in memory it is one ``bincount``.
Each process loads the arrays once. Every index write, in the writer's
transaction, adds one to the change number in ``practices_search_state`` and
logs the practices it touched in ``practices_search_change``; a process whose
copy is behind reads only those practices again and patches its arrays (a few
milliseconds, where loading everything takes seconds for 50,000 practices).
A rebuild renews the generation token, and a copy too far behind (or behind a
pruned log) is loaded again in full. So a rolled-back write never leaves a
stale copy behind, and every process sees a committed edit on its next search.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection


MEMO_SIZE = 64
# A copy this many practices behind is loaded again rather than patched.
PATCH_LIMIT = 5000


@dataclass
class Matrix:
    token: str  # generation
    seq: int  # change number the copy includes
    stamp: str  # that change's random stamp
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
        if isinstance(practice_ids, np.ndarray):
            wanted = practice_ids.astype(np.int64, copy=False)
        else:
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
            index = self._indexes()
            for code in codes:
                mask[index.rows_by_code[index.code_offsets[code] : index.code_offsets[code + 1]]] = True
        return mask

    def counts(self, mask: np.ndarray) -> dict[tuple[str, str], int]:
        """``{(facet, value): number of rows of mask having it}``.

        A result close to the published set (a broad query, or no words at
        all) is counted as the published set's counts, computed once per
        copy, corrected by the few rows that differ; any other result by
        counting its own rows."""
        differ_out = self.published & ~mask
        differ_in = mask & ~self.published
        if int(differ_out.sum()) + int(differ_in.sum()) < int(mask.sum()):
            counted = self._published_counts() - self._count(differ_out) + self._count(differ_in)
        else:
            counted = self._count(mask)
        return {self.values[code]: int(counted[code]) for code in np.flatnonzero(counted)}

    def newest_first(self, mask: np.ndarray) -> np.ndarray:
        """The rows of ``mask``, newest first (then highest id): the date
        order is sorted once per copy, so this is one pass over it."""
        order = self.__dict__.get("_newest")
        if order is None:
            order = np.lexsort((-self.ids, -self.dates))
            self.__dict__["_newest"] = order
        return order[mask[order]]

    def _published_counts(self) -> np.ndarray:
        found = self.__dict__.get("_published")
        if found is None:
            found = self._count(self.published)
            self.__dict__["_published"] = found
        return found

    def _count(self, mask: np.ndarray) -> np.ndarray:
        """Facet entries per code among the rows of ``mask``. Few rows: their
        own entries are gathered (CSR offsets); many rows: one pass over the
        entries in row order."""
        index = self._indexes()
        selected = np.flatnonzero(mask)
        if len(selected) * 4 < len(self.ids):
            lengths = index.per_row[selected]
            starts = index.row_offsets[selected]
            shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            codes = index.codes_by_row[shift + np.arange(int(lengths.sum()))]
        else:
            codes = index.codes_by_row[np.repeat(mask, index.per_row)]
        return np.bincount(codes, minlength=len(self.values))

    def _indexes(self) -> _Indexes:
        """The facet entries ordered by row and by code, built on first use."""
        found = self.__dict__.get("_built")
        if found is None:
            found = _Indexes.build(self.rows, self.codes, len(self.ids), len(self.values))
            self.__dict__["_built"] = found
        return found


@dataclass
class _Indexes:
    per_row: np.ndarray  # entries per row
    row_offsets: np.ndarray  # first entry of each row in codes_by_row
    codes_by_row: np.ndarray  # codes, ordered by row
    code_offsets: np.ndarray  # first entry of each code in rows_by_code (+ one past the end)
    rows_by_code: np.ndarray  # rows, ordered by code

    @classmethod
    def build(cls, rows: np.ndarray, codes: np.ndarray, row_count: int, code_count: int) -> _Indexes:
        by_row = np.argsort(rows, kind="stable")
        per_row = np.bincount(rows, minlength=row_count) if len(rows) else np.zeros(row_count, dtype=np.int64)
        row_offsets = np.concatenate([[0], np.cumsum(per_row)[:-1]]).astype(np.int64) if row_count else per_row
        by_code = np.argsort(codes, kind="stable")
        per_code = np.bincount(codes, minlength=code_count) if len(codes) else np.zeros(code_count, dtype=np.int64)
        code_offsets = np.concatenate([[0], np.cumsum(per_code)]).astype(np.int64)
        return cls(per_row, row_offsets, codes[by_row], code_offsets, rows[by_code])


_cache: dict[str, Matrix] = {}
_lock = threading.Lock()


def current_state(cursor) -> tuple[str, int, str]:
    cursor.execute("SELECT token, seq, stamp FROM practices_search_state")
    token, seq, stamp = cursor.fetchone()
    return token, int(seq), stamp


def current_token(cursor) -> str:
    return current_state(cursor)[0]


def current_matrix() -> Matrix:
    with connection.cursor() as cursor:
        token, seq, stamp = current_state(cursor)
        key = connection.alias
        matrix = _cache.get(key)
        if matrix is not None and (matrix.token, matrix.seq, matrix.stamp) == (token, seq, stamp):
            return matrix
        patched = _patched(cursor, matrix, seq, stamp) if matrix is not None and matrix.token == token else None
        matrix = patched or _load(cursor, token, seq, stamp)
        with _lock:
            _cache[key] = matrix
    return matrix


def _patched(cursor, old: Matrix, seq: int, stamp: str) -> Matrix | None:
    """``old`` brought up to change ``seq`` by reading only the practices
    changed since; None when a full load is needed: the copy is ahead (a
    rolled-back write), too far behind, or its last change is not in the
    committed history (rolled back, or pruned from the log)."""
    if seq <= old.seq or seq - old.seq > PATCH_LIMIT:
        return None
    if old.stamp == old.token:
        # The copy was made at its generation's start (a rebuild logs no change
        # per practice); that start is committed, since its token is current.
        pass
    elif old.seq > 0:
        cursor.execute("SELECT stamp FROM practices_search_change WHERE seq = %s", [old.seq])
        found = cursor.fetchone()
        if found is None or found[0] != old.stamp:
            return None
    else:
        cursor.execute("SELECT MIN(seq) FROM practices_search_change")
        if cursor.fetchone()[0] != 1:
            return None
    cursor.execute("SELECT DISTINCT practice_id FROM practices_search_change WHERE seq > %s AND seq <= %s", [old.seq, seq])
    changed = sorted(row[0] for row in cursor.fetchall())
    if len(changed) > PATCH_LIMIT:
        return None
    if not changed:
        return Matrix(old.token, seq, stamp, old.ids, old.published, old.dates, old.rows, old.codes, old.values, old.code_of)
    changed_array = np.asarray(changed, dtype=np.int64)
    marks = ", ".join(["%s"] * len(changed))
    cursor.execute(
        f"SELECT practice_id, is_published, sort_date FROM practices_search_entry WHERE practice_id IN ({marks})",  # noqa: S608
        changed,
    )
    entries = cursor.fetchall()
    cursor.execute(f"SELECT practice_id, facet, value FROM practices_search_facet WHERE practice_id IN ({marks})", changed)  # noqa: S608
    facets = cursor.fetchall()

    keep = ~np.isin(old.ids, changed_array)
    ids = np.concatenate([old.ids[keep], np.asarray([row[0] for row in entries], dtype=np.int64)])
    published = np.concatenate([old.published[keep], np.asarray([bool(row[1]) for row in entries], dtype=bool)])
    dates = np.concatenate([old.dates[keep], np.asarray([row[2] for row in entries], dtype=np.int64)])
    order = np.argsort(ids, kind="stable")
    ids, published, dates = ids[order], published[order], dates[order]

    code_of = dict(old.code_of)
    new_codes = [code_of.setdefault((facet, value), len(code_of)) for _pk, facet, value in facets]
    old_practices = old.ids[old.rows] if len(old.rows) else np.zeros(0, dtype=np.int64)
    keep_facets = ~np.isin(old_practices, changed_array)
    facet_practices = np.concatenate([old_practices[keep_facets], np.asarray([row[0] for row in facets], dtype=np.int64)])
    codes = np.concatenate([old.codes[keep_facets], np.asarray(new_codes, dtype=np.int64)])
    rows = np.searchsorted(ids, facet_practices).astype(np.int64) if len(ids) else np.zeros(0, dtype=np.int64)
    return Matrix(old.token, seq, stamp, ids, published, dates, rows, codes, list(code_of), code_of)


def _load(cursor, token: str, seq: int, stamp: str) -> Matrix:
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
    matrix = Matrix(token, seq, stamp, ids, published, dates, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), [], code_of)
    rows = np.searchsorted(ids, np.asarray(practice_ids, dtype=np.int64)) if len(ids) else np.zeros(0, dtype=np.int64)
    matrix.rows = rows.astype(np.int64)
    matrix.codes = np.asarray(codes, dtype=np.int64)
    matrix.values = list(code_of)
    return matrix
