"""Countries through the M49 names, adjectives, cities, processes; speakers."""

import pytest

from gcmhub.practices.extraction.actors import explicit_actor
from gcmhub.practices.extraction.places import (
    PlacesDataError,
    check_places_data,
    get_place_finder,
    read_places_data,
)
from gcmhub.practices.extraction.speakers import find_speakers


@pytest.fixture(scope="module")
def places():
    return get_place_finder()


def _actor(sentence, places):
    mentions = places.mentions(sentence)
    introduced = find_speakers(sentence, places)
    return explicit_actor(sentence, places, mentions, introduced, {}, places.labels)


@pytest.mark.parametrize(
    ("sentence", "area"),
    [
        ("The representative of the Holy See described a shelter network.", "VAT"),
        ("The delegate from the United Republic of Tanzania spoke next.", "TZA"),
        ("A representative from Mauritius said the policy was new.", "MUS"),
        ("The Ecuadorean legislation ended the category of foreigner.", "ECU"),
        ("The Mexican Government matched each transfer.", "MEX"),
        ("In Prato, the council opened classes.", "ITA"),
        ("Volunteers in Bristol ran a food bank.", "GBR"),
        ("Costa Rica had set up two reception centres.", "CRI"),
        ("Ethiopia: the Government adopted a law.", "ETH"),
        ("Adopted in 2015, Nigeria s National Migration Policy guides the ministries.", "NGA"),
    ],
)
def test_the_actor_country_is_found_however_it_is_named(places, sentence, area):
    assert _actor(sentence, places).area == area


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("technical help for the Government of the Congo", "COG"),
        ("the Democratic Republic of the Congo said", "COD"),
        ("Guinea opened a help desk", "GIN"),
        ("Papua New Guinea and Equatorial Guinea", None),
    ],
)
def test_short_names_the_resolver_finds_ambiguous_follow_un_usage(places, text, iso3):
    """places.yaml short_names: "Congo" alone is the Republic of the Congo; a longer name still wins."""
    found = [mention.iso3 for mention in places.mentions(text)]
    if iso3 is None:
        assert "GIN" not in found and found
    else:
        assert found == [iso3]


def test_a_partner_country_is_not_the_actor(places):
    actor = _actor("Ghana had signed an agreement with Italy and Spain.", places)
    assert actor.area == "GHA"


def test_a_list_of_representatives_is_no_single_actor(places):
    from gcmhub.practices.extraction.actors import COLLECTIVE

    assert _actor("The representatives of Chile, Peru, Ghana and Kenya all praised the fund.", places) is COLLECTIVE
    assert _actor("The representative of Chile and Peru s envoy spoke.", places).area == "CHL"


def test_a_list_of_processes_credits_none_of_them(places):
    from gcmhub.practices.extraction.actors import COLLECTIVE

    sentence = (
        "Regional processes such as the Bali Process, the Colombo Process and the Rabat Process "
        "had built trust among their members."
    )
    assert _actor(sentence, places) is COLLECTIVE


@pytest.mark.parametrize(
    ("sentence", "area", "name"),
    [
        ("Lena Park (ICMC) reviewed the guidelines developed by a working group of the Global Migration Group.",
         None, "Global Migration Group"),
        ("Omar Said (OHCHR) praised a hotline set up by the Government of Senegal in 2016.", "SEN", "Senegal"),
        ("The envoy praised the platform launched by the African Union.", None, "African Union"),
    ],
)
def test_the_body_that_made_a_measure_is_its_actor_not_the_speaker(places, sentence, area, name):
    actor = _actor(sentence, places)
    assert (actor.area, actor.name) == (area, name)


def test_a_funder_is_not_the_author(places):
    actor = _actor("Omar Said (Ghana) said the centre, funded by the European Union, opened in 2016.", places)
    assert actor.area == "GHA"


