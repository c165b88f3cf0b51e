"""Referral pathways (editor, version checks, history), referral cards
(contents, languages, typst escaping, PDF) and the public directory."""

import io

import pytest

from gcmhub.errors import EditConflict, Forbidden, InvalidInput
from gcmhub.protection import cards, pathways
from gcmhub.protection.models import ReferralPathway
from tests.protection.conftest import age, situation

pytestmark = pytest.mark.django_db


def steps(*rows):
    return [pathways.StepInput(kind=k, description=d, services=list(s)) for k, d, s in rows]


@pytest.fixture
def pathway(kenya, people, make_service):
    shelter = make_service()
    legal = make_service(name="Kituo legal clinic", service_type="legal_aid")
    data = pathways.PathwayInput(
        title="Unaccompanied child found at the border",
        notes="Call the child helpline first.",
        steps=steps(
            ("first_contact", "Call the helpline and stay with the child.", [shelter.pk]),
            ("specialised", "Legal aid for the asylum claim.", [legal.pk]),
            ("follow_up", "Check in after a week.", []),
        ),
    )
    return pathways.create_pathway(people.focal_ken, area=kenya, situation=situation("unaccompanied_child"), data=data)


def test_focal_point_creates_and_edits_with_version_checks(pathway, people):
    assert [s.kind for s in pathway.steps.order_by("order")] == ["first_contact", "specialised", "follow_up"]
    version = pathway.version
    data = pathways.PathwayInput(title="Renamed", steps=steps(("first_contact", "Call.", [])))
    pathways.edit_pathway(people.focal_ken, pathway, data, version)
    pathway.refresh_from_db()
    assert pathway.title == "Renamed" and pathway.steps.count() == 1
    with pytest.raises(EditConflict):
        pathways.edit_pathway(people.focal_ken, pathway, data, version)
    with pytest.raises(Forbidden):
        pathways.edit_pathway(people.focal_mex, pathway, data, pathway.version)
    with pytest.raises(Forbidden):
        pathways.edit_pathway(people.provider, pathway, data, pathway.version)
    assert pathway.history.count() >= 2


def test_steps_are_ordered_and_services_checked(pathway, people, make_service, mexico, orgs):
    bad_order = pathways.PathwayInput(title="x", steps=steps(("follow_up", "a", []), ("first_contact", "b", [])))
    with pytest.raises(InvalidInput) as error:
        pathways.edit_pathway(people.focal_ken, pathway, bad_order, pathway.version)
    assert error.value.field == "steps[2].kind"
    empty = pathways.PathwayInput(title="x", steps=steps(("first_contact", "", [])))
    with pytest.raises(InvalidInput):
        pathways.edit_pathway(people.focal_ken, pathway, empty, pathway.version)
    with pytest.raises(InvalidInput):
        pathways.edit_pathway(people.focal_ken, pathway, pathways.PathwayInput(title="x", steps=[]), pathway.version)
    abroad = make_service(area=mexico, provider=orgs.mex_ngo, name="Casa")
    foreign = pathways.PathwayInput(title="x", steps=steps(("first_contact", "a", [abroad.pk])))
    with pytest.raises(InvalidInput):
        pathways.edit_pathway(people.focal_ken, pathway, foreign, pathway.version)


def test_editor_page(client, pathway, people):
    client.force_login(people.focal_ken)
    page = client.get(f"/en/protection/pathways/{pathway.pk}/edit/")
    assert page.status_code == 200 and "Step 4" in page.content.decode()
    shelter_id = pathway.steps.get(order=1).services.get().pk
    form = {
        "version": pathway.version, "title": "Child at the border", "notes": "",
        "step-1-kind": "first_contact", "step-1-description": "Call.", "step-1-services": [str(shelter_id)],
        "step-2-kind": "follow_up", "step-2-description": "Visit.",
    }  # fmt: skip
    response = client.post(f"/en/protection/pathways/{pathway.pk}/edit/", form)
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.title == "Child at the border" and pathway.steps.count() == 2
    stale = client.post(f"/en/protection/pathways/{pathway.pk}/edit/", form)
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    client.force_login(people.focal_mex)
    assert client.get(f"/en/protection/pathways/{pathway.pk}/edit/").status_code == 404
    detail = client.get(f"/en/protection/pathways/{pathway.pk}/")
    assert "History" in detail.content.decode()


