"""The two full-text engines behind one interface.

Both keep the same three things per practice — its folded title and body,
whether it is published with its date, and its facet values — and answer
"which practices match these terms, with what score" as an SQL subquery
``(practice_id, score)`` (higher score = better). Everything else (read
rules, facet filters and counts, sorting, pages) is plain SQL over the two
shared tables and is written once, in ``query.py``.

* SQLite (the embedded default): an FTS5 table, ranked with BM25, the title
  weighing ten times the body.
* PostgreSQL (production): a ``tsvector`` column with a GIN index, built
  with the ``simple`` configuration from the same folded text (title weight
  A, body D), ranked with ``ts_rank_cd``.

Documents are indexed page by page the same way, plus one row per document
for its title and publisher (``page_id`` = minus the document id), so a
document without extracted text is still found by its title.

The tables are created by the migration ``practices/0002_search_index``;
they have no Django model, so the practices app's models stay pr-repo's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection

from gcmhub.practices.search.text import Term

TITLE_WEIGHT = 10.0
# The change log keeps this many writes; a process further behind loads the index again.
CHANGE_LOG_KEEP = 10_000
CHANGE_LOG_PRUNE_EVERY = 1000
BODY_WEIGHT = 1.0


@dataclass(frozen=True)
class PracticeRow:
    practice_id: int
    is_published: bool
    sort_date: int  # seconds since the epoch: published, else created
    title: str  # folded
    body: str  # folded
    facets: tuple[tuple[str, str], ...]  # (facet, value)


@dataclass(frozen=True)
class PageRow:
    page_id: int  # DocumentPage id, or minus the document id for its title row
    document_id: int
    number: int  # 0 for the title row
    is_published: bool
    title: str  # folded
    body: str  # folded


class Backend:
    vendor = ""

    # ---- practices ----
    def write_practices(self, cursor, rows: Sequence[PracticeRow], *, fresh: bool = False) -> None:
        """Replace these practices' rows. ``fresh``: into an index just
        emptied by ``clear`` (a rebuild), so nothing to delete and no change
        to log: the rebuild's new generation tells every copy."""
        ids = [row.practice_id for row in rows]
        if not fresh:
            self._delete_text(cursor, ids)
            self._delete_facets(cursor, ids)
        self._write_entries(cursor, rows)
        self._write_facets(cursor, [(row.practice_id, facet, value) for row in rows for facet, value in row.facets])
        if not fresh:
            self.bump(cursor, [row.practice_id for row in rows])

    def delete_practice(self, cursor, practice_id: int) -> None:
        self._delete_text(cursor, [practice_id])
        cursor.execute("DELETE FROM practices_search_facet WHERE practice_id = %s", [practice_id])
        cursor.execute("DELETE FROM practices_search_entry WHERE practice_id = %s", [practice_id])
        self.bump(cursor, [practice_id])

    def match_practices(self, terms: list[Term], *, any_term=False, title_only=False) -> tuple[str, list]:
        """SQL whose one value is the ids of the practices that hold every term
        (or any; or in their title only), joined by commas, in no particular
        order: cheap even when most of the corpus matches."""
        raise NotImplementedError

    def matching_ids(self, terms: list[Term], **options) -> np.ndarray:
        """The ids ``match_practices`` finds, as an array. They come back as
        one string the database joins: a broad query matches tens of
        thousands of practices, and one Python tuple per id cost more than
        the match itself."""
        with connection.cursor() as cursor:
            cursor.execute(*self.match_practices(terms, **options))
            joined = cursor.fetchone()[0]
        return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.zeros(0, dtype=np.int64)

    def rank_practices(self, terms: list[Term], *, any_term=False, ids: list[int] | None = None) -> tuple[str, list]:
        """SQL listing ``(id, score)`` of every match, higher = better: the
        engine's ranking costs per matching row, so callers only ask for it
        when few practices match. ``ids``: the matches, when the caller has
        them already (an engine may then rank those rows without matching again)."""
        raise NotImplementedError

    def bump(self, cursor, practice_ids: Iterable[int] | None = None) -> None:
        """Tell in-memory copies of the index (``matrix``) what changed.

        ``practice_ids``: these practices changed; a process patches its copy
        with them alone (``practices_search_change``, one row per practice
        and write). None: everything may have changed (a new generation
        token; every copy is loaded again). The state row is updated first:
        its lock orders concurrent writers, so change numbers commit in
        order and a reader never skips one. Each write also gets a random
        stamp: after a rollback the same number may come again with other
        changes, and a reader tells them apart by the stamp."""
        stamp = uuid.uuid4().hex
        if practice_ids is None:
            cursor.execute("UPDATE practices_search_state SET token = %s, seq = seq + 1, stamp = %s", [stamp, stamp])
            return
        cursor.execute("UPDATE practices_search_state SET seq = seq + 1, stamp = %s", [stamp])
        cursor.execute("SELECT seq FROM practices_search_state")
        seq = cursor.fetchone()[0]
        cursor.executemany(
            "INSERT INTO practices_search_change (seq, stamp, practice_id) VALUES (%s, %s, %s)",
            [(seq, stamp, practice_id) for practice_id in sorted(set(practice_ids))],
        )
        if seq % CHANGE_LOG_PRUNE_EVERY == 0:
            cursor.execute("DELETE FROM practices_search_change WHERE seq < %s", [seq - CHANGE_LOG_KEEP])

    # ---- document pages ----
    def write_pages(self, cursor, document_id: int, rows: Sequence[PageRow]) -> None:
        self.delete_document(cursor, document_id)
        self._write_pages(cursor, rows)

    def delete_document(self, cursor, document_id: int) -> None:
        raise NotImplementedError

    def match_pages(self, terms: list[Term]) -> tuple[str, list]:
        raise NotImplementedError

    def clear(self, cursor) -> None:
        for table in self.tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        self.bump(cursor)

    tables: tuple[str, ...] = ()

    def rebuilt(self, cursor) -> None:
        """After a rebuild, in its transaction."""

    def _delete_text(self, cursor, ids: list[int]) -> None:
        raise NotImplementedError

    def _delete_facets(self, cursor, ids: list[int]) -> None:
        cursor.executemany("DELETE FROM practices_search_facet WHERE practice_id = %s", [(pk,) for pk in ids])

    def _write_facets(self, cursor, facets: list[tuple[int, str, str]]) -> None:
        cursor.executemany("INSERT INTO practices_search_facet (practice_id, facet, value) VALUES (%s, %s, %s)", facets)

    def _write_entries(self, cursor, rows: Sequence[PracticeRow]) -> None:
        raise NotImplementedError

    def _write_pages(self, cursor, rows: Sequence[PageRow]) -> None:
        raise NotImplementedError


