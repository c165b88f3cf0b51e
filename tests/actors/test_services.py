"""Services: the one place each rule is enforced, whoever calls."""

import pytest
from django.core.exceptions import FieldDoesNotExist, ValidationError

from gcmhub.actors import services
from gcmhub.actors.history import history_of
from gcmhub.actors.models import Organization, User
from gcmhub.errors import EditConflict, Forbidden, InvalidInput

NEW_ORG = {"name": "Kenya Diaspora Council", "kind": "migrant-diaspora", "area": "KEN"}


# --- organisations -----------------------------------------------------------


def test_focal_point_creates_in_own_country_unpublished(people):
    organization = services.create_organization(people.focal_ken, NEW_ORG)
    assert organization.area.iso3 == "KEN"
    assert organization.is_published is False
    assert organization.version == 1


def test_focal_point_cannot_create_in_another_country(people):
    with pytest.raises(Forbidden):
        services.create_organization(people.focal_ken, {**NEW_ORG, "area": "MEX"})
    assert not Organization.objects.filter(name=NEW_ORG["name"]).exists()


@pytest.mark.parametrize("actor", ["contributor_ken", "stakeholder_ken", "reviewer"])
def test_members_and_reviewers_cannot_create_organisations(people, actor):
    with pytest.raises(Forbidden):
        services.create_organization(getattr(people, actor), NEW_ORG)


def test_focal_point_of_kenya_cannot_edit_a_mexican_organisation(people, orgs):
    with pytest.raises(Forbidden):
        services.update_organization(people.focal_ken, orgs.mex_pub, {"name": "Hijacked"}, orgs.mex_pub.version)
    orgs.mex_pub.refresh_from_db()
    assert orgs.mex_pub.name == "Mexico Migration Institute"


def test_focal_point_cannot_move_an_organisation_to_another_country(people, orgs):
    with pytest.raises(Forbidden):
        services.update_organization(people.focal_ken, orgs.ken_pub, {"area": "MEX"}, orgs.ken_pub.version)
    assert Organization.objects.get(pk=orgs.ken_pub.pk).area.iso3 == "KEN"


@pytest.mark.parametrize("actor", ["contributor_ken", "stakeholder_ken"])
def test_members_cannot_edit_even_their_own_organisation(people, orgs, actor):
    user = getattr(people, actor)
    with pytest.raises(Forbidden):
        services.update_organization(user, user.organization, {"website": "https://example.org"}, 1)


def test_admin_manages_international_organisations(people, orgs):
    services.update_organization(people.admin, orgs.intl, {"acronym": "IEO"}, orgs.intl.version)
    assert Organization.objects.get(pk=orgs.intl.pk).acronym == "IEO"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**NEW_ORG, "area": "XXX"}, "area"),
        ({**NEW_ORG, "kind": "guild"}, "kind"),
        ({**NEW_ORG, "name": "  "}, "name"),
        ({**NEW_ORG, "website": "not a url"}, "website"),
        ({**NEW_ORG, "parent": 999999}, "parent"),
        ({**NEW_ORG, "colour": "blue"}, "colour"),
    ],
)
def test_invalid_organisation_input_names_the_field(people, data, field):
    with pytest.raises(InvalidInput) as error:
        services.create_organization(people.admin, data)
    assert error.value.field == field


def test_an_organisation_cannot_become_part_of_its_own_unit(people, orgs):
    unit = services.create_organization(people.admin, {**NEW_ORG, "parent": orgs.ken_pub.pk})
    with pytest.raises(InvalidInput) as error:
        services.update_organization(people.admin, orgs.ken_pub, {"parent": unit.pk}, orgs.ken_pub.version)
    assert error.value.field == "parent"


def test_concurrent_edit_is_refused_not_overwritten(people, orgs):
    first = Organization.objects.get(pk=orgs.ken_draft.pk)
    second = Organization.objects.get(pk=orgs.ken_draft.pk)
    services.update_organization(people.focal_ken, first, {"acronym": "MOL"}, first.version)
    with pytest.raises(EditConflict):
        services.update_organization(people.admin, second, {"acronym": "LAB"}, second.version)
    stored = Organization.objects.get(pk=orgs.ken_draft.pk)
    assert (stored.acronym, stored.version) == ("MOL", 2)


