"""Benchmark: building a full Voluntary GCM Review as PDF and DOCX, beside its floors.

    .venv/bin/python benchmarks/bench_reports.py [--var-dir DIR] [--repeat 3] [--language en]
    GCMHUB_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/scratch \\
        .venv/bin/python benchmarks/bench_reports.py

Builds, in a scratch database (``init`` loads the areas and the Compact), a
country with a review whose self-assessment rates all 23 objectives, 30
published commitments spread over the objectives (each with a published
update and an amount), a practice per objective and an indicator scorecard
(two assessed series per objective). The figures are invented and live only
in the scratch database.

Then it times, ``--repeat`` times after one warm-up, and prints the median:

* floor 1 — reading the data (``builders.read_data``: the queries alone);
* floor 2 — building the document tree (reading + writing the sections);
* the full pipeline of a run (``services.run_report``: build, render, store)
  for PDF and for DOCX, the issue's target being under 15 s on SQLite;

with each pipeline's ratio to the tree-building floor, and its peak Python
memory (tracemalloc, in a separate pass so tracing does not slow the timed
one). It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AREA = "URY"  # any country: the data below are invented and stay in the scratch database
COMMITMENTS = 30


def setup_django(var_dir: Path) -> None:
    os.environ["GCMHUB_VAR_DIR"] = str(var_dir)
    os.environ["GCMHUB_PAGE_CACHE"] = "0"
    if os.environ.get("GCMHUB_BENCH_DATABASE_URL"):
        os.environ["GCMHUB_DATABASE_URL"] = os.environ["GCMHUB_BENCH_DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_country():
    """The review and its data; reused when the scratch database has them."""
    from django.core.management import call_command

    from gcmhub.actors.models import Organization
    from gcmhub.commitments.models import Commitment, CommitmentAmount, CommitmentObjective, CommitmentUpdate
    from gcmhub.framework.models import Objective
    from gcmhub.geo.models import Area
    from gcmhub.indicators.models import Indicator, Series
    from gcmhub.practices.models import Practice, PracticeObjective
    from gcmhub.progress.models import Assessment
    from gcmhub.reviews.models import Answer, AnswerSet, Consultation, Review, ReviewMilestone

    call_command("init", verbosity=0)
    area = Area.objects.get(iso3=AREA)
    review = Review.objects.filter(area=area, title="Benchmark review").first()
    if review is not None:
        return review
    started = time.perf_counter()
    ministry = Organization.objects.create(name="Benchmark ministry", area=area, kind="government", is_published=True)
    ngo = Organization.objects.create(name="Benchmark NGO", area=area, kind="civil_society", is_published=True)
    review = Review.objects.create(
        area=area, kind="national", title="Benchmark review", forum="IMRF 2026", status="drafting",
        period_start=datetime.date(2022, 1, 1), period_end=datetime.date(2025, 12, 31),
        deadline=datetime.date(2026, 3, 1), coordinating_organization=ministry,
    )  # fmt: skip
    Consultation.objects.create(review=review, organization=ngo, date=datetime.date(2025, 3, 1), form="meeting")
    ReviewMilestone.objects.create(review=review, title="Validation", due=datetime.date(2026, 2, 1))
    official = AnswerSet.objects.create(review=review, instrument_code="gcm-objectives", kind="official")
    ratings = ["well_developed", "developing", "room_to_develop"]
    objectives = list(Objective.objects.order_by("number"))
    for objective in objectives:
        n = objective.number
        Answer.objects.create(
            answer_set=official, question_key=f"objective-{n}", rating=ratings[n % 3],
            narrative=f"What was done for objective {n}, in a few sentences. " * 4,
            priorities=f"Priorities for objective {n}.", challenges=f"Challenges met under objective {n}.",
        )  # fmt: skip
        practice = Practice.objects.create(
            title=f"Practice for objective {n}", level="national", stage="all", is_published=True, summary="…"
        )
        practice.areas.add(area)
        PracticeObjective.objects.create(practice=practice, objective=objective)
        indicator = Indicator.objects.create(code=f"BENCH.{n}", name_en=f"National indicator {n}", direction="positive")
        indicator.objectives.add(objective)
        for k in range(2):
            series = Series.objects.create(code=f"BENCH_{n}_{k}", indicator=indicator, description=f"Series {n}.{k}")
            Assessment.objects.create(
                series=series, area=area, method="opensdg", status="moderate_progress", method_status="x",
                score=(n % 10) - 4.5 + k, base_year=2015, base_value=100.0 + n, current_year=2024,
                current_value=150.0 + n * 3.25, requested_base_year=2015, direction="up",
                method_version="bench", fingerprint="bench", sources=["Benchmark statistics office"],
            )  # fmt: skip
    kinds = ["national_action", "pledge", "joint_pledge", "request"]
    for i in range(COMMITMENTS):
        commitment = Commitment.objects.create(
            kind=kinds[i % 4], title=f"Benchmark commitment {i + 1}", description="…", area=area, owner=ministry,
            is_published=True, review_state="published", status="in_progress", completion="limited",
            due_date=datetime.date(2028, 1, 1),
        )  # fmt: skip
        for position, objective in enumerate((objectives[i % 23], objectives[(i * 7 + 3) % 23])):
            CommitmentObjective.objects.get_or_create(commitment=commitment, objective=objective, defaults={"position": position})
        CommitmentUpdate.objects.create(
            commitment=commitment, reported_on=datetime.date(2025, 6, 1), status="in_progress",
            completion="limited", organization=ministry, is_published=True,
        )  # fmt: skip
        CommitmentAmount.objects.create(
            commitment=commitment, stage="pledged", amount=1000 * (i + 1), currency="USD", date=datetime.date(2024, 1, 1)
        )
    print(f"built the benchmark country ({AREA}) in {time.perf_counter() - started:.1f} s", flush=True)
    return review


def timed(function, repeat: int) -> tuple[float, object]:
    result = function()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def peak_memory(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--var-dir", type=Path, help="Reuse this folder's database (default: a fresh temporary one).")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--language", choices=("en", "fr", "es"), default="en")
    args = parser.parse_args()
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="gcmhub-bench-reports-"))
    setup_django(var_dir)
    from django.db import connection

    from gcmhub.reports import builders, services

    review = build_country()
    language = args.language

    def read():
        from django.utils import translation

        with translation.override(language):
            return builders.read_data(review)

    def tree():
        return builders.build_report(review, "vgr", language)

    def pipeline(fmt):
        def run():
            run = services.request_report(None, review, "vgr", fmt, language, enqueue=False)
            run = services.run_report(run.pk)
            assert run.state == "done", run.message
            return run

        return run

    print(f"database: {connection.vendor}; report: vgr, {language}; {args.repeat} runs after a warm-up (median)")
    floor_read, _ = timed(read, args.repeat)
    floor_tree, document = timed(tree, args.repeat)
    sections = sum(1 for _ in document.walk())
    print(f"floor: read the data            {floor_read * 1000:9.0f} ms")
    print(f"floor: build the document tree  {floor_tree * 1000:9.0f} ms  ({sections} sections, {len(document.sources)} sources)")
    for fmt in ("pdf", "docx"):
        seconds, run = timed(pipeline(fmt), args.repeat)
        peak = peak_memory(pipeline(fmt))
        verdict = "under" if seconds < 15 else "OVER"
        print(
            f"full VGR {fmt.upper():<4} (build+render+store) {seconds:7.2f} s  {verdict} the 15 s target; "
            f"{seconds / floor_tree:6.1f}× the tree; file {run.size / 1024:,.0f} KiB; "
            f"peak Python memory {peak / 2**20:,.1f} MiB"
        )
    import resource

    # typst and vl-convert allocate outside Python, where tracemalloc does not look.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the whole process (Python + typst + vl-convert): {rss:,.0f} MiB")


if __name__ == "__main__":
    main()