class SQLiteBackend(Backend):
    vendor = "sqlite"
    tables = (
        "practices_search_fts",
        "practices_search_entry",
        "practices_search_facet",
        "practices_search_page_fts",
        "practices_search_page",
        "practices_search_change",
    )

    def _delete_text(self, cursor, ids):
        cursor.executemany("DELETE FROM practices_search_fts WHERE rowid = %s", [(pk,) for pk in ids])

    def _write_entries(self, cursor, rows):
        cursor.executemany(
            "INSERT OR REPLACE INTO practices_search_entry (practice_id, is_published, sort_date) VALUES (%s, %s, %s)",
            [(row.practice_id, row.is_published, row.sort_date) for row in rows],
        )
        cursor.executemany(
            "INSERT INTO practices_search_fts (rowid, title, body) VALUES (%s, %s, %s)",
            [(row.practice_id, row.title, row.body) for row in rows],
        )

    def match_practices(self, terms, *, any_term=False, title_only=False):
        query = fts5_query(terms, any_term=any_term)
        if title_only:
            query = f"title : ({query})"
        return "SELECT group_concat(rowid) FROM practices_search_fts WHERE practices_search_fts MATCH %s", [query]

    def rank_practices(self, terms, *, any_term=False, ids=None):
        # FTS5's MATCH is what finds the rows to rank quickest; ``ids`` would not help.
        sql = (
            f"SELECT rowid, -bm25(practices_search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) "
            "FROM practices_search_fts WHERE practices_search_fts MATCH %s"
        )
        return sql, [fts5_query(terms, any_term=any_term)]

    def delete_document(self, cursor, document_id):
        cursor.execute(
            "DELETE FROM practices_search_page_fts WHERE rowid IN "
            "(SELECT page_id FROM practices_search_page WHERE document_id = %s)",
            [document_id],
        )
        cursor.execute("DELETE FROM practices_search_page WHERE document_id = %s", [document_id])

    def _write_pages(self, cursor, rows):
        cursor.executemany(
            "INSERT INTO practices_search_page (page_id, document_id, number, is_published) VALUES (%s, %s, %s, %s)",
            [(row.page_id, row.document_id, row.number, row.is_published) for row in rows],
        )
        cursor.executemany(
            "INSERT INTO practices_search_page_fts (rowid, title, body) VALUES (%s, %s, %s)",
            [(row.page_id, row.title, row.body) for row in rows],
        )

    def match_pages(self, terms):
        sql = (
            f"SELECT rowid AS page_id, -bm25(practices_search_page_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score "
            "FROM practices_search_page_fts WHERE practices_search_page_fts MATCH %s"
        )
        return sql, [fts5_query(terms)]