def test_only_reviewers_and_admins_publish_and_only_the_version_they_read(people, orgs):
    with pytest.raises(Forbidden):
        services.publish_organization(people.focal_ken, orgs.ken_draft, True, orgs.ken_draft.version)
    with pytest.raises(EditConflict):
        services.publish_organization(people.reviewer, orgs.ken_draft, True, orgs.ken_draft.version + 1)
    services.publish_organization(people.reviewer, orgs.ken_draft, True, orgs.ken_draft.version)
    stored = Organization.objects.get(pk=orgs.ken_draft.pk)
    assert stored.is_published and stored.published_at is not None


def test_anonymous_sees_only_published(orgs):
    from django.contrib.auth.models import AnonymousUser

    names = set(services.visible_organizations(AnonymousUser()).values_list("name", flat=True))
    assert names == {orgs.ken_pub.name, orgs.mex_pub.name, orgs.intl.name}


def test_filters_by_country_and_type_and_rejects_unknown_values(people, orgs):
    everything = services.visible_organizations(people.admin)
    kenyan = services.filter_organizations(everything, area="ken", kind="ministry-agency")
    assert list(kenyan) == [orgs.ken_pub]
    with pytest.raises(InvalidInput):
        services.filter_organizations(everything, area="ZZZ")
    with pytest.raises(InvalidInput):
        services.filter_organizations(everything, kind="guild")


# --- history -----------------------------------------------------------------


def test_history_records_who_changed_what(people, orgs):
    organization = services.create_organization(people.focal_ken, NEW_ORG)
    services.update_organization(
        people.focal_ken, organization, {"name": "Kenya Diaspora Forum", "kind": "civil-society"}, 1
    )
    changed, created = history_of(organization, reader=people.focal_ken, show_usernames=True)
    assert (created.who, created.action) == ("focal-ken", "created")
    assert {c.field: c.new for c in created.changes} == {
        "name": "Kenya Diaspora Council",
        "kind": "Migrant or diaspora organisation",
        "area": "Kenya",
    }
    assert (changed.who, changed.action) == ("focal-ken", "changed")
    changes = {c.field: (c.old, c.new) for c in changed.changes}
    assert changes == {
        "name": ("Kenya Diaspora Council", "Kenya Diaspora Forum"),
        "kind": ("Migrant or diaspora organisation", "Civil society organisation"),
    }


def test_publication_is_part_of_the_history(people, orgs):
    services.publish_organization(people.reviewer, orgs.ken_draft, True, orgs.ken_draft.version)
    latest = history_of(orgs.ken_draft, reader=people.reviewer, show_usernames=True)[0]
    assert latest.who == "reviewer"
    assert [(c.field, c.old, c.new) for c in latest.changes] == [("is_published", "no", "yes")]


def test_user_history_never_holds_the_password(people):
    with pytest.raises(FieldDoesNotExist):
        User.history.model._meta.get_field("password")
    user = services.create_user(people.admin, "newcomer", "reviewer", password="a fresh passphrase")
    assert user.history.first().history_user == people.admin


# --- users -------------------------------------------------------------------


def test_focal_point_creates_a_contributor_for_a_kenyan_organisation(people, orgs):
    user = services.create_user(
        people.focal_ken, "wanjiru", "contributor", organization_id=orgs.ken_pub.pk, password="a fresh passphrase"
    )
    assert user.organization == orgs.ken_pub
    assert user.check_password("a fresh passphrase")


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("admin", {}),
        ("reviewer", {}),
        ("focal-point", {"area_iso3": "MEX"}),
        ("stakeholder", {"organization_id": "mex_pub"}),
    ],
)
def test_focal_point_cannot_create_admins_global_roles_or_other_countries_users(people, orgs, role, scope):
    if "organization_id" in scope:
        scope = {"organization_id": getattr(orgs, scope["organization_id"]).pk}
    with pytest.raises(Forbidden):
        services.create_user(people.focal_ken, "intruder", role, password="a fresh passphrase", **scope)
    assert not User.objects.filter(username="intruder").exists()


