"""Every role × action, through the rules and through the services.

The commitment under test belongs to Kenya, is owned by the Kenyan ministry
(``contributor_ken`` and ``stakeholder_ken`` work there) and has the Nairobi
NGO as a partner (``partner_ken`` and ``stakeholder_partner`` work there).
``outsider`` works for a Kenyan union with no part in it; ``focal_mex`` and
``contributor_mex`` are in Mexico.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gcmhub.commitments import services
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.commitments.models import Evidence
from tests.actors.conftest import make_organization
from tests.commitments.conftest import commitment_input

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous", "admin", "focal_ken", "focal_mex", "contributor_ken", "partner_ken", "stakeholder_ken",
    "stakeholder_partner", "outsider", "contributor_mex", "reviewer",
)  # fmt: skip
Y = True
N = False
# perm -> role -> expected, for a DRAFT Kenyan commitment.
ON_A_DRAFT = {
    #                 anon adm fKE fMX cKE pKE sKE sPA out cMX rev
    "view_commitment": (N, Y, Y, N, Y, Y, Y, Y, N, N, Y),
    "change_commitment": (N, Y, Y, N, Y, Y, Y, N, N, N, N),
    "delete_commitment": (N, Y, Y, N, Y, N, Y, N, N, N, N),
    "publish_commitment": (N, Y, N, N, N, N, N, N, N, N, Y),
    "verify_commitment": (N, Y, N, N, N, N, N, N, N, N, Y),
    "report_commitment": (N, Y, Y, N, Y, Y, Y, Y, N, N, N),
}
# What changes once it is published: everyone reads it; only administrators delete it.
ON_PUBLISHED = {
    **ON_A_DRAFT,
    "view_commitment": (Y,) * len(ROLES),
    "delete_commitment": (N, Y, N, N, N, N, N, N, N, N, N),
}


def _user(people, role):
    return AnonymousUser() if role == "anonymous" else getattr(people, role)


def _cases(table):
    return [(perm, role, expected[i]) for perm, expected in table.items() for i, role in enumerate(ROLES)]


def _mismatches(people, commitment, table) -> list[str]:
    """Every (permission, role) whose answer differs from the table; all of them, not the first."""
    return [
        f"{perm} for {role}: expected {expected}"
        for perm, role, expected in _cases(table)
        if _user(people, role).has_perm(f"commitments.{perm}", commitment) is not expected
    ]


def test_every_role_and_action_on_a_draft(people, make_commitment):
    assert _mismatches(people, make_commitment(), ON_A_DRAFT) == []


def test_every_role_and_action_on_a_submitted_commitment(people, make_commitment):
    assert _mismatches(people, make_commitment("submitted"), ON_A_DRAFT) == []


def test_every_role_and_action_on_a_published_commitment(people, make_commitment):
    assert _mismatches(people, make_commitment("published"), ON_PUBLISHED) == []


def test_visible_commitments_agrees_with_the_view_rule(people, make_commitment, orgs, mexico):
    records = [
        make_commitment(),
        make_commitment("submitted"),
        make_commitment("published"),
        make_commitment(area=mexico, owner=orgs.mex_gov, partners=[]),
        make_commitment("published", area=mexico, owner=orgs.mex_gov, partners=[]),
        # A Mexican commitment with a Kenyan owner: the Kenyan focal point's organisation.
        make_commitment(area=mexico, owner=orgs.ken_gov, partners=[]),
    ]
    for role in ROLES:
        user = _user(people, role)
        visible = set(services.visible_commitments(user))
        assert visible == {c for c in records if user.has_perm("commitments.view_commitment", c)}, role
    assert records[-1] in services.visible_commitments(people.focal_ken)
    assert records[0] not in services.visible_commitments(people.focal_mex)


def test_coordinate_area(people, kenya):
    for role in ROLES:
        expected = role in ("admin", "reviewer", "focal_ken")
        assert _user(people, role).has_perm("commitments.coordinate_area", kenya) is expected, role


# --- the same rules, enforced by the services -------------------------------------------------------------


def _edit(actor, commitment, **changes):
    data = CommitmentInput.from_commitment(commitment)
    for name, value in changes.items():
        setattr(data, name, value)
    return services.update_commitment(actor, commitment, data, commitment.version)


def test_focal_point_of_another_country_neither_sees_nor_changes_drafts(people, make_commitment):
    draft = make_commitment()
    with pytest.raises(Http404):
        services.get_visible_commitment(people.focal_mex, draft.pk)
    assert draft not in services.visible_commitments(people.focal_mex)
    with pytest.raises(PermissionDenied):
        _edit(people.focal_mex, draft, title="Taken over")
    with pytest.raises(PermissionDenied):
        services.submit_commitment(people.focal_mex, draft, draft.version)
    with pytest.raises(PermissionDenied):
        services.delete_commitment(people.focal_mex, draft, draft.version)
    with pytest.raises(PermissionDenied):
        services.post_update(
            people.focal_mex, draft, reported_on=datetime.date(2025, 1, 1), status="in_progress", completion="limited"
        )


def test_focal_point_of_another_country_cannot_change_its_published_records(people, make_commitment):
    published = make_commitment("published")
    assert services.get_visible_commitment(people.focal_mex, published.pk) == published
    with pytest.raises(PermissionDenied):
        _edit(people.focal_mex, published, title="Taken over")


def test_focal_point_cannot_move_a_record_out_of_their_country(people, make_commitment, mexico, orgs):
    draft = make_commitment()
    with pytest.raises(PermissionDenied):
        _edit(people.focal_ken, draft, area=mexico, owner=orgs.mex_gov, partners=[])


def test_focal_point_cannot_create_in_another_country(people, mexico, orgs):
    with pytest.raises(PermissionDenied):
        services.create_commitment(people.focal_ken, commitment_input(mexico, orgs.mex_gov))


def test_focal_point_writes_only_in_their_own_countrys_name(people, kenya, mexico, orgs):
    # Whose record a commitment is follows its owner: a Mexican focal point may
    # not write a draft in a Kenyan organisation's name, even one set in Mexico ...
    with pytest.raises(PermissionDenied):
        services.create_commitment(people.focal_mex, commitment_input(mexico, orgs.ken_gov))
    # ... but may record Mexico's own pledge of support to Kenya,
    abroad = services.create_commitment(people.focal_mex, commitment_input(kenya, orgs.mex_gov))
    assert abroad.owner == orgs.mex_gov
    # which Kenya's focal point sees but cannot rewrite,
    assert services.get_visible_commitment(people.focal_ken, abroad.pk) == abroad
    with pytest.raises(PermissionDenied):
        _edit(people.focal_ken, abroad, title="Taken over")
    # and an international organisation's commitment in Mexico, which only Mexico's focal point writes.
    agency = make_organization("International Migration Agency", None)
    international = services.create_commitment(people.focal_mex, commitment_input(mexico, agency))
    with pytest.raises(PermissionDenied):
        _edit(people.focal_ken, international, title="Taken over")
    _edit(people.focal_mex, international, title="Renamed")
    international.refresh_from_db()
    assert international.title == "Renamed"


def test_members_create_only_for_their_own_organisation(people, kenya, orgs):
    with pytest.raises(PermissionDenied):
        services.create_commitment(people.contributor_ken, commitment_input(kenya, orgs.ken_union))
    created = services.create_commitment(people.stakeholder_ken, commitment_input(kenya, orgs.ken_gov))
    assert created.owner == orgs.ken_gov


def test_only_reviewers_approve_reject_verify_and_publish_updates(people, make_commitment):
    submitted = make_commitment("submitted")
    for actor in (people.focal_ken, people.contributor_ken, people.partner_ken):
        with pytest.raises(PermissionDenied):
            services.approve_commitment(actor, submitted, submitted.version, "reason")
        with pytest.raises(PermissionDenied):
            services.reject_commitment(actor, submitted, submitted.version, "reason")
    update = services.post_update(
        people.partner_ken, submitted, reported_on=datetime.date(2025, 1, 1), status="in_progress", completion="limited"
    )
    for actor in (people.focal_ken, people.contributor_ken):
        with pytest.raises(PermissionDenied):
            services.verify_update(actor, update, "verified", "", update.version)
        with pytest.raises(PermissionDenied):
            services.publish_update(actor, update, update.version)
    services.verify_update(people.reviewer, update, "verified", "", update.version)


def test_every_partner_of_a_joint_pledge_reports(people, kenya, orgs):
    pledge = services.create_commitment(
        people.contributor_ken,
        commitment_input(
            kenya, orgs.ken_gov, kind="joint_pledge", partners=[(orgs.ken_gov, "lead"), (orgs.ken_ngo, "support")]
        ),
    )
    by_owner = services.post_update(
        people.contributor_ken,
        pledge,
        reported_on=datetime.date(2025, 1, 1),
        status="in_progress",
        completion="limited",
    )
    by_partner = services.post_update(
        people.stakeholder_partner,
        pledge,
        reported_on=datetime.date(2025, 2, 1),
        status="in_progress",
        completion="substantial",
    )
    assert (by_owner.organization, by_partner.organization) == (orgs.ken_gov, orgs.ken_ngo)
    with pytest.raises(PermissionDenied):
        services.post_update(
            people.outsider, pledge, reported_on=datetime.date(2025, 2, 1), status="in_progress", completion="limited"
        )


def _file_evidence(people, commitment):
    update = services.post_update(
        people.contributor_ken,
        commitment,
        reported_on=datetime.date(2025, 1, 1),
        status="in_progress",
        completion="limited",
        files=[("minutes.pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    return Evidence.objects.get(update=update)


def test_evidence_of_a_draft_is_not_for_the_public_nor_another_country(people, make_commitment):
    evidence = _file_evidence(people, make_commitment())
    for reader in (AnonymousUser(), people.focal_mex, people.outsider, people.contributor_mex):
        with pytest.raises(PermissionDenied):
            services.evidence_file_for(reader, evidence)
    for reader in (people.focal_ken, people.contributor_ken, people.partner_ken, people.reviewer, people.admin):
        path, content_type, name = services.evidence_file_for(reader, evidence)
        assert path.read_bytes().startswith(b"%PDF") and content_type == "application/pdf" and name == "minutes.pdf"


def test_evidence_of_a_published_commitment_waits_for_its_update_to_be_published(people, make_commitment):
    evidence = _file_evidence(people, make_commitment("published"))
    with pytest.raises(PermissionDenied):
        services.evidence_file_for(AnonymousUser(), evidence)
    services.publish_update(people.reviewer, evidence.update, evidence.update.version)
    evidence.refresh_from_db()
    assert services.evidence_file_for(AnonymousUser(), evidence)[1] == "application/pdf"


def test_a_partner_edits_but_does_not_take_over(people, make_commitment, orgs):
    commitment = make_commitment()
    assert _edit(people.partner_ken, commitment, title="Clarified by the partner") is True
    commitment.refresh_from_db()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        _edit(people.partner_ken, commitment, owner=orgs.ken_ngo)
    assert caught.value.field == "owner"
    commitment.refresh_from_db()
    assert _edit(people.focal_ken, commitment, owner=orgs.ken_ngo) is True
