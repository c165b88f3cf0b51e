"""The permission matrix, role by role, and its agreement with the querysets
that list what a user may see or manage."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.actors import services
from gcmhub.actors.models import Organization, User
from gcmhub.actors.rules import manages_area_of, member_of_organization_of

ACTORS = ("anonymous", "admin", "focal_ken", "focal_mex", "contributor_ken", "stakeholder_ken", "reviewer")


def _row(perm: str, obj: str, allowed: str) -> list:
    """One matrix row: ``allowed`` lists the actors who get ``perm`` on ``obj``."""
    granted = set(allowed.split())
    assert granted <= set(ACTORS), granted - set(ACTORS)
    return [pytest.param(perm, actor, obj, actor in granted, id=f"{perm}-{obj}-{actor}") for actor in ACTORS]


MATRIX = [
    *_row("actors.view_organization", "ken_pub", " ".join(ACTORS)),
    *_row("actors.view_organization", "ken_draft", "admin focal_ken stakeholder_ken reviewer"),
    *_row("actors.view_organization", "mex_draft", "admin focal_mex reviewer"),
    *_row("actors.change_organization", "ken_pub", "admin focal_ken"),
    *_row("actors.change_organization", "ken_draft", "admin focal_ken"),
    *_row("actors.change_organization", "mex_pub", "admin focal_mex"),
    *_row("actors.change_organization", "intl", "admin"),
    *_row("actors.delete_organization", "mex_draft", "admin focal_mex"),
    *_row("actors.add_organization", None, "admin focal_ken focal_mex"),
    *_row("actors.publish_organization", "ken_draft", "admin reviewer"),
    *_row("actors.manage_user", None, "admin focal_ken focal_mex"),
]


def _actor(people, name):
    return AnonymousUser() if name == "anonymous" else getattr(people, name)


@pytest.mark.parametrize(("perm", "actor", "obj", "expected"), MATRIX)
def test_organization_permission_matrix(people, orgs, perm, actor, obj, expected):
    target = getattr(orgs, obj) if obj else None
    assert _actor(people, actor).has_perm(perm, target) is expected


USER_MATRIX = [
    *_row("actors.manage_user", "contributor_ken", "admin focal_ken"),
    *_row("actors.manage_user", "stakeholder_ken", "admin focal_ken"),
    *_row("actors.manage_user", "focal_mex", "admin focal_mex"),
    *_row("actors.manage_user", "admin", "admin"),
    *_row("actors.manage_user", "reviewer", "admin"),
]


@pytest.mark.parametrize(("perm", "actor", "target", "expected"), USER_MATRIX)
def test_user_permission_matrix(people, perm, actor, target, expected):
    assert _actor(people, actor).has_perm(perm, getattr(people, target)) is expected


def test_focal_point_can_never_grant_admin_or_another_country(people, kenya, mexico, orgs):
    focal = people.focal_ken
    assert focal.has_perm("actors.manage_user", User(role=User.Role.CONTRIBUTOR, organization=orgs.ken_pub))
    assert not focal.has_perm("actors.manage_user", User(role=User.Role.ADMIN))
    assert not focal.has_perm("actors.manage_user", User(role=User.Role.REVIEWER))
    assert not focal.has_perm("actors.manage_user", User(role=User.Role.FOCAL_POINT, area=mexico))
    assert not focal.has_perm("actors.manage_user", User(role=User.Role.STAKEHOLDER, organization=orgs.mex_pub))


def test_a_superuser_in_a_focal_points_country_is_still_out_of_reach(people, kenya):
    superuser = User.objects.create_superuser("root", password="x" * 12)
    superuser.area = kenya  # even if someone gave it a country
    assert not people.focal_ken.has_perm("actors.manage_user", superuser)


def test_deactivated_accounts_lose_every_permission(people, orgs):
    people.focal_ken.is_active = False
    assert not people.focal_ken.has_perm("actors.change_organization", orgs.ken_pub)


def test_only_the_owner_issues_a_token_and_an_admin_may_revoke_it(people):
    token, _key = services.issue_token(None, people.focal_ken, "script")
    assert people.focal_ken.has_perm("actors.issue_token", people.focal_ken)
    assert not people.admin.has_perm("actors.issue_token", people.focal_ken)
    assert people.focal_ken.has_perm("actors.revoke_token", token)
    assert people.admin.has_perm("actors.revoke_token", token)
    assert not people.focal_mex.has_perm("actors.revoke_token", token)


@pytest.mark.parametrize("actor", ACTORS)
def test_visible_organizations_agrees_with_the_view_rule(people, orgs, actor):
    user = _actor(people, actor)
    by_rule = {o.pk for o in Organization.objects.all() if user.has_perm("actors.view_organization", o)}
    assert set(services.visible_organizations(user).values_list("pk", flat=True)) == by_rule


@pytest.mark.parametrize("actor", ACTORS)
def test_manageable_users_agrees_with_the_manage_rule(people, actor):
    user = _actor(people, actor)
    by_rule = {u.pk for u in User.objects.all() if user.has_perm("actors.manage_user", u)}
    assert set(services.manageable_users(user).values_list("pk", flat=True)) == by_rule


def test_predicate_factories_follow_dotted_paths(people, orgs):
    """Later apps point the predicates at their own records' fields."""
    record = type("Commitment", (), {"owner": orgs.ken_pub})()
    in_area = manages_area_of("owner.area_id")
    of_member = member_of_organization_of("owner")
    assert in_area(people.focal_ken, record) and not in_area(people.focal_mex, record)
    assert of_member(people.contributor_ken, record) and not of_member(people.stakeholder_ken, record)