@pytest.mark.parametrize("actor", ["contributor_ken", "stakeholder_ken", "reviewer"])
def test_only_admins_and_focal_points_create_accounts(people, orgs, actor):
    with pytest.raises(Forbidden):
        services.create_user(
            getattr(people, actor),
            "x-user",
            "contributor",
            organization_id=orgs.ken_pub.pk,
            password="a fresh passphrase",
        )


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        ("wizard", {}, "role"),
        ("focal-point", {}, "area"),
        ("focal-point", {"area_iso3": "ATL"}, "area"),
        ("contributor", {}, "organization"),
        ("contributor", {"organization_id": 987654}, "organization"),
        ("reviewer", {"area_iso3": "KEN"}, "area"),
        ("admin", {"organization_id": "ken_pub"}, "organization"),
    ],
)
def test_role_and_scope_must_match(people, orgs, role, scope, field):
    if scope.get("organization_id") == "ken_pub":
        scope = {"organization_id": orgs.ken_pub.pk}
    with pytest.raises(InvalidInput) as error:
        services.create_user(None, "someone", role, password="a fresh passphrase", **scope)
    assert error.value.field == field


def test_a_focal_point_needs_a_country_not_a_region(people, kenya):
    from gcmhub.geo.models import Area

    region, _ = Area.objects.get_or_create(m49="002", defaults={"kind": Area.Kind.REGION, "name_en": "Africa"})
    user = User(username="regional", role=User.Role.FOCAL_POINT, area=region)
    with pytest.raises(ValidationError) as error:
        user.full_clean(exclude=["password"])
    assert "area" in error.value.message_dict


def test_duplicate_username_is_refused(people):
    with pytest.raises(InvalidInput) as error:
        services.create_user(None, "reviewer", "reviewer", password="a fresh passphrase")
    assert error.value.field == "username"


@pytest.mark.parametrize("weak", ["", "short1", "password123", "1234567890123", "reviewer-two"])
def test_django_password_validators_reject_weak_passwords(people, weak):
    with pytest.raises(InvalidInput) as error:
        services.create_user(None, "reviewer-two", "reviewer", password=weak)
    assert error.value.field == "password"
    assert not User.objects.filter(username="reviewer-two").exists()


def test_generated_passwords_pass_the_validators(db):
    user = services.create_user(None, "generated", "reviewer", password=services.generate_password())
    assert user.has_usable_password()


# --- tokens ------------------------------------------------------------------


def test_token_key_is_shown_once_and_only_its_hash_is_stored(people):
    token, key = services.issue_token(people.focal_ken, people.focal_ken, "import script")
    assert key.startswith(services.TOKEN_PREFIX) and len(key) > 40
    assert token.key_hash == services.hash_key(key) != key
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 3
    assert services.authenticate_token(key) == people.focal_ken
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_revoked_and_deactivated_tokens_authenticate_nobody(people):
    token, key = services.issue_token(None, people.reviewer, "script")
    assert services.authenticate_token(key + "x") is None
    assert services.authenticate_token("") is None
    people.reviewer.is_active = False
    people.reviewer.save()
    assert services.authenticate_token(key) is None
    people.reviewer.is_active = True
    people.reviewer.save()
    services.revoke_token(people.reviewer, token)
    assert services.authenticate_token(key) is None


def test_nobody_issues_a_token_for_someone_else(people):
    with pytest.raises(Forbidden):
        services.issue_token(people.admin, people.focal_ken, "impersonation")


def test_only_owner_or_admin_revokes(people):
    token, _key = services.issue_token(None, people.focal_ken, "script")
    with pytest.raises(Forbidden):
        services.revoke_token(people.focal_mex, token)
    services.revoke_token(people.admin, token)
    token.refresh_from_db()
    assert token.is_revoked


def test_a_token_needs_a_name(people):
    with pytest.raises(InvalidInput):
        services.issue_token(people.reviewer, people.reviewer, "   ")
