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

from django.db import connection
from django.utils.safestring import SafeString

from gcmhub.practices.models import Document, DocumentPage, Practice, PracticeSource
from gcmhub.practices.search import facets as facet_labels
from gcmhub.practices.search.backends import current_backend
from gcmhub.practices.search.indexing import FACETS
from gcmhub.practices.search.text import STOPWORDS, Term, highlight, query_terms, snippet

PER_PAGE = 20
MAX_PER_PAGE = 100
SORTS = ("relevance", "date")


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
    any of them). ``sort``: ``relevance`` (the default; newest first without
    a query) or ``date`` (newest first). Facet counts are over the results."""
    terms = query_terms(query)
    cleaned = clean_filters(filters)
    sort = sort if sort in SORTS else "relevance"
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    hits_sql, params = _hits_sql(user, terms, cleaned)

    order = "score DESC, sort_date DESC, practice_id DESC" if sort == "relevance" else "sort_date DESC, practice_id DESC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH hits AS ({hits_sql}) SELECT practice_id, score FROM hits ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, per_page, (page - 1) * per_page],
        )
        ranked = cursor.fetchall()
        counts = _facet_counts(cursor, hits_sql, params) if with_facets else None
        if counts is None:
            cursor.execute(f"WITH hits AS ({hits_sql}) SELECT COUNT(*) FROM hits", params)
            total = cursor.fetchone()[0]
        else:
            total = counts.pop(("", ""), 0)

    hits = _load_hits(ranked, terms)
    facets = facet_labels.describe(counts, cleaned) if counts is not None else []
    return SearchResult(query, cleaned, sort, page, per_page, total, hits, facets)


def _hits_sql(user, terms: list[Term], filters: dict[str, list[str]]) -> tuple[str, list]:
    """SQL listing ``(practice_id, score, sort_date)`` of every result."""
    params: list = []
    if terms:
        match_sql, match_params = current_backend().match_practices(terms)
        sql = (
            f"SELECT e.practice_id, m.score, e.sort_date FROM ({match_sql}) m "
            "JOIN practices_search_entry e ON e.practice_id = m.practice_id"
        )
        params += match_params
    else:
        sql = "SELECT e.practice_id, 0.0 AS score, e.sort_date FROM practices_search_entry e"
    visible_sql, visible_params = _visibility(user, "e.practice_id", "e.is_published", visible_practices_queryset)
    conditions, params = [visible_sql], params + visible_params
    for facet, values in filters.items():
        marks = ", ".join(["%s"] * len(values))
        conditions.append(
            "EXISTS (SELECT 1 FROM practices_search_facet f WHERE f.practice_id = e.practice_id"
            f" AND f.facet = %s AND f.value IN ({marks}))"
        )
        params += [facet, *values]
    return f"{sql} WHERE {' AND '.join(conditions)}", params


def _facet_counts(cursor, hits_sql: str, params: list) -> dict[tuple[str, str], int]:
    """``{(facet, value): count}`` over the results, plus ``("", "")``: the total."""
    cursor.execute(
        f"WITH hits AS ({hits_sql}) "
        "SELECT f.facet, f.value, COUNT(*) FROM hits JOIN practices_search_facet f ON f.practice_id = hits.practice_id"
        " GROUP BY f.facet, f.value UNION ALL SELECT '', '', COUNT(*) FROM hits",
        params,
    )
    return {(facet, value): count for facet, value, count in cursor.fetchall()}


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
    practices = Practice.objects.in_bulk(ids)
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
# Words of the title that carry the practice's subject (folded).
MIN_SUBJECT_WORD = 4


def similar_practices(user, practice: Practice, limit: int = 5) -> list[Practice]:
    """Practices like ``practice`` that ``user`` may read: those sharing the
    most words of its title (by the engine's own ranking) and the most
    objectives, population groups, countries and region with it."""
    scores: dict[int, float] = {}
    words = [w for w in query_terms(practice.title) if len(w.text) >= MIN_SUBJECT_WORD and w.text not in STOPWORDS]
    visible_sql, visible_params = _visibility(user, "e.practice_id", "e.is_published", visible_practices_queryset)
    with connection.cursor() as cursor:
        if words:
            match_sql, match_params = current_backend().match_practices(words, any_term=True)
            cursor.execute(
                f"SELECT m.practice_id, m.score FROM ({match_sql}) m JOIN practices_search_entry e"
                f" ON e.practice_id = m.practice_id WHERE m.practice_id <> %s AND {visible_sql}"
                " ORDER BY m.score DESC LIMIT 50",
                [*match_params, practice.pk, *visible_params],
            )
            rows = cursor.fetchall()
            best = max((score for _id, score in rows), default=0) or 1
            for practice_id, score in rows:
                scores[practice_id] = 4.0 * float(score) / float(best)
        weight_case = " ".join(f"WHEN '{facet}' THEN {weight}" for facet, weight in SIMILARITY_WEIGHTS.items())
        cursor.execute(
            f"SELECT other.practice_id, SUM(CASE mine.facet {weight_case} ELSE 0 END) AS likeness"
            " FROM practices_search_facet mine JOIN practices_search_facet other"
            " ON other.facet = mine.facet AND other.value = mine.value AND other.practice_id <> mine.practice_id"
            " JOIN practices_search_entry e ON e.practice_id = other.practice_id"
            f" WHERE mine.practice_id = %s AND mine.facet IN ({', '.join(['%s'] * len(SIMILARITY_WEIGHTS))})"
            f" AND {visible_sql} GROUP BY other.practice_id ORDER BY likeness DESC, other.practice_id DESC LIMIT 50",
            [practice.pk, *SIMILARITY_WEIGHTS, *visible_params],
        )
        for practice_id, likeness in cursor.fetchall():
            scores[practice_id] = scores.get(practice_id, 0.0) + float(likeness)
    ranked = sorted(scores, key=lambda pk: (-scores[pk], -pk))[:limit]
    found = Practice.objects.in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found]


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
