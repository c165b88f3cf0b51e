"""The search index's ``situation`` facet (search/indexing.py) for practices
tagged before it existed: the same rows a save writes, so no reindex is needed
after upgrading. A new token makes processes reload their facet tables."""

from django.db import migrations

FORWARD = [
    "INSERT INTO practices_search_facet (practice_id, facet, value)"
    " SELECT link.practice_id, 'situation', situation.code"
    " FROM practices_practice_situations link"
    " JOIN protection_situation situation ON situation.id = link.situation_id"
    " JOIN practices_search_entry entry ON entry.practice_id = link.practice_id",
    "UPDATE practices_search_state SET token = 'situation-facet'",
]
BACKWARD = [
    "DELETE FROM practices_search_facet WHERE facet = 'situation'",
    "UPDATE practices_search_state SET token = 'no-situation-facet'",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0005_search_changes"), ("protection", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
