"""The commitments web pages: what each reader sees, the forms keep what was
typed, conflicts are reported, the workflow buttons call the same rules as
the API, evidence files are served only to those who may read them."""

import datetime
import io

import openpyxl
import pytest

from gcmhub.commitments.models import Commitment, CommitmentUpdate, Evidence
from gcmhub.geo.sections import country_sections
from gcmhub.web.search import search
from tests.commitments.conftest import objective

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def management(prefix: str, total: int = 3, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }


def form_data(kenya, orgs, **overrides) -> dict:
    """What the create form posts for a verifiable national action."""
    data = {
        "kind": "national_action",
        "title": "Language classes for newly arrived workers",
        "description": "Free evening classes in three counties.",
        "description_format": "plain",
        "area": kenya.iso3,
        "owner": str(orgs.ken_gov.pk),
        "primary_objective": "16",
        "other_objectives": ["6"],
        "metric": "people who finished a course",
        "metric_unit": "people",
        "metric_baseline": "0",
        "metric_target": "900",
        "metric_target_year": "2027",
        "start_date": "2025-02-01",
        "due_date": "2027-12-31",
        "horizon_years": "",
        "form_of_support": "",
        "funding_state": "",
        "iati_identifier": "",
        "status": "planned",
        "completion": "not_started",
        **management("partners"),
        "partners-0-organization": str(orgs.ken_gov.pk),
        "partners-0-role": "lead",
        "partners-1-organization": str(orgs.ken_ngo.pk),
        "partners-1-role": "support",
        **management("indicators", 2),
        **management("amounts", 2),
    }
    data.update(overrides)
    return data


# --- the list ---------------------------------------------------------------------------------


def test_the_public_list_shows_published_commitments_only(client, make_commitment):
    make_commitment("published", title="Published desk programme")
    make_commitment("draft", title="Secret draft programme")
    page = client.get("/en/commitments/").content.decode()
    assert "Published desk programme" in page
    assert "Secret draft programme" not in page


def test_the_list_filters_by_kind_objective_and_words(client, make_commitment, orgs):
    make_commitment("published", title="Legal aid desks")
    make_commitment(
        "published", title="Remittance fee cap", kind="pledge", objectives=[objective(20)], partners=[]
    )
    by_kind = client.get("/en/commitments/?kind=pledge").content.decode()
    assert "Remittance fee cap" in by_kind and "Legal aid desks" not in by_kind
    by_objective = client.get("/en/commitments/?objective=7").content.decode()
    assert "Legal aid desks" in by_objective and "Remittance fee cap" not in by_objective
    by_words = client.get("/en/commitments/?q=REMITTANCE+cap").content.decode()
    assert "Remittance fee cap" in by_words and "Legal aid desks" not in by_words
    by_partner = client.get(f"/en/commitments/?organization={orgs.ken_ngo.pk}").content.decode()
    assert "Legal aid desks" in by_partner and "Remittance fee cap" not in by_partner


def test_an_unknown_filter_value_is_named_not_ignored(client, make_commitment):
    make_commitment("published", title="Legal aid desks")
    page = client.get("/en/commitments/?flag=purple").content.decode()
    assert "Unknown flag “purple”" in page
    assert "Legal aid desks" not in page


def test_reviewers_filter_on_the_review_state(client, make_commitment, people):
    make_commitment("submitted", title="Waiting programme")
    make_commitment("draft", title="Draft programme")
    client.force_login(people.reviewer)
    page = client.get("/en/commitments/?review_state=submitted").content.decode()
    assert "Waiting programme" in page and "Draft programme" not in page


def test_the_overdue_filter_and_the_traffic_light(client, make_commitment):
    make_commitment("published", title="Late programme", due_date=datetime.date(2020, 1, 1), start_date=None)
    make_commitment("published", title="Timely programme")
    page = client.get("/en/commitments/?flag=overdue").content.decode()
    assert "Late programme" in page and "Timely programme" not in page
    assert "light-red" in page and "Overdue" in page


def test_the_csv_download_lists_what_the_reader_may_see_with_the_filters(client, make_commitment):
    make_commitment("published", title="Published desk programme")
    make_commitment("draft", title="Secret draft programme")
    make_commitment("published", title="Remittance fee cap", kind="pledge", partners=[])
    response = client.get("/en/commitments/?format=csv&kind=national_action")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "Published desk programme" in text
    assert "Secret draft programme" not in text and "Remittance fee cap" not in text


