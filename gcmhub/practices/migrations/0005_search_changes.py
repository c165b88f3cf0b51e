"""A change log for the search index: processes patch their in-memory facet
table with the practices changed since their copy (search/matrix.py) instead
of loading it all again after every edit."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE practices_search_state ADD COLUMN seq bigint NOT NULL DEFAULT 0",
    "ALTER TABLE practices_search_state ADD COLUMN stamp varchar(32) NOT NULL DEFAULT ''",
    "CREATE TABLE practices_search_change (seq bigint NOT NULL, stamp varchar(32) NOT NULL,"
    " practice_id integer NOT NULL)",
    "CREATE INDEX practices_search_change_seq ON practices_search_change (seq)",
]
BACKWARD = [
    "DROP TABLE IF EXISTS practices_search_change",
    "ALTER TABLE practices_search_state DROP COLUMN stamp",
    "ALTER TABLE practices_search_state DROP COLUMN seq",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0004_practiceembedding")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
