"""Series whose values are steps of a labelled scale, not quantities.

SDG 10.7.2's country series SG_CPA_MIGRS scores each migration-policy domain
from 1 ("requires further progress") to 4 ("fully meets"). The file says
``NUMBER``, so pages showed "3" with the unit "number" and drew bars from 0,
as if a 3 were three of something. Wherever such a value appears — tables,
charts, the country page, scorecards — it is shown with its step's label, and
the unit reads as the scale.

The labels are reference data of the framework (``PolicyDomainScore``, loaded
from its YAML in three languages); this module only says which series use
which scale.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from gcmhub import dataversion
from gcmhub.framework.models import PolicyDomainScore
from gcmhub.i18n import current_language, localized

# Series code -> the scale its values are steps of.
POLICY_DOMAIN_SCALE = "policy-domain"
SCALED_SERIES = {"SG_CPA_MIGRS": POLICY_DOMAIN_SCALE}


@dataclass(frozen=True)
class Scale:
    """The steps of an ordinal scale and their labels in the reader's language."""

    labels: dict[int, str]

    @property
    def low(self) -> int:
        return min(self.labels)

    @property
    def high(self) -> int:
        return max(self.labels)

    @property
    def unit(self) -> str:
        return _("score from %(low)d (%(low_label)s) to %(high)d (%(high_label)s)") % {
            "low": self.low,
            "low_label": self.labels[self.low],
            "high": self.high,
            "high_label": self.labels[self.high],
        }

    def label(self, value: float | None) -> str:
        """The label of the step ``value`` ("" for a value between steps or off the scale)."""
        if value is None or not float(value).is_integer():
            return ""
        return self.labels.get(int(value), "")

    def describe(self, value: float | None) -> str:
        """``3 – Meets``: the value with its step's label."""
        if value is None:
            return ""
        number = f"{int(value)}" if float(value).is_integer() else f"{value:g}"
        label = self.label(value)
        return f"{number} – {label}" if label else number


def scale_of(series_code: str | None) -> Scale | None:
    """The scale of a series' values, or ``None`` for a quantity."""
    if SCALED_SERIES.get(series_code or "") != POLICY_DOMAIN_SCALE:
        return None
    labels = _policy_domain_labels(current_language())
    return Scale(labels) if labels else None


def _policy_domain_labels(language: str) -> dict[int, str]:
    """The steps' labels in ``language``, cached until the data change: a
    scorecard shows them in every cell of a 10.7.2 row."""
    key = f"scales:{POLICY_DOMAIN_SCALE}:{language}:{dataversion.current().key}"
    labels = cache.get(key)
    if labels is None:
        labels = {step.score: localized(step, "label", language) for step in PolicyDomainScore.objects.all()}
        cache.set(key, labels, 3600)
    return labels
