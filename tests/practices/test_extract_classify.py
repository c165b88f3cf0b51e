"""Concrete measures versus opinions; objectives with their deciding terms; stages; the semantic hook."""

import pytest

from gcmhub.practices.extraction import semantic
from gcmhub.practices.extraction.measures import measure_evidence
from gcmhub.practices.extraction.objectives import ObjectiveScore, get_classifier
from gcmhub.practices.extraction.stages import stage_of


@pytest.mark.parametrize(
    "sentence",
    [
        "The Government had established a hotline in 2016 for nationals working abroad.",
        "A new law adopted in 2014 protects children from trafficking.",
        "The ministry signed a memorandum of understanding with two destination countries.",
        "Local authorities provided language classes to 3,000 newcomers.",
        "The minister described an innovative approach whereby civil society had a permanent seat in talks.",
        # a speaker describing their own country's measure reports it as existing
        "After reviewing the ministries' roles, the deputy minister described its new migration governance policy.",
        "The envoy presented his country s national diaspora strategy.",
    ],
)
def test_concrete_measures(sentence):
    evidence = measure_evidence(sentence)
    assert evidence.is_measure, evidence


@pytest.mark.parametrize(
    "sentence",
    [
        "States should establish hotlines for migrants.",
        "Many speakers called for a new programme on data.",
        "It was essential that the policy needed to respect international law.",
        "The discussion reflected clear agreement on the process.",
        "Migration was an opportunity, not a problem.",
        # obligations, introductions of examples told elsewhere, and advice lists
        "The minister said that holding centres had to be established at the border in 2018.",
        "The envoy offered several examples of how the Government had set up programmes and centres.",
        "The minister suggested three ways to help: (a) a hotline set up en route; (b) centres established in 2016.",
        "The adviser described the need for a policy on data.",
    ],
)
def test_opinions_and_general_calls_are_not_measures(sentence):
    assert not measure_evidence(sentence).is_measure


def test_title_words_are_not_measures_once_introductions_are_blanked():
    assert not measure_evidence("Maria Lopez                                               said so.").is_measure


@pytest.mark.parametrize(
    ("text", "primary", "term"),
    [
        ("A scheme matched every dollar of remittances sent home by nationals abroad.", 20, "remittances"),
        ("The task force prosecutes human trafficking and protects victims of trafficking.", 10, "victims of trafficking"),
        ("Alternatives to detention were found for families with children instead of immigration detention.", 13,
         "alternatives to detention"),
        ("Recruitment agencies may no longer charge recruitment fees to workers.", 6, "recruitment fees"),
        ("Newly arrived refugees follow an integration programme with language classes.", 16, "integration"),
        ("Returnees receive support for their reintegration in their communities.", 21, "reintegration"),
        ("The diaspora policy encourages diaspora engagement in development.", 19, "diaspora"),
    ],
)
def test_objectives_come_with_the_terms_that_decided_them(text, primary, term):
    ranked = get_classifier().classify(text)
    assert ranked[0].number == primary
    assert term in ranked[0].terms


def test_more_than_one_objective_primary_first():
    ranked = get_classifier().classify(
        "Consulates issue passports and identity documents and provide consular assistance to nationals abroad."
    )
    numbers = [item.number for item in ranked]
    assert set(numbers[:3]) >= {4, 14}
    assert ranked == sorted(ranked, key=lambda item: -item.score)


def test_no_objective_for_text_about_something_else():
    assert get_classifier().classify("The weather in the afternoon was pleasant.") == []


def test_the_lexicon_covers_every_objective_from_the_compacts_own_words():
    covered = {number for weights in get_classifier().compact.values() for number in weights}
    assert covered == set(range(1, 24))


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Pre-departure orientation for would-be migrants on recruitment.", "pre_departure"),
        ("Search and rescue at sea for migrants in transit on dangerous journeys.", "transit"),
        ("Integration programmes and housing for newly arrived migrants in host communities.", "destination"),
        ("Reintegration support for returnees and deported migrants.", "return"),
        ("A national coordination mechanism.", "all"),
    ],
)
def test_stage(text, stage):
    assert stage_of(text) == stage


def test_semantic_rerank_blends_similarity_and_is_off_without_the_extra(monkeypatch):
    ranked = [ObjectiveScore(6, 10.0, ["recruitment"]), ObjectiveScore(10, 9.0, ["trafficking"])]
    reordered = semantic.rerank("text", ranked, similarity={6: 0.0, 10: 0.9})
    assert [item.number for item in reordered] == [10, 6]
    assert reordered[0].terms == ["trafficking"]  # the deciding terms stay the lexicon's
    monkeypatch.setenv("GCMHUB_SEMANTIC", "0")
    assert not semantic.available()
    assert semantic.rerank("text", ranked) is ranked
    assert semantic.rerank("text", ranked, enabled=False) is ranked


def test_the_compact_lexicon_does_not_depend_on_the_order_words_arrive_in():
    """More equally weighted terms than an objective keeps: the cut must not follow set or insertion order."""
    from gcmhub.practices.extraction.objectives import ObjectiveClassifier

    words = [f"term{chr(97 + first)}{chr(97 + second)}" for first in range(10) for second in range(12)]  # 120 words
    other = [(f"other{chr(97 + index)}", 1.0) for index in range(8)]

    def lexicon(order):
        texts = {1: [(word, 1.0) for word in order], **{number: other for number in range(2, 9)}}
        return ObjectiveClassifier(texts, {}).compact

    assert lexicon(words) == lexicon(list(reversed(words)))
