"""Practice search: accents and case in three languages, read rules, the
index following every save, facets, sort, snippets, similar practices,
documents, the site search and the page."""

import html

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.actors.models import Organization, User
from gcmhub.practices.models import PracticeObjective, PracticeSource
from gcmhub.practices.search import (
    rebuild_index,
    search_documents,
    search_practices,
    similar_practices,
)
from gcmhub.practices.search.text import highlight, query_terms, snippet
from tests.practices.search_helpers import make_document, make_organization, make_practice

pytestmark = pytest.mark.django_db
PUBLIC = AnonymousUser()


def titles(result):
    return [hit.practice.title for hit in result.hits]


# ---- the words of a query -------------------------------------------------------


def test_query_terms_fold_drop_common_words_and_trim_plurals():
    terms = query_terms("Alternatives to CHILD détention")
    assert [(t.text, t.prefix) for t in terms] == [("alternativ", True), ("child", True), ("detention", True)]
    assert [t.text for t in query_terms("les migraciones des Enfants")] == ["migracion", "enfant"]
    # A query of nothing but common words still searches them, whole.
    assert [(t.text, t.prefix) for t in query_terms("de la")] == [("de", False), ("la", False)]


def test_highlight_marks_words_and_escapes_the_rest():
    marked = highlight("Niños <b>& remesas</b>", query_terms("ninos remesa"))
    assert marked == "<mark>Niños</mark> &lt;b&gt;&amp; <mark>remesas</mark>&lt;/b&gt;"


def test_snippet_centres_on_the_hits():
    text = " ".join(["filler"] * 100) + " a hotline for migrant workers " + " ".join(["filler"] * 100)
    excerpt = snippet(["", text], query_terms("hotline"))
    assert "<mark>hotline</mark>" in excerpt
    assert excerpt.startswith("… ") and excerpt.endswith(" …")
    assert len(excerpt.split()) < 50


# ---- accents and case in English, French and Spanish ----------------------------


@pytest.fixture
def three_languages(db):
    return {
        "en": make_practice("Cheaper remittances through mobile money", "Transfer costs fell below 3 per cent."),
        "fr": make_practice(
            "Alternatives à la détention des enfants migrants", "Les familles sont hébergées en centre ouvert."
        ),
        "es": make_practice("Protección consular de niños migrantes", "Los consulados acompañan a las familias."),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("remittances", "en"),
        ("REMITTANCE", "en"),
        ("mobile-money", "en"),
        ("détention enfants", "fr"),
        ("DETENTION des ENFANT", "fr"),
        ("hebergees", "fr"),
        ("héberGÉES", "fr"),
        ("proteccion ninos", "es"),
        ("PROTECCIÓN NIÑOS", "es"),
        ("CONSULADOS", "es"),
        ("acompanan", "es"),
    ],
)
def test_accents_and_capitals_do_not_matter(three_languages, query, expected):
    assert titles(search_practices(PUBLIC, query)) == [three_languages[expected].title]


@pytest.mark.parametrize("query", ["niño", "NIÑOS", "enfants", "children"])
def test_synonyms_cross_languages(three_languages, query):
    """search_synonyms.yaml: "niño", "enfant" and "child" find each other."""
    found = titles(search_practices(PUBLIC, query))
    assert sorted(found) == sorted([three_languages["fr"].title, three_languages["es"].title])


def test_synonyms_are_data_and_only_widen_their_group(three_languages):
    from gcmhub.practices.search.text import query_terms, synonyms

    assert ("remesa", True) in synonyms()["remittance"]
    assert query_terms("remittances")[0].matches("remesas")
    assert not query_terms("remittances")[0].matches("recruitment")
    assert titles(search_practices(PUBLIC, "remesas")) == [three_languages["en"].title]
    assert search_practices(PUBLIC, "minorities").total == 0  # "minor=" is matched whole


def test_every_word_must_occur(three_languages):
    both = search_practices(PUBLIC, "consular enfants")  # "enfants" alone also finds the French one
    assert titles(both) == [three_languages["es"].title]
    assert not both.any_term and both.notices == []
    assert search_practices(PUBLIC, "migrant").total == 2  # migrants, migrantes


