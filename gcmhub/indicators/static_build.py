"""Build the committed JavaScript bundle that draws charts in the browser.

    .venv/bin/python -m gcmhub.indicators.static_build

writes ``gcmhub/indicators/static/indicators/vega-bundle.js``: Vega, Vega-Lite
and Vega-Embed in one self-contained file, produced offline by vl-convert
(``vl_convert.javascript_bundle``), so pages load nothing from a CDN. The
bundle sets ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``;
``charts.js`` uses ``vegaEmbed``. Run it again only to move to another
Vega-Lite release (change ``charts.VEGA_LITE_VERSION`` first; the
server-side SVG/PNG export uses the same version).
"""

from __future__ import annotations

import sys
from pathlib import Path

from gcmhub.indicators.charts import VEGA_LITE_VERSION

BUNDLE = Path(__file__).resolve().parent / "static" / "indicators" / "vega-bundle.js"


def build(path: Path = BUNDLE) -> Path:
    import vl_convert

    code = vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION)
    header = (
        f"/* Vega {vl_convert.get_vega_version()}, Vega-Lite {VEGA_LITE_VERSION}, "
        f"Vega-Embed {vl_convert.get_vega_embed_version()} (BSD-3-Clause), bundled by "
        "vl-convert for GCM Hub: python -m gcmhub.indicators.static_build */\n"
    )
    path.write_text(header + code, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    path = build()
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
