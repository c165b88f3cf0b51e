"""The coordination view through the API and the services: planted gaps,
overlaps and matches are found; visibility, permissions and versions hold."""

import datetime

import pytest

from gcmhub.commitments import coordination_services
from gcmhub.commitments.models import OverlapDecision, SupportMatch
from gcmhub.errors import EditConflict, Forbidden, InvalidInput
from tests.commitments.conftest import objective

URL = "/coordination/KEN"


@pytest.fixture
def planted(make_commitment, orgs):
    """Kenya: a likely duplicate pair between the ministry and the union, a
    request by the NGO with a fitting pledge by the union and an unfitting
    one, a commitment without a lead, an unfunded one, an overdue one, and
    a draft on objective 23 the public must not see."""

    def published(**fields):
        return make_commitment("published", **fields)

    c = {}
    c["fees_gov"] = published(
        title="Ban recruitment fees for migrant workers",
        description="Prohibit charging recruitment fees to migrant workers and enforce it through labour inspections.",
        objectives=[objective(6)],
    )
    c["fees_union"] = published(
        title="Prohibition of recruitment fees charged to migrant workers",
        description="Help enforce the prohibition of recruitment fees for migrant workers with labour inspectors.",
        owner=orgs.ken_union, partners=[], objectives=[objective(6)],
    )  # fmt: skip
    c["request"] = published(
        kind="request", title="Technical help to digitise consular registration",
        description="We seek technical assistance to build a consular registration system.",
        owner=orgs.ken_ngo, partners=[], objectives=[objective(14)], form_of_support="technical",
    )  # fmt: skip
    c["offer"] = published(
        kind="pledge", title="Consular registration software and training",
        description="Technical assistance for consular registration systems.",
        owner=orgs.ken_union, partners=[], objectives=[objective(14)], form_of_support="technical",
    )  # fmt: skip
    c["money"] = published(
        kind="pledge", title="Grant for consular services", owner=orgs.ken_union, partners=[],
        objectives=[objective(14)], form_of_support="financial", funding_state="unfunded",
    )  # fmt: skip
    c["no_lead"] = published(
        title="Shelters for migrants in transit",
        description="Open three shelters along the northern route.",
        partners=[(orgs.ken_gov, "support"), (orgs.ken_ngo, "consulted")], objectives=[objective(7)],
    )  # fmt: skip
    c["late"] = published(
        title="Publish a national migration profile", description="Compile and publish a migration profile.",
        objectives=[objective(1)], start_date=datetime.date(2019, 1, 1), due_date=datetime.date(2020, 6, 30),
    )  # fmt: skip
    c["draft"] = make_commitment(
        title="Whole-of-society migration forum", description="A yearly forum.", objectives=[objective(23)]
    )
    return c


def gaps_of(body, kind):
    return [gap for gap in body["gaps"] if gap["kind"] == kind]


def test_public_view_finds_planted_gaps_overlaps_and_matches(api, planted):
    response = api.get(URL)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["area"] == "KEN"
    assert set(body) >= {"matrix", "gaps", "overlaps", "matches", "stakeholders"}

    uncovered = {gap["objective"] for gap in gaps_of(body, "objective_without_commitment")}
    assert {1, 6, 7, 14} & uncovered == set()
    assert 23 in uncovered  # only a draft covers it, and the public does not see drafts
    assert [g["commitment"] for g in gaps_of(body, "without_lead")] == [planted["no_lead"].pk]
    assert [g["commitment"] for g in gaps_of(body, "unfunded")] == [planted["money"].pk]
    assert planted["late"].pk in [g["commitment"] for g in gaps_of(body, "overdue")]

    [overlap] = body["overlaps"]
    assert {overlap["first"]["id"], overlap["second"]["id"]} == {planted["fees_gov"].pk, planted["fees_union"].pk}
    assert overlap["score"] >= 55 and {"recruitment", "fees"} <= set(overlap["shared_terms"])
    assert overlap["shared_objectives"] == [6]

    pairs = [(m["request"]["id"], m["offer"]["id"]) for m in body["matches"]]
    assert pairs == [(planted["request"].pk, planted["offer"].pk)]
    match = body["matches"][0]
    assert match["state"] == "suggested" and match["id"] is None
    assert {r["code"] for r in match["reasons"]} >= {"primary_objective", "same_form", "same_area"}
    assert all(r["text"] for r in match["reasons"])

    matrix = body["matrix"]
    assert matrix["columns"][:2] == ["1", "2"] and len(matrix["columns"]) == 23
    assert matrix["column_labels"]["1"]  # the objective's short title
    union = next(row for row in matrix["rows"] if row["organization"]["id"] == planted["offer"].owner_id)
    assert union["total"] == 3 and union["cells"][13]["count"] == 2
    kinds = {group["kind"] for group in body["stakeholders"]}
    assert {"ministry-agency", "trade-union", "civil-society"} <= kinds


