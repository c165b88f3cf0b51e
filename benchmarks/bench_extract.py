"""Practice extraction: recall and precision on each labelled set, and speed.

    .venv/bin/python benchmarks/bench_extract.py [--report PATH] [--sets dev,heldout,final] [--details]

Quality: candidates from the shared IDM report (../shared/corpus) scored
against our hand labels in tests/practices/data/ — a label is found when a
candidate has the right country or actor, the page within one, and one of
the label's objectives (one-to-one matching; see
gcmhub.practices.extraction.evaluation). Three sets:

- dev (idm_labels.yaml): the whole report body, the set the extractor was
  developed on;
- heldout (idm_labels_heldout.yaml): an independent second reading of pages
  49-64, used to check that a change generalises;
- final (idm_labels_final.yaml): an independent reading of pages 65-87,
  never tuned on.

Recall is printed over all labels and over the labels not marked borderline.
Speed: the time to extract from a 100-page report, made by repeating the
report's body pages, keyword-only (the semantic extra switched off).
Target: under 10 s.
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
from gcmhub.practices.extraction.evaluation import Score, read_labels, score  # noqa: E402

DEFAULT_REPORT = ROOT.parent / "shared" / "corpus" / "idm-2017-report.txt"
LABEL_DIR = ROOT / "tests" / "practices" / "data"
LABEL_SETS = {
    "dev": LABEL_DIR / "idm_labels.yaml",
    "heldout": LABEL_DIR / "idm_labels_heldout.yaml",
    "final": LABEL_DIR / "idm_labels_final.yaml",
}


def score_line(name: str, pages: tuple[int, int], result: Score) -> str:
    correct = result.candidates - len(result.unmatched)
    return (
        f"{name:<8} pages {pages[0]:>2}-{pages[1]:<3} labels {result.labels:>3}  "
        f"recall {result.recall:.3f} ({result.matched}/{result.labels})  "
        f"without borderline {result.firm_recall:.3f} ({result.firm_matched}/{result.firm_labels})  "
        f"precision {result.precision:.3f} ({correct}/{result.candidates})"
    )


def print_details(result: Score) -> None:
    print("  missed labels:")
    for label in result.missed:
        flag = " (borderline)" if label.borderline else ""
        print(f"    p{label.page} {label.area or '-'} {label.actor or ''} {list(label.objectives)}{flag}: {label.note}")
    print("  unmatched candidates:")
    for candidate in result.unmatched:
        print(f"    p{candidate.page} {candidate.area or '-'} {candidate.actor} {candidate.objectives}: {candidate.summary[:110]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    parser.add_argument("--sets", default=",".join(LABEL_SETS), help="Comma-separated label sets to score (default: all).")
    parser.add_argument("--labels", type=Path, help="Score one other labels file instead of the named sets.")
    parser.add_argument("--details", action="store_true", help="List missed labels and unmatched candidates.")
    args = parser.parse_args()
    if not args.report.exists():
        print(f"report not found: {args.report}", file=sys.stderr)
        return 2
    label_files = {args.labels.stem: args.labels} if args.labels else {}
    for name in filter(None, args.sets.split(",")) if not args.labels else ():
        if name not in LABEL_SETS:
            print(f"unknown label set {name!r}; choose from {', '.join(LABEL_SETS)}", file=sys.stderr)
            return 2
        label_files[name] = LABEL_SETS[name]

    pages = read_text_file(args.report)
    extract_candidates(pages[:2])  # load lexicons and place names once, outside the timings
    began = time.perf_counter()
    candidates = extract_candidates(pages)
    elapsed = time.perf_counter() - began
    print(f"report: {args.report.name}, {len(pages)} pages, {len(candidates)} candidates in {elapsed:.2f} s")
    for name, path in label_files.items():
        labels, labelled_pages = read_labels(path)
        result = score(candidates, labels, labelled_pages)
        print(score_line(name, labelled_pages, result))
        if args.details:
            print_details(result)

    body = [page for page in pages if page.strip()]
    hundred = (body * (100 // len(body) + 1))[:100]
    began = time.perf_counter()
    extract_candidates(hundred)
    print(f"100-page report (keyword-only): {time.perf_counter() - began:.2f} s (target < 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
