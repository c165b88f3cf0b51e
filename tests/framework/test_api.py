"""The framework API at /api/v1/."""

import pytest

from gcmhub.framework.models import Action

pytestmark = pytest.mark.django_db


def get(client, path, status=200):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == status, response.content
    return response.json()


def test_objectives(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # the data version (API validators), objectives, actions
        objectives = get(client, "/objectives")
    assert [o["number"] for o in objectives] == list(range(1, 24))
    remittances = objectives[19]
    assert [a["code"] for a in remittances["actions"]] == [f"20{letter}" for letter in "abcdefghi"]
    assert remittances["actions"][0]["url"] == "/en/objectives/20/#action-20a"
    assert "official_text" not in remittances["actions"][0]  # the list stays light; texts are per objective
    assert remittances["short_title"] == {"en": "Remittances", "fr": "Envois de fonds", "es": "Remesas"}
    assert remittances["url"] == "/en/objectives/20/"


def test_objective_with_actions_and_indicators(client):
    Action.objects.filter(objective__number=20, letter="a").update(text_en="Develop a road map.", text_source_en="f.md")
    objective = get(client, "/objectives/20")
    assert objective["paragraph"] == 36
    assert [a["code"] for a in objective["actions"]] == [f"20{letter}" for letter in "abcdefghi"]
    first = objective["actions"][0]
    assert first["official_text"] == {"en": "Develop a road map.", "fr": "", "es": ""}
    assert first["official_text_source"]["en"] == "f.md"
    assert {(i["indicator"], i["relevance"]) for i in objective["indicators"]} >= {("10.c.1", "primary")}


def test_unknown_objective_is_a_404_with_detail(client):
    body = get(client, "/objectives/30", status=404)
    assert "There is no objective 30" in body["detail"]


def test_action_by_reference(client):
    action = get(client, "/actions/14f")
    assert (action["objective"], action["letter"]) == (14, "f")
    assert action["url"] == "/en/objectives/14/#action-14f"


def test_bad_action_reference_is_a_422_naming_the_field(client):
    body = get(client, "/actions/nonsense", status=422)
    assert body["field"] == "action"


def test_missing_action_is_a_404(client):
    assert "has no action (z)" in get(client, "/actions/1z", status=404)["detail"]


def test_principles(client):
    principles = get(client, "/principles")
    assert len(principles) == 10
    assert principles[7]["slug"] == "child-sensitive"


def test_indicators(client):
    indicators = get(client, "/sdg-indicators")
    assert len(indicators) == 36
    migration_policies = next(i for i in indicators if i["code"] == "10.7.2")
    assert migration_policies["goal"] == 10
    assert {s["code"] for s in migration_policies["series"]} == {"SG_CPA_MIGR", "SG_CPA_MIGRP", "SG_CPA_MIGRS"}


def test_indicator_by_code(client):
    indicator = get(client, "/sdg-indicators/10.7.3")
    assert indicator["custodians"] == "IOM"
    assert [o["objective"] for o in indicator["objectives"] if o["relevance"] == "primary"] == [8]


def test_indicator_for_series(client):
    assert get(client, "/sdg-series/SM_POP_REFG_OR")["code"] == "10.7.4"
    assert "does not know the SDG series" in get(client, "/sdg-series/NOPE", status=404)["detail"]


def test_framework_is_public_and_read_only(client):
    assert client.post("/api/v1/objectives").status_code == 405


# --- Implementation and follow-up, MiGOF, policy domains --------------------


def test_follow_up(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        elements = get(client, "/follow-up")
    by_slug = {element["slug"]: element for element in elements}
    assert list(by_slug)[:2] == ["capacity-building-mechanism", "connection-hub"]
    assert [e["slug"] for e in elements if e["part_of"] == "capacity-building-mechanism"] == [
        "connection-hub",
        "start-up-fund",
        "global-knowledge-platform",
    ]
    imrf = by_slug["imrf"]
    assert (imrf["kind"], imrf["paragraphs"], imrf["unconfirmed"]) == ("follow-up", ["49"], [])
    assert imrf["schedule"] == {"first_year": 2022, "every_years": 4, "between": None, "years": [2022, 2026, 2030]}
    assert imrf["name"]["fr"] == "Forum d'examen des migrations internationales"
    assert imrf["url"] == "/en/follow-up/#imrf"
    regional = by_slug["regional-reviews"]
    assert regional["schedule"]["between"] == "imrf" and regional["unconfirmed"] == ["paragraphs"]
    assert regional["schedule"]["years"] == [2020, 2021, 2023, 2024, 2025, 2027, 2028, 2029]
    network = by_slug["un-network-on-migration"]
    assert network["coordinator"]["en"].startswith("IOM")
    assert network["executive_committee"][0] == {"en": "ILO", "fr": "OIT", "es": "OIT"}
    assert network["website"] == "https://migrationnetwork.un.org/"
    assert by_slug["start-up-fund"]["milestones"][0]["date"] == "2019-05"
    report = by_slug["secretary-general-report"]
    assert [(m["symbol"], m["unconfirmed"]) for m in report["milestones"]][2] == ("A/79/590", ["symbol"])
    assert by_slug["national-reviews"]["schedule"] is None


def test_migof(client):
    elements = get(client, "/migof")
    assert [(e["kind"], e["number"]) for e in elements] == [
        ("principle", 1),
        ("principle", 2),
        ("principle", 3),
        ("objective", 1),
        ("objective", 2),
        ("objective", 3),
    ]
    assert elements[5]["policy_domains"] == ["PD_6"]
    assert elements[2]["name"]["es"] == "Alianzas sólidas"


def test_policy_domains(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # +1: the data version (API validators)
        body = get(client, "/policy-domains")
    assert body["indicator"] == "10.7.2"
    assert [(s["score"], s["label"]["en"]) for s in body["scale"]] == [
        (1, "Requires further progress"),
        (2, "Partially meets"),
        (3, "Meets"),
        (4, "Fully meets"),
    ]
    domains = {d["code"]: d for d in body["domains"]}
    assert list(domains) == ["PD_1", "PD_2", "PD_3", "PD_4", "PD_5", "PD_6"]
    assert domains["PD_5"]["migof"] == {"kind": "objective", "number": 2}
    assert {"objective": 11, "relevance": "primary"} in domains["PD_6"]["objectives"]
    assert domains["PD_1"]["url"] == "/en/sdg-indicators/10.7.2/#PD_1"


def test_links_still_give_the_policy_domain_as_a_code(client):
    indicator = get(client, "/sdg-indicators/10.7.2")
    assert {"indicator": "10.7.2", "objective": 11, "relevance": "primary", "policy_domain": "PD_6"} in indicator[
        "objectives"
    ]
    assert get(client, "/objectives/8")["indicators"][0]["policy_domain"] == ""


def test_the_api_says_which_official_wordings_are_not_verified(client):
    objective = client.get("/api/v1/objectives/7").json()
    assert objective["unverified"] == ["fr", "es"]
    assert client.get("/api/v1/sdg-indicators/10.7.2").json()["unverified"] == []
    assert client.get("/api/v1/sdg-indicators/13.2.1").json()["unverified"] == ["fr", "es"]
    assert all(element["unverified"] == ["en", "fr", "es"] for element in client.get("/api/v1/migof").json())
