"""Charts of a report: one Vega-Lite spec → one SVG, reused by every format.

A report's ``Chart`` block carries a Vega-Lite spec with its data inline. The
renderers never run Vega themselves; they ask this module:

* ``chart_svg(spec, language)`` — the chart as an SVG document (vl-convert,
  no browser). The PDF embeds it as a vector image; the HTML inlines a
  cleaned copy (``inline_svg``).
* ``chart_png(spec, language)`` — a PNG for DOCX, rasterised from that same
  SVG (``vl_convert.svg_to_png``: ~10× cheaper than running Vega again).

Both are cached by the spec's content, so a report rendered to PDF, DOCX and
HTML runs Vega once per chart (``cache_info()`` reports hits and misses).

Nothing is fetched: ``prepare_spec`` refuses any ``url`` in the spec (data,
images, topologies must be inline) and vl-convert is called with
``allowed_base_urls=[]``; text is set in the bundled DejaVu Sans
(``gcmhub/reports/fonts``, registered with vl-convert here and handed to
typst by ``pdf.py``), so the font used to measure labels is the font that
draws them, on any machine. Axis numbers and dates follow the report's
language (d3 locales shipped inside vl-convert).
"""

from __future__ import annotations

import copy
import json
import re
import threading
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from gcmhub.indicators.charts import VEGA_LITE_VERSION

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
CHART_FONT = "DejaVu Sans"
# The width given to charts that ask for the container's width (meaningless
# outside a browser page); about the text width of an A4 page at 96 px/in.
DEFAULT_WIDTH = 560
MAX_SPEC_BYTES = 2_000_000
_LOCALES = {"en": "en-US", "fr": "fr-FR", "es": "es-ES"}

_fonts_lock = threading.Lock()
_fonts_registered = False


class ChartError(ValueError):
    """A chart spec the renderers refuse (remote data, too large, invalid)."""


def _register_fonts() -> None:
    global _fonts_registered
    with _fonts_lock:
        if not _fonts_registered:
            import vl_convert

            vl_convert.register_font_directory(str(FONT_DIR))
            _fonts_registered = True


