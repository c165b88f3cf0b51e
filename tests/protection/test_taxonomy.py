"""The vulnerability taxonomy: schema, content checks against the framework data, and the Situation rows."""

import copy

import pytest
import yaml

from gcmhub.protection.taxonomy import (
    DATA_FILE,
    LEVELS,
    STAGES,
    TaxonomyError,
    load_taxonomy,
    parse_taxonomy,
    sync_situations,
)

ISSUE_SITUATIONS = {
    "unaccompanied_child",
    "trafficking_victim",
    "migrant_in_detention",
    "stranded_migrant",
    "exploited_worker",
    "survivor_of_violence",
    "person_with_disabilities",
    "pregnant_woman",
    "older_migrant",
    "sogiesc_at_risk",
    "international_protection_need",
}


def raw():
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def test_loads_every_situation_of_the_issue_with_real_translations():
    taxonomy = load_taxonomy()
    assert set(taxonomy.situation_codes) >= ISSUE_SITUATIONS
    for situation in taxonomy.situations:
        titles = {situation.title(lang) for lang in ("en", "fr", "es")}
        assert len(titles) == 3, f"{situation.code}: a translation repeats another language"
        assert situation.stages and set(situation.stages) <= set(STAGES)
        # Each situation has risk and protective factors, and factors beyond the individual level.
        polarities = {factor.polarity for factor in situation.factors}
        assert polarities == {"risk", "protective"}, situation.code
        assert {factor.level for factor in situation.factors} & {"community", "structural"}, situation.code
        assert {factor.level for factor in situation.factors} <= set(LEVELS)
    assert taxonomy.situation("trafficking_victim").title("fr") == "Victime ou victime présumée de la traite"
    assert taxonomy.stage_label("return", "es") == "Retorno y reintegración"
    assert "legal_aid" in taxonomy.service_type_codes and "emergency_hotline" in taxonomy.service_type_codes


@pytest.mark.django_db
def test_objectives_and_actions_exist_in_the_framework():
    from gcmhub.framework.models import Action, Objective

    known_actions = {f"{number}{letter}" for number, letter in Action.objects.values_list("objective__number", "letter")}
    assert known_actions, "the framework is loaded in the test database"
    numbers = set(Objective.objects.values_list("number", flat=True))
    for situation in load_taxonomy().situations:
        assert set(situation.objectives) <= numbers
        assert set(situation.actions) <= known_actions, situation.code
        # Objective 7 (address and reduce vulnerabilities) concerns every situation.
        assert 7 in situation.objectives


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["situations"][0].update(stages=["somewhere"]), "situations/0/stages/0"),
        (lambda d: d["situations"][1]["factors"][0].update(level="global"), "situations/1/factors/0/level"),
        (lambda d: d["situations"][2]["title"].pop("fr"), "situations/2/title"),
        (lambda d: d["situations"][0]["actions"].append("22a"), "action 22a belongs to an objective"),
        (lambda d: d["situations"].append(copy.deepcopy(d["situations"][0])), "duplicate code"),
        (lambda d: d.update(schema_version=2), "schema_version"),
    ],
)
def test_schema_check_names_the_place(change, message):
    data = raw()
    change(data)
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(data)


@pytest.mark.django_db
def test_situation_rows_are_synced_idempotently():
    from gcmhub.protection.models import Situation

    # The post_migrate hook synced them when the test database was built.
    assert list(Situation.objects.values_list("code", flat=True)) == list(load_taxonomy().situation_codes)
    assert sync_situations() == {"created": 0, "updated": 0, "unchanged": 11, "retired": 0}
    Situation.objects.create(code="retired_code", position=99)
    Situation.objects.filter(code="older_migrant").delete()
    counts = sync_situations()
    assert counts["created"] == 1 and counts["retired"] == 1
    assert not Situation.objects.get(code="retired_code").is_current
    assert str(Situation.objects.get(code="pregnant_woman")) == "Pregnant woman or new mother"
