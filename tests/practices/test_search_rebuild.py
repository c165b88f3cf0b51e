"""A full rebuild of the search index (read in bulk, written in one
transaction) holds exactly what saving each record one by one produced."""

import pytest
from django.db import connection

from gcmhub.actors.models import Organization
from gcmhub.geo.models import Area
from gcmhub.practices.models import PracticeSource
from gcmhub.practices.search import matrix, rebuild_index
from gcmhub.practices.search.indexing import index_practices

from .search_helpers import make_organization, make_practice

pytestmark = pytest.mark.django_db


def index_contents() -> dict:
    """Every row of the practice index, in a comparable form."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT practice_id, is_published, sort_date FROM practices_search_entry ORDER BY practice_id")
        entries = [(pk, bool(published), date) for pk, published, date in cursor.fetchall()]
        cursor.execute("SELECT practice_id, facet, value FROM practices_search_facet ORDER BY 1, 2, 3")
        facets = cursor.fetchall()
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid, title, body FROM practices_search_fts ORDER BY rowid")
        else:
            # The two match tables (migration 0007) beside the weighted vector.
            cursor.execute(
                "SELECT entry.practice_id, entry.document::text, words.document::text || ' / ' || title.document::text"
                " FROM practices_search_entry entry"
                " LEFT JOIN practices_search_words words ON words.practice_id = entry.practice_id"
                " LEFT JOIN practices_search_title title ON title.practice_id = entry.practice_id"
                " ORDER BY entry.practice_id"
            )
        text = cursor.fetchall()
    return {"entries": entries, "facets": facets, "text": text}


@pytest.fixture
def saved_one_by_one(db):
    union = make_organization("Syndicat des travailleuses domestiques", Organization.Kind.TRADE_UNION)
    ministry = make_organization("Ministerio de Trabajo", Organization.Kind.GOVERNMENT, iso3="MEX")
    practices = [
        make_practice("Recrutement équitable", "Sans frais pour les travailleuses.", areas=["PHL", "ARE"],
                      objectives=[6, 22], stage="pre_departure", population_groups=["migrant_workers", "women"],
                      organizations=[union, ministry], days_ago=30),
        make_practice("Alternativas a la detención de niños", "Albergues abiertos.", areas=["MEX"], objectives=[13],
                      stage="transit", state="completed", population_groups=["children"], days_ago=3),
        make_practice("Brouillon", "Not yet published.", published=False, objectives=[20]),
        make_practice("A regional practice", "Across the Sahel.", results="Fewer deaths.", evidence="Reports.",
                      replicability="Needs partners."),
    ]  # fmt: skip
    practices[3].areas.add(Area.objects.get(m49="002"))  # a region itself, not a country
    PracticeSource.objects.create(practice=practices[0], page=3, passage="Les agences certifiées ne facturent rien.")
    ministry.name = "Secretaría del Trabajo"
    ministry.save()  # renaming an organisation re-indexes its practices
    return practices


def test_a_rebuild_holds_what_saving_record_by_record_produced(saved_one_by_one):
    saved = index_contents()
    assert len(saved["entries"]) == 4
    assert any("secretaria del trabajo" in body for *_pk, body in saved["text"]) or connection.vendor != "sqlite"

    assert rebuild_index() == (4, 0)
    assert index_contents() == saved

    index_practices([p.pk for p in saved_one_by_one])  # and re-indexing them all again changes nothing
    assert index_contents() == saved


def test_a_rebuild_starts_a_new_generation_without_logging_each_practice(saved_one_by_one):
    with connection.cursor() as cursor:
        before = matrix.current_state(cursor)
        rebuild_index()
        after = matrix.current_state(cursor)
        cursor.execute("SELECT COUNT(*) FROM practices_search_change WHERE seq > %s", [before[1]])
        logged = cursor.fetchone()[0]
    assert after[0] != before[0]
    assert logged == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's match tables")
def test_the_match_tables_hold_what_the_migration_derives_from_the_entries(saved_one_by_one):
    """Migration 0007 fills the match tables from the weighted vectors; every
    save writes them from the text. Both must give the same words."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE words.document = strip(entry.document)"
            " AND title.document = strip(ts_filter(entry.document, '{a}')) AND title.document <> ''::tsvector)"
            " FROM practices_search_entry entry"
            " JOIN practices_search_words words ON words.practice_id = entry.practice_id"
            " JOIN practices_search_title title ON title.practice_id = entry.practice_id"
        )
        rows, agreeing = cursor.fetchone()
    assert rows == len(saved_one_by_one) and agreeing == rows


# (query, the same in titles only: weight A, which titles are written with, and how many practices it finds)
MATCHES = [
    ("recrutement:*", "recrutement:*A", 1),
    ("sans & frais:*", "sans:A & frais:*A", 0),
    ("alternativa:* | sahel", "alternativa:*A | sahel:A", 1),
    ("trabajo", "trabajo:A", 0),
    ("zzz", "zzz:A", 0),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's match function")
@pytest.mark.parametrize("query, in_titles, found_in_titles", MATCHES)
def test_the_match_function_finds_what_the_weighted_vectors_hold(saved_one_by_one, query, in_titles, found_in_titles):
    """``practices_search_match`` reads the narrow tables; it must find exactly
    the practices whose weighted vector matches."""
    from gcmhub.practices.search.backends import PostgreSQLBackend

    def ids(sql, params) -> set[int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            joined = cursor.fetchone()[0]
        return {int(pk) for pk in joined.split(",")} if joined else set()

    weighted = "SELECT string_agg(practice_id::text, ',') FROM practices_search_entry WHERE document @@ to_tsquery('simple', %s)"
    match = "SELECT practices_search_match(to_tsquery('simple', %s), %s)"
    assert ids(match, [query, False]) == ids(weighted, [query])
    assert ids(match, [query, True]) == ids(weighted, [in_titles])
    assert len(ids(match, [query, True])) == found_in_titles
    assert PostgreSQLBackend().match_practices([], title_only=True)[0] == match
