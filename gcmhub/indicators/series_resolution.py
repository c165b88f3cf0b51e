"""What the Open SDG reader needs to put an upload's rows in the right series.

An Open SDG file rarely names its series codes: ``indicator_10-c-1.csv``
with a ``Series`` column in words. Left to itself, the reader derives a code
(``OSDG_10_C_1``), and an import would create that series, unlinked to the
SDG one (issue 8: uploads landing in ``OSDG_UPLOAD``). For an import the
reader gets the SDG series of every indicator and the codes the catalogue
already holds, resolves rows to them (``formats/series_match.py``), and
creates a series only when the person importing asked for it
(``create_series``: ``--create-series``, the upload form's box, the API's
``create_series`` field); the report lists the series created.
"""

from __future__ import annotations

import os

__all__ = ["opensdg_reader_options", "reader_options_for"]


def opensdg_reader_options(*, create_series: bool = False) -> dict:
    """``sdg_series``, ``known_series`` and ``create_series`` for ``formats.opensdg.read``."""
    from gcmhub.framework.models import SdgSeries

    from .models import Series

    table: dict[str, dict] = {}
    rows = SdgSeries.objects.values_list("code", "description", "indicator__code", "indicator__title_en")
    for code, description, indicator, title in rows.order_by("code"):
        entry = table.setdefault(indicator, {"title": title, "series": []})
        entry["series"].append((code, description))
    return {
        "sdg_series": table,
        "known_series": frozenset(Series.objects.values_list("code", flat=True)),
        "create_series": bool(create_series),
    }


def reader_options_for(fmt: str, options: dict, *, create_series: bool = False, file_name: str | None = None,
                       path=None) -> dict:  # fmt: skip
    """The reader options of an import: ``options`` plus, for Open SDG, the series
    to resolve to and, for a single uploaded file (stored as ``upload.csv``),
    the indicator id of the name it was uploaded under (``indicator_10-c-1.csv``)."""
    if fmt != "opensdg":
        return dict(options)
    from .formats.opensdg import indicator_id

    asked = create_series or bool(options.get("create_series"))  # the demo's file list says it in its options
    merged = {**options, **opensdg_reader_options(create_series=asked)}
    if file_name and path is not None and os.path.isfile(path):
        merged.setdefault("indicator_id", indicator_id(file_name))
    return merged
