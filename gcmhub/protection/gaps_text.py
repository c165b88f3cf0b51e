"""The gap matrix in words: labels of statuses, rules, standings and
problems, and the explanation of one cell (which records, which data, which
rule). Kept apart from the pure ``gaps`` module, which knows no language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from gcmhub.protection import gaps

STATUS_LABELS = {
    gaps.GAP: gettext_lazy("Gap"),
    gaps.WEAK: gettext_lazy("Weak spot"),
    gaps.COVERED: gettext_lazy("Covered"),
    gaps.NO_EVIDENCE: gettext_lazy("No evidence of harm"),
    gaps.NOT_APPLICABLE: gettext_lazy("Does not arise"),
}
# One short symbol per status, so the table never relies on colour alone.
STATUS_SYMBOLS = {
    gaps.GAP: "✖",
    gaps.WEAK: "!",
    gaps.COVERED: "✔",
    gaps.NO_EVIDENCE: "–",
    gaps.NOT_APPLICABLE: "·",
}
RULE_LABELS = {
    gaps.RULE_GAP: gettext_lazy("Evidence of harm and no measure in force: a gap."),
    gaps.RULE_WEAK: gettext_lazy("Every measure in force is overdue, stale, inactive or unfunded: a weak spot."),
    gaps.RULE_COVERED: gettext_lazy("At least one measure is in force and up to date: covered."),
    gaps.RULE_NO_EVIDENCE: gettext_lazy(
        "No linked indicator shows harm and no measure addresses it. Missing data is not proof that no harm happens."
    ),
    gaps.RULE_NOT_APPLICABLE: gettext_lazy(
        "The taxonomy does not place this situation at this stage, and nothing is recorded here."
    ),
}
STANDING_LABELS = {
    gaps.SOUND: gettext_lazy("in force"),
    gaps.WEAK_MEASURE: gettext_lazy("weak"),
    gaps.NOT_COUNTED: gettext_lazy("not counted (closed)"),
}
KIND_LABELS = {
    "commitment": gettext_lazy("Commitment"),
    "practice": gettext_lazy("Practice"),
    "service": gettext_lazy("Service"),
}
PROBLEM_LABELS = {
    "overdue": gettext_lazy("overdue"),
    "stale": gettext_lazy("stale"),
    "inactive": gettext_lazy("inactive"),
    "unfunded": gettext_lazy("unfunded"),
}
STAGE_LABELS = {
    "pre_departure": gettext_lazy("Before departure"),
    "transit": gettext_lazy("Transit"),
    "destination": gettext_lazy("Destination"),
    "return": gettext_lazy("Return"),
}


def problems_text(problems) -> str:
    return ", ".join(str(PROBLEM_LABELS.get(problem, problem)) for problem in problems)


def evidence_sentence(item: gaps.Evidence) -> str:
    if item.latest_value is None:
        return _("%(series)s (SDG %(indicator)s): no data for this country.") % {
            "series": item.series,
            "indicator": item.indicator,
        }
    text = _("%(series)s (SDG %(indicator)s): %(value)s in %(year)s") % {
        "series": item.series,
        "indicator": item.indicator,
        "value": f"{item.latest_value:g}",
        "year": item.latest_year,
    }
    text += " — " + (_("harm recorded") if item.shows_harm else _("none recorded"))
    if item.progress_status:
        text += "; " + _("progress: %(status)s") % {"status": progress_label(item.progress_status)}
    return text + "."


def progress_label(status: str) -> str:
    from gcmhub.progress.models import Status

    try:
        return str(Status(status).label)
    except ValueError:
        return status


def measure_sentence(measure: gaps.Measure, standing: str) -> str:
    text = _("%(kind)s “%(title)s” (%(state)s): %(standing)s") % {
        "kind": KIND_LABELS.get(measure.kind, measure.kind),
        "title": measure.title,
        "state": measure.state,
        "standing": STANDING_LABELS[standing],
    }
    if measure.problems:
        text += " — " + problems_text(measure.problems)
    return text + "."


def explain(cell: gaps.Cell) -> list[str]:
    """The cell's reasons, in order: the rule, the measures, the data."""
    counts = cell.counts()
    lines = [str(RULE_LABELS[cell.rule])]
    lines.append(
        ngettext("%(count)d measure in force", "%(count)d measures in force", counts[gaps.SOUND])
        % {"count": counts[gaps.SOUND]}
        + ", "
        + ngettext("%(count)d weak", "%(count)d weak", counts[gaps.WEAK_MEASURE]) % {"count": counts[gaps.WEAK_MEASURE]}
        + ", "
        + ngettext("%(count)d not counted", "%(count)d not counted", counts[gaps.NOT_COUNTED])
        % {"count": counts[gaps.NOT_COUNTED]}
        + "."
    )
    lines += [measure_sentence(measure, standing) for measure, standing in cell.measures]
    if not cell.evidence:
        lines.append(_("No indicator series is linked to this situation at this stage."))
    lines += [evidence_sentence(item) for item in cell.evidence]
    return lines