# ---- when no practice has every word: any of them --------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("remittances to orphans", ["en"]),  # en
        ("envois de fonds orphelins", ["en"]),  # fr: "envois de fonds" through objective 20's French title
        ("envíos de remesas", ["en"]),  # es: "envíos" is in no practice, "remesas" finds remittances
        ("remittances enfants", ["en", "fr", "es"]),
    ],
)
def test_no_practice_with_every_word_falls_back_to_any_of_them(three_languages, query, expected):
    three_languages["en"].objective_links.create(objective=_objective(20), position=0)
    result = search_practices(PUBLIC, query)
    assert sorted(titles(result)) == sorted(three_languages[key].title for key in expected)
    assert result.any_term
    assert result.notices == ["No practice matches all the words; showing practices that match any of them."]


def test_the_fallback_needs_several_words_and_a_match(three_languages):
    for query in ("orphans", "orphans zzyzx"):
        result = search_practices(PUBLIC, query)
        assert (result.total, result.any_term, result.notices) == (0, False, [])


def test_the_fallback_looks_at_what_the_reader_may_read_and_the_filters_keep(three_languages):
    make_practice("Remittances for children's schooling", published=False)  # every word, but a draft
    result = search_practices(PUBLIC, "remittances enfants", {"stage": "destination"})
    assert result.any_term and result.total == 3
    assert search_practices(PUBLIC, "remittances enfants", {"stage": "transit"}).total == 0


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "No practice matches all the words; showing practices that match any of them."),
        ("fr", "Aucune pratique ne contient tous les mots ; voici celles qui en contiennent au moins un."),
        ("es", "Ninguna práctica contiene todas las palabras; se muestran las que contienen alguna."),
    ],
)
def test_the_page_and_the_api_say_when_they_fall_back(client, three_languages, language, notice):
    page = client.get(f"/{language}/practices/search/", {"q": "envíos de remesas"}).content.decode()
    assert notice in html.unescape(page)
    assert "through mobile money" in page  # the title, its matched word marked
    listed = client.get("/api/v1/practices", {"q": "envíos de remesas"}, HTTP_ACCEPT_LANGUAGE=language).json()
    assert listed["notices"] == [notice]
    assert [item["id"] for item in listed["items"]] == [three_languages["en"].pk]
    every_word = client.get("/api/v1/practices", {"q": "remesas"}, HTTP_ACCEPT_LANGUAGE=language).json()
    assert every_word["notices"] == [] and every_word["count"] == 1


def test_objective_titles_in_three_languages_find_practices(db):
    practice = make_practice("A one-stop shop", "Advice in one place.", objectives=[20])  # remittances
    # The objective's short title in French or Spanish finds an English practice.
    for query in ("remittances", "envois de fonds", "remesas"):
        assert titles(search_practices(PUBLIC, query)) == [practice.title], query


# ---- read rules -----------------------------------------------------------------


def test_the_public_finds_published_practices_only(db):
    make_practice("Labour inspection of recruitment agencies", published=False)
    published = make_practice("Recruitment fee ban", "No fees charged to workers.")
    assert titles(search_practices(PUBLIC, "recruitment")) == [published.title]
    assert titles(search_practices(None, "recruitment")) == [published.title]


def test_signed_in_readers_find_what_view_practice_allows(db):
    services = pytest.importorskip("gcmhub.practices.services")
    author = User.objects.create_user("author", password="x" * 12, role=User.Role.CONTRIBUTOR,
                                      organization=make_organization("Helpers"))
    other = User.objects.create_user("other", password="x" * 12, role=User.Role.CONTRIBUTOR,
                                     organization=make_organization("Others"))
    reviewer = User.objects.create_user("rev", password="x" * 12, role=User.Role.REVIEWER)
    draft = make_practice("Recruitment monitoring draft", published=False, created_by=author)
    make_practice("Recruitment fee ban")
    for user in (author, other, reviewer, PUBLIC):
        found = {hit.practice.pk for hit in search_practices(user, "recruitment").hits}
        allowed = set(services.visible_practices(user).filter(pk__in=found | {draft.pk}).values_list("pk", flat=True))
        assert found == allowed, user
    assert draft.pk in {hit.practice.pk for hit in search_practices(author, "recruitment").hits}
    assert draft.pk not in {hit.practice.pk for hit in search_practices(other, "recruitment").hits}


# ---- the index follows every save -----------------------------------------------