def _refuse_urls(node: Any, path: str = "spec") -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "url":
                raise ChartError(f"{path}.url: chart data must be inline (no URLs), so nothing is fetched")
            _refuse_urls(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _refuse_urls(value, f"{path}[{index}]")


def prepare_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` ready for offline rendering: no URLs, a pixel width,
    the bundled font. Raises ``ChartError`` for a spec that would fetch."""
    if not isinstance(spec, dict):
        raise ChartError("a chart spec must be a JSON object")
    _refuse_urls(spec)
    prepared = copy.deepcopy(spec)
    if prepared.get("width") == "container":
        prepared["width"] = DEFAULT_WIDTH
        prepared["autosize"] = {"type": "pad"}
    config = dict(prepared.get("config") or {})
    config["font"] = f"{CHART_FONT}, sans-serif"
    prepared["config"] = config
    return prepared


def _json_value(value: Any) -> Any:
    # Builders may hand over database values: decimals are numbers, dates ISO strings.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise ChartError(f"chart spec holds a {type(value).__name__}, which is not JSON")


def spec_key(spec: dict[str, Any]) -> str:
    """The cache key of a spec: its canonical JSON."""
    if not isinstance(spec, dict):
        raise ChartError("a chart spec must be a JSON object")
    try:
        text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_value)
    except (TypeError, ValueError) as error:
        raise ChartError(f"chart spec is not JSON: {error}") from error
    if len(text.encode()) > MAX_SPEC_BYTES:
        raise ChartError(f"chart spec larger than {MAX_SPEC_BYTES} bytes")
    return text


@lru_cache(maxsize=512)
def _svg(key: str, language: str) -> str:
    import vl_convert

    _register_fonts()
    spec = prepare_spec(json.loads(key))
    locale = _LOCALES.get(language, "en-US")
    try:
        svg = vl_convert.vegalite_to_svg(
            spec,
            vl_version=VEGA_LITE_VERSION,
            allowed_base_urls=[],
            format_locale=locale,
            time_format_locale=locale,
        )
    except ValueError as error:
        raise ChartError(f"chart could not be drawn: {str(error).splitlines()[0]}") from error
    return _strip_external(svg)


@lru_cache(maxsize=512)
def _png(key: str, language: str) -> bytes:
    import vl_convert

    return vl_convert.svg_to_png(_svg(key, language), scale=2.0)


def chart_svg(spec: dict[str, Any], language: str) -> str:
    """The chart as a standalone SVG document (cached by content and language)."""
    return _svg(spec_key(spec), language)


def chart_png(spec: dict[str, Any], language: str) -> bytes:
    """The chart as PNG at twice its pixel size (from the cached SVG)."""
    return _png(spec_key(spec), language)


def cache_info() -> dict[str, Any]:
    return {"svg": _svg.cache_info()._asdict(), "png": _png.cache_info()._asdict()}


def cache_clear() -> None:
    _svg.cache_clear()
    _png.cache_clear()


_SIZE = re.compile(r"^\s*([0-9.]+)")


def svg_size(svg: str) -> tuple[float, float]:
    """The pixel width and height an SVG document declares (0 when absent)."""
    root = ET.fromstring(svg)

    def number(name):
        match = _SIZE.match(root.get(name, ""))
        return float(match.group(1)) if match else 0.0

    return number("width"), number("height")


# --- cleaning SVG -------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# What Vega draws, and nothing that runs, loads or styles from outside.
_ALLOWED = {
    "svg", "g", "path", "rect", "line", "text", "tspan", "circle", "ellipse", "polygon", "polyline",
    "title", "desc", "defs", "clipPath", "linearGradient", "radialGradient", "stop", "pattern", "mask",
}  # fmt: skip
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_external(svg: str) -> str:
    """``svg`` without any element or attribute that could load or run
    something (images, scripts, foreignObject, event handlers, style)."""
    if "<image" not in svg and "<script" not in svg and "<foreignObject" not in svg and " on" not in svg:
        return svg
    root = _clean_tree(ET.fromstring(svg), prefix=None, keep_aria=True)
    return _serialise(root)


def _clean_tree(root: ET.Element, *, prefix: str | None, keep_aria: bool) -> ET.Element:
    def clean(element: ET.Element) -> None:
        for child in list(element):
            if not isinstance(child.tag, str) or _local(child.tag) not in _ALLOWED:
                element.remove(child)
                continue
            clean(child)
        for name in list(element.attrib):
            local = _local(name)
            lowered = local.lower()
            value = element.attrib[name]
            if lowered.startswith("on") or lowered == "style":
                del element.attrib[name]
            elif lowered == "href":
                if not value.startswith("#"):
                    del element.attrib[name]
                elif prefix:
                    element.attrib[name] = f"#{prefix}-{value[1:]}"
            elif not keep_aria and (lowered.startswith("aria-") or lowered in ("role", "class")):
                del element.attrib[name]
            elif prefix and lowered == "id":
                element.attrib[name] = f"{prefix}-{value}"
            elif prefix and "url(#" in value:
                element.attrib[name] = _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value)

    clean(root)
    return root


def _serialise(root: ET.Element) -> str:
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def inline_svg(svg: str, *, label: str, id_prefix: str, css_class: str = "report-chart-image") -> str:
    """``svg`` made fit to sit inside an HTML page under a strict CSP.

    The root becomes ``role="img"`` with ``aria-label`` and a ``<title>`` (the
    chart's alt text); Vega's own ARIA inside is dropped (an image has no
    children for assistive technology); ids get ``id_prefix`` so several
    charts on one page do not share clip paths; width and height stay as the
    natural size (the CSS class lets it shrink to the page, the viewBox keeps
    its proportions); nothing that runs, loads or styles inline survives.
    """
    root = _clean_tree(ET.fromstring(svg), prefix=id_prefix, keep_aria=False)
    width, height = root.get("width"), root.get("height")
    if "viewBox" not in root.attrib and width and height:
        root.set("viewBox", f"0 0 {width} {height}")
    for name in list(root.attrib):
        if _local(name) in ("version",):
            del root.attrib[name]
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", css_class)
    root.set("focusable", "false")
    title = ET.Element(f"{{{SVG_NS}}}title")
    title.text = label
    root.insert(0, title)
    return _serialise(root)
