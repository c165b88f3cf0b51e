"""Full-text search over good practices and documents.

One interface, two engines (``backends``): SQLite FTS5 on the embedded
default, PostgreSQL full-text search in production. Accents and capitals
never matter, in English, French or Spanish (``text``); the index follows
every save (``indexing``); results come with facet counts, highlighted
snippets and a relevance or date order (``query``). See
docs/practices.md ("Searching good practices and documents").

Public entry points::

    search_practices(user, query, filters, sort, page) -> SearchResult
    matching_ids(user, query, filters, sort) -> list[int]  (for list APIs)
    search_documents(user, query) -> list[DocumentHit]
    similar_practices(user, practice, limit=5) -> list[Practice]
    index_practices(ids), index_document(id), rebuild_index()
"""

from gcmhub.practices.search.indexing import index_document, index_practices, rebuild_index
from gcmhub.practices.search.query import (
    SORTS,
    DocumentHit,
    Facet,
    FacetValue,
    PracticeHit,
    SearchResult,
    matching_ids,
    search_documents,
    search_practices,
    similar_practices,
)

__all__ = [
    "SORTS",
    "DocumentHit",
    "Facet",
    "FacetValue",
    "PracticeHit",
    "SearchResult",
    "index_document",
    "index_practices",
    "matching_ids",
    "rebuild_index",
    "search_documents",
    "search_practices",
    "similar_practices",
]
