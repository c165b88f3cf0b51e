"""Computed flags and the traffic light shown wherever a commitment appears.

* ``overdue``: its deadline (``due_by``: the due date, or the start date plus
  the horizon) has passed and it is not achieved;
* ``stale``: nobody reported on it for 12 months (creation counts as a report);
* ``inactive``: nobody reported on it for 24 months (replaces ``stale``).

A commitment that is achieved or discontinued is closed: it is never stale
or inactive (there is nothing left to report), and a discontinued one is
never overdue. The light: red for overdue or inactive, yellow for stale,
grey for a discontinued commitment, green otherwise — the UN partnership
platform's rule of yellow after a year without a report and red after two.

One rule, two forms: ``commitment_flags`` for one record and
``filter_by_flag`` for a queryset; the tests keep them in agreement.
"""

import datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.commitments.models import Commitment, years_after

OVERDUE, STALE, INACTIVE = "overdue", "stale", "inactive"
FLAGS = (OVERDUE, STALE, INACTIVE)
FLAG_LABELS = {OVERDUE: _("Overdue"), STALE: _("No report for 12 months"), INACTIVE: _("Inactive: no report for 24 months")}
LIGHTS = ("green", "yellow", "red", "grey")
LIGHT_LABELS = {"green": _("On track"), "yellow": _("Attention"), "red": _("Alert"), "grey": _("Closed")}
STALE_YEARS, INACTIVE_YEARS = 1, 2
CLOSED = (Commitment.Status.ACHIEVED, Commitment.Status.DISCONTINUED)


def years_before(day: datetime.date, years: int) -> datetime.date:
    return years_after(day, -years)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _cutoff(today: datetime.date, years: int) -> datetime.datetime:
    """The moment a report must be later than to count within ``years``."""
    day = years_before(today, years)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def last_reported(commitment) -> datetime.datetime | None:
    return commitment.last_reported_at or commitment.created_at


def commitment_flags(commitment, today: datetime.date | None = None) -> list[str]:
    today = _today(today)
    flags = []
    deadline = commitment.deadline()
    if (
        deadline
        and deadline < today
        and commitment.status not in (Commitment.Status.ACHIEVED, Commitment.Status.DISCONTINUED)
    ):
        flags.append(OVERDUE)
    reported = last_reported(commitment)
    if commitment.status not in CLOSED and reported is not None:
        if reported < _cutoff(today, INACTIVE_YEARS):
            flags.append(INACTIVE)
        elif reported < _cutoff(today, STALE_YEARS):
            flags.append(STALE)
    return flags


def traffic_light(flags, *, closed: bool = False) -> str:
    """``green``, ``yellow``, ``red`` or ``grey`` (``closed``: discontinued)."""
    if OVERDUE in flags or INACTIVE in flags:
        return "red"
    if STALE in flags:
        return "yellow"
    if closed:
        return "grey"
    return "green"


def commitment_light(commitment, today: datetime.date | None = None) -> str:
    return traffic_light(
        commitment_flags(commitment, today), closed=commitment.status == Commitment.Status.DISCONTINUED
    )


def flag_condition(flag: str, today: datetime.date | None = None) -> Q:
    """The queryset form of one flag (annotate ``reported`` first: see ``filter_by_flag``)."""
    today = _today(today)
    open_ = ~Q(status__in=CLOSED)
    if flag == OVERDUE:
        return Q(due_by__lt=today) & ~Q(status__in=CLOSED)
    if flag == INACTIVE:
        return open_ & Q(reported__lt=_cutoff(today, INACTIVE_YEARS))
    if flag == STALE:
        return open_ & Q(reported__lt=_cutoff(today, STALE_YEARS), reported__gte=_cutoff(today, INACTIVE_YEARS))
    raise ValueError(f"unknown flag {flag!r}")


def filter_by_flag(queryset: QuerySet, flag: str, today: datetime.date | None = None) -> QuerySet:
    """Commitments of ``queryset`` that carry ``flag`` (one of FLAGS)."""
    if flag not in FLAGS:
        raise ValueError(f"unknown flag {flag!r}; flags: {', '.join(FLAGS)}")
    return queryset.annotate(reported=Coalesce("last_reported_at", "created_at")).filter(flag_condition(flag, today))
