"""What people do with the coordination measures: confirm or decline a match
of a request and an offer, and decide on a likely duplicate.

* A match links a request and an offer only once **both sides** confirmed
  it: whoever may change the request confirms for the request, whoever may
  change the offer for the offer (``commitments.change_commitment``). Either
  side may decline it, and a declined pair is not suggested again.
* An overlap decision (``linked``: related, shown together; ``distinct``: not
  a duplicate, not proposed again) is a coordinator's:
  ``commitments.coordinate_area`` for the area of each commitment.

Views, the API and tests call these functions; ``actor`` None is the system
operator. Errors are ``gcmhub.errors`` exceptions (422, 403, 404, 409).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.commitments import coordination as co
from gcmhub.commitments.models import Commitment, OverlapDecision, SupportMatch
from gcmhub.commitments.services import get_visible_commitment, visible_commitments
from gcmhub.concurrency import save_if_unchanged
from gcmhub.errors import Forbidden, InvalidInput, NotFound

CHANGE = "commitments.change_commitment"
COORDINATE = "commitments.coordinate_area"
REQUEST_SIDE, OFFER_SIDE = "request", "offer"
SIDES = (REQUEST_SIDE, OFFER_SIDE)


# --- matches -----------------------------------------------------------------------------


def may_act_for(actor, commitment: Commitment) -> bool:
    return actor is None or actor.has_perm(CHANGE, commitment)


def visible_matches(reader):
    """The stored matches whose two sides ``reader`` may read."""
    visible = visible_commitments(reader).values("pk")
    return SupportMatch.objects.filter(request_id__in=visible, offer_id__in=visible).select_related(
        "request", "offer"
    )


def get_visible_match(reader, match_id) -> SupportMatch:
    match = visible_matches(reader).filter(pk=match_id).first()
    if match is None:
        raise NotFound(_("No such match."))
    return match


def _check_pair(request: Commitment, offer: Commitment) -> None:
    if request.kind != Commitment.Kind.REQUEST:
        raise InvalidInput(_("The first commitment of a match must be a request for support."), field="request")
    if offer.kind not in co.OFFER_KINDS:
        raise InvalidInput(
            _("The offer of a match must be a pledge, a joint pledge or a matching pledge."), field="offer"
        )


def propose_match(
    actor, request_id, offer_id, *, side: str | None = None, reason: str = ""
) -> tuple[SupportMatch, bool]:
    """Record a match of a request and an offer (returns it and whether it is
    new); with ``side``, the actor also confirms it for that side. Either
    side, or a coordinator of either area, may propose it."""
    request = _resolve(actor, request_id, "request")
    offer = _resolve(actor, offer_id, "offer")
    _check_pair(request, offer)
    allowed = may_act_for(actor, request) or may_act_for(actor, offer)
    allowed = allowed or actor.has_perm(COORDINATE, request.area) or actor.has_perm(COORDINATE, offer.area)
    if not allowed:
        raise Forbidden(_("Only those who may change the request or the offer, or a coordinator, may propose a match."))
    match = SupportMatch.objects.filter(request=request, offer=offer).first()
    created = match is None
    if created:
        match = SupportMatch(request=request, offer=offer, reason=reason[:500])
        match._history_user = actor
        match.full_clean()
        try:
            with transaction.atomic():
                match.save()
        except IntegrityError:  # proposed by someone else in the meantime
            match = SupportMatch.objects.get(request=request, offer=offer)
            created = False
    if match.state == SupportMatch.State.DECLINED and side is None:
        raise InvalidInput(_("This match was declined; one side must confirm it to reopen it."), field="offer")
    if side is not None:
        match = confirm_match(actor, match, side, match.version)
    return match, created


def _resolve(actor, commitment_id, field: str) -> Commitment:
    try:
        return get_visible_commitment(actor, commitment_id)
    except NotFound:
        message = _("There is no commitment with the id “%(id)s”.") % {"id": commitment_id}
        raise InvalidInput(message, field=field) from None


def _side(match: SupportMatch, side: str) -> Commitment:
    if side not in SIDES:
        raise InvalidInput(_("The side is “request” or “offer”."), field="side")
    return match.request if side == REQUEST_SIDE else match.offer


def confirm_match(actor, match: SupportMatch, side: str, expected_version: int) -> SupportMatch:
    """Confirm ``match`` for one side; once both sides confirmed, it is
    ``confirmed`` and links the two. Confirming reopens a declined match."""
    commitment = _side(match, side)
    if not may_act_for(actor, commitment):
        raise Forbidden(_("Only those who may change this commitment confirm the match for it."))
    now = timezone.now()
    user = actor if actor is not None and actor.pk else None
    if side == REQUEST_SIDE:
        match.request_confirmed_by, match.request_confirmed_at = user, now
    else:
        match.offer_confirmed_by, match.offer_confirmed_at = user, now
    if match.request_confirmed_at and match.offer_confirmed_at:
        match.state = SupportMatch.State.CONFIRMED
    else:
        match.state = SupportMatch.State.PROPOSED
    match._history_user = actor
    save_if_unchanged(match, expected_version)
    return match


def decline_match(actor, match: SupportMatch, side: str, expected_version: int) -> SupportMatch:
    """Either side may decline a match (a confirmed one too: it unlinks them)."""
    commitment = _side(match, side)
    if not may_act_for(actor, commitment):
        raise Forbidden(_("Only those who may change this commitment decline the match for it."))
    match.state = SupportMatch.State.DECLINED
    match.request_confirmed_by = match.request_confirmed_at = None
    match.offer_confirmed_by = match.offer_confirmed_at = None
    match._history_user = actor
    save_if_unchanged(match, expected_version)
    return match


# --- overlaps ------------------------------------------------------------------------------


def may_coordinate(actor, first: Commitment, second: Commitment) -> bool:
    if actor is None:
        return True
    return actor.has_perm(COORDINATE, first.area) and actor.has_perm(COORDINATE, second.area)


def decide_overlap(actor, first_id, second_id, decision: str, note: str = "") -> OverlapDecision:
    """Record (or change) a coordinator's decision on a pair of commitments."""
    if decision not in OverlapDecision.Decision.values:
        raise InvalidInput(_("The decision is “linked” or “distinct”."), field="decision")
    first = _resolve(actor, first_id, "first")
    second = _resolve(actor, second_id, "second")
    if first.pk == second.pk:
        raise InvalidInput(_("A commitment does not overlap with itself."), field="second")
    if not may_coordinate(actor, first, second):
        raise Forbidden(_("Only a coordinator of the commitments' countries decides on overlaps."))
    low, high = sorted((first, second), key=lambda c: c.pk)
    with transaction.atomic():
        record = OverlapDecision.objects.select_for_update().filter(first=low, second=high).first()
        record = record or OverlapDecision(first=low, second=high)
        record.decision, record.note = decision, note
        record.decided_by = actor if actor is not None and actor.pk else None
        record._history_user = actor
        record.full_clean()
        record.save()
    return record


def withdraw_overlap_decision(actor, first_id, second_id) -> None:
    """Forget a decision: the pair is proposed again if it still looks alike."""
    first = _resolve(actor, first_id, "first")
    second = _resolve(actor, second_id, "second")
    if not may_coordinate(actor, first, second):
        raise Forbidden(_("Only a coordinator of the commitments' countries decides on overlaps."))
    low, high = sorted((first.pk, second.pk))
    record = OverlapDecision.objects.filter(first_id=low, second_id=high).first()
    if record is None:
        raise NotFound(_("No decision was recorded for these two commitments."))
    record._history_user = actor
    record.delete()
