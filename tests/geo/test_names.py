"""The pure matching core: normalisation, keys, lookups, and never guessing."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcmhub.errors import InvalidInput
from gcmhub.geo.names import (
    AmbiguousArea,
    IndexedArea,
    NameIndex,
    UnknownArea,
    fold,
    name_key,
    name_variants,
    normalise_m49,
)
from gcmhub.geo.resolver import build_name_index
from gcmhub.geo.sources import build_area_records, read_aliases

KOR = IndexedArea(m49="410", kind="country", name="Republic of Korea", iso2="KR", iso3="KOR",
                  names=("République de Corée", "Korea (the Republic of)"))
PRK = IndexedArea(m49="408", kind="country", name="Democratic People's Republic of Korea", iso2="KP", iso3="PRK",
                  names=("Korea (the Democratic People's Republic of)",))
FSM = IndexedArea(m49="583", kind="country", name="Micronesia (Federated States of)", iso2="FM", iso3="FSM")
MICRONESIA = IndexedArea(m49="057", kind="subregion", name="Micronesia")
CIV = IndexedArea(m49="384", kind="country", name="Côte d’Ivoire", iso2="CI", iso3="CIV")


@pytest.fixture
def small_index():
    return NameIndex([KOR, PRK, FSM, MICRONESIA, CIV], aliases={"KOR": ["South Korea"]}, ambiguous={})


def test_fold_removes_accents_case_and_punctuation():
    assert fold("  Côte d’Ivoire ") == "cote d ivoire"
    assert fold("Curaçao") == "curacao"
    assert fold("People's") == "peoples"
    assert fold("U.S. Virgin Islands") == "us virgin islands"


def test_name_key_ignores_word_order_fillers_and_abbreviations():
    assert name_key("Korea, Rep.") == name_key("Republic of Korea") == name_key("the Republic of Korea")
    assert name_key("Congo, Dem. Rep.") == name_key("Democratic Republic of the Congo")
    assert name_key("Bosnia & Herzegovina") == name_key("Bosnia and Herzegovina")
    assert name_key("Hong Kong SAR, China") == name_key("China, Hong Kong Special Administrative Region")
    assert name_key("Republic of Korea") != name_key("Democratic People's Republic of Korea")


def test_stored_names_also_answer_without_their_parenthesis():
    bolivia = "Bolivia (Plurinational State of)"
    assert name_variants(bolivia) == {name_key(bolivia), "bolivia"}
    assert name_variants("Kenya") == {"kenya"}


@pytest.mark.parametrize("code, expected", [(4, "004"), ("4", "004"), ("004", "004"), (" 404 ", "404")])
def test_normalise_m49_pads_to_three_digits(code, expected):
    assert normalise_m49(code) == expected


@pytest.mark.parametrize("code", ["", "1234", "KEN", "4.0"])
def test_normalise_m49_rejects_what_is_not_a_code(code):
    with pytest.raises(ValueError):
        normalise_m49(code)


@pytest.mark.parametrize(
    "text, iso3",
    [
        ("Republic of Korea", "KOR"),
        ("république de corée", "KOR"),
        ("Korea, Rep.", "KOR"),
        ("Korea (Republic of)", "KOR"),
        ("SOUTH KOREA", "KOR"),
        ("Korea, Dem. People's Rep.", "PRK"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d Ivoire", "CIV"),
    ],
)
def test_lookup_by_names_in_any_language_and_alias(small_index, text, iso3):
    assert small_index.lookup(text).iso3 == iso3


def test_lookup_by_codes(small_index):
    assert small_index.lookup("KOR").iso3 == "KOR"
    assert small_index.lookup("kr").iso3 == "KOR"
    assert small_index.lookup("410").iso3 == "KOR"
    assert small_index.lookup("57").m49 == "057"


def test_same_key_for_two_areas_is_ambiguous_unless_the_kind_decides(small_index):
    with pytest.raises(AmbiguousArea) as caught:
        small_index.lookup("Micronesia")
    assert {area.m49 for area in caught.value.candidates} == {"057", "583"}
    assert small_index.lookup("Micronesia", kinds=["country"]).iso3 == "FSM"
    assert small_index.lookup("Micronesia", kinds=["subregion"]).m49 == "057"


def test_declared_ambiguity_overrides_an_exact_name():
    index = NameIndex([KOR, PRK], ambiguous={"Korea": ["KOR", "PRK"]})
    with pytest.raises(AmbiguousArea) as caught:
        index.lookup("korea")
    assert [area.iso3 for area in caught.value.candidates] == ["PRK", "KOR"]
    assert "Use a more specific name or a code" in caught.value.message


def test_unknown_name_offers_close_names_but_returns_nothing(small_index):
    with pytest.raises(UnknownArea) as caught:
        small_index.lookup("Republic of Koreaa")
    error = caught.value
    assert isinstance(error, InvalidInput) and error.status_code == 422
    assert error.candidates[0].iso3 == "KOR"
    assert "Republic of Korea (KOR, 410)" in error.message


def test_unknown_code_and_empty_text(small_index):
    with pytest.raises(UnknownArea):
        small_index.lookup("999")
    with pytest.raises(UnknownArea) as caught:
        small_index.lookup("   ")
    assert caught.value.candidates == []


def test_input_is_never_trimmed_of_its_parenthesis(small_index):
    # A stored name answers without its parenthesis, but an input that adds
    # one ("Korea (former)") is a different name.
    with pytest.raises(UnknownArea):
        small_index.lookup("Republic of Korea (former)")


def test_alias_for_unknown_code_is_refused():
    with pytest.raises(ValueError, match="XXX"):
        NameIndex([KOR], aliases={"XXX": ["Nowhere"]})


# --- properties over the real reference data (no database) -----------------

FULL_INDEX = build_name_index(build_area_records())
AMBIGUOUS_KEYS = FULL_INDEX.ambiguous_keys()
ALIASES, _DECLARED = read_aliases()
NAMED_AREAS = [
    (area, name) for area in FULL_INDEX.by_m49.values() for name in (area.name, *area.names) if name
] + [
    (FULL_INDEX.by_m49[FULL_INDEX.m49_for(code)], name) for code, names in ALIASES.items() for name in names
]


def test_only_the_known_names_are_ambiguous():
    # A new entry here means an hdx update or an alias made two areas share
    # a name: check it is a real ambiguity before extending this list.
    assert set(AMBIGUOUS_KEYS) == {
        "congo", "korea", "islands virgin", "martin saint", "martin san", "micronesia", "micronesie",
    }


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@st.composite
def written_names(draw):
    """A stored name as a data file might write it: other case, accents, spacing."""
    area, name = draw(st.sampled_from(NAMED_AREAS))
    if draw(st.booleans()):
        name = _strip_accents(name)
    name = draw(st.sampled_from([name, name.upper(), name.lower(), name.title()]))
    if draw(st.booleans()):
        name = f"  {name.replace(' ', '  ')} "
    return area, name


@settings(max_examples=300, deadline=None)
@given(written_names())
def test_any_stored_name_in_any_language_resolves_to_its_area(case):
    area, name = case
    try:
        assert FULL_INDEX.lookup(name, kinds=[area.kind]).m49 == area.m49
    except AmbiguousArea as error:
        # Only names known to be shared may fail, and then with this area offered.
        assert name_key(name) in AMBIGUOUS_KEYS
        assert area.m49 in {candidate.m49 for candidate in error.candidates}


def test_every_official_name_resolves_exactly_outside_the_known_ambiguities():
    for area in FULL_INDEX.by_m49.values():
        for name in (area.name, *area.names[:2]):  # English, French, Spanish
            if name_key(name) in AMBIGUOUS_KEYS:
                continue
            assert FULL_INDEX.lookup(name, kinds=[area.kind]).m49 == area.m49, name


NORTHERN_AFRICA = IndexedArea(m49="015", kind="subregion", name="Northern Africa", names=("Afrique septentrionale",))
SOUTH_EASTERN_ASIA = IndexedArea(m49="035", kind="subregion", name="South-eastern Asia")
NA_EXC_SUDAN = IndexedArea(m49="746", kind="group", name="Northern Africa (exc. Sudan)", aggregate=True)
E_SE_ASIA = IndexedArea(m49="753", kind="group", name="Eastern and South-Eastern Asia", aggregate=True)


def test_aggregates_never_take_a_region_name():
    index = NameIndex([NORTHERN_AFRICA, SOUTH_EASTERN_ASIA, NA_EXC_SUDAN, E_SE_ASIA])
    assert index.lookup("Northern Africa").m49 == "015"  # not ambiguous with "… (exc. Sudan)"
    assert index.lookup("South-eastern Asia").m49 == "035"  # same words as 753, other order
    assert index.lookup("Eastern and South-Eastern Asia").m49 == "753"  # the exact name
    assert index.lookup("northern africa (exc sudan)").m49 == "746"
    assert index.lookup("746").m49 == "746" and index.lookup("753").m49 == "753"
    assert not index.ambiguous_keys()


def test_code_aliases():
    channel = IndexedArea(m49="830", kind="intermediate", name="Channel Islands")
    index = NameIndex([channel, KOR], codes={"CHI": "830"})
    assert index.m49_for("CHI") == "830" and index.lookup("chi").m49 == "830"
    with pytest.raises(ValueError, match="already the code"):
        NameIndex([channel, KOR], codes={"KOR": "830"})


def test_official_names():
    index = NameIndex([FSM, MICRONESIA, KOR], ambiguous={})
    assert index.official("Micronesia").m49 == "057"
    assert index.official("micronesia (federated states of)").m49 == "583"
    assert index.official("Korea") is None


def test_real_index_resolves_sdg_groupings_and_keeps_regions():
    index = build_name_index(build_area_records())
    assert index.lookup("62").m49 == "062" and index.lookup("513").m49 == "513"
    for name, code in (("Northern Africa", "015"), ("Oceania", "009"), ("Sub-Saharan Africa", "202"),
                       ("South-eastern Asia", "035"), ("Asie du Sud-Est", "035"),
                       ("Oceania (excluding Australia and New Zealand)", "543"), ("CHI", "830")):
        assert index.lookup(name).m49 == code, name
