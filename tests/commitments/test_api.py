"""The commitments API: the registry, the workflow, follow-up and evidence."""

import pytest

from gcmhub.commitments.models import Commitment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def body(orgs, **overrides):
    values = {
        "kind": "pledge",
        "title": "Two hundred scholarships for refugee students",
        "description": "University places with a stipend.",
        "area": "KEN",
        "owner": orgs.ken_gov.pk,
        "partners": [{"organization": orgs.ken_gov.pk, "role": "lead"}, {"organization": orgs.ken_ngo.pk, "role": "funder"}],
        "objectives": [18, 16],
        "actions": ["18a"],
        "metric": "scholarships awarded",
        "metric_baseline": 0,
        "metric_target": 200,
        "horizon_years": 5,
        "start_date": "2025-01-01",
        "form_of_support": "financial",
        "amounts": [
            {"stage": "pledged", "amount": "150000.00", "currency": "USD", "date": "2025-01-15"},
            {"stage": "pledged", "amount": 20000, "currency": "EUR", "date": "2025-01-15"},
        ],
        "status": "planned",
    }
    values.update(overrides)
    return values


def test_create_answers_the_record_with_issue_field_names(api, people, orgs, bearer):
    response = api.post("/commitments", json=body(orgs), headers=bearer(people.contributor_ken))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["area"] == "KEN" and data["owner"]["id"] == orgs.ken_gov.pk
    assert data["objectives"] == [18, 16] and data["actions"] == ["18a"]
    assert data["review_state"] == "draft" and data["is_published"] is False
    assert data["due_by"] == "2030-01-01"
    assert {a["currency"] for a in data["amounts"]} == {"USD", "EUR"}
    assert data["verifiable"] is True
    assert data["traffic_light"] == "green" and data["flags"] == []


