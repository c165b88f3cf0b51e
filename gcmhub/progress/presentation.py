"""How statuses, reasons and flags read on pages, in maps and in the API.

Every status has a word, a symbol and a colour, so it never depends on
colour alone. The colours are an orange–blue diverging scale (readable with
the common colour vision deficiencies: no red–green contrast); "not
available" is a neutral grey, so a missing figure looks neither good nor bad.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import timelines
from .methods._common import FLAG_NAMES, REASON_TEMPLATES


@dataclass(frozen=True)
class StatusStyle:
    code: str
    label: str
    symbol: str
    colour: str  # fill on maps and swatches
    ink: str  # text colour on that fill
    rank: int  # 0 = best


# Best first (the order of legends and sorting).
STATUS_STYLES: dict[str, StatusStyle] = {
    style.code: style
    for style in (
        StatusStyle("target_achieved", _("Target achieved"), "✔", "#08306b", "#ffffff", 0),
        StatusStyle("substantial_progress", _("Substantial progress"), "▲", "#2b7bba", "#ffffff", 1),
        StatusStyle("moderate_progress", _("Moderate progress"), "↗", "#a6cee3", "#1b1f24", 2),
        StatusStyle("limited_progress", _("Limited progress"), "→", "#fdb863", "#1b1f24", 3),
        StatusStyle("deterioration", _("Deterioration"), "▼", "#b35806", "#ffffff", 4),
        StatusStyle("not_available", _("Not available"), "–", "#e0e0e0", "#1b1f24", 5),
    )
}
NO_DATA_COLOUR = "#e3e3e3"  # map: countries with no figure at all (land stays visible)

TIMELINE_STYLES: dict[str, StatusStyle] = {
    style.code: style
    for style in (
        StatusStyle(timelines.ACHIEVED, pgettext_lazy("target", "Achieved"), "✔", "#08306b", "#ffffff", 0),
        StatusStyle(timelines.ON_TRACK, _("On track"), "▲", "#2b7bba", "#ffffff", 1),
        StatusStyle(timelines.OFF_TRACK, _("Off track"), "→", "#fdb863", "#1b1f24", 2),
        StatusStyle(timelines.OVERDUE, _("Overdue"), "▼", "#b35806", "#ffffff", 3),
        StatusStyle(timelines.NOT_AVAILABLE, _("Not available"), "–", "#e0e0e0", "#1b1f24", 4),
    )
}

METHOD_LABELS = {
    "opensdg": _("Open SDG / Statistics Canada"),
    "escap": _("UN ESCAP current status and anticipated progress"),
    "eurostat": _("Eurostat EU SDG monitoring"),
}

# Sentences for the engine's reason codes (REASON_TEMPLATES, in that order),
# with the same placeholders in %(name)s form.
REASONS = (
    None,
    _("no data"),
    _("the base year %(requested_base_year)s is after the latest year with data (%(current_year)s)"),
    _("only one data point from the base year on (%(current_year)s); at least two are needed"),
    _(
        "the base value (%(base_value)s) and the latest value (%(current_value)s) have opposite signs; "
        "the series must be transformed before it can be assessed"
    ),
    _(
        "the target (%(target)s) and the base value (%(base_value)s) have opposite signs; "
        "the required growth rate is undefined"
    ),
    _("the target year (%(target_year)s) equals the base year (%(base_year)s); the required growth rate is undefined"),
    _("the method needs a target"),
    _("the base value is 0; it was replaced by 0.001 for the growth rates (Open SDG rule)"),
    _("the target is 0; it was replaced by 0.001 (Open SDG rule)"),
    _("the target equals the base value: no change was required"),
    _("the growth ratio is undefined (observed and required growth are both 0)"),
    _(
        "the base value (%(base_year)s) and the latest value (%(current_year)s) are both 0: growth is undefined, "
        "and 0 neither meets a target nor is the natural limit, so no progress or decline is scored"
    ),
)
assert len(REASONS) == len(REASON_TEMPLATES)

FLAGS = {
    "base_year_shifted": _("the base year had no value: the next year with one was used"),
    "zero_base_replaced": _("a base value of 0 was replaced by 0.001"),
    "zero_target_replaced": _("a target of 0 was replaced by 0.001"),
    "two_point_series": _("only two data points"),
    "limit_ignored": _("the natural limit was ignored because there is a target"),
    "base_beyond_limit": _("the base value is already past the natural limit"),
    "required_growth_zero": _("the target equals the base value"),
    "negative_values": _("negative values: the growth rate's sign was inverted"),
    "target_year_not_after_base": _("the target year is not after the base year"),
    "zero_base_and_latest": _("the base value and the latest value are both 0"),
    "yearly_mean": _("several values in a year (quarters, months) were averaged"),
}
assert set(FLAG_NAMES) <= set(FLAGS)

TIMELINE_REASONS = {
    timelines.R_NO_DATA: _("no data"),
    timelines.R_NO_DATA_SINCE_START: _("no observation since the start"),
    timelines.R_CAGR_IMPOSSIBLE: _("a constant growth path is impossible from 0 or across 0: a straight line was used"),
    timelines.R_NO_START: _("no baseline value to draw the expected path from"),
}


def status_style(code: str) -> StatusStyle:
    return STATUS_STYLES.get(code, STATUS_STYLES["not_available"])


def timeline_style(code: str) -> StatusStyle:
    return TIMELINE_STYLES.get(code, TIMELINE_STYLES[timelines.NOT_AVAILABLE])


def _show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def reason_text(code: int, assessment) -> str:
    """The engine's reason for ``assessment`` in the reader's language."""
    if not code or code >= len(REASONS) or REASONS[code] is None:
        return ""
    return str(REASONS[code]) % {
        "requested_base_year": assessment.requested_base_year,
        "base_year": _show(assessment.base_year),
        "base_value": _show(assessment.base_value),
        "current_year": _show(assessment.current_year),
        "current_value": _show(assessment.current_value),
        "target": _show(assessment.target_value),
        "target_year": _show(assessment.target_year),
    }


def flag_texts(flags) -> list[str]:
    return [str(FLAGS.get(flag, flag)) for flag in flags or ()]