def test_the_index_follows_edits_publication_links_and_deletion(db):
    practice = make_practice("Skills partnership", "Training before departure.")
    assert search_practices(PUBLIC, "skills").total == 1

    practice.title = "Talent partnership"
    practice.save()
    assert search_practices(PUBLIC, "skills").total == 0
    assert search_practices(PUBLIC, "talent").total == 1

    PracticeSource.objects.create(practice=practice, page=4, passage="Apprentices were certified in Tunisia.")
    assert search_practices(PUBLIC, "apprentices certified").total == 1

    link = PracticeObjective.objects.create(practice=practice, objective_id=_objective_id(18), position=0)
    assert search_practices(PUBLIC, "", {"objective": "18"}).total == 1
    link.delete()
    assert search_practices(PUBLIC, "", {"objective": "18"}).total == 0

    practice.is_published = False
    practice.save()
    assert search_practices(PUBLIC, "talent").total == 0

    practice.is_published = True
    practice.save()
    practice.delete()
    assert search_practices(PUBLIC, "talent").total == 0


def test_organisation_and_country_changes_reach_the_index(db):
    organization = make_organization("Fundación Esperanza")
    practice = make_practice("Legal aid desk", organizations=[organization])
    assert search_practices(PUBLIC, "fundacion esperanza").total == 1
    organization.name = "Esperanza Trust"
    organization.save()
    assert search_practices(PUBLIC, "fundacion").total == 0
    assert search_practices(PUBLIC, "esperanza trust").total == 1
    from gcmhub.geo.models import Area

    practice.areas.add(Area.objects.get(iso3="ECU"))
    assert titles(search_practices(PUBLIC, "Équateur")) == ["Legal aid desk"]
    assert search_practices(PUBLIC, "", {"area": "ecu"}).total == 1


def test_rebuilding_the_index_finds_the_same(db, three_languages):
    before = [titles(search_practices(PUBLIC, q)) for q in ("migrant", "remittances", "ninos")]
    assert rebuild_index()[0] == 3
    assert [titles(search_practices(PUBLIC, q)) for q in ("migrant", "remittances", "ninos")] == before


# ---- facets, filters, sort, pages -----------------------------------------------


@pytest.fixture
def catalogue(db):
    union = make_organization("Domestic Workers Union", Organization.Kind.TRADE_UNION)
    ministry = make_organization("Ministry of Labour", Organization.Kind.GOVERNMENT)
    return [
        make_practice("Fair recruitment corridor", "Recruitment without fees for domestic workers.",
                      areas=["PHL"], objectives=[6, 22], stage="pre_departure",
                      population_groups=["migrant_workers", "domestic_workers"], organizations=[union], days_ago=30),
        make_practice("Ethical recruitment certification", "Agencies certified for fair recruitment.",
                      areas=["KEN"], objectives=[6], stage="pre_departure", state="completed",
                      population_groups=["migrant_workers"], organizations=[ministry], days_ago=5),
        make_practice("Shelter for children in transit", "Alternatives to detention for children.",
                      areas=["MEX", "GTM"], objectives=[13, 7], stage="transit",
                      population_groups=["children"], days_ago=1),
    ]


def facet(result, key):
    return {entry.value: entry.count for entry in next(f for f in result.facets if f.key == key).values}


def test_facet_counts_cover_the_results(catalogue):
    result = search_practices(PUBLIC, "recruitment")
    assert result.total == 2
    assert facet(result, "objective") == {"6": 2, "22": 1}
    assert facet(result, "area") == {"PHL": 1, "KEN": 1}
    assert facet(result, "region") == {"142": 1, "002": 1}  # Asia, Africa
    assert facet(result, "stage") == {"pre_departure": 2}
    assert facet(result, "population") == {"migrant_workers": 2, "domestic_workers": 1}
    assert facet(result, "org_type") == {"trade-union": 1, "ministry-agency": 1}
    assert facet(result, "state") == {"ongoing": 1, "completed": 1}
    everything = search_practices(PUBLIC, "")
    assert everything.total == 3
    assert facet(everything, "region") == {"142": 1, "002": 1, "019": 1}  # Americas once for MEX and GTM


