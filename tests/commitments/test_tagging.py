"""Situations of vulnerability and migration stages on commitments: the
forms, the page, the API, the list filters, the import template and the
held-change rule for published commitments."""

import re

import pytest
from django.core.management import call_command

from gcmhub.commitments import services, tabular
from gcmhub.commitments.importer import ImportRefused, import_commitments
from gcmhub.commitments.inputs import CommitmentInput
from gcmhub.commitments.models import Commitment
from gcmhub.protection.models import Situation
from tests.commitments.test_import import row, write_csv
from tests.commitments.test_views import form_data

pytestmark = pytest.mark.django_db


def situations(*codes) -> list[Situation]:
    return [Situation.objects.get(code=code) for code in codes]


def codes_of(commitment) -> set[str]:
    return set(commitment.situations.values_list("code", flat=True))


# --- web forms and page -------------------------------------------------------------------


def test_a_contributor_tags_a_new_commitment_with_situations_and_stages(client, people, kenya, orgs):
    client.force_login(people.contributor_ken)
    data = form_data(kenya, orgs, situations=["trafficking_victim", "exploited_worker"], stages=["destination", "transit"])
    response = client.post("/en/commitments/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    commitment = Commitment.objects.get()
    assert codes_of(commitment) == {"trafficking_victim", "exploited_worker"}
    assert commitment.stages == ["transit", "destination"]  # the taxonomy's order, whatever the order sent
    assert "situations: exploited_worker, trafficking_victim" in commitment.relations_summary


def test_a_refused_form_keeps_the_ticked_situations_and_stages(client, people, kenya, orgs):
    client.force_login(people.contributor_ken)
    data = form_data(kenya, orgs, title="", situations=["stranded_migrant"], stages=["return"])
    response = client.post("/en/commitments/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'value="stranded_migrant"[^>]*checked', page)
    assert re.search(r'value="return"[^>]*checked', page)
    editor = response.context["editor"]
    assert editor.main["situations"].value() == ["stranded_migrant"]
    assert editor.main["stages"].value() == ["return"]
    assert not Commitment.objects.exists()


def test_an_unknown_situation_in_the_form_is_named(client, people, kenya, orgs):
    client.force_login(people.contributor_ken)
    response = client.post("/en/commitments/new/", form_data(kenya, orgs, situations=["no_such_situation"]))
    assert response.status_code == 422
    assert "situations" in response.context["editor"].main.errors


def test_the_edit_form_starts_from_the_stored_tags(people, make_commitment):
    from gcmhub.commitments.forms import CommitmentEditor

    commitment = make_commitment("draft", situations=situations("unaccompanied_child"), stages=["transit"])
    editor = CommitmentEditor(
        user=people.contributor_ken, initial=CommitmentInput.from_commitment(commitment), version=commitment.version
    )
    assert editor.main.initial["situations"] == ["unaccompanied_child"]
    assert editor.main.initial["stages"] == ["transit"]


def test_the_page_shows_the_situations_and_stages_as_filters(client, make_commitment):
    commitment = make_commitment(
        "published", situations=situations("unaccompanied_child"), stages=["transit", "destination"]
    )
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "Situations of vulnerability" in page
    assert "?situation=unaccompanied_child" in page and "?stage=transit" in page
    untagged_stages = make_commitment("published", situations=situations("exploited_worker"))
    page = client.get(f"/en/commitments/{untagged_stages.pk}/").content.decode()
    assert "Every stage" in page


def test_the_page_speaks_french(client, make_commitment):
    commitment = make_commitment("published", situations=situations("unaccompanied_child"), stages=["transit"])
    page = client.get(f"/fr/commitments/{commitment.pk}/").content.decode()
    assert "Situations de vulnérabilité" in page


# --- the list filters -------------------------------------------------------------------------


def test_the_list_filters_by_situation_and_stage(client, make_commitment):
    make_commitment("published", title="Child screening", situations=situations("unaccompanied_child"), stages=["transit"])
    make_commitment("published", title="Fair recruitment", situations=situations("exploited_worker"), stages=["pre_departure"])
    make_commitment("published", title="Untagged programme")
    page = client.get("/en/commitments/?situation=unaccompanied_child").content.decode()
    assert "Child screening" in page and "Fair recruitment" not in page and "Untagged programme" not in page
    page = client.get("/en/commitments/?stage=pre_departure").content.decode()
    assert "Fair recruitment" in page and "Child screening" not in page
    page = client.get("/en/commitments/?situation=unaccompanied_child&stage=pre_departure").content.decode()
    assert "Child screening" not in page and "Fair recruitment" not in page
    response = client.get("/en/commitments/?situation=pirates")
    assert "There is no situation" in response.content.decode() or "Unknown situation" in response.content.decode()
    assert "Unknown migration stage" in client.get("/en/commitments/?stage=orbit").content.decode()


def test_the_stage_filter_does_not_confuse_codes(make_commitment):
    make_commitment("published", title="Return only", stages=["return"])
    found = services.filter_commitments(Commitment.objects.all(), stage="pre_departure")
    assert not found.exists()
    assert [c.title for c in services.filter_commitments(Commitment.objects.all(), stage="return")] == ["Return only"]


def test_the_download_keeps_the_filters_and_the_columns(client, make_commitment):
    make_commitment("published", title="Child screening", situations=situations("unaccompanied_child"), stages=["transit"])
    make_commitment("published", title="Untagged programme")
    content = client.get("/en/commitments/?situation=unaccompanied_child&format=csv").content.decode()
    lines = content.strip().splitlines()
    assert len(lines) == 2 and "Child screening" in lines[1]
    header = lines[0].split(",")
    assert "situations" in header and "stages" in header


# --- the API ----------------------------------------------------------------------------------


def test_the_api_reads_and_writes_situations_and_stages(api, people, orgs, bearer):
    from tests.commitments.test_api import body

    headers = bearer(people.contributor_ken)
    response = api.post(
        "/commitments",
        json=body(orgs, situations=["pregnant_woman"], stages=["destination", "transit"]),
        headers=headers,
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["situations"] == ["pregnant_woman"] and data["stages"] == ["transit", "destination"]
    response = api.patch(
        f"/commitments/{data['id']}",
        json={"version": data["version"], "situations": ["older_migrant", "pregnant_woman"]},
        headers=headers,
    )
    assert response.status_code == 200, response.json()
    assert set(response.json()["situations"]) == {"older_migrant", "pregnant_woman"}
    assert response.json()["stages"] == ["transit", "destination"]  # not sent: unchanged
    response = api.patch(
        f"/commitments/{data['id']}", json={"version": response.json()["version"], "stages": None}, headers=headers
    )
    assert response.status_code == 200 and response.json()["stages"] == []


def test_unknown_situation_or_stage_is_422_naming_the_field(api, people, orgs, bearer):
    from tests.commitments.test_api import body

    headers = bearer(people.contributor_ken)
    response = api.post("/commitments", json=body(orgs, situations=["pirates"]), headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "situations"
    assert "pirates" in response.json()["detail"]
    response = api.post("/commitments", json=body(orgs, situations=["older_migrant", "older_migrant"]), headers=headers)
    assert response.status_code == 422 and response.json()["field"] == "situations"
    response = api.post("/commitments", json=body(orgs, stages=["orbit"]), headers=headers)
    assert response.status_code == 422 and response.json()["field"].startswith("stages")
    assert not Commitment.objects.exists()


def test_the_api_list_filters_by_situation_and_stage(api, make_commitment):
    make_commitment("published", title="Child screening", situations=situations("unaccompanied_child"), stages=["transit"])
    make_commitment("published", title="Fair recruitment", situations=situations("exploited_worker"), stages=["pre_departure"])
    items = api.get("/commitments?situation=unaccompanied_child").json()["items"]
    assert [item["title"] for item in items] == ["Child screening"]
    items = api.get("/commitments?stage=pre_departure").json()["items"]
    assert [item["title"] for item in items] == ["Fair recruitment"]
    response = api.get("/commitments?situation=pirates")
    assert response.status_code == 422 and response.json()["field"] == "situation"
    assert api.get("/commitments?stage=orbit").status_code == 422


def test_another_countrys_focal_point_still_cannot_tag(api, people, make_commitment, bearer):
    commitment = make_commitment("published")
    response = api.patch(
        f"/commitments/{commitment.pk}",
        json={"version": commitment.version, "situations": ["unaccompanied_child"]},
        headers=bearer(people.focal_mex),
    )
    assert response.status_code == 403
    response = api.patch(
        f"/commitments/{commitment.pk}",
        json={"version": commitment.version, "stages": ["transit"]},
        headers=bearer(people.outsider),
    )
    assert response.status_code in (403, 404)
    commitment.refresh_from_db()
    assert not codes_of(commitment) and commitment.stages == []


# --- held changes -----------------------------------------------------------------------------


def test_tagging_a_published_commitment_is_held_then_approved(people, make_commitment, api, bearer):
    commitment = make_commitment("published", situations=situations("exploited_worker"), stages=["destination"])
    data = services.editable_input(people.contributor_ken, commitment)
    data.situations = situations("exploited_worker", "trafficking_victim")
    data.stages = ["pre_departure", "destination"]
    assert services.update_commitment(people.contributor_ken, commitment, data, commitment.version) is False
    stored = Commitment.objects.get(pk=commitment.pk)
    # The public keeps reading the published tags.
    assert codes_of(stored) == {"exploited_worker"} and stored.stages == ["destination"]
    public = api.get(f"/commitments/{commitment.pk}").json()
    assert public["situations"] == ["exploited_worker"] and public["stages"] == ["destination"]
    # The proposal holds both; the next edit starts from it.
    assert stored.pending_changes["stages"] == ["pre_departure", "destination"]
    assert stored.pending_changes[services.RELATIONS]["situations"] == ["exploited_worker", "trafficking_victim"]
    again = services.editable_input(people.contributor_ken, stored)
    assert {s.code for s in again.situations} == {"exploited_worker", "trafficking_victim"}
    assert again.stages == ["pre_departure", "destination"]
    changes = {change.field for change in services.proposed_change(people.reviewer, stored)}
    assert {"stages", "relations_summary"} <= changes
    services.approve_commitment(people.reviewer, stored, stored.version, exception_reason="test record")
    stored.refresh_from_db()
    assert codes_of(stored) == {"exploited_worker", "trafficking_victim"}
    assert stored.stages == ["pre_departure", "destination"]
    # The history has the change: the stages field and the relations in words.
    latest = stored.history.first()
    assert latest.stages == ["pre_departure", "destination"]
    assert "situations: exploited_worker, trafficking_victim" in latest.relations_summary


def test_a_rejected_tagging_leaves_the_published_tags(people, make_commitment):
    commitment = make_commitment("published", situations=situations("exploited_worker"))
    data = services.editable_input(people.contributor_ken, commitment)
    data.situations = []
    data.stages = ["transit"]
    services.update_commitment(people.contributor_ken, commitment, data, commitment.version)
    stored = Commitment.objects.get(pk=commitment.pk)
    services.reject_commitment(people.reviewer, stored, stored.version, "Keep the tag")
    stored.refresh_from_db()
    assert codes_of(stored) == {"exploited_worker"} and stored.stages == [] and not stored.has_pending_changes


def test_an_administrator_tags_a_published_commitment_at_once(people, make_commitment):
    commitment = make_commitment("published")
    data = services.editable_input(people.admin, commitment)
    data.situations = situations("survivor_of_violence")
    assert services.update_commitment(people.admin, commitment, data, commitment.version) is True
    assert codes_of(Commitment.objects.get(pk=commitment.pk)) == {"survivor_of_violence"}


def test_a_change_held_before_situations_existed_is_still_approved(people, make_commitment):
    """Proposals stored before situations were part of the relations lack the key: tags stay."""
    commitment = make_commitment("published", situations=situations("exploited_worker"))
    data = services.editable_input(people.contributor_ken, commitment)
    data.title = "A new title"
    data.partners = data.partners[:1]
    services.update_commitment(people.contributor_ken, commitment, data, commitment.version)
    stored = Commitment.objects.get(pk=commitment.pk)
    proposal = dict(stored.pending_changes)
    proposal[services.RELATIONS] = {k: v for k, v in proposal[services.RELATIONS].items() if k != "situations"}
    Commitment.objects.filter(pk=stored.pk).update(pending_changes=proposal)
    stored.refresh_from_db()
    services.approve_commitment(people.reviewer, stored, stored.version, exception_reason="test record")
    stored.refresh_from_db()
    assert stored.title == "A new title" and codes_of(stored) == {"exploited_worker"}


# --- import and export --------------------------------------------------------------------------


def test_the_import_reads_situations_and_stages(tmp_path, orgs):
    header = [*tabular.REQUIRED, "partners", "metric", "situations", "stages"]
    path = write_csv(
        tmp_path / "tagged.csv",
        [row(situations="trafficking_victim; unaccompanied_child", stages="transit, destination")],
        header=[column for column in header if column in tabular.BY_NAME],
    )
    report = import_commitments(None, path)
    commitment = Commitment.objects.get(pk=report.created[0])
    assert codes_of(commitment) == {"trafficking_victim", "unaccompanied_child"}
    assert commitment.stages == ["transit", "destination"]


def test_bad_situation_or_stage_cells_refuse_the_file_naming_line_and_column(tmp_path, orgs):
    header = ["kind", "title", "area", "owner", "objectives", "situations", "stages"]
    path = write_csv(
        tmp_path / "bad.csv",
        [row(situations="pirates"), row(stages="orbit"), row(stages="transit; transit")],
        header=header,
    )
    with pytest.raises(ImportRefused) as refused:
        import_commitments(None, path)
    problems = [(p.line, p.field) for p in refused.value.report.problems]
    assert problems == [(2, "situations"), (3, "stages"), (4, "stages")]
    assert "pirates" in str(refused.value.report.problems[0])
    assert not Commitment.objects.exists()


def test_tags_survive_an_export_and_import_round_trip(tmp_path, make_commitment):
    original = make_commitment(
        "published", situations=situations("unaccompanied_child", "trafficking_victim"), stages=["transit", "return"]
    )
    for fmt in ("csv", "xlsx"):
        exported = tmp_path / f"all.{fmt}"
        call_command("commitments", "export", "--format", fmt, "-o", str(exported))
        report = import_commitments(None, exported)
        copy = Commitment.objects.get(pk=report.created[0])
        assert codes_of(copy) == codes_of(original) and copy.stages == ["transit", "return"]
        copy.delete()


def test_the_template_and_its_help_name_the_new_columns():
    names = [column.name for column in tabular.IMPORT_COLUMNS]
    assert names.index("situations") < names.index("stages")
    assert "pre_departure" in tabular.BY_NAME["stages"].help
