"""Who may do what with commitments: one set of rules for web, API and CLI.

``rules`` imports this module at start-up (AutodiscoverRulesConfig); every
interface asks ``user.has_perm("commitments.<perm>", commitment)`` and the
services check the same permission with the record they are about to save.
``services.visible_commitments`` is the queryset form of ``view_commitment``
(the tests keep the two in agreement). docs/roles.md has the matrix.

Scopes, from the issue:

* focal point: reads and reports on every commitment of their country, and
  those owned by an organisation of their country; creates, edits and deletes
  only the records that are their country's: owned by an organisation of
  their country, or by an international one (no country) in their country.
  A Mexican focal point cannot write a draft in a Kenyan organisation's name;
* contributor: commitments whose owner or one of whose partners is their
  organisation (they edit and report on them);
* stakeholder: reads and reports on its organisation's commitments (owner
  or partner), edits only those its organisation owns;
* reviewer: reads all, publishes, rejects, verifies;
* public: published commitments only.
"""

import rules

from gcmhub.actors.rules import (
    is_admin,
    is_contributor,
    is_member,
    is_reviewer,
    is_stakeholder,
    manages_area_of,
    member_of_organization_of,
)


def partner_organization_ids(commitment) -> set[int]:
    """The organisations a commitment names as partners. A commitment being
    built (not saved yet, or with new partners) carries them in
    ``_partner_organization_ids`` so the check sees what will be saved."""
    pending = getattr(commitment, "_partner_organization_ids", None)
    if pending is not None:
        return set(pending)
    if commitment.pk is None:
        return set()
    return set(commitment.partners.values_list("organization_id", flat=True))


@rules.predicate
def member_of_owner_or_partner(user, commitment) -> bool:
    """A contributor or stakeholder whose organisation owns the commitment or is one of its partners."""
    if not is_member(user) or user.organization_id is None:
        return False
    if commitment is None:
        return True
    return commitment.owner_id == user.organization_id or user.organization_id in partner_organization_ids(commitment)


@rules.predicate
def is_published_commitment(user, commitment) -> bool:
    return commitment is not None and bool(commitment.is_published)


@rules.predicate
def is_unpublished(user, commitment) -> bool:
    """Not published now and never was: drafts and submissions."""
    return commitment is None or (not commitment.is_published and commitment.published_at is None)


@rules.predicate
def owner_has_no_country(user, commitment) -> bool:
    """The owner is an international organisation (or not chosen yet)."""
    if commitment is None or commitment.owner_id is None:
        return True
    return commitment.owner.area_id is None


# What a focal point sees and reports on: their country's commitments and those of its organisations.
manages_commitment_area = manages_area_of("area_id") | manages_area_of("owner.area_id")
# What a focal point writes: records that are their country's — the owner's
# country decides, and the area only when the owner belongs to no country.
writes_for_country = manages_area_of("owner.area_id") | (manages_area_of("area_id") & owner_has_no_country)
member_of_owner = member_of_organization_of("owner_id")
reviews = is_admin | is_reviewer

rules.add_perm(
    "commitments.view_commitment",
    is_published_commitment | reviews | manages_commitment_area | member_of_owner_or_partner,
)
# Creating: for one's own country, or in the name of one's own organisation.
rules.add_perm("commitments.add_commitment", is_admin | writes_for_country | member_of_owner)
rules.add_perm(
    "commitments.change_commitment",
    is_admin
    | writes_for_country
    | (is_contributor & member_of_owner_or_partner)
    | (is_stakeholder & member_of_owner),
)
# Published commitments stay (with their history); editors delete what was never published.
rules.add_perm(
    "commitments.delete_commitment",
    is_admin | ((writes_for_country | member_of_owner) & is_unpublished),
)
rules.add_perm("commitments.publish_commitment", reviews)
rules.add_perm("commitments.verify_commitment", reviews)
# Every partner of a joint pledge reports, not only the one that submitted it.
rules.add_perm("commitments.report_commitment", is_admin | manages_commitment_area | member_of_owner_or_partner)
# The coordination page of a country (object: the Area).
rules.add_perm("commitments.coordinate_area", reviews | manages_area_of(lambda area: area))
