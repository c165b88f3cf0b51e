"""What waits for a user: the inbox page and the e-mail reminders read this.

``inbox_items(user, today)`` lists, in this order:

* ``approval`` — submissions (and held changes of published commitments) a
  reviewer may approve or reject;
* ``update_review`` — status updates a reviewer has not published or not verified yet;
* ``returned`` — drafts a reviewer sent back with a reason, to those who may change them;
* ``overdue``, ``inactive``, ``stale`` — published commitments the user reports
  on (owner or partner organisation, focal point of the area) carrying
  that flag (``flags.py``: one rule for the flags);
* ``update_due`` — the same commitments, not flagged yet, whose last report
  is more than ``UPDATE_DUE_DAYS`` old: a month before they turn stale.

Every item comes through the user's permissions (``rules.py``): a reviewer
is never asked to report, a contributor never sees another organisation's
drafts. Each kind is capped at ``LIMIT_PER_KIND`` items (the page says when
more wait), so an administrator's inbox stays readable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Commitment, CommitmentUpdate

APPROVAL, UPDATE_REVIEW, RETURNED = "approval", "update_review", "returned"
OVERDUE, INACTIVE, STALE, UPDATE_DUE = "overdue", "inactive", "stale", "update_due"
KINDS = (APPROVAL, UPDATE_REVIEW, RETURNED, OVERDUE, INACTIVE, STALE, UPDATE_DUE)
KIND_LABELS = {
    APPROVAL: _("Commitments waiting for your approval"),
    UPDATE_REVIEW: _("Status updates to publish or verify"),
    RETURNED: _("Commitments sent back to you with a reason"),
    OVERDUE: _("Overdue commitments (past their deadline, not achieved)"),
    INACTIVE: _("Inactive commitments (no report for 24 months)"),
    STALE: _("Stale commitments (no report for 12 months)"),
    UPDATE_DUE: _("Status updates due (no report for 11 months)"),
}
# A report is due a month before the commitment would turn stale (12 months).
UPDATE_DUE_DAYS = 335
LIMIT_PER_KIND = 50


@dataclass(frozen=True)
class InboxItem:
    kind: str
    commitment: Commitment
    update: CommitmentUpdate | None = None
    detail: str = ""

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def url(self) -> str | None:
        return commitment_url(self.commitment)


@dataclass
class InboxSection:
    kind: str
    label: str
    items: list[InboxItem] = field(default_factory=list)
    more: bool = False  # more than LIMIT_PER_KIND wait


def commitment_url(commitment: Commitment) -> str | None:
    """The commitment's page (the web app's ``commitments:detail``), or None if it is not installed."""
    try:
        return reverse("commitments:detail", kwargs={"pk": commitment.pk})
    except NoReverseMatch:
        return None


def inbox_items(user, today: datetime.date | None = None) -> list[InboxItem]:
    """Everything waiting for ``user``, by kind in ``KINDS`` order."""
    return [item for section in inbox_sections(user, today) for item in section.items]


def inbox_sections(user, today: datetime.date | None = None) -> list[InboxSection]:
    """The inbox grouped by kind; kinds with nothing waiting are left out."""
    if not (user and user.is_authenticated and user.is_active):
        return []
    today = today or timezone.localdate()
    found: dict[str, list[InboxItem]] = {kind: [] for kind in KINDS}
    if user.has_perm("commitments.publish_commitment"):
        found[APPROVAL] = _approvals(user)
    if user.has_perm("commitments.verify_commitment"):
        found[UPDATE_REVIEW] = _updates_to_review(user)
    found[RETURNED] = _returned(user)
    if user.has_perm("commitments.report_commitment"):
        for item in _reporting(user, today):
            found[item.kind].append(item)
    sections = []
    for kind in KINDS:
        items = found[kind]
        if items:
            sections.append(InboxSection(kind, str(KIND_LABELS[kind]), items[:LIMIT_PER_KIND],
                                         len(items) > LIMIT_PER_KIND))  # fmt: skip
    return sections


def _visible(user) -> QuerySet:
    from .services import visible_commitments

    return visible_commitments(user).select_related("area", "owner")


def _approvals(user) -> list[InboxItem]:
    """Submissions, and published commitments with a change held for review (``services.review_queue``)."""
    from .services import review_queue

    waiting = review_queue(user).select_related("area", "owner").order_by("submitted_at", "pk")
    return [
        InboxItem(APPROVAL, commitment, detail="" if commitment.review_state == Commitment.ReviewState.SUBMITTED
                  else str(_("A change to the published commitment waits for review")))
        for commitment in waiting[: LIMIT_PER_KIND + 1]
        if user.has_perm("commitments.publish_commitment", commitment)
    ]


def _updates_to_review(user) -> list[InboxItem]:
    waiting = (
        CommitmentUpdate.objects.filter(commitment__in=_visible(user).values("pk"))
        .filter(Q(is_published=False) | Q(verification=""))
        .select_related("commitment__area", "commitment__owner", "organization")
        .order_by("reported_on", "pk")
    )
    items = []
    for update in waiting[: LIMIT_PER_KIND + 1]:
        if not user.has_perm("commitments.verify_commitment", update.commitment):
            continue
        todo = []
        if not update.is_published:
            todo.append(str(_("publish")))
        if not update.verification:
            todo.append(str(_("verify")))
        detail = _("Update of %(date)s by %(organization)s: %(todo)s") % {
            "date": update.reported_on.isoformat(), "organization": update.organization.name,
            "todo": ", ".join(todo),
        }  # fmt: skip
        items.append(InboxItem(UPDATE_REVIEW, update.commitment, update, str(detail)))
    return items


def _returned(user) -> list[InboxItem]:
    if not user.has_perm("commitments.change_commitment"):
        return []
    drafts = _visible(user).filter(review_state=Commitment.ReviewState.DRAFT).exclude(rejection_reason="")
    return [
        InboxItem(RETURNED, commitment, detail=commitment.rejection_reason)
        for commitment in drafts.order_by("-updated_at", "pk")[: LIMIT_PER_KIND + 1]
        if user.has_perm("commitments.change_commitment", commitment)
    ]


def _reporting(user, today: datetime.date) -> list[InboxItem]:
    """Flag and due items of the published, open commitments ``user`` reports on."""
    from .flags import CLOSED, commitment_flags

    due_cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=UPDATE_DUE_DAYS), datetime.time.min)
    )
    candidates = (
        _visible(user)
        .filter(review_state=Commitment.ReviewState.PUBLISHED)
        .exclude(status__in=CLOSED)
        .annotate(reported=Coalesce("last_reported_at", "created_at"))
        .filter(Q(reported__lt=due_cutoff) | Q(due_by__lt=today))
        .order_by("reported", "pk")
    )
    items = []
    for commitment in candidates[: 4 * LIMIT_PER_KIND]:
        if not user.has_perm("commitments.report_commitment", commitment):
            continue
        flags = commitment_flags(commitment, today)
        for kind in (OVERDUE, INACTIVE, STALE):
            if kind in flags:
                items.append(InboxItem(kind, commitment, detail=_reporting_detail(commitment, kind)))
        if not ({INACTIVE, STALE} & set(flags)) and commitment.reported < due_cutoff:
            items.append(InboxItem(UPDATE_DUE, commitment, detail=_reporting_detail(commitment, UPDATE_DUE)))
    return items


def _reporting_detail(commitment: Commitment, kind: str) -> str:
    if kind == OVERDUE:
        return str(_("Deadline %(date)s") % {"date": commitment.due_by.isoformat()})
    reported = commitment.last_reported_at or commitment.created_at
    return str(_("Last report %(date)s") % {"date": timezone.localdate(reported).isoformat()})
