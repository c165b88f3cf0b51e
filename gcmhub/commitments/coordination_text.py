"""The coordination measures in words, for pages and the API alike.

``coordination`` returns codes and numbers; this module says them in the
reader's language, so a gap, an overlap or a match reads the same in the
browser and in JSON."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from gcmhub.commitments import coordination as co

GAP_LABELS = {
    co.OBJECTIVE_OFF_TRACK: gettext_lazy("Indicators off track, and no open commitment addresses the objective"),
    co.OBJECTIVE_UNCOVERED: gettext_lazy("Objective without a commitment"),
    co.ACTION_UNCOVERED: gettext_lazy("Action without a commitment"),
    co.OVERDUE: gettext_lazy("Overdue: past its deadline and not achieved"),
    co.INACTIVE: gettext_lazy("Inactive: no report for 24 months"),
    co.STALE: gettext_lazy("Stale: no report for 12 months"),
    co.NO_LEAD: gettext_lazy("No lead organisation among its partners"),
    co.UNFUNDED: gettext_lazy("Unfunded"),
}

CONCERN_LABELS = {
    "deterioration": gettext_lazy("deteriorating"),
    "limited_progress": gettext_lazy("limited progress"),
    "off_track": gettext_lazy("target off track"),
    "overdue": gettext_lazy("target overdue"),
}


def gap_label(kind: str) -> str:
    return str(GAP_LABELS.get(kind, kind))


def concern_label(status: str) -> str:
    return str(CONCERN_LABELS.get(status, status))


def _numbers(values) -> str:
    return ", ".join(str(value) for value in values)


def reason_text(reason: co.Reason) -> str:
    """One line saying why a request and an offer fit, and what it is worth."""
    code = reason.code
    if code == "declared":
        text = _("The matching pledge names this request")
    elif code == "primary_objective":
        text = _("Both serve objective %(numbers)s, the request’s primary objective") % {
            "numbers": _numbers(reason.objectives)
        }
    elif code in ("objective", "extra_objectives"):
        text = ngettext(
            "Both serve objective %(numbers)s", "Both serve objectives %(numbers)s", len(reason.objectives)
        ) % {"numbers": _numbers(reason.objectives)}
    elif code == "action":
        text = ngettext("Shared action %(codes)s", "Shared actions %(codes)s", len(reason.actions)) % {
            "codes": _numbers(reason.actions)
        }
    elif code == "same_form":
        text = _("Same form of support: %(form)s") % {"form": form_label(reason.form)}
    elif code == "form_unstated":
        text = _("One side does not say which form of support (the other: %(form)s)") % {
            "form": form_label(reason.form) if reason.form else _("none either")
        }
    elif code == "same_area":
        text = _("Same country or area: %(place)s") % {"place": reason.place}
    elif code == "containing_area":
        text = _("One covers the other’s area: %(place)s") % {"place": reason.place}
    elif code == "same_region":
        text = _("Same region: %(place)s") % {"place": reason.place}
    elif code == "same_owner":
        text = _("Request and offer come from the same organisation")
    elif code == "wording":
        text = _("Similar wording: %(terms)s") % {"terms": ", ".join(reason.terms)}
    else:
        text = code
    if reason.points < 0:
        return _("%(text)s (%(points)d points)") % {"text": text, "points": reason.points}
    return ngettext("%(text)s (+%(points)d point)", "%(text)s (+%(points)d points)", reason.points) % {
        "text": text,
        "points": reason.points,
    }


def form_label(form: str) -> str:
    from gcmhub.commitments.models import Commitment

    return str(dict(Commitment.FormOfSupport.choices).get(form, form))
