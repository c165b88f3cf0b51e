"""Practice extraction: recall and precision on our labelled report, and speed.

    .venv/bin/python benchmarks/bench_extract.py [--report PATH] [--labels PATH] [--details]

Quality: candidates from the shared IDM report (../shared/corpus) scored
against tests/practices/data/idm_labels.yaml — a label is found when a
candidate has the right country or actor, the page within one, and one of
the label's objectives (one-to-one matching; see
gcmhub.practices.extraction.evaluation). Speed: the time to extract from a
100-page report, made by repeating the report's body pages, keyword-only
(the semantic extra switched off). Target: under 10 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")
os.environ["GCMHUB_SEMANTIC"] = "0"

import django  # noqa: E402

django.setup()

from gcmhub.practices.extraction import extract_candidates, read_text_file  # noqa: E402
from gcmhub.practices.extraction.evaluation import read_labels, score  # noqa: E402

DEFAULT_REPORT = ROOT.parent / "shared" / "corpus" / "idm-2017-report.txt"
DEFAULT_LABELS = ROOT / "tests" / "practices" / "data" / "idm_labels.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--details", action="store_true", help="List missed labels and unmatched candidates.")
    args = parser.parse_args()
    if not args.report.exists():
        print(f"report not found: {args.report}", file=sys.stderr)
        return 2

    pages = read_text_file(args.report)
    extract_candidates(pages[:2])  # load lexicons and place names once, outside the timings
    began = time.perf_counter()
    candidates = extract_candidates(pages)
    elapsed = time.perf_counter() - began
    labels, labelled_pages = read_labels(args.labels)
    result = score(candidates, labels, labelled_pages)
    print(f"report: {args.report.name}, {len(pages)} pages, {len(candidates)} candidates in {elapsed:.2f} s")
    print(f"labelled pages {labelled_pages[0]}-{labelled_pages[1]}: {result.labels} labels, {result.candidates} candidates")
    print(f"recall    {result.recall:.3f}  ({result.matched}/{result.labels})")
    print(f"precision {result.precision:.3f}  ({result.candidates - len(result.unmatched)}/{result.candidates})")

    body = [page for page in pages if page.strip()]
    hundred = (body * (100 // len(body) + 1))[:100]
    began = time.perf_counter()
    extract_candidates(hundred)
    print(f"100-page report (keyword-only): {time.perf_counter() - began:.2f} s (target < 10 s)")

    if args.details:
        print("\nmissed labels:")
        for label in result.missed:
            print(f"  p{label.page} {label.area or '-'} {label.actor or ''} {list(label.objectives)}: {label.note}")
        print("\nunmatched candidates:")
        for candidate in result.unmatched:
            print(f"  p{candidate.page} {candidate.area or '-'} {candidate.actor} {candidate.objectives}: {candidate.summary[:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