def test_the_xlsx_download_is_a_workbook(client, make_commitment):
    make_commitment("published", title="Published desk programme")
    response = client.get("/en/commitments/?format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "Published desk programme" in values


def test_an_unknown_download_format_is_not_found(client):
    assert client.get("/en/commitments/?format=exe").status_code == 404


# --- the commitment page ----------------------------------------------------------------------


def test_a_draft_is_not_found_for_the_public_and_for_another_country(client, make_commitment, people):
    draft = make_commitment("draft")
    assert client.get(f"/en/commitments/{draft.pk}/").status_code == 404
    client.force_login(people.focal_mex)
    assert client.get(f"/en/commitments/{draft.pk}/").status_code == 404
    client.force_login(people.focal_ken)
    assert client.get(f"/en/commitments/{draft.pk}/").status_code == 200


def test_the_page_shows_checklist_light_and_exception_reason_publicly(client, make_commitment):
    commitment = make_commitment("published", metric="", metric_baseline=None, metric_target=None)
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "Can it be verified?" in page
    assert "missing" in page  # no metric, no baseline, no target
    assert "Published although not verifiable, because:" in page and "test record" in page
    assert "light-" in page
    assert "Self-reported" in page and "Verified by a reviewer" in page


def test_demo_commitments_carry_the_invented_data_banner(client, make_commitment):
    commitment = make_commitment("published", is_demo=True)
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "Invented demo data" in page


def test_markdown_descriptions_are_rendered_without_scripts(client, make_commitment):
    commitment = make_commitment(
        "published",
        description="**Bold step** <script>alert(1)</script> [link](javascript:alert(1))",
        description_format="markdown",
    )
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "<strong>Bold step</strong>" in page
    assert "<script>alert" not in page
    assert 'href="javascript' not in page


def test_the_public_sees_no_workflow_buttons(client, make_commitment):
    commitment = make_commitment("published")
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "Approve and publish" not in page and "Report progress" not in page and ">Edit<" not in page


# --- create and edit --------------------------------------------------------------------------


def test_the_public_is_sent_to_log_in_to_create(client):
    response = client.get("/en/commitments/new/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_contributor_creates_a_draft_with_partners_and_objectives(client, people, kenya, orgs):
    client.force_login(people.contributor_ken)
    assert client.get("/en/commitments/new/").status_code == 200
    response = client.post("/en/commitments/new/", form_data(kenya, orgs))
    assert response.status_code == 302, response.content.decode()[:3000]
    commitment = Commitment.objects.get(title="Language classes for newly arrived workers")
    assert commitment.review_state == "draft" and not commitment.is_published
    assert [link.objective.number for link in commitment.objective_links.all()] == [16, 6]
    assert {(p.organization_id, p.role) for p in commitment.partners.all()} == {
        (orgs.ken_gov.pk, "lead"),
        (orgs.ken_ngo.pk, "support"),
    }


def test_a_form_with_errors_keeps_everything_typed(client, people, kenya, orgs):
    client.force_login(people.contributor_ken)
    data = form_data(kenya, orgs, title="", description="Typed with care, not to be lost")
    data["amounts-0-currency"] = "usd"
    data["amounts-0-amount"] = "1200"  # a started row without stage and date
    response = client.post("/en/commitments/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Typed with care, not to be lost" in page
    assert "people who finished a course" in page
    assert 'value="USD"' in page or 'value="usd"' in page
    assert "Needed on a row that is filled in." in page
    assert not Commitment.objects.exists()


def test_a_service_refusal_is_shown_with_the_input_kept(client, people, kenya, orgs):
    client.force_login(people.contributor_ken)
    data = form_data(kenya, orgs, kind="joint_pledge", title="Joint pledge without partners")
    for key in ("partners-0-organization", "partners-0-role", "partners-1-organization", "partners-1-role"):
        data[key] = ""
    response = client.post("/en/commitments/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "A joint pledge names the partners who make it together." in page
    assert "Joint pledge without partners" in page


def test_an_unknown_series_code_is_named(client, people, kenya, orgs):
    client.force_login(people.contributor_ken)
    data = form_data(kenya, orgs, **{"indicators-0-series": "NO_SUCH_SERIES", "indicators-0-target_value": "3"})
    page = client.post("/en/commitments/new/", data).content.decode()
    assert "No indicator series has the code “NO_SUCH_SERIES”." in page


def test_a_stale_edit_is_a_conflict_and_keeps_what_was_typed(client, people, make_commitment, kenya, orgs):
    commitment = make_commitment("draft")
    client.force_login(people.contributor_ken)
    stale_version = commitment.version
    client.get(f"/en/commitments/{commitment.pk}/edit/")
    # Someone else saves first.
    other = form_data(kenya, orgs, title="Saved by someone else", version=str(stale_version))
    assert client.post(f"/en/commitments/{commitment.pk}/edit/", other).status_code == 302
    mine = form_data(kenya, orgs, title="My careful rewrite", version=str(stale_version))
    response = client.post(f"/en/commitments/{commitment.pk}/edit/", mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert "My careful rewrite" in page
    assert "Someone else changed this commitment" in page
    commitment.refresh_from_db()
    assert commitment.title == "Saved by someone else"


def test_the_edit_form_starts_from_the_stored_values(client, people, make_commitment):
    commitment = make_commitment("draft", title="Stored title for editing")
    client.force_login(people.contributor_ken)
    page = client.get(f"/en/commitments/{commitment.pk}/edit/").content.decode()
    assert 'value="Stored title for editing"' in page
    assert f'name="version" value="{commitment.version}"' in page


def test_another_countrys_focal_point_cannot_edit(client, people, make_commitment):
    commitment = make_commitment("published")
    client.force_login(people.focal_mex)
    assert client.get(f"/en/commitments/{commitment.pk}/edit/").status_code == 403


def test_editing_a_published_commitment_is_held_for_review(client, people, make_commitment, kenya, orgs):
    commitment = make_commitment("published", title="Published title")
    client.force_login(people.contributor_ken)
    page = client.get(f"/en/commitments/{commitment.pk}/edit/").content.decode()
    assert "Your changes will wait for a reviewer" in page
    data = form_data(kenya, orgs, title="Proposed new title", version=str(commitment.version))
    response = client.post(f"/en/commitments/{commitment.pk}/edit/", data, follow=True)
    assert "Your change is waiting for review" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.title == "Published title" and commitment.has_pending_changes


# --- workflow ---------------------------------------------------------------------------------


def test_submit_then_approve_as_reviewer_then_public(client, people, make_commitment):
    commitment = make_commitment("draft", title="From draft to public")
    client.force_login(people.contributor_ken)
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "Submit for review" in page
    client.post(f"/en/commitments/{commitment.pk}/submit/", {"version": commitment.version})
    commitment.refresh_from_db()
    assert commitment.review_state == "submitted"
    # The author may not approve their own submission.
    response = client.post(f"/en/commitments/{commitment.pk}/approve/", {"version": commitment.version})
    assert response.status_code == 403
    client.force_login(people.reviewer)
    response = client.post(f"/en/commitments/{commitment.pk}/approve/", {"version": commitment.version})
    assert response.status_code == 302
    client.logout()
    assert "From draft to public" in client.get(f"/en/commitments/{commitment.pk}/").content.decode()


def test_approving_an_unverifiable_commitment_needs_a_reason(client, people, make_commitment):
    commitment = make_commitment("submitted", metric="", metric_baseline=None, metric_target=None)
    client.force_login(people.reviewer)
    response = client.post(f"/en/commitments/{commitment.pk}/approve/", {"version": commitment.version})
    assert response.status_code == 422
    assert "fails the verifiability checklist" in response.content.decode()
    response = client.post(
        f"/en/commitments/{commitment.pk}/approve/",
        {"version": commitment.version, "exception_reason": "The national plan sets the targets next year."},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.is_published
    assert commitment.verifiability_exception == "The national plan sets the targets next year."


def test_a_rejection_needs_a_reason_which_the_author_reads(client, people, make_commitment):
    commitment = make_commitment("submitted")
    client.force_login(people.reviewer)
    response = client.post(f"/en/commitments/{commitment.pk}/reject/", {"version": commitment.version, "reason": ""})
    assert response.status_code == 422
    client.post(
        f"/en/commitments/{commitment.pk}/reject/",
        {"version": commitment.version, "reason": "Name the ten border posts."},
    )
    commitment.refresh_from_db()
    assert commitment.review_state == "draft"
    client.force_login(people.contributor_ken)
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "Sent back by a reviewer:" in page and "Name the ten border posts." in page


def test_a_stale_workflow_step_is_refused_with_a_message(client, people, make_commitment):
    commitment = make_commitment("submitted")
    client.force_login(people.reviewer)
    response = client.post(
        f"/en/commitments/{commitment.pk}/approve/", {"version": commitment.version - 1}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    commitment.refresh_from_db()
    assert not commitment.is_published


# --- follow-up and evidence -------------------------------------------------------------------


def _post_update(client, commitment, **extra):
    data = {
        "reported_on": datetime.date.today().isoformat(),
        "status": "in_progress",
        "completion": "limited",
        "narrative": "Four desks opened.",
        "metric_value": "4",
        "organization": "",
        "links": "https://example.org/report",
        **extra,
    }
    return client.post(f"/en/commitments/{commitment.pk}/updates/new/", data)


def test_a_partner_posts_an_update_with_a_file_and_a_link(client, people, make_commitment, orgs):
    commitment = make_commitment("published")
    client.force_login(people.partner_ken)
    upload = io.BytesIO(PDF)
    upload.name = "report.pdf"
    response = _post_update(client, commitment, files=upload)
    assert response.status_code == 302, response.content.decode()[:2000]
    update = CommitmentUpdate.objects.get(commitment=commitment)
    assert update.organization == orgs.ken_ngo and not update.is_published
    kinds = sorted("file" if e.is_file else "link" for e in update.evidence.all())
    assert kinds == ["file", "link"]


def test_a_file_that_is_not_what_it_claims_is_refused_and_the_text_kept(client, people, make_commitment):
    commitment = make_commitment("published")
    client.force_login(people.contributor_ken)
    upload = io.BytesIO(b"MZ\x90\x00 this is a program, not a PDF")
    upload.name = "report.pdf"
    response = _post_update(client, commitment, files=upload, narrative="Kept narrative text")
    assert response.status_code == 422
    assert "Kept narrative text" in response.content.decode()
    assert not CommitmentUpdate.objects.exists()


def test_evidence_of_a_draft_is_not_downloadable_by_the_public(client, people, make_commitment):
    commitment = make_commitment("draft")
    client.force_login(people.contributor_ken)
    upload = io.BytesIO(PDF)
    upload.name = "report.pdf"
    assert _post_update(client, commitment, files=upload, links="").status_code == 302
    evidence = Evidence.objects.get()
    owner_download = client.get(f"/en/evidence/{evidence.pk}/")
    assert owner_download.status_code == 200
    assert b"".join(owner_download.streaming_content) == PDF
    client.logout()
    public = client.get(f"/en/evidence/{evidence.pk}/")
    assert public.status_code == 302 and "/login/" in public["Location"]
    client.force_login(people.focal_mex)
    assert client.get(f"/en/evidence/{evidence.pk}/").status_code == 403


def test_a_reviewer_verifies_and_publishes_an_update_seen_side_by_side(client, people, make_commitment):
    commitment = make_commitment("published")
    client.force_login(people.contributor_ken)
    _post_update(client, commitment)
    update = CommitmentUpdate.objects.get()
    client.logout()
    assert "Four desks opened." not in client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    client.force_login(people.reviewer)
    prefix = f"verify-{update.pk}"
    response = client.post(
        f"/en/commitments/{commitment.pk}/updates/{update.pk}/verify/",
        {f"{prefix}-version": update.version, f"{prefix}-verification": "partly_verified", f"{prefix}-note": "Two desks seen."},
    )
    assert response.status_code == 302
    update.refresh_from_db()
    client.post(f"/en/commitments/{commitment.pk}/updates/{update.pk}/publish/", {"version": update.version})
    client.logout()
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "Four desks opened." in page
    assert "Partly verified" in page and "Two desks seen." in page
    assert "In progress" in page  # the self-reported status, shown beside the verification


def test_only_those_who_report_see_the_update_form(client, people, make_commitment):
    commitment = make_commitment("published")
    client.force_login(people.outsider)
    assert client.get(f"/en/commitments/{commitment.pk}/updates/new/").status_code == 403


# --- country page section and site search ------------------------------------------------------


def test_the_country_section_counts_published_commitments_only(make_commitment, kenya):
    make_commitment("published")
    make_commitment("draft")
    section = next(s for s in country_sections(kenya) if "/commitments/" in s.url)
    assert section.summary.startswith("1 published commitment")
    assert section.url.endswith("?area=KEN")


def test_the_country_section_is_absent_without_published_commitments(make_commitment, mexico):
    make_commitment("draft")
    assert not [s for s in country_sections(mexico) if "/commitments/" in s.url]


def test_site_search_finds_what_the_reader_may_open(make_commitment, people):
    make_commitment("published", title="Remittance fee cap for corridors")
    make_commitment("draft", title="Remittance draft plan")
    public = [r.title for g in search("remittance", None) if g.key == "commitments" for r in g.results]
    assert public == ["Remittance fee cap for corridors"]
    staff = [r.title for g in search("remittance", people.focal_ken) if g.key == "commitments" for r in g.results]
    assert sorted(staff) == ["Remittance draft plan", "Remittance fee cap for corridors"]


def test_the_pages_speak_french_and_spanish(client, make_commitment):
    commitment = make_commitment("published")
    assert "Engagements" in client.get("/fr/commitments/").content.decode()
    assert "Compromisos" in client.get("/es/commitments/").content.decode()
    assert "Peut-on le vérifier" in client.get(f"/fr/commitments/{commitment.pk}/").content.decode()


def test_the_demo_mechanism_renders_for_the_public_and_for_a_reviewer(client, settings, tmp_path):
    """Every demo commitment's page renders, labelled as invented, for both kinds of reader."""
    from gcmhub.actors.demo import create_demo_accounts
    from gcmhub.actors.models import User
    from gcmhub.commitments.demo import DEMO_AREA, load_demo_commitments

    create_demo_accounts()
    load_demo_commitments()
    listing = client.get(f"/en/commitments/?area={DEMO_AREA}").content.decode()
    assert "Invented demo data" in listing
    published = Commitment.objects.filter(area__iso3=DEMO_AREA, is_published=True)
    assert published.exists()
    for commitment in published:
        page = client.get(f"/en/commitments/{commitment.pk}/")
        assert page.status_code == 200 and b"Invented demo data" in page.content
    client.force_login(User.objects.filter(role=User.Role.REVIEWER).first())
    for commitment in Commitment.objects.filter(area__iso3=DEMO_AREA):
        assert client.get(f"/es/commitments/{commitment.pk}/").status_code == 200
    assert client.get(f"/en/commitments/?area={DEMO_AREA}&format=xlsx").status_code == 200


def test_search_results_carry_the_traffic_light_in_words(make_commitment):
    make_commitment("published", title="Late remittance programme", due_date=datetime.date(2020, 1, 1), start_date=None)
    result = next(r for g in search("remittance", None) if g.key == "commitments" for r in g.results)
    assert "Alert" in result.summary


def test_a_draft_is_deleted_but_a_published_commitment_offers_no_delete(client, people, make_commitment):
    draft = make_commitment("draft", title="Draft to delete")
    published = make_commitment("published")
    client.force_login(people.contributor_ken)
    assert "Delete this draft" not in client.get(f"/en/commitments/{published.pk}/").content.decode()
    assert client.post(f"/en/commitments/{published.pk}/delete/", {"version": published.version}).status_code == 403
    response = client.post(f"/en/commitments/{draft.pk}/delete/", {"version": draft.version}, follow=True)
    assert "Commitment “Draft to delete” deleted." in response.content.decode()
    assert not Commitment.objects.filter(pk=draft.pk).exists()
    assert Commitment.objects.filter(pk=published.pk).exists()


def test_linked_series_show_their_progress_assessment_for_the_area(client, make_commitment):
    """A pledge and the statistics it should move, seen together."""
    from gcmhub.indicators.loader import load
    from gcmhub.indicators.models import Series
    from gcmhub.progress.models import Assessment
    from gcmhub.progress.services import recompute
    from tests.indicators.web.conftest import sample_records

    load(sample_records(), format="tidy", file_name="sample.csv", sha256="0" * 64, source="Test Statistics Office")
    recompute()
    series = Series.objects.get(code="SI_RMT_COST")
    commitment = make_commitment(
        "published",
        objectives=[objective(20)],
        indicators=[{"series": series, "baseline_value": 9.0, "baseline_year": 2011, "target_value": 3.0, "target_year": 2030}],
    )
    assessment = Assessment.objects.headline().filter(series=series, area=commitment.area).first()
    page = client.get(f"/en/commitments/{commitment.pk}/").content.decode()
    assert "SI_RMT_COST" in page and "(2030)" in page
    assert assessment is not None  # Kenya's remittance costs fall from 2011 to 2018
    assert str(assessment.get_status_display()) in page
    assert f"({assessment.current_year})" in page


def test_a_missing_evidence_file_is_not_found_not_a_crash(client, people, make_commitment):
    commitment = make_commitment("draft")
    client.force_login(people.contributor_ken)
    upload = io.BytesIO(PDF)
    upload.name = "report.pdf"
    _post_update(client, commitment, files=upload, links="")
    evidence = Evidence.objects.get()
    from gcmhub.commitments.evidence import path_of

    path_of(evidence.stored_path).unlink()
    assert client.get(f"/en/evidence/{evidence.pk}/").status_code == 404
