"""Benchmark: rendering a full Voluntary GCM Review to PDF, DOCX and HTML.

    .venv/bin/python benchmarks/bench_render.py [--repeat 3] [--language fr]

The document is the renderers' synthetic full-size VGR
(``gcmhub.reports.render.samples``: 23 objective sections, each with a
Vega-Lite chart and its data table, a commitments table, narratives; notes,
bullets, sources). Building a report from the database is rp-content's part
(benchmarks/bench_reports.py); this measures only what the renderers add.

It prints, in this process:
* vl-convert's start-up (the first chart a process draws loads its
  JavaScript engine; a task worker pays it once);
* drawing the 23 charts as SVG, and the 23 PNGs rasterised from them;
* PDF, DOCX and HTML with the charts already drawn (what every format after
  the first costs) — best of ``--repeat``;
* "cold" PDF + DOCX, charts not yet drawn (after start-up), and its ratio to
  the issue's budget (15 s to build and render a full VGR on SQLite);
* the process's peak resident memory (typst and vl-convert allocate outside
  Python, so tracemalloc would not see them).
It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 15.0


def setup_django() -> None:
    os.environ.setdefault("GCMHUB_VAR_DIR", tempfile.mkdtemp(prefix="gcmhub-bench-render-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--language", default="en", choices=["en", "fr", "es"])
    args = parser.parse_args()
    setup_django()

    from gcmhub.reports.render import charts, render_docx, render_html, render_pdf
    from gcmhub.reports.render.common import layout
    from gcmhub.reports.render.samples import sample_document

    doc = sample_document(args.language)
    specs = [chart.spec for chart in layout(doc).charts]

    warm_up, _ = timed(charts.chart_svg, {"mark": "point", "data": {"values": [{"a": 1}]}}, args.language)
    charts.cache_clear()
    svg_time, _ = timed(lambda: [charts.chart_svg(spec, args.language) for spec in specs])
    png_time, _ = timed(lambda: [charts.chart_png(spec, args.language) for spec in specs])

    def best(function, *a, **k):
        times, result = [], None
        for _ in range(max(1, args.repeat)):
            elapsed, result = timed(function, *a, **k)
            times.append(elapsed)
        return min(times), result

    pdf_time, pdf = best(render_pdf, doc)
    docx_time, docx = best(render_docx, doc)
    html_time, html = best(render_html, doc)

    charts.cache_clear()
    cold_start = time.perf_counter()
    render_pdf(doc)
    render_docx(doc)
    cold = time.perf_counter() - cold_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"Full VGR ({args.language}): {len(doc.sections)} sections, {len(specs)} charts")
    print(f"  vl-convert start-up (once per process)   {warm_up:6.2f} s")
    print(f"  23 charts → SVG (vl-convert)              {svg_time:6.2f} s  ({svg_time / len(specs) * 1000:.0f} ms each)")
    print(f"  23 SVG → PNG (for DOCX)                   {png_time:6.2f} s")
    print(f"  PDF, charts drawn (typst)                 {pdf_time:6.2f} s  {len(pdf) / 1024:.0f} KiB")
    print(f"  DOCX, charts drawn (python-docx)          {docx_time:6.2f} s  {len(docx) / 1024:.0f} KiB")
    print(f"  HTML, charts drawn                        {html_time:6.2f} s  {len(html) / 1024:.0f} KiB")
    print(f"  PDF + DOCX cold (charts not yet drawn)    {cold:6.2f} s  = {cold / BUDGET_SECONDS:.2f} × the 15 s budget")
    print(f"  peak resident memory                      {peak_mb:6.0f} MiB")


if __name__ == "__main__":
    main()
