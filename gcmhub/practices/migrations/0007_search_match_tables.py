"""PostgreSQL: two narrow tables that only say which practices hold which words
(search/backends.py, ``PostgreSQLBackend``), filled from the entries already
indexed, so no reindex is needed after upgrading.

``practices_search_words`` holds a practice's title and body words and
``practices_search_title`` its title words, both without positions or weights
(``strip``); ranking still reads the weighted vector of the entry row. The
title words are the entry's lexemes of weight A, the weight titles are
written with. SQLite matches through its FTS5 table and needs neither.
"""

from django.db import migrations

FORWARD = [
    "CREATE TABLE practices_search_words (practice_id integer PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE TABLE practices_search_title (practice_id integer PRIMARY KEY, document tsvector NOT NULL)",
    "INSERT INTO practices_search_words (practice_id, document)"
    " SELECT practice_id, strip(document) FROM practices_search_entry",
    "INSERT INTO practices_search_title (practice_id, document)"
    " SELECT practice_id, strip(ts_filter(document, '{a}')) FROM practices_search_entry",
    "CREATE INDEX practices_search_words_document ON practices_search_words USING gin (document)",
    "CREATE INDEX practices_search_title_document ON practices_search_title USING gin (document)",
    "ANALYZE practices_search_words",
    "ANALYZE practices_search_title",
]
BACKWARD = [
    "DROP TABLE IF EXISTS practices_search_words",
    "DROP TABLE IF EXISTS practices_search_title",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0006_search_situation_facet")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