def test_filters_narrow_and_values_of_one_facet_widen(catalogue):
    assert titles(search_practices(PUBLIC, "recruitment", {"state": "completed"})) == [
        "Ethical recruitment certification"
    ]
    assert search_practices(PUBLIC, "", {"area": ["PHL", "MEX"]}).total == 2
    assert search_practices(PUBLIC, "", {"area": ["PHL", "MEX"], "objective": "13"}).total == 1
    assert search_practices(PUBLIC, "", {"region": "019", "population": "children"}).total == 1
    assert search_practices(PUBLIC, "", {"org_type": "trade-union"}).total == 1
    assert search_practices(PUBLIC, "", {"unknown": "x", "stage": ""}).total == 3
    selected = search_practices(PUBLIC, "shelter", {"objective": "6"})
    assert selected.total == 0
    labelled = next(f for f in selected.facets if f.key == "objective").values
    assert [(v.value, v.count, v.selected) for v in labelled] == [("6", 0, True)]
    assert labelled[0].label.startswith("6. ")


def test_relevance_puts_title_matches_first_and_date_sort_newest(catalogue):
    by_relevance = titles(search_practices(PUBLIC, "fair"))
    assert by_relevance == ["Fair recruitment corridor", "Ethical recruitment certification"]
    by_date = titles(search_practices(PUBLIC, "fair", sort="date"))
    assert by_date == ["Ethical recruitment certification", "Fair recruitment corridor"]
    assert titles(search_practices(PUBLIC, "", sort="date"))[0] == "Shelter for children in transit"


def test_pages(catalogue):
    first = search_practices(PUBLIC, "", sort="date", per_page=2)
    second = search_practices(PUBLIC, "", sort="date", page=2, per_page=2)
    assert (first.pages, first.has_next, second.has_previous) == (2, True, True)
    assert len(first.hits) == 2 and len(second.hits) == 1
    assert not set(titles(first)) & set(titles(second))


def test_hits_carry_highlighted_title_and_snippet(catalogue):
    hit = search_practices(PUBLIC, "detention children").hits[0]
    assert hit.title == "Shelter for <mark>children</mark> in transit"
    assert hit.snippet == "Alternatives to <mark>detention</mark> for <mark>children</mark>."


# ---- similar practices ----------------------------------------------------------


def test_similar_practices_share_subject_and_facets(catalogue):
    fair, ethical, shelter = catalogue
    make_practice("Recruitment draft", objectives=[6], published=False)
    similar = similar_practices(PUBLIC, fair)
    assert similar[0] == ethical
    assert fair not in similar
    assert "Recruitment draft" not in [p.title for p in similar]
    assert similar_practices(PUBLIC, shelter) == []  # nothing in common with the others
    guardianship = make_practice("Guardianship for unaccompanied children", population_groups=["children"])
    assert similar_practices(PUBLIC, shelter) == [guardianship]


# ---- documents ------------------------------------------------------------------


def test_documents_are_found_by_page_with_the_page_number(db):
    report = make_document("Informe regional", ["Introduction générale.", "Le programme d’accueil à Mechelen."])
    make_document("Private notes", ["Programme d’accueil, brouillon."], published=False)
    hits = search_documents(PUBLIC, "programme accueil")
    assert [(hit.document, hit.page) for hit in hits] == [(report, 2)]
    assert "<mark>programme</mark>" in hits[0].snippet
    assert [hit.page for hit in search_documents(PUBLIC, "INFORME")] == [0]  # the title row
    page = report.pages.get(number=2)
    page.text = "Nothing left here."
    page.save()
    assert search_documents(PUBLIC, "accueil") == []
    report.delete()
    assert search_documents(PUBLIC, "informe") == []


# ---- site search and page -------------------------------------------------------


def test_site_search_lists_practices_in_engine_order(catalogue):
    from gcmhub.web.search import search

    groups = {group.key: group for group in search("recruitment", PUBLIC)}
    assert [r.title for r in groups["practices"].results] == titles(search_practices(PUBLIC, "recruitment"))
    assert len(groups["practices"].results) == 2
    assert "<mark>" not in groups["practices"].results[0].summary
    assert groups["practices"].results[0].url == f"/en/practices/{search_practices(PUBLIC, 'recruitment').hits[0].practice.pk}/"