def fts5_query(terms: Iterable[Term], *, any_term: bool = False) -> str:
    """``"remittanc"* "fair"*``: every term (or any, for similar practices).
    Terms are folded to [a-z0-9], so quoting them is enough."""
    parts = [_fts5_term(term) for term in terms]
    return (" OR " if any_term else " AND ").join(parts)


def _fts5_term(term: Term) -> str:
    words = [f'"{text}"' + ("*" if prefix else "") for text, prefix in term.variants]
    return words[0] if len(words) == 1 else "(" + " OR ".join(words) + ")"


class PostgreSQLBackend(Backend):
    """A practice's text is kept three ways (migration 0007): the weighted
    ``tsvector`` of title and body in its entry row, for ``ts_rank_cd``; and two
    narrow tables that only answer "which practices hold these words":
    ``practices_search_words`` (title and body) and ``practices_search_title``,
    both stripped of positions. A match reads every row when a word is common,
    and the entry rows, with positions and weights, were four times as large:
    matching 50,000 practices took 30–50 ms a query, the title-only match of a
    broad query as long again. ``practices_search_match`` (same migration)
    reads them."""

    vendor = "postgresql"
    tables = (
        "practices_search_entry", "practices_search_words", "practices_search_title", "practices_search_facet",
        "practices_search_page", "practices_search_change",
    )  # fmt: skip
    _VECTOR = "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'D')"

    def _delete_text(self, cursor, ids):
        # The entry row is replaced by the upsert below; the match tables are kept apart.
        cursor.execute("DELETE FROM practices_search_words WHERE practice_id = ANY(%s)", [list(ids)])
        cursor.execute("DELETE FROM practices_search_title WHERE practice_id = ANY(%s)", [list(ids)])

    def rebuilt(self, cursor):
        # Fresh statistics: the planner then knows how many practices a word matches.
        for table in ("practices_search_entry", "practices_search_words", "practices_search_title",
                      "practices_search_facet"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")

    # Rows go as one array per column, one statement per batch: a statement
    # per practice (executemany) made a rebuild ten times slower. The three
    # tables are written by one statement, each text parsed once.
    def _write_entries(self, cursor, rows):
        cursor.execute(
            "WITH row AS (SELECT id, published, date, to_tsvector('simple', title) AS title,"
            " to_tsvector('simple', body) AS body"
            " FROM unnest(%s::integer[], %s::boolean[], %s::bigint[], %s::text[], %s::text[])"
            " AS row (id, published, date, title, body)),"
            " entry AS (INSERT INTO practices_search_entry (practice_id, is_published, sort_date, document)"
            " SELECT id, published, date, setweight(title, 'A') || setweight(body, 'D') FROM row"
            " ON CONFLICT (practice_id) DO UPDATE SET is_published = EXCLUDED.is_published,"
            " sort_date = EXCLUDED.sort_date, document = EXCLUDED.document),"
            " words AS (INSERT INTO practices_search_words (practice_id, document)"
            " SELECT id, strip(title || body) FROM row"
            " ON CONFLICT (practice_id) DO UPDATE SET document = EXCLUDED.document)"
            " INSERT INTO practices_search_title (practice_id, document) SELECT id, strip(title) FROM row"
            " ON CONFLICT (practice_id) DO UPDATE SET document = EXCLUDED.document",
            [list(column) for column in _columns(rows, 5, lambda row: (
                row.practice_id, row.is_published, row.sort_date, row.title, row.body))],
        )  # fmt: skip

    def _delete_facets(self, cursor, ids):
        cursor.execute("DELETE FROM practices_search_facet WHERE practice_id = ANY(%s)", [list(ids)])

    def _write_facets(self, cursor, facets):
        cursor.execute(
            "INSERT INTO practices_search_facet (practice_id, facet, value)"
            " SELECT * FROM unnest(%s::integer[], %s::text[], %s::text[])",
            [list(column) for column in _columns(facets, 3)],
        )

    def match_practices(self, terms, *, any_term=False, title_only=False):
        # A function of migration 0007, which reads the match tables through their
        # GIN index: on these narrow rows that beats the sequential scan the
        # planner would often pick (it underrates testing each row against a
        # query of many words), even when nine practices in ten match.
        return "SELECT practices_search_match(to_tsquery('simple', %s), %s)", [tsquery(terms, any_term=any_term), title_only]

    def rank_practices(self, terms, *, any_term=False, ids=None):
        query = tsquery(terms, any_term=any_term)
        if ids is not None:  # the matches are known: rank those rows, found by their key
            sql = (
                "SELECT practice_id, ts_rank_cd(document, to_tsquery('simple', %s)) FROM practices_search_entry"
                " WHERE practice_id = ANY(%s)"
            )
            return sql, [query, list(ids)]
        sql = (
            "SELECT practice_id, ts_rank_cd(document, to_tsquery('simple', %s)) FROM practices_search_entry"
            " WHERE document @@ to_tsquery('simple', %s)"
        )
        return sql, [query, query]

    def delete_document(self, cursor, document_id):
        cursor.execute("DELETE FROM practices_search_page WHERE document_id = %s", [document_id])

    def _write_pages(self, cursor, rows):
        cursor.executemany(
            "INSERT INTO practices_search_page (page_id, document_id, number, is_published, document) "
            f"VALUES (%s, %s, %s, %s, {self._VECTOR})",
            [(row.page_id, row.document_id, row.number, row.is_published, row.title, row.body) for row in rows],
        )

    def match_pages(self, terms):
        sql = (
            "SELECT page_id, ts_rank_cd(document, to_tsquery('simple', %s)) AS score "
            "FROM practices_search_page WHERE document @@ to_tsquery('simple', %s)"
        )
        query = tsquery(terms)
        return sql, [query, query]


def _columns(rows, width: int, values=tuple) -> list[tuple]:
    """Rows turned into ``width`` columns (empty ones when there are no rows)."""
    return list(zip(*map(values, rows), strict=True)) or [()] * width


def tsquery(terms: Iterable[Term], *, any_term: bool = False) -> str:
    """``remittanc:* & fair:*`` (``|`` for any term)."""
    parts = []
    for term in terms:
        words = [text + (":*" if prefix else "") for text, prefix in term.variants]
        parts.append(words[0] if len(words) == 1 else "(" + " | ".join(words) + ")")
    return (" | " if any_term else " & ").join(parts)


_BACKENDS = {backend.vendor: backend for backend in (SQLiteBackend(), PostgreSQLBackend())}


def current_backend() -> Backend:
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise RuntimeError(f"practice search supports SQLite and PostgreSQL, not {connection.vendor}") from None
