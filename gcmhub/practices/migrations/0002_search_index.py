"""The full-text index of practices and documents (gcmhub/practices/search).

Plain SQL per database: an FTS5 table on SQLite, a tsvector column with a
GIN index on PostgreSQL, and the same entry, facet and page tables on both.
No Django model reads them; ``gcmhub.practices.search`` does.
"""

from django.db import migrations

COMMON = [
    # A new random token on every index write: processes keep facet tables in
    # memory (search/matrix.py) and reload them when the token changes.
    "CREATE TABLE practices_search_state (token varchar(32) NOT NULL)",
    "INSERT INTO practices_search_state (token) VALUES ('initial')",
    "CREATE INDEX practices_search_entry_date ON practices_search_entry (sort_date)",
    "CREATE TABLE practices_search_facet (practice_id integer NOT NULL, facet varchar(16) NOT NULL,"
    " value varchar(64) NOT NULL)",
    # Filters find practices by value; facet counts read values by practice.
    "CREATE INDEX practices_search_facet_value ON practices_search_facet (facet, value, practice_id)",
    "CREATE INDEX practices_search_facet_practice ON practices_search_facet (practice_id, facet, value)",
    "CREATE INDEX practices_search_page_document ON practices_search_page (document_id)",
]

CREATE = {
    "sqlite": [
        "CREATE TABLE practices_search_entry (practice_id integer PRIMARY KEY, is_published bool NOT NULL,"
        " sort_date bigint NOT NULL)",
        "CREATE TABLE practices_search_page (page_id integer PRIMARY KEY, document_id integer NOT NULL,"
        " number integer NOT NULL, is_published bool NOT NULL)",
        *COMMON,
        # Text arrives folded (lower-case ASCII); the tokenizer's own folding is a second guard.
        "CREATE VIRTUAL TABLE practices_search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')",
        "CREATE VIRTUAL TABLE practices_search_page_fts USING fts5(title, body,"
        " tokenize = 'unicode61 remove_diacritics 2')",
    ],
    "postgresql": [
        "CREATE TABLE practices_search_entry (practice_id integer PRIMARY KEY, is_published boolean NOT NULL,"
        " sort_date bigint NOT NULL, document tsvector NOT NULL)",
        "CREATE TABLE practices_search_page (page_id integer PRIMARY KEY, document_id integer NOT NULL,"
        " number integer NOT NULL, is_published boolean NOT NULL, document tsvector NOT NULL)",
        *COMMON,
        "CREATE INDEX practices_search_entry_document ON practices_search_entry USING gin (document)",
        "CREATE INDEX practices_search_page_text ON practices_search_page USING gin (document)",
    ],
}

DROP = {
    "sqlite": [
        "DROP TABLE IF EXISTS practices_search_fts",
        "DROP TABLE IF EXISTS practices_search_page_fts",
    ],
    "postgresql": [],
}
DROP_COMMON = [
    "DROP TABLE IF EXISTS practices_search_state",
    "DROP TABLE IF EXISTS practices_search_facet",
    "DROP TABLE IF EXISTS practices_search_entry",
    "DROP TABLE IF EXISTS practices_search_page",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in CREATE:
            raise RuntimeError(f"practice search supports SQLite and PostgreSQL, not {vendor}")
        for sql in statements(vendor):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run(lambda vendor: CREATE[vendor]),
            _run(lambda vendor: DROP[vendor] + DROP_COMMON),
        ),
    ]