def test_card_contents_in_three_languages(client, pathway):
    english = client.get(f"/en/protection/pathways/{pathway.pk}/card/").content.decode()
    assert "Emergency shelter for women and children" in english and "+254 20 000 0000" in english
    assert "First contact" in english and "Follow-up" in english
    assert "never people" in english
    french = client.get(f"/en/protection/pathways/{pathway.pk}/card/?lang=fr").content.decode()
    assert 'lang="fr"' in french and "Enfant non accompagné ou séparé" in french
    spanish = client.get(f"/es/protection/pathways/{pathway.pk}/card/").content.decode()
    assert "Niño, niña o adolescente no acompañado o separado" in spanish


def test_card_pdf(client, pathway):
    import pypdf

    response = client.get(f"/en/protection/pathways/{pathway.pk}/card.pdf?lang=fr")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Emergency shelter for women and children" in text and "Enfant non accompagné" in text
    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) == 1


def test_card_shows_stale_services_and_hides_unpublished_ones(pathway, people, orgs, make_service):
    shelter = pathway.steps.get(order=1).services.get()
    age(shelter, 400)
    draft = make_service(published=False, name="Draft clinic")
    pathway.steps.get(order=2).services.add(draft)
    from django.contrib.auth.models import AnonymousUser

    card = pathways.card_for(AnonymousUser(), pathways.get_pathway(None, pathway.pk), "en")
    first, second, _third = card.steps
    assert first.services[0].stale
    assert [s.name for s in second.services] == ["Kituo legal clinic"]
    reviewer_card = pathways.card_for(people.reviewer, pathways.get_pathway(None, pathway.pk), "en")
    assert {s.name for s in reviewer_card.steps[1].services} == {"Kituo legal clinic", "Draft clinic"}


def test_typst_cannot_be_injected():
    hostile = '*bold* #set page(width: 1mm) $x$ <a> @b ] [ \\ "'
    card = cards.Card("en", hostile, hostile, "Kenya", (cards.CardStep(1, "first_contact", "First contact", hostile,
                      (cards.CardService(hostile, phone=hostile),)),), notes=hostile, labels={})  # fmt: skip
    assert cards.typst_string(hostile) in cards.card_typst(card)
    import pypdf

    page = pypdf.PdfReader(io.BytesIO(cards.render_card_pdf(card))).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == cards.PAGE_WIDTH_MM  # the text did not set the page
    assert "*bold* #set page(width: 1mm) $x$" in page.extract_text()


def test_pathway_api(api, pathway, orgs, make_service):
    data = api.get("/referral-pathways", query_params={"area": "KEN", "situation": "unaccompanied_child"}).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["area"] == "KEN" and [s["kind"] for s in item["steps"]] == ["first_contact", "specialised", "follow_up"]
    assert item["steps"][0]["services"][0]["name"] == "Emergency shelter for women and children"
    assert api.get("/referral-pathways", query_params={"area": "MEX"}).json()["count"] == 0


def test_directory_search(client, kenya, make_service):
    make_service()
    make_service(name="Mombasa legal clinic", service_type="legal_aid", languages=["en", "fr"],
                 situations=[situation("trafficking_victim")],
                 locations=[{"name": "Clinic", "address": "Moi Avenue", "admin_area": "Mombasa County",
                             "latitude": -4.05, "longitude": 39.66}])  # fmt: skip
    make_service(name="Stale desk", verified_on=None)
    age(make_service(name="Old shelter"), 400)
    page = client.get("/en/protection/services/", {"situation": "trafficking_victim"}).content.decode()
    assert "Mombasa legal clinic" in page and "Emergency shelter" not in page
    assert "Mombasa legal clinic" in client.get("/en/protection/services/", {"place": "mombasa"}).content.decode()
    assert "Mombasa legal clinic" not in client.get("/en/protection/services/", {"place": "Nairobi"}).content.decode()
    by_language = client.get("/en/protection/services/", {"language": "fr"}).content.decode()
    assert "Mombasa legal clinic" in by_language and "Emergency shelter" not in by_language
    by_type = client.get("/en/protection/services/", {"type": "legal_aid", "area": "KEN"}).content.decode()
    assert "Mombasa legal clinic" in by_type and "Emergency shelter" not in by_type
    everything = client.get("/en/protection/services/").content.decode()
    assert "Stale: not verified for 6 months" in everything
    assert 'class="vega-spec"' in everything and "countries-110m.json" in everything


def test_service_page(client, make_service, orgs):
    service = make_service()
    page = client.get(f"/en/protection/services/{service.pk}/").content.decode()
    assert "How to refer" in page and "Eastleigh" in page
    draft = make_service(published=False, name="Draft")
    assert client.get(f"/en/protection/services/{draft.pk}/").status_code == 404
