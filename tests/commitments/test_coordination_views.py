"""The coordination page: what each reader sees and the buttons they may use."""

import pytest

from gcmhub.commitments.models import OverlapDecision, SupportMatch
from tests.commitments.test_coordination_api import planted  # noqa: F401 (fixture)

PAGE = "/en/countries/KEN/coordination/"


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_public_page_shows_every_measure(client, planted, language):  # noqa: F811
    response = client.get(f"/{language}/countries/KEN/coordination/")
    assert response.status_code == 200
    html = response.content.decode()
    for anchor in ("who-does-what", "gaps", "overlaps", "matches", "stakeholders"):
        assert f'id="{anchor}"' in html
    assert "heat-table" in html and "heat-4" in html
    assert "Ban recruitment fees for migrant workers" in html  # an overlap, side by side
    assert "Consular registration software and training" in html  # the fitting offer
    assert "Whole-of-society migration forum" not in html  # a draft
    assert "<form" not in html.split('id="overlaps"')[1]  # the public has no buttons
    heading = {"en": "Who does what", "fr": "Qui fait quoi", "es": "Quién hace qué"}[language]
    assert heading in html


def test_lower_case_code_redirects_and_unknown_country_is_404(client, planted):  # noqa: F811
    assert client.get("/en/countries/ken/coordination/").status_code == 302
    assert client.get("/en/countries/XXX/coordination/").status_code == 404


def test_by_action(client, planted):  # noqa: F811
    response = client.get(PAGE + "?by=action")
    assert response.status_code == 200
    assert "Commitments by organisation and action" in response.content.decode()


def test_focal_point_decides_an_overlap_and_sees_drafts(client, people, planted):  # noqa: F811
    client.force_login(people.focal_ken)
    html = client.get(PAGE).content.decode()
    assert "Whole-of-society migration forum" in html or "23" in html
    assert 'value="distinct"' in html
    first, second = sorted((planted["fees_gov"].pk, planted["fees_union"].pk))
    response = client.post(
        "/en/countries/KEN/coordination/overlaps/", {"first": first, "second": second, "decision": "distinct"}
    )
    assert response.status_code == 302
    assert OverlapDecision.objects.get().decision == "distinct"
    assert "Ban recruitment fees for migrant workers" not in client.get(PAGE).content.decode().split('id="overlaps"')[1].split('id="matches"')[0]


def test_contributor_cannot_decide_overlaps(client, people, planted):  # noqa: F811
    client.force_login(people.contributor_ken)
    first, second = sorted((planted["fees_gov"].pk, planted["fees_union"].pk))
    client.post("/en/countries/KEN/coordination/overlaps/", {"first": first, "second": second, "decision": "distinct"})
    assert not OverlapDecision.objects.exists()


def test_each_side_confirms_a_match_from_the_page(client, people, planted):  # noqa: F811
    request, offer = planted["request"], planted["offer"]
    client.force_login(people.partner_ken)
    html = client.get(PAGE).content.decode()
    assert "Confirm for the request" in html and "Confirm for the offer" not in html
    client.post("/en/countries/KEN/coordination/matches/", {"request": request.pk, "offer": offer.pk, "side": "request"})
    match = SupportMatch.objects.get()
    assert match.state == "proposed" and match.request_confirmed_at is not None
    client.logout()
    client.force_login(people.outsider)
    client.post(
        "/en/countries/KEN/coordination/matches/",
        {"match": match.pk, "version": match.version, "request": request.pk, "offer": offer.pk, "side": "offer"},
    )
    match.refresh_from_db()
    assert match.state == "confirmed"
    assert "Confirmed by both sides" in client.get(PAGE).content.decode()


def test_anonymous_posts_are_refused(client, planted):  # noqa: F811
    response = client.post("/en/countries/KEN/coordination/matches/", {"request": 1, "offer": 2, "side": "request"})
    assert response.status_code in (403, 404)
    assert not SupportMatch.objects.exists()


def test_country_page_links_here_once_a_commitment_is_published(client, planted):  # noqa: F811
    html = client.get("/en/countries/KEN/").content.decode()
    assert "/en/countries/KEN/coordination/" in html
    assert "/en/countries/MEX/coordination/" not in client.get("/en/countries/MEX/").content.decode()
