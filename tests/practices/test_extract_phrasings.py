"""How reports name who acted, beyond the phrasings of the shared report.

Invented sentences (countries and measures made up for these tests), each on
its own page: the extractor must credit the right country and page however
the actor is named — a voice ("on behalf of"), an adjective before an
institution or a measure, a city, a speaker's parenthesis — and must not
carry an actor from one page into a sentence that names another.
"""

import pytest

from gcmhub.practices.extraction import extract_candidates

PHRASINGS = [
    ("Speaking on behalf of Jordan, the delegate said that the Government had issued 40,000 work permits since 2016.", "JOR"),
    ("The Senegalese authorities had launched a reintegration programme for returnees in 2016.", "SEN"),
    ("In the city of Ghent, the municipality had opened a one-stop shop for newcomers in 2015.", "BEL"),
    ("According to the representative of the Philippines, a welfare office provided pre-departure orientation seminars.", "PHL"),
    ("Kenyan officials had trained 300 border officers to identify victims of trafficking.", "KEN"),
    ("The Moroccan regularization campaign of 2014 granted residence permits to 23,000 migrants.", "MAR"),
    ("Ali Hassan (Minister of Labour, Jordan) explained that the Ministry had set up a hotline for domestic workers.", "JOR"),
    ("The mayor of Rotterdam described a programme whereby newly arrived refugees received language classes.", "NLD"),
    ("The delegation of Indonesia reported that a law adopted in 2017 protected its migrant workers during recruitment.", "IDN"),
    ("Under the Mexican programme, consulates issued identity cards to nationals abroad.", "MEX"),
    ("The Sri Lankan Bureau of Foreign Employment ran a mandatory pre-departure training programme.", "LKA"),
    ("The Nepalese Government had set up a welfare fund for migrant workers in 2008.", "NPL"),
    ("The Georgian Government had adopted a migration strategy in 2015.", "GEO"),
]


@pytest.fixture(scope="module")
def candidates():
    pages = ["INTRODUCTION The meeting heard the following examples."] + [sentence for sentence, _area in PHRASINGS]
    return extract_candidates(pages)


@pytest.mark.parametrize(("page", "sentence", "area"), [(index + 2, *item) for index, item in enumerate(PHRASINGS)])
def test_each_phrasing_credits_its_country_on_its_page(candidates, page, sentence, area):
    found = [(c.area, c.actor) for c in candidates if c.page == page]
    assert found and all(found_area == area for found_area, _actor in found), (sentence, found)


@pytest.mark.parametrize(
    "sentence",
    [
        "Central American migrants crossed the border at night.",  # not a country adjective
        "Syrian refugees had opened small shops in the town.",  # the people, not their government
    ],
)
def test_an_adjective_for_people_is_not_a_government(sentence):
    candidates = extract_candidates(["INTRODUCTION Examples.", sentence])
    assert not [c for c in candidates if c.area in ("USA", "CAF", "SYR")]


def test_a_speaker_named_again_by_title_and_surname_keeps_their_country():
    pages = [
        "INTRODUCTION Examples.",
        "Amina Diallo (Director of Migration, Ministry of the Interior, Senegal) opened the session. "
        "The room was full. Several speakers agreed on many points. "
        "Ms Diallo later explained that the ministry had opened five reception centres for returnees in 2016.",
    ]
    (candidate,) = extract_candidates(pages)
    assert (candidate.area, candidate.speaker) == ("SEN", "Amina Diallo")


def test_a_surname_two_speakers_share_names_no_one():
    pages = [
        "INTRODUCTION Examples.",
        "Amina Diallo (Senegal) and Omar Diallo (Mali) spoke. The room was full. Many agreed. Some disagreed. "
        "Mr Diallo said the ministry had opened five reception centres in 2016.",
    ]
    assert not [c for c in extract_candidates(pages) if c.area in ("SEN", "MLI") and "reception" in c.summary]


def test_another_country_s_measure_is_credited_to_it_not_to_the_speaker():
    pages = ["INTRODUCTION Examples.", "Ola Berg (Sweden) praised Germany s programme recognising foreign qualifications, launched in 2012."]
    (candidate,) = extract_candidates(pages)
    assert candidate.area == "DEU"


OPINIONS = [
    "The delegate from Chile hoped that a regional fund for migrant workers would be created.",
    "Chile would consider establishing a national anti-trafficking task force next year.",
    "Ghana s representative wondered whether a bilateral agreement on labour mobility could help.",
    "The representative of Spain said that integration programmes were important for social cohesion.",
    "The Philippines stressed the importance of pre-departure orientation for domestic workers.",
    "Mexico supported the proposal to create a global fund for returning migrants.",
    "Canada believed that resettlement programmes should be expanded.",
    "A representative of Chad asked how the reception centres would be financed.",
    "According to Norway, a global compact should include a mechanism for reviewing implementation.",
]


def test_hopes_proposals_and_questions_are_not_practices():
    """Each sentence names a country and a measure noun, but nothing was done."""
    candidates = extract_candidates(["INTRODUCTION Views."] + OPINIONS)
    assert [(c.page, c.summary) for c in candidates] == []