@pytest.mark.parametrize(
    ("text", "process"),
    [
        ("The Quito Process had agreed on a road map.", "Quito Process"),  # not listed: known by its form
        ("Within the Sahel Dialogue on Migration, ministers met.", "Sahel Dialogue"),
        ("Within\nthe Sahel\nDialogue, ministers met.", "Sahel Dialogue"),  # broken over lines
        ("The Bali Process had set up a working group.", "Bali Process"),  # listed
        ("Every Regional Consultative Process reports yearly.", None),  # a kind of process, not one
        ("Marrakech, Morocco Dialogue #2: partnerships", None),  # a country's name and a heading
        ("The International Dialogue on Migration met in Geneva.", None),  # the report's own meeting
    ],
)
def test_processes_known_by_name_or_by_form(places, text, process):
    found = [mention.text for mention in places.mentions(text) if mention.kind == "process"]
    assert found == ([process] if process else [])


def test_an_unlisted_process_is_not_taken_for_the_city_in_its_name(places):
    mentions = places.mentions("The Quito Process had agreed on a road map.")
    assert [(mention.kind, mention.iso3) for mention in mentions] == [("process", None)]


def test_regional_processes_are_actors_without_a_country(places):
    actor = _actor("The Abu Dhabi Dialogue: launched in 2008, it gathers Asian and Gulf countries.", places)
    assert (actor.area, actor.name) == (None, "Abu Dhabi Dialogue")


def test_names_that_contain_a_country_do_not_name_it(places):
    kinds = {(mention.text, mention.kind) for mention in places.mentions(
        "The Sovereign Order of Malta and the Paris Agreement were cited; Niger differs from Nigeria."
    )}
    assert ("Sovereign Order of Malta", "organisation") in kinds
    assert not any(text in {"Malta", "Paris"} for text, _kind in kinds)
    assert ("Niger", "country") in kinds and ("Nigeria", "country") in kinds


def test_official_names_go_through_the_m49_resolver(places):
    assert places.country_of("Viet Nam") == "VNM"
    assert places.country_of("Türkiye") == "TUR"
    assert places.country_of("Turkey") == "TUR"  # geo/data/aliases.yaml
    assert places.country_of("Mechelen") == "BEL"  # practices/data/places.yaml
    assert places.country_of("Congo") == "COG"  # ambiguous in the resolver; UN usage in places.yaml short_names


def test_speakers_with_title_organisation_and_country(places):
    text = (
        "Lena Park (Mayor, Mechelen, Belgium) spoke, then Omar Said (Turkey), then Jan K. Smit (ICMC), "
        "then the Himilo Relief and Development Association (HIRDA) was mentioned."
    )
    speakers = {speaker.name: speaker for speaker in find_speakers(text, places)}
    assert speakers["Lena Park"].iso3 == "BEL"
    assert speakers["Lena Park"].title == "Mayor"
    assert speakers["Omar Said"].iso3 == "TUR"
    assert speakers["Jan K. Smit"].organisation == "ICMC"
    assert speakers["Jan K. Smit"].iso3 is None
    assert "Development Association" not in speakers and "Himilo Relief" not in speakers


def test_speaker_organisation_and_country_from_a_long_parenthesis(places):
    text = "Ed Hale (Envoy, Europe Directorate, Foreign and Commonwealth Office, United Kingdom) noted it."
    (speaker,) = find_speakers(text, places)
    assert speaker.iso3 == "GBR"
    assert speaker.organisation == "Europe Directorate"


def test_places_data_codes_are_checked():
    data = read_places_data()
    check_places_data(data, {"BEL"} | {code for code in get_place_finder().labels})
    with pytest.raises(PlacesDataError, match="cities: 'XXX' is not a country code"):
        check_places_data({"cities": {"XXX": ["Atlantis"]}}, {"BEL"})
    with pytest.raises(PlacesDataError, match="organisations, Club: 'ZZZ'"):
        check_places_data({"organisations": {"Club": "ZZZ"}}, {"BEL"})


def test_a_name_given_to_two_countries_is_refused():
    data = {"demonyms": {"COG": ["Congolese"], "COD": ["Congolese"]}}
    with pytest.raises(PlacesDataError, match="'Congolese' is already given to COG"):
        check_places_data(data, {"COG", "COD"})
