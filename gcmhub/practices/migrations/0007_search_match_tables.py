"""PostgreSQL: two narrow tables that only say which practices hold which words
(search/backends.py, ``PostgreSQLBackend``), filled from the entries already
indexed, so no reindex is needed after upgrading.

``practices_search_words`` holds a practice's title and body words and
``practices_search_title`` its title words, both without positions or weights
(``strip``); ranking still reads the weighted vector of the entry row. The
title words are the entry's lexemes of weight A, the weight titles are
written with. SQLite matches through its FTS5 table and needs neither.

``practices_search_match(query, title_only)`` returns the ids of the matching
practices joined by commas, read through the GIN index: its own setting
turns off sequential scans while it runs. On these narrow rows the index
wins even when nine practices in ten match (22 against 31 ms with 50,000
practices; 19 against 51 ms for a query of fourteen words), but the planner
underrates the cost of testing each row against a query of many words and
often picked the scan.
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
    """CREATE FUNCTION practices_search_match(query tsquery, title_only boolean) RETURNS text
    LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
    BEGIN
        IF title_only THEN
            RETURN (SELECT string_agg(practice_id::text, ',') FROM practices_search_title WHERE document @@ query);
        END IF;
        RETURN (SELECT string_agg(practice_id::text, ',') FROM practices_search_words WHERE document @@ query);
    END
    $$""",
]
BACKWARD = [
    "DROP FUNCTION IF EXISTS practices_search_match(tsquery, boolean)",
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
