"""The verifiability checklist every commitment shows.

The Open Government Partnership's review mechanism refuses to review a
commitment that cannot be verified; here a reviewer may publish one that
fails the checklist only with a written reason, which is shown publicly
(``services.approve_commitment``). Items:

* ``metric``: its own metric, or at least one linked indicator series;
* ``baseline`` and ``target``: of its own metric, or of a linked series;
* ``deadline``: a due date, or a horizon (counted from the start date);
* ``lead``: a partner with the ``lead`` role, or no partners at all (the
  owner acts alone and so leads it);
* ``budget``: only for financial support, at least one amount of money.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gcmhub.commitments.models import Commitment, CommitmentPartner


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    ok: bool


LABELS = {
    "metric": _("A metric: its own, or a linked indicator"),
    "baseline": _("A baseline"),
    "target": _("A target"),
    "deadline": _("A deadline: a due date or a horizon"),
    "lead": _("A lead organisation"),
    "budget": _("A budget (amounts of money), as the support is financial"),
}


def has_lead(commitment: Commitment) -> bool:
    roles = [link.role for link in commitment.partners.all()]
    return not roles or CommitmentPartner.Role.LEAD in roles


def checklist(commitment: Commitment) -> list[CheckItem]:
    series = list(commitment.indicator_links.all())
    checks = {
        "metric": bool(commitment.metric) or bool(series),
        "baseline": commitment.metric_baseline is not None or any(s.baseline_value is not None for s in series),
        "target": commitment.metric_target is not None or any(s.target_value is not None for s in series),
        "deadline": commitment.deadline() is not None,
        "lead": has_lead(commitment),
    }
    if commitment.form_of_support == Commitment.FormOfSupport.FINANCIAL:
        checks["budget"] = bool(commitment.amounts.all())
    return [CheckItem(key, str(LABELS[key]), ok) for key, ok in checks.items()]


def is_verifiable(commitment: Commitment) -> bool:
    return all(item.ok for item in checklist(commitment))


def missing(commitment: Commitment) -> list[str]:
    """The keys of the items it fails."""
    return [item.key for item in checklist(commitment) if not item.ok]
