"""Who may do what with services and pathways: role × action, and the rule
agrees with its queryset form (``visible_services``)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.errors import EditConflict
from gcmhub.protection import services
from gcmhub.protection.inputs import ServiceInput
from gcmhub.protection.models import Service

from .conftest import service_input, situation

ROLES = ["anonymous", "admin", "reviewer", "focal_ken", "focal_mex", "provider", "provider_stakeholder",
         "other_provider", "mex_provider"]  # fmt: skip


def user_of(people, role):
    return AnonymousUser() if role == "anonymous" else getattr(people, role)


# Expected answers for a Kenyan service of the Nairobi shelter.
EXPECTED = {
    #                      view draft, view published, change, delete draft, publish, verify
    "anonymous": (False, True, False, False, False, False),
    "admin": (True, True, True, True, True, True),
    "reviewer": (True, True, False, False, True, True),
    "focal_ken": (True, True, True, True, False, False),
    "focal_mex": (False, True, False, False, False, False),
    "provider": (True, True, True, True, False, False),
    "provider_stakeholder": (True, True, True, True, False, False),
    "other_provider": (False, True, False, False, False, False),
    "mex_provider": (False, True, False, False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role, people, make_service):
    user = user_of(people, role)
    draft = make_service(published=False)
    published = make_service(name="Published shelter")
    view_draft, view_published, change, delete_draft, publish, verify = EXPECTED[role]
    assert user.has_perm("protection.view_service", draft) is view_draft
    assert user.has_perm("protection.view_service", published) is view_published
    assert user.has_perm("protection.change_service", draft) is change
    assert user.has_perm("protection.change_service", published) is change
    assert user.has_perm("protection.delete_service", draft) is delete_draft
    # Never deleted once published, except by an administrator.
    assert user.has_perm("protection.delete_service", published) is (role == "admin")
    assert user.has_perm("protection.publish_service", draft) is publish
    assert user.has_perm("protection.verify_service", published) is verify
    # The rule and its queryset form agree.
    visible = set(services.visible_services(None if role == "admin" else user).values_list("pk", flat=True))
    assert (draft.pk in visible) is view_draft and (published.pk in visible) is view_published


@pytest.mark.parametrize("state", ["suspended", "closed"])
def test_public_reads_active_published_services_only(state, people, make_service):
    service = make_service(state=state)
    assert not AnonymousUser().has_perm("protection.view_service", service)
    assert not people.focal_mex.has_perm("protection.view_service", service)
    assert people.focal_ken.has_perm("protection.view_service", service)
    assert service not in services.visible_services(AnonymousUser())


def test_another_countrys_focal_point_cannot_create_edit_or_delete(people, make_service, kenya, orgs):
    draft = make_service(published=False)
    with pytest.raises(services.ServiceForbidden):
        services.create_service(people.focal_mex, service_input(kenya, orgs.shelter))
    with pytest.raises(services.ServiceForbidden):
        services.update_service(people.focal_mex, draft, ServiceInput.from_service(draft), draft.version)
    with pytest.raises(services.ServiceForbidden):
        services.delete_service(people.focal_mex, draft, draft.version)
    # And may not move a Kenyan service into Mexico either: the check sees the changed record.
    data = ServiceInput.from_service(draft)
    data.area = people.focal_mex.area
    with pytest.raises(services.ServiceForbidden):
        services.update_service(people.focal_ken, draft, data, draft.version)


def test_provider_creates_only_for_their_organisation(people, kenya, orgs):
    own = services.create_service(people.provider, service_input(kenya, orgs.shelter))
    assert own.created_by == people.provider and not own.is_published
    with pytest.raises(services.ServiceForbidden):
        services.create_service(people.provider, service_input(kenya, orgs.legal))
    data = ServiceInput.from_service(own)
    data.provider = orgs.legal
    with pytest.raises(services.InvalidService, match="provider"):
        services.update_service(people.provider, own, data, own.version)


def test_provider_edit_of_a_published_service_is_held_until_a_reviewer_publishes(people, make_service):
    service = make_service()
    data = services.editable_input(people.provider, service)
    data.name = "Emergency shelter (new address)"
    data.situations = [situation("trafficking_victim")]
    data.locations = [{"name": "New house", "address": "Kilimani", "admin_area": "Nairobi County",
                       "latitude": -1.29, "longitude": 36.78}]  # fmt: skip
    live = services.update_service(people.provider, service, data, service.version)
    assert live is False
    service.refresh_from_db()
    # The public still reads the published version, situations and locations included.
    assert service.name == "Emergency shelter for women and children"
    assert {s.code for s in service.situations.all()} == {"unaccompanied_child", "survivor_of_violence"}
    assert service.locations.get().name == "Eastleigh house"
    assert service.pending_changes["name"] == "Emergency shelter (new address)"
    # A provider may not publish; a reviewer publishes the proposal they read.
    with pytest.raises(services.ServiceForbidden):
        services.publish_service(people.provider, service, service.version)
    with pytest.raises(EditConflict):
        services.publish_service(people.reviewer, service, service.version - 1)
    services.publish_service(people.reviewer, service, service.version)
    service.refresh_from_db()
    assert service.name == "Emergency shelter (new address)" and not service.has_pending_changes
    assert [s.code for s in service.situations.all()] == ["trafficking_victim"]
    assert service.locations.get().address == "Kilimani"
    # Every step is in the history.
    assert service.history.count() >= 4


def test_focal_point_edit_of_a_draft_is_live_and_stale_version_conflicts(people, make_service):
    service = make_service(published=False)
    data = ServiceInput.from_service(service)
    data.hours = "Mon-Fri 8:00-17:00"
    assert services.update_service(people.focal_ken, service, data, service.version) is True
    with pytest.raises(EditConflict):
        services.update_service(people.focal_ken, service, data, service.version - 1)


def test_reviewer_verifies_and_others_may_not(people, make_service):
    service = make_service()
    for user in (people.provider, people.focal_ken, people.focal_mex):
        with pytest.raises(services.ServiceForbidden):
            services.verify_service(user, service, service.version)
    services.verify_service(people.reviewer, service, service.version)
    service.refresh_from_db()
    assert service.last_verified_on == datetime.date.today() and service.last_verified_by == people.reviewer
    with pytest.raises(services.InvalidService):
        services.verify_service(people.reviewer, service, service.version, on=datetime.date.today() + datetime.timedelta(days=1))


@pytest.mark.parametrize(
    "override, field",
    [
        ({"service_type": "spa"}, "service_type"),
        ({"languages": ["english"]}, "languages"),
        ({"groups": ["aliens"]}, "groups"),
        ({"referral_methods": ["pigeon"]}, "referral_methods"),
        ({"locations": [{"latitude": 91, "longitude": 0}]}, "locations"),
        ({"locations": [{"latitude": 1.0}]}, "locations"),
        ({"phone": "call me maybe"}, "phone"),
        ({"name": ""}, "name"),
        ({"description": "x" * 3001}, "description"),
    ],
)
def test_invalid_input_names_the_field(override, field, kenya, orgs):
    with pytest.raises(services.InvalidService) as error:
        services.create_service(None, service_input(kenya, orgs.shelter, **override))
    assert error.value.field == field
    assert not Service.objects.exists()


def test_pathways_are_kept_by_their_countrys_focal_point(people, make_service, kenya, mexico):
    shelter = make_service()
    steps = [
        {"kind": "first_contact", "description": "Call the child helpline.", "services": [shelter]},
        {"kind": "specialised", "description": "Best-interests assessment.", "services": []},
    ]
    pathway = services.save_pathway(
        people.focal_ken, None, area=kenya, situation=situation("unaccompanied_child"),
        title="Unaccompanied children in Nairobi", steps=steps,
    )  # fmt: skip
    assert [s.kind for s in pathway.steps.all()] == ["first_contact", "specialised"]
    for user in (people.focal_mex, people.provider, people.reviewer):
        with pytest.raises(services.ServiceForbidden):
            services.save_pathway(
                user, pathway, area=kenya, situation=pathway.situation, title="x", steps=[],
                expected_version=pathway.version,
            )  # fmt: skip
    with pytest.raises(services.ServiceForbidden):
        services.save_pathway(people.focal_mex, None, area=kenya, situation=pathway.situation, title="x", steps=[])
    mex_service = make_service(area=mexico, provider=people.mex_provider.organization)
    with pytest.raises(services.InvalidService, match="not a service of this country"):
        services.save_pathway(
            people.focal_ken, pathway, area=kenya, situation=pathway.situation, title="x",
            steps=[{"kind": "follow_up", "description": "", "services": [mex_service]}],
            expected_version=pathway.version,
        )  # fmt: skip
    # A step shows only the services its reader may see.
    services.update_service(None, shelter, _with_state(shelter, "suspended"), shelter.version)
    anonymous_steps = services.pathway_steps(AnonymousUser(), pathway)
    assert anonymous_steps[0][1] == []
    assert services.pathway_steps(people.focal_ken, pathway)[0][1] == [shelter]


def _with_state(service, state):
    data = ServiceInput.from_service(service)
    data.state = state
    return data
