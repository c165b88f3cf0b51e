"""Practice and document pages: what each reader sees and may do; the
contribution form keeps what was typed; country and objective pages link
to published practices only."""

from django.urls import reverse

from gcmhub.practices import services
from gcmhub.practices.models import Practice

from .conftest import practice_data


def publish(people, practice):
    services.submit_practice(people.contributor, practice, practice.version)
    practice.refresh_from_db()
    services.publish_practice(people.reviewer, practice, practice.version)
    practice.refresh_from_db()
    return practice


def test_a_draft_is_shown_to_its_contributor_only(client, people, draft):
    url = reverse("practices:practice", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(people.other_contributor)
    assert client.get(url).status_code == 404
    client.force_login(people.contributor)
    page = client.get(url).content.decode()
    assert draft.title in page and "Submit for review" in page and "Approve and publish" not in page


def test_the_reviewer_publishes_or_returns_from_the_page(client, people, draft):
    services.submit_practice(people.contributor, draft, 1)
    client.force_login(people.reviewer)
    url = reverse("practices:review", args=[draft.pk])
    client.post(url, {"action": "reject", "version": 2, "reason": ""})
    assert Practice.objects.get(pk=draft.pk).review_state == "submitted"  # a reason is required
    client.post(url, {"action": "reject", "version": 2, "reason": "Which year did it start?"})
    assert Practice.objects.get(pk=draft.pk).rejection_reason == "Which year did it start?"
    client.force_login(people.contributor)
    assert "Which year did it start?" in client.get(reverse("practices:practice", args=[draft.pk])).content.decode()


def test_the_form_keeps_what_was_typed(client, people):
    client.force_login(people.contributor)
    response = client.post(
        reverse("practices:create"),
        {"title": "Typed title", "summary": "Typed summary", "level": "national", "stage": "nowhere", "state": "ongoing"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Typed title" in page and "Typed summary" in page


def test_the_form_creates_a_draft(client, people):
    client.force_login(people.contributor)
    response = client.post(
        reverse("practices:create"),
        {
            "title": "Community English classes", "summary": "Classes held in neighbourhood centres.",
            "level": "local", "stage": "destination", "state": "ongoing", "areas": ["KEN"],
            "primary_objective": "16", "other_objectives": ["15", "16"],
            "source_url": "https://example.org/report", "source_page": "3",
        },
    )  # fmt: skip
    practice = Practice.objects.get(title="Community English classes")
    assert response.status_code == 302 and practice.created_by == people.contributor
    assert [link.objective.number for link in practice.objective_links.all()] == [16, 15]


def test_country_objective_and_list_pages_show_published_practices_only(client, people, draft):
    assert "/en/practices/?area=KEN" not in client.get("/en/countries/KEN/").content.decode()
    publish(people, draft)
    assert f"/en/practices/?area=KEN" in client.get("/en/countries/KEN/").content.decode()
    assert "/en/practices/?objective=6" in client.get("/en/objectives/6/").content.decode()
    listing = client.get("/en/practices/?objective=6&area=KEN").content.decode()
    assert draft.title in listing
    assert client.get("/fr/practices/").status_code == 200


def test_the_document_page_lists_the_practices_drawn_from_it(client, people, extracted):
    from gcmhub.practices import curation, library

    candidate = extracted.candidates.order_by("position").first()
    practice = curation.accept_candidate(people.contributor, candidate, {"title": "Recruitment desk"})
    client.force_login(people.contributor)
    page = client.get(reverse("practices:document", args=[extracted.pk])).content.decode()
    assert "Recruitment desk" in page and "0 of 2 candidates decided" not in page and "1 of 2 candidates decided" in page
    assert library.practices_from(people.other_contributor, extracted).count() == 0
    assert practice in library.practices_from(people.contributor, extracted)