def test_the_search_page_shows_results_facets_and_marks(client, catalogue):
    response = client.get("/en/practices/search/", {"q": "recruitment", "stage": "pre_departure"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 practices for “recruitment”." in html
    assert "<mark>recruitment</mark>" in html
    assert 'name="objective" value="6"' in html
    assert 'name="stage" value="pre_departure" checked' in html
    assert f'href="/en/practices/{catalogue[0].pk}/"' in html
    french = client.get("/fr/practices/search/", {"q": "ÉTHICAL"}).content.decode()
    assert "Rechercher des bonnes pratiques" in french
    assert "1 pratique pour « ÉTHICAL »." in french
    assert "<mark>Ethical</mark>" in french


def test_the_search_page_survives_odd_input(client, catalogue):
    for params in ({"q": "\"*^:() OR NOT"}, {"page": "x"}, {"page": "999"}, {"sort": "nope"}, {"q": "a" * 500}):
        assert client.get("/en/practices/search/", params).status_code == 200, params


def _objective_id(number):
    from gcmhub.framework.models import Objective

    return Objective.objects.get(number=number).pk


def test_broad_queries_put_title_matches_first_without_the_engine_ranking(catalogue, monkeypatch):
    from gcmhub.practices.search import query

    make_practice("Newest practice", "About recruitment, in the summary only.")
    ranked = titles(search_practices(PUBLIC, "recruitment"))
    monkeypatch.setattr(query, "RANK_LIMIT", 1)  # three practices match: too many to rank
    broad = titles(search_practices(PUBLIC, "recruitment"))
    assert broad == ["Ethical recruitment certification", "Fair recruitment corridor", "Newest practice"]
    assert sorted(broad) == sorted(ranked)
    assert search_practices(PUBLIC, "recruitment").order == "title"
    assert search_practices(PUBLIC, "recruitment", sort="date").notices == []


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Too many practices"), ("fr", "Trop de pratiques"), ("es", "Demasiadas prácticas")],
)
def test_the_page_says_when_there_are_too_many_matches_to_rank(client, catalogue, monkeypatch, language, words):
    from gcmhub.practices.search import query

    ranked = client.get(f"/{language}/practices/search/", {"q": "recruitment"}).content.decode()
    monkeypatch.setattr(query, "RANK_LIMIT", 1)
    # Another address than the first: anonymous pages are cached per address and data version.
    broad = client.get(f"/{language}/practices/search/", {"q": "recruitment", "page": "1"}).content.decode()
    assert words not in ranked
    assert words in broad


def test_a_rolled_back_write_leaves_no_stale_facets(catalogue):
    from django.db import transaction

    before = facet(search_practices(PUBLIC, ""), "stage")
    try:
        with transaction.atomic():
            make_practice("Temporary", stage="return")
            assert facet(search_practices(PUBLIC, ""), "stage")["return"] == 1
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert facet(search_practices(PUBLIC, ""), "stage") == before


def test_matching_ids_give_the_search_order_for_list_apis(catalogue):
    from gcmhub.practices.search import matching_ids

    assert matching_ids(PUBLIC, "recruitment") == [h.practice.pk for h in search_practices(PUBLIC, "recruitment").hits]
    assert matching_ids(PUBLIC, "", {"stage": "transit"}) == [catalogue[2].pk]


def test_pages_stored_in_bulk_by_the_library_are_searchable(db):
    from gcmhub.practices.library import store_pages

    report = make_document("Workshop report", [])
    store_pages(report, ["Opening remarks.", "The city of Prato opened a one-stop shop for newcomers."])
    assert [(hit.document, hit.page) for hit in search_documents(PUBLIC, "prato one-stop")] == [(report, 2)]


def test_real_queries_find_the_demo_practices(db):
    from gcmhub.practices.demo import load_demo_practices

    load_demo_practices()
    for query in ("remittances", "fair recruitment", "child detention alternatives", "RECRUITMENT fees"):
        assert search_practices(PUBLIC, query).total >= 1, query
    assert search_documents(PUBLIC, "Prato")


def test_the_reindex_command_rebuilds_the_index(three_languages):
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM practices_search_facet")
        cursor.execute("UPDATE practices_search_state SET token = 'emptied'")
    assert search_practices(PUBLIC, "", {"stage": "destination"}).total == 0
    out = StringIO()
    call_command("practices", "reindex", stdout=out)
    assert "3 practices, 0 documents" in out.getvalue()
    assert search_practices(PUBLIC, "", {"stage": "destination"}).total == 3


def _objective(number):
    from gcmhub.framework.models import Objective

    return Objective.objects.get(number=number)