def test_unknown_field_and_unknown_references_are_422_naming_the_field(api, people, orgs, bearer):
    headers = bearer(people.contributor_ken)
    response = api.post("/commitments", json=body(orgs, colour="red"), headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "colour"
    response = api.post("/commitments", json=body(orgs, objectives=[99]), headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "objectives"
    response = api.post("/commitments", json=body(orgs, actions=["18z"]), headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "actions"
    response = api.post("/commitments", json=body(orgs, area="XXX"), headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "area"
    response = api.post("/commitments", json=body(orgs, horizon_years=None, start_date="2031-01-01", due_date="2030-01-01"), headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "due_date"


def test_a_partner_the_writer_may_not_read_is_unknown(api, people, orgs, bearer, mexico):
    from tests.actors.conftest import make_organization

    hidden = make_organization("Unpublished Mexican group", mexico, published=False)
    partners = [{"organization": hidden.pk, "role": "support"}]
    response = api.post("/commitments", json=body(orgs, partners=partners), headers=bearer(people.contributor_ken))
    assert response.status_code == 422 and response.json()["field"] == "partners"


def test_contributor_cannot_create_for_another_organisation(api, people, orgs, bearer):
    response = api.post("/commitments", json=body(orgs, owner=orgs.ken_union.pk), headers=bearer(people.contributor_ken))
    assert response.status_code == 403


def test_focal_point_cannot_create_in_another_country(api, people, orgs, bearer):
    response = api.post(
        "/commitments", json=body(orgs, area="MEX", owner=orgs.mex_gov.pk, partners=[]), headers=bearer(people.focal_ken)
    )
    assert response.status_code == 403


def test_writes_need_a_token(api, orgs):
    assert api.post("/commitments", json=body(orgs)).status_code == 401


def test_workflow_through_the_api(api, people, orgs, bearer):
    author, reviewer = bearer(people.contributor_ken), bearer(people.reviewer)
    created = api.post("/commitments", json=body(orgs, amounts=[], form_of_support="policy"), headers=author).json()
    cid = created["id"]
    assert api.get(f"/commitments/{cid}").status_code == 404  # the public does not see drafts
    submitted = api.post(f"/commitments/{cid}/submit", json={"version": created["version"]}, headers=author)
    assert submitted.status_code == 200 and submitted.json()["review_state"] == "submitted"
    version = submitted.json()["version"]
    assert api.post(f"/commitments/{cid}/approve", json={"version": version}, headers=author).status_code == 403
    rejected = api.post(f"/commitments/{cid}/reject", json={"version": version, "reason": "Name the universities."}, headers=reviewer)
    assert rejected.status_code == 200
    back = api.get(f"/commitments/{cid}", headers=author).json()
    assert back["review_state"] == "draft" and back["rejection_reason"] == "Name the universities."
    again = api.post(f"/commitments/{cid}/submit", json={"version": back["version"]}, headers=author).json()
    assert again["rejection_reason"] == ""
    approved = api.post(f"/commitments/{cid}/approve", json={"version": again["version"]}, headers=reviewer)
    assert approved.status_code == 200, approved.json()
    public = api.get(f"/commitments/{cid}")
    assert public.status_code == 200 and public.json()["is_published"] is True
    assert public.json()["rejection_reason"] is None
    assert cid in [c["id"] for c in api.get("/commitments").json()["items"]]


def test_reject_needs_a_reason(api, people, make_commitment, bearer):
    commitment = make_commitment("submitted")
    response = api.post(
        f"/commitments/{commitment.pk}/reject", json={"version": commitment.version, "reason": "  "},
        headers=bearer(people.reviewer),
    )
    assert response.status_code == 422 and response.json()["field"] == "reason"


def test_approving_an_unverifiable_commitment_needs_a_public_reason(api, people, make_commitment, bearer):
    commitment = make_commitment("submitted", metric="", metric_baseline=None, metric_target=None)
    headers = bearer(people.reviewer)
    url = f"/commitments/{commitment.pk}/approve"
    refused = api.post(url, json={"version": commitment.version}, headers=headers)
    assert refused.status_code == 422 and refused.json()["field"] == "exception_reason"
    assert "metric" in refused.json()["detail"]
    approved = api.post(url, json={"version": commitment.version, "exception_reason": "Policy change, no count."}, headers=headers)
    assert approved.status_code == 200
    public = api.get(f"/commitments/{commitment.pk}").json()
    assert public["verifiable"] is False
    assert public["verifiability_exception"] == "Policy change, no count."
    assert {item["key"]: item["ok"] for item in public["verifiability"]}["metric"] is False


def test_patch_changes_only_what_is_sent_and_conflicts_on_a_stale_version(api, people, make_commitment, bearer):
    commitment = make_commitment()
    headers = bearer(people.contributor_ken)
    first = api.patch(f"/commitments/{commitment.pk}", json={"version": commitment.version, "title": "New title"}, headers=headers)
    assert first.status_code == 200
    assert first.json()["title"] == "New title" and first.json()["objectives"] == [7, 12]
    stale = api.patch(f"/commitments/{commitment.pk}", json={"version": commitment.version, "title": "Lost?"}, headers=headers)
    assert stale.status_code == 409
    assert Commitment.objects.get(pk=commitment.pk).title == "New title"
    assert api.patch(f"/commitments/{commitment.pk}", json={"title": "x"}, headers=headers).status_code == 422


def test_patch_of_published_by_owner_is_202_and_held(api, people, make_commitment, bearer):
    commitment = make_commitment("published")
    response = api.patch(
        f"/commitments/{commitment.pk}", json={"version": commitment.version, "objectives": [1]},
        headers=bearer(people.contributor_ken),
    )
    assert response.status_code == 202
    assert response.json()["objectives"] == [7, 12] and response.json()["has_pending_change"] is True
    assert api.get(f"/commitments/{commitment.pk}").json()["objectives"] == [7, 12]
    assert api.get(f"/commitments/{commitment.pk}").json()["has_pending_change"] is None


def test_cross_country_focal_point_gets_404_on_drafts_and_403_on_published(api, people, make_commitment, bearer):
    draft, published = make_commitment(), make_commitment("published")
    headers = bearer(people.focal_mex)
    assert api.get(f"/commitments/{draft.pk}", headers=headers).status_code == 404
    assert api.patch(f"/commitments/{draft.pk}", json={"version": draft.version, "title": "x"}, headers=headers).status_code == 404
    response = api.patch(f"/commitments/{published.pk}", json={"version": published.version, "title": "x"}, headers=headers)
    assert response.status_code == 403
    assert api.delete(f"/commitments/{draft.pk}?version={draft.version}", headers=headers).status_code == 404
    listed = [c["id"] for c in api.get("/commitments", headers=headers).json()["items"]]
    assert draft.pk not in listed and published.pk in listed


def test_delete(api, people, make_commitment, bearer):
    commitment = make_commitment()
    headers = bearer(people.contributor_ken)
    assert api.delete(f"/commitments/{commitment.pk}?version={commitment.version + 1}", headers=headers).status_code == 409
    assert api.delete(f"/commitments/{commitment.pk}?version={commitment.version}", headers=headers).status_code == 204
    assert not Commitment.objects.filter(pk=commitment.pk).exists()


def test_filters(api, people, make_commitment, orgs):
    pledge = make_commitment("published", kind="pledge", title="Scholarships for refugees", objectives=[__import__("tests.commitments.conftest", fromlist=["objective"]).objective(18)])
    action = make_commitment("published", title="Border legal aid")
    make_commitment()  # a draft: never listed for the public

    def ids(**query):
        response = api.get("/commitments", query_params=query)
        assert response.status_code == 200, response.json()
        return {c["id"] for c in response.json()["items"]}

    assert ids() == {pledge.pk, action.pk}
    assert ids(kind="pledge") == {pledge.pk}
    assert ids(objective=18) == {pledge.pk}
    assert ids(objective=7) == {action.pk}
    assert ids(q="scholarships") == {pledge.pk}
    assert ids(area="KEN") == {pledge.pk, action.pk}
    assert ids(area="MEX") == set()
    assert ids(organization=orgs.ken_ngo.pk) == {pledge.pk, action.pk}
    assert ids(organization=orgs.ken_union.pk) == set()
    assert ids(flag="overdue") == set()
    assert api.get("/commitments", query_params={"area": "XXX"}).status_code == 422
    assert api.get("/commitments", query_params={"flag": "late"}).status_code == 422


def test_history_shows_changes_and_hides_usernames_from_the_public(api, people, make_commitment, bearer):
    commitment = make_commitment("published")
    response = api.get(f"/commitments/{commitment.pk}/history")
    assert response.status_code == 200
    entries = response.json()
    assert entries[-1]["action"] == "created"
    assert all(entry["who"] != "reviewer" for entry in entries)
    staff = api.get(f"/commitments/{commitment.pk}/history", headers=bearer(people.focal_ken)).json()
    assert any(change["field"] == "review_state" for entry in staff for change in entry["changes"])


def test_updates_evidence_verification_and_publication(api, people, make_commitment, bearer):
    commitment = make_commitment("published")
    partner, reviewer = bearer(people.partner_ken), bearer(people.reviewer)
    posted = api.post(
        f"/commitments/{commitment.pk}/updates",
        json={"reported_on": "2025-06-01", "status": "in_progress", "completion": "limited", "narrative": "Four desks.",
              "links": [{"url": "https://example.org/r", "title": "Report"}]},
        headers=partner,
    )
    assert posted.status_code == 201, posted.json()
    update = posted.json()
    assert update["organization"]["id"] == people.partner_ken.organization_id
    uploaded = api.post(
        f"/commitments/{commitment.pk}/updates/{update['id']}/evidence",
        POST={"title": "Minutes"}, FILES={"file": __import__("django.core.files.uploadedfile", fromlist=["SimpleUploadedFile"]).SimpleUploadedFile("minutes.pdf", PDF, "application/pdf")},
        headers=partner,
    )
    assert uploaded.status_code == 201, uploaded.json()
    download = uploaded.json()[0]["download"].removeprefix("/api/v1")
    # Not published yet: the public neither lists the update nor downloads its file.
    assert api.get(f"/commitments/{commitment.pk}/updates").json()["items"] == []
    assert api.get(download).status_code == 403
    got = api.get(download, headers=partner)
    assert got.status_code == 200 and got.content == PDF
    assert got["Content-Type"] == "application/pdf"
    verified = api.post(
        f"/commitments/{commitment.pk}/updates/{update['id']}/verification",
        json={"version": update["version"], "verification": "partly_verified", "note": "Two desks seen."},
        headers=reviewer,
    )
    assert verified.status_code == 200
    assert verified.json()["status"] == "in_progress" and verified.json()["verification"] == "partly_verified"
    refused = api.post(
        f"/commitments/{commitment.pk}/updates/{update['id']}/publication", json={"version": update["version"]}, headers=reviewer
    )
    assert refused.status_code == 409
    published = api.post(
        f"/commitments/{commitment.pk}/updates/{update['id']}/publication",
        json={"version": verified.json()["version"]}, headers=reviewer,
    )
    assert published.status_code == 200
    assert [u["id"] for u in api.get(f"/commitments/{commitment.pk}/updates").json()["items"]] == [update["id"]]
    assert api.get(download).status_code == 200
    assert api.get(f"/commitments/{commitment.pk}").json()["status"] == "in_progress"


def test_outsider_cannot_post_updates_and_public_cannot_verify(api, people, make_commitment, bearer):
    commitment = make_commitment("published")
    payload = {"reported_on": "2025-06-01", "status": "in_progress", "completion": "limited"}
    assert api.post(f"/commitments/{commitment.pk}/updates", json=payload, headers=bearer(people.outsider)).status_code == 403
    assert api.post(f"/commitments/{commitment.pk}/updates", json=payload).status_code == 401


def test_evidence_of_a_draft_is_not_downloadable_by_the_public(api, people, make_commitment, bearer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    commitment = make_commitment()
    headers = bearer(people.contributor_ken)
    update = api.post(
        f"/commitments/{commitment.pk}/updates",
        json={"reported_on": "2025-06-01", "status": "in_progress", "completion": "limited"}, headers=headers,
    ).json()
    uploaded = api.post(
        f"/commitments/{commitment.pk}/updates/{update['id']}/evidence",
        FILES={"file": SimpleUploadedFile("photo.pdf", PDF)}, headers=headers,
    ).json()
    download = uploaded[0]["download"].removeprefix("/api/v1")
    assert api.get(download).status_code == 404
    assert api.get(download, headers=bearer(people.focal_mex)).status_code == 404
    assert api.get(download, headers=bearer(people.focal_ken)).status_code == 200


def test_upload_refuses_a_file_by_its_content(api, people, make_commitment, bearer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    commitment = make_commitment()
    headers = bearer(people.contributor_ken)
    update = api.post(
        f"/commitments/{commitment.pk}/updates",
        json={"reported_on": "2025-06-01", "status": "in_progress", "completion": "limited"}, headers=headers,
    ).json()
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = api.post(f"/commitments/{commitment.pk}/updates/{update['id']}/evidence", FILES={"file": fake}, headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "files"
