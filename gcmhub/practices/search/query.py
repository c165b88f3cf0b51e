"""Searching practices and documents: one function per question, the same
SQL on SQLite and PostgreSQL around each engine's match subquery.

Read rules: a reader only ever gets what ``practices.view_practice`` lets
them read. The public (and anyone) reads published practices — checked on
the index's own ``is_published`` column, the fast path; signed-in readers
also get what ``gcmhub.practices.services.visible_practices`` (the queryset
form of the rule) adds, such as their own drafts. Documents likewise, by
``practices.view_document``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from gcmhub.practices.models import Document, DocumentPage, Practice, PracticeSource
from gcmhub.practices.search import facets as facet_labels
from gcmhub.practices.search import matrix, semantic
from gcmhub.practices.search.backends import current_backend
from gcmhub.practices.search.indexing import FACETS
from gcmhub.practices.search.text import Term, highlight, query_terms, snippet

PER_PAGE = 20
# Practice columns a result (``_results.html``, the site search) reads.
HIT_FIELDS = (
    "title", "summary", "results", "evidence", "replicability", "stage", "state", "period_start", "period_end",
    "is_demo", "is_published", "review_state", "published_at", "created_at",
)  # fmt: skip
# The engine ranks at most this many matches by relevance (see ``_relevance``).
RANK_LIMIT = 2000
MAX_PER_PAGE = 100
SORTS = ("relevance", "date")
ANY_OF_THE_WORDS = _("No practice matches all the words; showing practices that match any of them.")
TOO_MANY_TO_RANK = _(
    "Too many practices match these words to rank them by relevance: those with the words in their title come"
    " first, then the newest. Add words or choose filters to narrow the search."
)


@dataclass
class PracticeHit:
    practice: Practice
    score: float
    title: SafeString  # escaped, terms marked
    snippet: SafeString


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    key: str
    label: str
    values: list[FacetValue]


@dataclass
class SearchResult:
    query: str
    filters: dict[str, list[str]]
    sort: str
    page: int
    per_page: int
    total: int
    hits: list[PracticeHit]
    facets: list[Facet] = field(default_factory=list)
    # No practice had every word of the query: these have any of them.
    any_term: bool = False
    # How the results are ordered: "relevance" (the engine's score), "title"
    # (too many matches to score: words in the title first, then newest) or
    # "date" (newest first).
    order: str = "date"

    @property
    def notices(self) -> list[str]:
        """What the reader should know about these results (page and API)."""
        found = []
        if self.any_term:
            found.append(str(ANY_OF_THE_WORDS))
        if self.order == "title":
            found.append(str(TOO_MANY_TO_RANK))
        return found

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def clean_filters(filters: dict | None) -> dict[str, list[str]]:
    """``{facet: [values]}`` from a mapping of facet → value or values
    (a QueryDict's lists included); unknown facets and blanks dropped."""
    cleaned: dict[str, list[str]] = {}
    if not filters:
        return cleaned
    for key in FACETS:
        if hasattr(filters, "getlist"):
            values = filters.getlist(key)
        else:
            raw = filters.get(key)
            values = raw if isinstance(raw, (list, tuple, set)) else [raw]
        values = sorted({str(value).strip() for value in values if value not in (None, "") and str(value).strip()})
        if values:
            cleaned[key] = [value.upper() if key == "area" else value for value in values]
    return cleaned


def search_practices(
    user,
    query: str = "",
    filters: dict | None = None,
    sort: str = "relevance",
    page: int = 1,
    *,
    per_page: int = PER_PAGE,
    with_facets: bool = True,
) -> SearchResult:
    """Practices ``user`` may read that match every word of ``query`` (all of
    them when empty) and every facet filter (several values of one facet:
    any of them). When no readable practice has every word of a query of
    several words, those with any of them (``any_term``). ``sort``:
    ``relevance`` (the default; newest first without a query) or ``date``
    (newest first). Facet counts are over the results."""
    terms = query_terms(query)
    cleaned = clean_filters(filters)
    sort = sort if sort in SORTS else "relevance"
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    found = _ranked_rows(user, terms, cleaned, sort, query)
    table = found.table
    chosen = found.ordered[(page - 1) * per_page : page * per_page]
    ranked = [(int(table.ids[row]), float(found.scores[row]) if found.scores is not None else 0.0) for row in chosen]

    counts = table.counts(found.mask) if with_facets else None
    hits = _load_hits(ranked, terms)
    facets = facet_labels.describe(counts, cleaned) if counts is not None else []
    return SearchResult(
        query, cleaned, sort, page, per_page, len(found.ordered), hits, facets, found.any_term, found.order
    )


@dataclass
class _Found:
    table: matrix.Matrix
    mask: np.ndarray  # the result rows
    ordered: np.ndarray  # the same rows, in the order pages list them
    scores: np.ndarray | None  # per row, higher = better; None when not scored
    any_term: bool = False  # no readable practice had every word: any of them
    order: str = "date"  # see SearchResult.order


def _ranked_rows(user, terms: list[Term], filters: dict[str, list[str]], sort: str, query: str = "") -> _Found:
    """The result rows of a search, and their order.

    Everything but the words is answered from the in-memory copy of the
    index (``matrix``): read rules, filters, the date order. The engine says
    which practices hold the words, and scores them only when few do (see
    ``_relevance``). With the ``semantic`` extra and stored vectors, a
    relevance search also takes the practices nearest to the query's
    meaning, and ranks by the fusion of the keyword and embedding ranks."""
    table = matrix.current_matrix()
    mask = _visible_rows(user, table)
    for facet, values in filters.items():
        mask &= table.with_any(facet, values)
    if not terms:
        return _Found(table, mask, table.newest_first(mask), None)
    matched, any_term = _matched(table, terms, mask)
    if sort == "date":
        mask &= matched
        return _Found(table, mask, table.newest_first(mask), None, any_term)
    scores, order = _relevance(table, terms, matched, any_term)
    sims = semantic.query_similarities(table, query) if semantic.enabled() else None
    if sims is not None:
        near = semantic.near_rows(sims, mask)
        mask &= matched | near
        scores = semantic.fuse(
            semantic.ranks(scores, matched & mask), semantic.ranks(np.nan_to_num(sims, nan=-2.0), mask)
        )
        order = "relevance"
    else:
        mask &= matched
    if order == "title":  # two groups, each already in the date order
        title = scores > 0
        ordered = np.concatenate([table.newest_first(mask & title), table.newest_first(mask & ~title)])
    else:
        rows = np.flatnonzero(mask)
        # Best score first, then newest, then highest id: a stable order for pages.
        ordered = rows[np.lexsort((-table.ids[rows], -table.dates[rows], -scores[rows]))]
    return _Found(table, mask, ordered, scores, any_term, order)


def _matched(table: matrix.Matrix, terms: list[Term], allowed: np.ndarray) -> tuple[np.ndarray, bool]:
    """Rows holding every term; or, when none of the ``allowed`` rows (those
    the reader may read and the filters keep) holds them all and the query
    has several words, the rows holding any of them (``True``): a reader
    who typed "envíos de remesas" gets the practices about remittances
    rather than nothing."""
    every = _match_mask(table, terms, any_term=False)
    if len(terms) < 2 or (every & allowed).any():
        return every, False
    some = _match_mask(table, terms, any_term=True)
    if not (some & allowed).any():
        return every, False
    return some, True


def _match_mask(table: matrix.Matrix, terms: list[Term], **options) -> np.ndarray:
    key = ("match", tuple(terms), tuple(sorted(options.items())))
    return table.remember(key, lambda: table.mask_of(current_backend().matching_ids(terms, **options)))


def matching_ids(user, query: str = "", filters: dict | None = None, sort: str = "relevance") -> list[int]:
    """Ids of every practice ``search_practices`` would list, in its order:
    for a list API that pages a queryset itself, e.g.
    ``practices.filter(pk__in=matching_ids(user, q))``."""
    sort = sort if sort in SORTS else "relevance"
    found = _ranked_rows(user, query_terms(query), clean_filters(filters), sort, query)
    return found.table.ids[found.ordered].tolist()


def _visible_rows(user, table: matrix.Matrix) -> np.ndarray:
    """Rows ``user`` may read: published ones, plus what the read rule adds."""
    mask = table.published.copy()
    queryset = visible_practices_queryset(user) if getattr(user, "is_authenticated", False) else None
    if queryset is not None:
        mask |= table.mask_of(queryset.filter(is_published=False).values_list("pk", flat=True))
    return mask


def _relevance(table: matrix.Matrix, terms: list[Term], matched: np.ndarray, any_term: bool):
    """``(score per row, order)``, higher = better, for a query whose words
    ``matched`` these rows.

    The engine ranks (BM25 on SQLite, ts_rank_cd on PostgreSQL) when at most
    ``RANK_LIMIT`` practices match (``"relevance"``): its cost grows with
    every matching row, whatever the filters keep. Beyond that
    (``"title"``), practices with the words in their title come first, each
    group newest first: a broad query's first page is still useful, and its
    time stays bounded. The scores of recent queries are remembered."""
    backend = current_backend()
    if int(matched.sum()) > RANK_LIMIT:
        title = _match_mask(table, terms, any_term=any_term, title_only=True)
        return title.astype(float), "title"

    def engine_scores():
        scores = np.zeros(len(table.ids))
        with connection.cursor() as cursor:
            cursor.execute(*backend.rank_practices(terms, any_term=any_term, ids=table.ids[matched].tolist()))
            found = cursor.fetchall()
        table.assign(scores, [pk for pk, _score in found], [float(score or 0) for _pk, score in found])
        return scores

    return table.remember(("scores", tuple(terms), any_term), engine_scores), "relevance"


def visible_practices_queryset(user):
    """The queryset form of ``practices.view_practice``, or None before the
    practices services define it (then only published practices are found)."""
    try:
        from gcmhub.practices.services import visible_practices
    except ImportError:
        return None
    return visible_practices(user)


def visible_documents_queryset(user):
    """As above for ``practices.view_document``."""
    try:
        from gcmhub.practices.library import visible_documents
    except ImportError:
        return None
    return visible_documents(user)


def _visibility(user, id_column: str, published_column: str, queryset_for) -> tuple[str, list]:
    published = f"{published_column} = %s"
    if user is None or not getattr(user, "is_authenticated", False):
        return published, [True]
    queryset = queryset_for(user)
    if queryset is None:
        return published, [True]
    sub_sql, sub_params = queryset.order_by().values("pk").query.sql_with_params()
    return f"({published} OR {id_column} IN ({sub_sql}))", [True, *sub_params]


def _load_hits(ranked: list[tuple[int, float]], terms: list[Term]) -> list[PracticeHit]:
    ids = [practice_id for practice_id, _score in ranked]
    # Only what a result shows: no history, links or other columns.
    practices = Practice.objects.only(*HIT_FIELDS).in_bulk(ids)
    passages = {}
    for source in PracticeSource.objects.filter(practice_id__in=ids).only("practice_id", "passage"):
        passages.setdefault(source.practice_id, []).append(source.passage)
    hits = []
    for practice_id, score in ranked:
        practice = practices.get(practice_id)
        if practice is None:  # deleted between the two queries
            continue
        texts = [practice.summary, practice.results, practice.evidence, practice.replicability]
        texts += passages.get(practice_id, [])
        hits.append(PracticeHit(practice, float(score or 0), highlight(practice.title, terms), snippet(texts, terms)))
    return hits


# ---- similar practices ---------------------------------------------------------

# How much each shared facet value adds to the likeness of two practices.
SIMILARITY_WEIGHTS = {"objective": 3.0, "population": 2.0, "area": 2.0, "region": 1.0, "stage": 0.5}
TITLE_WORD_WEIGHT = 2.0
# Words of the title that carry the practice's subject (folded), and how many count.
MIN_SUBJECT_WORD = 4
MAX_SUBJECT_WORDS = 5


def similar_practices(user, practice: Practice, limit: int = 5) -> list[Practice]:
    """Practices like ``practice`` that ``user`` may read: those sharing the
    most objectives, population groups, countries, region and stage with it,
    and the most words of its title."""
    table = matrix.current_matrix()
    mine = table.rows_of([practice.pk])
    if not len(mine):
        return []
    own_codes = table.codes[table.rows == mine[0]]
    weights = np.zeros(len(table.values))
    for code in own_codes:
        weights[code] = SIMILARITY_WEIGHTS.get(table.values[code][0], 0.0)
    likeness = np.bincount(table.rows, weights=weights[table.codes], minlength=len(table.ids))
    words = [w for w in query_terms(practice.title) if len(w.text) >= MIN_SUBJECT_WORD][:MAX_SUBJECT_WORDS]
    for word in words:  # each title word the other practice's title shares
        likeness[table.rows_of(current_backend().matching_ids([word], title_only=True))] += TITLE_WORD_WEIGHT
    visible = _visible_rows(user, table)
    visible[mine[0]] = False
    likeness[~visible] = 0
    sims = semantic.practice_similarities(table, practice.pk)
    if sims is not None:  # the extra: fuse the shared-facet likeness with the embedding similarity
        near = semantic.near_rows(sims, visible)
        liked = visible & (likeness > 0)
        likeness = semantic.fuse(semantic.ranks(likeness, liked), semantic.ranks(np.nan_to_num(sims, nan=-2.0), near))
        likeness[~(liked | near)] = 0
    best = [row for row in np.argsort(-likeness, kind="stable")[:limit] if likeness[row] > 0]
    ids = [int(table.ids[row]) for row in best]
    found = Practice.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# ---- documents -----------------------------------------------------------------


@dataclass
class DocumentHit:
    document: Document
    page: int  # the best-matching page; 0 when only the title matched
    score: float
    title: SafeString
    snippet: SafeString


def search_documents(user, query: str, limit: int = 20) -> list[DocumentHit]:
    """Documents ``user`` may read whose title, publisher or a page matches
    every word of ``query``, best first, each with its best page."""
    terms = query_terms(query)
    if not terms:
        return []
    match_sql, params = current_backend().match_pages(terms)
    visible_sql, visible_params = _visibility(user, "p.document_id", "p.is_published", visible_documents_queryset)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.document_id, p.number, p.page_id, m.score FROM ({match_sql}) m"
            f" JOIN practices_search_page p ON p.page_id = m.page_id WHERE {visible_sql}"
            " ORDER BY m.score DESC, p.document_id, p.number LIMIT %s",
            [*params, *visible_params, limit * 20],
        )
        best: dict[int, tuple[int, int, float]] = {}
        for document_id, number, page_id, score in cursor.fetchall():
            best.setdefault(document_id, (number, page_id, float(score)))
    chosen = list(best.items())[:limit]
    documents = Document.objects.in_bulk([document_id for document_id, _ in chosen])
    pages = DocumentPage.objects.in_bulk([page_id for _, (_n, page_id, _s) in chosen if page_id > 0])
    hits = []
    for document_id, (number, page_id, score) in chosen:
        document = documents.get(document_id)
        if document is None:
            continue
        text = pages[page_id].text if page_id in pages else ""
        hits.append(DocumentHit(document, number, score, highlight(document.title, terms), snippet([text], terms)))
    return hits
