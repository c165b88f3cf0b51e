"""Curating a document's candidates: accept (a draft practice with its
source page, span and passage), edit, merge, reject; the progress counter;
only the document's curators may do it; the same through the web page."""

import pytest
from django.urls import reverse

from gcmhub.errors import Forbidden, InvalidInput
from gcmhub.practices import curation, library, services
from gcmhub.practices.models import Candidate, Practice


def candidates(document):
    return list(document.candidates.order_by("position"))


def test_accepting_makes_a_draft_with_its_source(people, extracted):
    kenya = candidates(extracted)[0]
    practice = curation.accept_candidate(people.contributor, kenya, {"title": "Recruitment desk", "summary": "Own words."})
    assert (practice.title, practice.summary, practice.review_state, practice.is_published) == (
        "Recruitment desk", "Own words.", "draft", False,
    )
    assert list(practice.areas.values_list("iso3", flat=True)) == ["KEN"]
    assert [link.objective.number for link in practice.objective_links.all()] == [6]
    source = practice.sources.get()
    assert (source.document, source.page) == (extracted, 1)
    assert source.passage.startswith("Kenya described its labour migration desk")
    assert (source.span_start, source.span_end) == (kenya.span_start, kenya.span_end)
    kenya.refresh_from_db()
    assert (kenya.decision, kenya.practice, kenya.decided_by) == ("accepted", practice, people.contributor)
    # The draft follows the normal workflow.
    services.submit_practice(people.contributor, practice, 1)


def test_merging_adds_a_source_and_rejecting_is_recorded(people, extracted):
    kenya, mexico = candidates(extracted)
    practice = curation.accept_candidate(people.contributor, kenya)
    curation.merge_candidate(people.contributor, mexico, practice)
    assert practice.sources.count() == 2
    mexico.refresh_from_db()
    assert (mexico.decision, mexico.practice) == ("merged", practice)
    with pytest.raises(InvalidInput):
        curation.reject_candidate(people.contributor, mexico)  # already decided
    progress = curation.progress_of(extracted)
    assert (progress.total, progress.decided, progress.accepted, progress.merged, progress.pending) == (2, 2, 1, 1, 0)


def test_edits_are_checked_and_kept(people, extracted):
    kenya = candidates(extracted)[0]
    curation.edit_candidate(people.contributor, kenya, {"objectives": [10, 6], "area": "MEX", "stage": "transit"})
    kenya.refresh_from_db()
    assert (kenya.objectives, kenya.area.iso3, kenya.stage) == ([10, 6], "MEX", "transit")
    with pytest.raises(InvalidInput) as error:
        curation.edit_candidate(people.contributor, kenya, {"objectives": [99]})
    assert error.value.field == "objectives"


def test_only_curators_decide(people, extracted):
    kenya = candidates(extracted)[0]
    for user in (people.other_contributor, people.stakeholder, people.focal_mex):
        with pytest.raises(Forbidden):
            curation.reject_candidate(user, kenya)
    curation.reject_candidate(people.reviewer, kenya)
    curation.reopen_candidate(people.reviewer, kenya)
    assert Candidate.objects.get(pk=kenya.pk).decision == "pending"


def test_reading_again_keeps_decided_candidates(people, extracted):
    kenya, mexico = candidates(extracted)
    curation.reject_candidate(people.contributor, kenya)
    library.run_extraction(extracted.pk)
    decisions = sorted(extracted.candidates.values_list("decision", flat=True))
    assert decisions == ["pending", "pending", "rejected"]


def test_the_highlighted_page_is_the_candidates(extracted):
    mexico = candidates(extracted)[1]
    before, passage, after, page = curation.highlighted_page(mexico)
    assert page == 2 and before == "" and passage.startswith("Mexico presented") and passage.endswith("lower cost.")


def test_curation_page_shows_the_passage_counter_and_shortcuts(client, people, extracted):
    client.force_login(people.contributor)
    url = reverse("practices:curate", args=[extracted.pk])
    page = client.get(url).content.decode()
    assert '<mark id="source-passage">Kenya described' in page
    assert "0 of 2 decided" in page and 'data-key="a"' in page and "curation.js" in page
    kenya = candidates(extracted)[0]
    response = client.post(
        reverse("practices:decide", args=[extracted.pk, kenya.pk]),
        {"action": "accept", "title": "Recruitment desk", "summary": "Paraphrased.", "area": "KEN", "objectives": ["6"], "stage": "pre_departure"},
    )
    mexico = candidates(extracted)[1]
    assert response.status_code == 302 and response["Location"].endswith(f"?candidate={mexico.pk}")
    assert Practice.objects.get(title="Recruitment desk").summary == "Paraphrased."
    assert "1 of 2 decided" in client.get(response["Location"]).content.decode()


def test_an_invalid_edit_keeps_what_was_typed(client, people, extracted):
    client.force_login(people.contributor)
    kenya = candidates(extracted)[0]
    response = client.post(
        reverse("practices:decide", args=[extracted.pk, kenya.pk]),
        {"action": "accept", "title": "x" * 301, "summary": "My typed summary", "objectives": ["6"]},
    )
    assert response.status_code == 422
    assert "My typed summary" in response.content.decode()
    assert Candidate.objects.get(pk=kenya.pk).decision == "pending"


def test_others_cannot_open_the_curation_page(client, people, extracted):
    client.force_login(people.other_contributor)
    assert client.get(reverse("practices:curate", args=[extracted.pk])).status_code == 404
    library.publish_document(people.reviewer, extracted, True, extracted.version)
    assert client.get(reverse("practices:curate", args=[extracted.pk])).status_code == 403
    assert client.get(reverse("practices:document", args=[extracted.pk])).status_code == 200


def test_api_decisions(api, bearer, people, extracted):
    kenya, mexico = candidates(extracted)
    url = f"/documents/{extracted.pk}/candidates"
    accepted = api.post(f"{url}/{kenya.pk}/decision", json={"decision": "accepted", "summary": "Mine."}, headers=bearer(people.contributor))
    assert accepted.status_code == 200 and accepted.json()["decision"] == "accepted"
    practice_id = accepted.json()["practice"]
    merged = api.post(f"{url}/{mexico.pk}/decision", json={"decision": "merged", "practice": practice_id}, headers=bearer(people.contributor))
    assert merged.json()["practice"] == practice_id
    refused = api.post(f"{url}/{mexico.pk}/decision", json={"decision": "rejected"}, headers=bearer(people.other_contributor))
    assert refused.status_code == 404