def test_focal_point_sees_the_drafts_of_their_country(api, bearer, people, planted):
    body = api.get(URL, headers=bearer(people.focal_ken)).json()
    uncovered = {gap["objective"] for gap in gaps_of(body, "objective_without_commitment")}
    assert 23 not in uncovered
    other = api.get(URL, headers=bearer(people.focal_mex)).json()
    assert 23 in {gap["objective"] for gap in gaps_of(other, "objective_without_commitment")}


def test_matrix_by_action_and_bad_parameters(api, planted, make_commitment, orgs):
    make_commitment("published", title="Action-level pledge", objectives=[objective(6)],
                    actions=[objective(6).actions.get(letter="a")])  # fmt: skip
    body = api.get(URL + "?by=action").json()
    assert body["matrix"]["by"] == "action" and "6a" in body["matrix"]["columns"]
    assert api.get("/coordination/XXX").status_code == 404
    assert api.get("/coordination/404").json()["area"] == "KEN"  # an M49 code works too
    assert api.get(URL + "?by=principle").status_code == 422
    assert api.get(URL + "?method=nonsense").status_code == 422


def test_both_sides_confirm_a_match_which_links_them(api, bearer, people, planted):
    request, offer = planted["request"], planted["offer"]
    # The NGO (owner of the request) proposes and confirms for its side.
    response = api.post(
        "/coordination/matches", json={"request": request.pk, "offer": offer.pk, "side": "request"},
        headers=bearer(people.partner_ken),
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    match = response.json()
    assert match["state"] == "proposed" and match["request_confirmed"] and not match["offer_confirmed"]
    # The NGO cannot confirm for the union's offer.
    denied = api.post(f"/coordination/matches/{match['id']}/confirm",
                      json={"version": match["version"], "side": "offer"}, headers=bearer(people.partner_ken))  # fmt: skip
    assert denied.status_code == 403
    # A stale version is a conflict.
    stale = api.post(f"/coordination/matches/{match['id']}/confirm",
                     json={"version": match["version"] - 1, "side": "offer"}, headers=bearer(people.outsider))  # fmt: skip
    assert stale.status_code == 409
    done = api.post(f"/coordination/matches/{match['id']}/confirm",
                    json={"version": match["version"], "side": "offer"}, headers=bearer(people.outsider))  # fmt: skip
    assert done.status_code == 200, done.json()
    assert done.json()["state"] == "confirmed"
    body = api.get(URL).json()
    [shown] = [m for m in body["matches"] if m["offer"]["id"] == offer.pk]
    assert shown["state"] == "confirmed" and shown["id"] == match["id"]
    # Proposing again answers the stored match.
    again = api.post("/coordination/matches", json={"request": request.pk, "offer": offer.pk},
                     headers=bearer(people.partner_ken))  # fmt: skip
    assert again.status_code == 200 and again.json()["state"] == "confirmed"


def test_declined_match_is_not_suggested_again(api, bearer, people, planted):
    match, _created = coordination_services.propose_match(people.outsider, planted["request"].pk, planted["offer"].pk)
    response = api.post(f"/coordination/matches/{match.pk}/decline", json={"version": match.version, "side": "offer"},
                        headers=bearer(people.outsider))  # fmt: skip
    assert response.status_code == 200 and response.json()["state"] == "declined"
    assert api.get(URL).json()["matches"] == []


def test_match_needs_a_request_and_an_offer_and_a_side_that_may_act(people, planted):
    with pytest.raises(InvalidInput):
        coordination_services.propose_match(people.admin, planted["offer"].pk, planted["request"].pk)
    with pytest.raises(InvalidInput):  # a draft the stakeholder cannot see is "no such commitment"
        coordination_services.propose_match(people.contributor_mex, planted["request"].pk, planted["draft"].pk)
    with pytest.raises(Forbidden):
        coordination_services.propose_match(people.contributor_mex, planted["request"].pk, planted["offer"].pk)
    match, created = coordination_services.propose_match(people.focal_ken, planted["request"].pk, planted["offer"].pk)
    assert created and match.state == SupportMatch.State.PROPOSED
    with pytest.raises(InvalidInput):
        coordination_services.confirm_match(people.focal_ken, match, "both", match.version)
    coordination_services.confirm_match(people.focal_ken, match, "request", match.version)
    with pytest.raises(EditConflict):
        coordination_services.confirm_match(people.focal_ken, match, "offer", match.version - 1)


def test_coordinator_marks_overlaps_linked_or_distinct(api, bearer, people, planted):
    first, second = planted["fees_union"], planted["fees_gov"]
    payload = {"first": first.pk, "second": second.pk, "decision": "distinct", "note": "different scope"}
    assert api.post("/coordination/overlaps", json=payload).status_code == 401
    assert api.post("/coordination/overlaps", json=payload, headers=bearer(people.contributor_ken)).status_code == 403
    assert api.post("/coordination/overlaps", json=payload, headers=bearer(people.focal_mex)).status_code == 403
    response = api.post("/coordination/overlaps", json=payload, headers=bearer(people.focal_ken))
    assert response.status_code == 200, response.json()
    assert response.json()["first"] == min(first.pk, second.pk)
    assert api.get(URL).json()["overlaps"] == []
    linked = api.post("/coordination/overlaps", json={**payload, "decision": "linked"}, headers=bearer(people.reviewer))
    assert linked.status_code == 200
    assert OverlapDecision.objects.count() == 1
    [overlap] = api.get(URL).json()["overlaps"]
    assert overlap["decision"] == "linked"
    gone = api.delete(f"/coordination/overlaps?first={first.pk}&second={second.pk}", headers=bearer(people.focal_ken))
    assert gone.status_code == 204
    assert api.get(URL).json()["overlaps"][0]["decision"] == ""
    again = api.delete(f"/coordination/overlaps?first={first.pk}&second={second.pk}", headers=bearer(people.focal_ken))
    assert again.status_code == 404


def test_objective_off_track_without_commitment_from_stored_assessments(api, kenya, planted):
    from gcmhub.progress.services import recompute
    from tests.progress.django.conftest import add, catalogue

    deaths = catalogue("SM_DTH_MIGR", "negative")  # 10.7.3: migrant deaths, lower is better
    add(deaths, kenya, {2015: 10, 2017: 20, 2019: 40, 2021: 80})
    recompute(kenya, series="SM_DTH_MIGR")
    body = api.get(URL).json()
    off_track = gaps_of(body, "objective_off_track_without_commitment")
    assert off_track, body["gaps"][:3]
    concerns = [c for gap in off_track for c in gap["concerns"]]
    assert {"SM_DTH_MIGR"} == {c["series"] for c in concerns}
    assert {c["status"] for c in concerns} <= {"deterioration", "limited_progress", "off_track", "overdue"}
    # Once an open commitment addresses those objectives, they are no longer such gaps.
    numbers = {gap["objective"] for gap in off_track}
    from gcmhub.commitments import services
    from tests.commitments.conftest import commitment_input

    data = commitment_input(kenya, planted["fees_gov"].owner, title="Search and rescue coordination",
                            objectives=[objective(n) for n in sorted(numbers)])  # fmt: skip
    created = services.create_commitment(None, data)
    services.submit_commitment(None, created, created.version)
    services.approve_commitment(None, created, created.version, exception_reason="test")
    body = api.get(URL).json()
    assert not gaps_of(body, "objective_off_track_without_commitment")


def test_organisations_the_reader_may_not_read_are_not_named(api, bearer, people, make_commitment, kenya):
    from tests.actors.conftest import make_organization

    hidden = make_organization("Unpublished Helpers Collective", kenya, published=False)
    make_commitment("published", title="Night shelter", owner=hidden, partners=[], objectives=[objective(7)])
    text = api.get(URL).content.decode()
    assert "Unpublished Helpers Collective" not in text
    row = next(r for r in api.get(URL).json()["matrix"]["rows"] if r["organization"]["id"] == hidden.pk)
    assert row["organization"]["name"] == "" and row["total"] == 1
    assert "Unpublished Helpers Collective" in api.get(URL, headers=bearer(people.focal_ken)).content.decode()


def test_the_view_carries_the_protection_gaps_with_their_codes(api, make_commitment, kenya):
    """The gap matrix's gaps and weak spots, as the coordination page lists them, with codes."""
    from gcmhub.indicators.models import Observation, Series
    from gcmhub.protection.models import Situation

    trafficking, _ = Series.objects.get_or_create(code="VC_HTF_DETV", defaults={"description": "detected victims"})
    Observation.objects.create(series=trafficking, area=kenya, period="2018", year=2018, value=143.0, dimension_key="")
    make_commitment(
        "published", title="Labour inspection of recruitment agencies", funding_state="unfunded",
        situations=[Situation.objects.get(code="exploited_worker")], stages=["destination"],
    )  # fmt: skip
    make_commitment("draft", title="Draft plan", situations=[Situation.objects.get(code="trafficking_victim")])
    response = api.get(URL)
    assert response.status_code == 200
    items = response.json()["protection_gaps"]
    cells = {(item["situation"], item["stage"]): item for item in items}
    gap = cells[("trafficking_victim", "transit")]  # harm data, and the draft is not a measure
    assert gap["status"] == "gap" and gap["rule"] == "harm_without_measure"
    assert gap["url"].endswith("/protection/gaps/KEN/trafficking_victim/transit/")
    assert gap["situation_title"] and gap["stage_label"]
    assert cells[("exploited_worker", "destination")]["status"] == "weak"  # only an unfunded measure
    assert ("exploited_worker", "pre_departure") not in cells  # no harm data, no measure: not a gap
    assert [item["status"] for item in items] == sorted((item["status"] for item in items), key=lambda s: s != "gap")
