"""Extraction on the shared IDM report (../shared/corpus) against our own labels.

The report is third-party text: it is read where it lies, never copied into
the repository. Skipped when the corpus is absent (set GCMHUB_SHARED_CORPUS
to its folder to run elsewhere).
"""

import os
from pathlib import Path

import pytest

from gcmhub.practices.extraction import extract_candidates, read_text_file
from gcmhub.practices.extraction.evaluation import read_labels, score

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("GCMHUB_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))
REPORT = CORPUS / "idm-2017-report.txt"
LABELS = Path(__file__).resolve().parent / "data" / "idm_labels.yaml"

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(not REPORT.exists(), reason=f"shared corpus not found at {CORPUS}"),
]


@pytest.fixture(scope="module")
def pages():
    return read_text_file(REPORT)


@pytest.fixture(scope="module")
def candidates(pages):
    return extract_candidates(pages)


def test_pages_follow_the_inline_numbers_and_stop_at_the_body_end(pages):
    assert len(pages) == 87
    assert pages[86].startswith("RECOMMENDATIONS")
    assert pages[24].startswith("THE GLOBAL COMPACT: A HISTORIC OPPORTUNITY")
    assert not any(line.strip() == "More information" for page in pages for line in page.splitlines())
    assert "Provisional Agenda DAY ONE" not in pages[86]


def test_quality_on_the_labelled_report(candidates):
    labels, labelled_pages = read_labels(LABELS)
    result = score(candidates, labels, labelled_pages)
    assert result.recall >= 0.75, result.missed
    assert result.precision >= 0.6


def test_quality_on_an_excerpt_read_alone(pages):
    """Pages 51-61 only (the others blanked, numbering kept): the same labels found."""
    excerpt = [page if 51 <= number <= 61 else "" for number, page in enumerate(pages, start=1)]
    labels, _ = read_labels(LABELS)
    inside = [label for label in labels if 52 <= label.page <= 60]
    result = score(extract_candidates(excerpt), inside, (51, 61))
    assert result.recall >= 0.75, result.missed
    assert result.precision >= 0.6


def _on(candidates, page, area=None, actor=None, objective=None):
    return [
        c for c in candidates
        if abs(c.page - page) <= 1
        and (area is None or c.area == area)
        and (actor is None or c.actor == actor)
        and (objective is None or objective in c.objectives)
    ]


def test_page_attribution_and_resolution(candidates):
    assert _on(candidates, 55, "MEX", objective=20)  # the matched-remittances programme
    assert _on(candidates, 55, "ERI", objective=20)  # "the delegate from Eritrea"
    assert _on(candidates, 60, "ECU")  # "Ecuadorean legislation"
    assert _on(candidates, 65, "GBR", actor="Bristol")  # a city
    assert _on(candidates, 32, "BEL", actor="Mechelen")  # credited in brackets
    assert _on(candidates, 58, None, actor="Khartoum Process", objective=10)  # a regional process
    assert _on(candidates, 73, None, actor="Abu Dhabi Dialogue") or _on(candidates, 74, None, actor="Abu Dhabi Dialogue")


def test_nothing_from_front_matter_or_after_the_body(candidates):
    assert all(12 <= c.page <= 87 for c in candidates)
