"""The demo practices: loaded from the shared report with their page and
passage, published, paraphrased (no run of eight words copied from the
passage), findable by the searches the issue names; loading twice changes nothing."""

import re
import pytest
import yaml
from django.contrib.auth.models import AnonymousUser

from gcmhub.practices import demo
from gcmhub.practices.models import Candidate, Practice
from gcmhub.practices.search import search_practices

REPORT = demo.corpus_dir() / "idm-2017-report.txt"
pytestmark = pytest.mark.skipif(not REPORT.exists(), reason="the shared corpus is not next to this checkout")


def demo_sha256() -> str:
    return yaml.safe_load(demo.DATA_FILE.read_text())["report"]["sha256"]


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shared_runs(a: str, b: str, size: int = 8) -> set:
    def runs(text):
        tokens = words(text)
        return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}

    return runs(a) & runs(b)


@pytest.fixture
def loaded(db, settings, tmp_path):
    settings.GCMHUB_PRIVATE_FILES_DIR = tmp_path / "private"
    return demo.load_demo_practices()


def test_every_reviewed_practice_is_published_with_page_and_passage(loaded):
    spec = yaml.safe_load(demo.DATA_FILE.read_text())
    practices = Practice.objects.filter(sources__document__sha256=demo_sha256())
    assert loaded.practices == len(spec["practices"]) == practices.count() >= 20
    for practice in practices:
        assert practice.is_published and practice.review_state == "published"
        source = practice.sources.get()
        assert source.document == loaded.document and source.page
        # The offsets still fall on whole words of the report as it is read.
        page = source.document.pages.get(number=source.page)
        start, end = source.span_start - page.offset, source.span_end - page.offset
        assert page.text[start:end] == source.passage
        assert (start == 0 or not page.text[start - 1].isalnum()) and not page.text[end : end + 1].isalnum(), source.passage
        assert not shared_runs(practice.summary, source.passage), practice.title
    _candidates_decided(loaded)


def _candidates_decided(loaded):
    decided = loaded.document.candidates.exclude(decision=Candidate.Decision.PENDING)
    assert decided.count() >= 10
    assert loaded.document.candidates.filter(decision=Candidate.Decision.PENDING).exists()


QUERIES = {
    "remittances": "Public funds matching diaspora remittances",
    "fair recruitment": "Enforcing the ban on recruitment fees",
    "unaccompanied children": "Law on unaccompanied minors",
    "child detention alternatives": "Law on unaccompanied minors",
    "remesas": "Public funds matching diaspora remittances",
    "detained": "Decree providing legal assistance to returning migrants",
}


def test_real_queries_find_the_practices_and_loading_twice_changes_nothing(loaded):
    for query, expected in QUERIES.items():
        result = search_practices(AnonymousUser(), query, {}, "relevance", 1)
        titles = [hit.practice.title for hit in result.hits]
        assert any(title.startswith(expected) for title in titles), (query, titles)
    again = demo.load_demo_practices()
    assert again.skipped == "already loaded"
    assert Practice.objects.filter(sources__document__sha256=demo_sha256()).count() == loaded.practices


def test_practices_about_people_in_situations_of_vulnerability_are_tagged(loaded, client):
    spec = {item["title"]: item.get("situations", []) for item in yaml.safe_load(demo.DATA_FILE.read_text())["practices"]}
    tagged = Practice.objects.filter(sources__document__sha256=demo_sha256(), situations__isnull=False).distinct()
    assert tagged.count() == sum(1 for codes in spec.values() if codes) >= 10
    for practice in tagged:
        assert set(practice.situations.values_list("code", flat=True)) == set(spec[practice.title])
    listed = client.get("/en/practices/?situation=trafficking_victim").content.decode()
    assert "Joint procedures for handling trafficking cases and reintegrating victims" in listed
    assert "Public funds matching diaspora remittances" not in listed
