"""Extraction on held-out pages of the shared IDM report (../shared/corpus).

tests/practices/data/idm_labels_heldout.yaml is a second, independent reading
of pages 49-64, labelled from the text before the extractor's output for
those pages was looked at. Each block of pages is read alone (the other pages
blanked, numbering kept), so what is found there cannot lean on the rest of
the report. The report is third-party text: read where it lies, never copied.
"""

from pathlib import Path

import pytest

from gcmhub.practices.extraction import extract_candidates
from gcmhub.practices.extraction.evaluation import read_labels, score
from tests.practices.test_extract_report import CORPUS, REPORT, pages  # noqa: F401

HELDOUT = Path(__file__).resolve().parent / "data" / "idm_labels_heldout.yaml"

pytestmark = [
    pytest.mark.real,
    pytest.mark.skipif(not REPORT.exists(), reason=f"shared corpus not found at {CORPUS}"),
]


def _excerpt(pages, first, last):  # noqa: F811
    return [page if first <= number <= last else "" for number, page in enumerate(pages, start=1)]


@pytest.fixture(scope="module")
def heldout():
    return read_labels(HELDOUT)


@pytest.mark.parametrize(("first", "last"), [(49, 52), (55, 58), (59, 63)])
def test_a_block_of_heldout_pages_read_alone(pages, heldout, first, last):  # noqa: F811
    labels, _ = heldout
    inside = [label for label in labels if first <= label.page <= last]
    result = score(extract_candidates(_excerpt(pages, first, last)), inside, (first, last))
    assert result.firm_recall >= 0.8, result.missed
    assert result.precision >= 0.7, [c.summary[:80] for c in result.unmatched]


@pytest.mark.parametrize(
    ("first", "last", "page", "area", "actor", "objective"),
    [
        (55, 56, 56, "COG", None, 19),  # "the Government of the Congo": a short name by UN usage
        (52, 53, 53, None, "Global Migration Group", 7),  # guidelines developed by a body another speaker reviews
        (57, 58, 58, None, "Khartoum Process", 10),  # a regional process, no country
        (59, 60, 60, "ITA", "Community of Sant Egidio", 5),  # an organisation with a home country
        (55, 55, 55, "ERI", None, 20),  # "the delegate from Eritrea"
        (56, 57, 57, "MMR", None, 4),  # one clause of a sentence listing several measures
        (60, 60, 60, "ECU", None, 16),  # "Ecuadorean legislation": a demonym
    ],
)
def test_labelled_heldout_practice_is_found(pages, first, last, page, area, actor, objective):  # noqa: F811
    candidates = extract_candidates(_excerpt(pages, first, last))
    assert any(
        abs(candidate.page - page) <= 1
        and candidate.area == area
        and (actor is None or candidate.actor == actor)
        and objective in candidate.objectives
        for candidate in candidates
    ), [(c.page, c.area, c.actor, c.objectives) for c in candidates]


def test_quality_on_the_whole_heldout_set(pages, heldout):  # noqa: F811
    labels, labelled_pages = heldout
    result = score(extract_candidates(pages), labels, labelled_pages)
    assert result.firm_recall >= 0.85, result.missed
    assert result.recall >= 0.8
    assert result.precision >= 0.75
