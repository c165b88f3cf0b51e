"""Organisations, partners, guiding principles and commitments of a practice:
edited on the web form and through the API with the same rules; a reference
to a record the writer may not read is refused like an unknown id, and is
never shown to a reader who may not read it."""

import pytest
from django.urls import reverse

from gcmhub.commitments import services as commitment_services
from gcmhub.errors import InvalidInput
from gcmhub.practices import services
from gcmhub.practices.models import Practice
from tests.commitments.conftest import commitment_input

from .conftest import practice_data


@pytest.fixture
def commitments(orgs, kenya):
    """A published commitment of Kenya and a draft one (only Kenya's focal
    point, its owner's members and reviewers read the draft)."""
    published = commitment_services.create_commitment(
        None, commitment_input(kenya, orgs.ken_pub, title="Published desks", partners=[(orgs.ken_pub, "lead")])
    )
    commitment_services.submit_commitment(None, published, published.version)
    published.refresh_from_db()
    commitment_services.approve_commitment(None, published, published.version, exception_reason="test record")
    draft = commitment_services.create_commitment(
        None, commitment_input(kenya, orgs.ken_draft, title="Secret draft pledge", partners=[(orgs.ken_draft, "lead")])
    )
    published.refresh_from_db()
    return published, draft


def test_the_form_saves_organisations_partners_principles_and_commitments(client, people, orgs, commitments):
    published, _draft = commitments
    client.force_login(people.contributor)
    form = client.get(reverse("practices:create")).content.decode()
    assert "Implementing organisations" in form and "Commitments it serves" in form
    assert "Published desks" in form and "Secret draft pledge" not in form  # only what the user may read
    assert "Tijuana Shelter Network" not in form  # an unpublished organisation of another country
    response = client.post(
        reverse("practices:create"),
        {
            "title": "Labour desks", "summary": "Desks check contracts.", "level": "national", "stage": "pre_departure",
            "state": "ongoing", "areas": ["KEN"], "primary_objective": "6", "principles": ["a", "c"],
            "implementing_organizations": [str(orgs.ken_pub.pk)], "partner_organizations": [str(orgs.intl.pk)],
            "commitments": [str(published.pk)],
        },
    )  # fmt: skip
    assert response.status_code == 302
    practice = Practice.objects.get(title="Labour desks")
    roles = {link.organization_id: link.role for link in practice.organization_links.all()}
    assert roles == {orgs.ken_pub.pk: "implementing", orgs.intl.pk: "partner"}
    assert sorted(practice.principles.values_list("letter", flat=True)) == ["a", "c"]
    assert list(practice.commitments.all()) == [published]

    edit = client.get(reverse("practices:edit", args=[practice.pk])).content.decode()
    assert f'value="{published.pk}" selected' in edit
    page = client.get(reverse("practices:practice", args=[practice.pk])).content.decode()
    assert "Published desks" in page and reverse("commitments:detail", args=[published.pk]) in page


def test_a_hidden_commitment_is_refused_like_an_unknown_one(people, commitments):
    published, draft = commitments
    with pytest.raises(InvalidInput) as hidden:
        services.create_practice(people.contributor, practice_data(commitments=[draft.pk]))
    with pytest.raises(InvalidInput) as unknown:
        services.create_practice(people.contributor, practice_data(commitments=[999_999]))
    assert hidden.value.message.replace(str(draft.pk), "N") == unknown.value.message.replace("999999", "N")
    assert hidden.value.field == "commitments"
    # Kenya's focal point reads the draft and may link it.
    practice = services.create_practice(people.focal_ken, practice_data(commitments=[draft.pk, published.pk]))
    assert set(practice.commitments.all()) == {draft, published}


def test_an_edit_keeps_links_the_editor_cannot_see(people, orgs, commitments):
    published, draft = commitments
    practice = services.create_practice(people.contributor, practice_data(commitments=[published.pk]))
    # A reviewer adds what the contributor may not read: a draft commitment, another country's draft organisation.
    services.update_practice(
        people.reviewer, practice,
        {"commitments": [published.pk, draft.pk], "organizations": [{"id": orgs.mex_draft.pk, "role": "partner"}]},
        practice.version,
    )  # fmt: skip
    practice.refresh_from_db()
    services.update_practice(
        people.contributor, practice, {"commitments": [], "organizations": [{"id": orgs.ken_pub.pk}]}, practice.version
    )
    assert set(practice.commitments.all()) == {draft}  # the one they saw is gone, the hidden one stays
    roles = {link.organization_id: link.role for link in practice.organization_links.all()}
    assert roles == {orgs.ken_pub.pk: "implementing", orgs.mex_draft.pk: "partner"}


def test_the_api_reads_and_writes_commitments_under_the_read_rules(api, bearer, client, people, commitments):
    published, draft = commitments
    payload = practice_data(commitments=[published.pk])
    response = api.post("/practices", json=payload, headers=bearer(people.contributor))
    assert response.status_code == 201, response.json()
    assert response.json()["commitments"] == [published.pk]
    refused = api.post("/practices", json=practice_data(commitments=[draft.pk]), headers=bearer(people.contributor))
    assert refused.status_code == 422
    # A link the reader may not read is left out of what they are shown.
    practice = services.create_practice(people.focal_ken, practice_data(commitments=[draft.pk, published.pk]))
    services.submit_practice(people.focal_ken, practice, practice.version)
    practice.refresh_from_db()
    services.publish_practice(people.reviewer, practice, practice.version)
    shown = client.get(f"/api/v1/practices/{practice.pk}").json()  # anonymous
    assert shown["commitments"] == [published.pk]
    assert sorted(api.get(f"/practices/{practice.pk}", headers=bearer(people.focal_ken)).json()["commitments"]) == sorted(
        [draft.pk, published.pk]
    )
