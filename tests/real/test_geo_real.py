"""Areas and the resolver against the real code lists in ../shared/data.

These check GCM Hub's area data against the files UNSD, the World Bank,
UNHCR and UN DESA publish, and that the names those files use resolve to the
same area as the codes beside them — what every importer depends on.
"""

import csv

import pytest
from django.conf import settings

from gcmhub.geo.models import Area
from gcmhub.geo.names import name_key
from gcmhub.geo.resolver import AmbiguousArea, get_resolver, resolve_area
from gcmhub.geo.sources import read_aliases, read_groups

pytestmark = [pytest.mark.real, pytest.mark.django_db]

# Names the alias file declares ambiguous on purpose ("Congo"): these must
# fail with the expected area among the candidates, never pick one.
DECLARED_AMBIGUOUS = {name_key(name) for name in read_aliases()[1]}


def _rows(relative_path: str) -> list[dict[str, str]]:
    path = settings.SHARED_DATA_DIR / relative_path
    if not path.exists():
        pytest.skip(f"{path} is not available")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_name_resolves(name: str, expected: Area, kind="country") -> None:
    if name_key(name) in DECLARED_AMBIGUOUS:
        with pytest.raises(AmbiguousArea) as caught:
            resolve_area(name, kind=kind)
        assert expected.m49 in {candidate.m49 for candidate in caught.value.candidates}, name
    else:
        assert resolve_area(name, kind=kind).m49 == expected.m49, name


@pytest.fixture(scope="module")
def m49_overview():
    return _rows("country-codes/unsd_m49_overview_en.csv")


def test_every_unsd_country_resolves_by_name_and_by_code(m49_overview):
    assert len(m49_overview) >= 248
    areas = Area.objects.countries().in_bulk(field_name="m49")
    for row in m49_overview:
        code = row["M49 Code"].zfill(3)
        assert code in areas, row
        assert resolve_area(code).m49 == code
        assert resolve_area(row["ISO-alpha3 Code"]).m49 == code
        _assert_name_resolves(row["Country or Area"], areas[code])


def test_region_codes_agree_with_unsd(m49_overview):
    countries = Area.objects.countries().select_related("region", "subregion", "intermediate_region")
    areas = countries.in_bulk(field_name="m49")
    # The hdx file places Guernsey and Jersey in the Channel Islands (830);
    # this UNSD table leaves their intermediate region blank.
    channel_islands = {"831", "832"}
    for row in m49_overview:
        area = areas[row["M49 Code"].zfill(3)]
        assert _code(area.region) == _code(row["Region Code"]), row
        assert _code(area.subregion) == _code(row["Sub-region Code"]), row
        if area.m49 not in channel_islands:
            assert _code(area.intermediate_region) == _code(row["Intermediate Region Code"]), row


def _code(area_or_text):
    """The M49 code of an Area or of a table cell, None when there is none."""
    if isinstance(area_or_text, Area):
        return area_or_text.m49
    return area_or_text.strip().zfill(3) if area_or_text and area_or_text.strip() else None


def _countries_by_iso3() -> dict[str, Area]:
    return {area.iso3: area for area in Area.objects.countries().exclude(iso3="")}


@pytest.mark.parametrize(
    "column, group",
    [
        ("Least Developed Countries (LDC)", "199"),
        ("Land Locked Developing Countries (LLDC)", "432"),
        ("Small Island Developing States (SIDS)", "722"),
    ],
)
def test_group_membership_agrees_with_unsd_apart_from_recorded_departures(m49_overview, column, group):
    in_table = {row["ISO-alpha3 Code"] for row in m49_overview if row[column].strip()}
    [yaml_group] = [g for g in read_groups() if g.record.m49 == group]
    assert yaml_group.members == in_table - yaml_group.left
    loaded = set(Area.objects.countries().within(group).values_list("iso3", flat=True))
    assert loaded == yaml_group.members


def test_world_bank_names_resolve_to_their_codes():
    rows = _rows("worldbank/Metadata_Country_API_SM.POP.NETM_DS2_en_csv_v2_3401672.csv")
    countries = _countries_by_iso3()
    checked = [row for row in rows if row["Country Code"] in countries]
    assert len(checked) > 200
    for row in checked:
        _assert_name_resolves(row["TableName"], countries[row["Country Code"]])


def test_unhcr_names_resolve_to_their_codes():
    rows = _rows("unhcr/unhcr_countries.csv")
    countries = _countries_by_iso3()
    checked = [row for row in rows if row["iso_code"] in countries]
    assert len(checked) > 200
    for row in checked:
        _assert_name_resolves(row["name"], countries[row["iso_code"]])


def test_un_desa_migrant_stock_names_resolve_to_their_codes():
    rows = _rows("undesa-ims/ims2020_table1_stock_by_sex_and_destination.csv")
    areas = Area.objects.in_bulk(field_name="m49")
    # DESA's table codes its aggregates with its own numbers (900 and up);
    # the countries and areas use M49.
    checked = [row for row in rows if row["location_code"].zfill(3) in areas]
    assert len(checked) > 230
    for row in checked:
        area = areas[row["location_code"].zfill(3)]
        _assert_name_resolves(row["region_country_area"], area, kind=area.kind)


def test_resolving_a_whole_column_builds_the_index_once():
    rows = _rows("unhcr/unhcr_population.csv")
    resolver = get_resolver()
    mapping, problems = resolver.resolve_many((row["coo_name"] for row in rows), kind="country")
    unresolved = {problem.name for problem in problems}
    # What UNHCR writes that is not a country: categories, and the ambiguous "Congo".
    assert unresolved <= {"Unknown", "Stateless", "Tibetan", "Congo"}
    assert mapping["Syrian Arab Rep."].iso3 == "SYR"
