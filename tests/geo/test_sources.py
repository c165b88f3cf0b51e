"""Reading and checking the reference files, without a database."""

import shutil

import pytest
import yaml

from gcmhub.geo.sources import (
    DATA_DIR,
    DataFileError,
    build_area_records,
    hdx_taxonomy_path,
    hdx_version,
    read_aliases,
    read_groups,
    read_regions,
)


@pytest.fixture(scope="module")
def records():
    return {record.m49: record for record in build_area_records()}


@pytest.fixture
def data_dir(tmp_path):
    """A writable copy of gcmhub/geo/data to break on purpose."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def _edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_hdx_file_is_found_through_the_installed_package():
    assert hdx_taxonomy_path().name.startswith("Countries & Territories Taxonomy")
    assert hdx_version().count(".") >= 1


def test_every_m49_country_is_read(records):
    countries = [record for record in records.values() if record.kind == "country"]
    assert len(countries) >= 248
    assert all(record.name_en and record.name_fr and record.name_es for record in countries)


def test_parents_come_before_children(records):
    seen = set()
    for record in build_area_records():
        assert record.parent is None or record.parent in seen, record
        seen.add(record.m49)


def test_hierarchy_of_kenya(records):
    kenya = next(record for record in records.values() if record.iso3 == "KEN")
    assert (kenya.intermediate_region, kenya.subregion, kenya.region, kenya.parent) == ("014", "202", "002", "014")
    assert records["014"].parent == "202" and records["202"].parent == "002" and records["002"].parent == "001"


def test_kosovo_uses_the_un_sdg_code(records):
    kosovo = records["412"]
    assert (kosovo.iso2, kosovo.iso3, kosovo.name_fr) == ("XK", "XKX", "Kosovo")
    assert (kosovo.region, kosovo.subregion) == ("150", "039")


def test_rows_without_m49_names_take_them_from_areas_extra(records):
    assert records["680"].name_fr == "Sercq"
    assert records["158"].name_es.startswith("Taiwán")


def test_antarctica_has_no_region(records):
    assert records["010"].region is None and records["010"].parent == "001"


def test_group_flags(records):
    by_iso3 = {record.iso3: record for record in records.values() if record.iso3}
    assert by_iso3["AFG"].is_ldc and by_iso3["AFG"].is_lldc and not by_iso3["AFG"].is_sids
    assert by_iso3["FJI"].is_sids and not by_iso3["FJI"].is_ldc
    assert not by_iso3["STP"].is_ldc, "graduated on 2024-12-13"
    assert by_iso3["STP"].is_sids
    assert [records[code].kind for code in ("199", "432", "722")] == ["group"] * 3


def test_region_names_in_three_languages():
    regions = read_regions()
    # French and Spanish as UNSD's M49 tables write them (m49_names.yaml).
    assert (regions["202"].name_fr, regions["202"].name_es) == ("Afrique subsaharienne", "África Subsahariana")
    assert (regions["029"].name_es, regions["013"].name_es) == ("El Caribe", "América central")
    assert regions["035"].name_fr == "Asie du Sud-Est"


def test_a_region_the_m49_tables_lack_keeps_its_names_marked_unverified():
    records = {record.m49: record for record in build_area_records()}
    assert records["830"].name_fr == "Îles Anglo-Normandes"
    assert records["830"].unverified == ("fr", "es")
    assert records["202"].unverified == ()
    assert records["513"].unverified == ("fr", "es")  # an SDG regional grouping


def test_official_names_replace_the_regions_file_translations(data_dir):
    _edit_yaml(data_dir / "regions.yaml", lambda data: data["areas"][2].update(fr="Afrique du Nord"))
    with pytest.raises(DataFileError, match=r"regions.yaml, area 015: fr given here, but m49_names.yaml names"):
        read_regions(data_dir)


def test_region_with_unknown_kind_is_reported_with_file_and_entry(data_dir):
    _edit_yaml(data_dir / "regions.yaml", lambda data: data["areas"][1].update(kind="continent"))
    with pytest.raises(DataFileError) as caught:
        read_regions(data_dir)
    assert caught.value.file == "regions.yaml"
    assert caught.value.entry == "area 002"
    assert "continent" in str(caught.value)


def test_region_missing_a_translation_is_reported(data_dir):
    channel_islands = 23
    _edit_yaml(data_dir / "regions.yaml", lambda data: data["areas"][channel_islands].pop("es"))
    with pytest.raises(DataFileError, match=r"regions.yaml, area 830: 'es' must be a non-empty text"):
        read_regions(data_dir)


def test_region_under_a_lower_level_is_refused(data_dir):
    _edit_yaml(data_dir / "regions.yaml", lambda data: data["areas"][1].update(parent="015"))
    with pytest.raises(DataFileError, match="area 002"):
        read_regions(data_dir)


def test_group_member_that_is_not_a_country_is_reported(data_dir):
    _edit_yaml(data_dir / "groups.yaml", lambda data: data["groups"][0]["members"].append("ZZZ"))
    with pytest.raises(DataFileError, match=r"groups.yaml, group 199: unknown ISO alpha-3 codes: ZZZ"):
        build_area_records(data_dir)


def test_group_member_and_former_member_at_once_is_refused(data_dir):
    _edit_yaml(data_dir / "groups.yaml", lambda data: data["groups"][0]["members"].append("STP"))
    with pytest.raises(DataFileError, match="both member and former member: STP"):
        read_groups(data_dir)


def test_country_pointing_at_a_region_missing_from_regions_yaml(data_dir):
    def drop_channel_islands(data):
        data["areas"] = [area for area in data["areas"] if area["m49"] != "830"]

    _edit_yaml(data_dir / "regions.yaml", drop_channel_islands)
    with pytest.raises(DataFileError) as caught:
        build_area_records(data_dir)
    assert caught.value.file == "Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
    assert caught.value.entry == "M49 831 (Guernsey)"
    assert caught.value.problem == "intermediate code 830 is not listed with that kind in regions.yaml"


def test_addition_in_two_branches_is_refused(data_dir):
    _edit_yaml(data_dir / "areas_extra.yaml", lambda data: data["additions"][0].update(subregion="202"))
    with pytest.raises(DataFileError, match="addition 412: subregion 202 does not belong under 150"):
        build_area_records(data_dir)


def test_invalid_yaml_names_the_file(data_dir):
    (data_dir / "aliases.yaml").write_text("aliases: [unclosed", encoding="utf-8")
    with pytest.raises(DataFileError, match="aliases.yaml, file: not valid YAML"):
        read_aliases(data_dir)


def test_ambiguous_entry_needs_two_candidates(data_dir):
    _edit_yaml(data_dir / "aliases.yaml", lambda data: data["ambiguous"][0].update(candidates=["KOR"]))
    with pytest.raises(DataFileError, match="ambiguous 'Korea': needs at least two candidates"):
        read_aliases(data_dir)


def test_sdg_regional_aggregates_are_groups_without_members(records):
    # UN SDG Global Database codes these groupings (open-numbers extract, GeoAreaName)
    for code, name in (("062", "Central and Southern Asia"), ("513", "Europe and Northern America"),
                       ("747", "Northern Africa and Western Asia"), ("753", "Eastern and South-Eastern Asia")):
        record = records[code]
        assert (record.kind, record.parent, record.name_en) == ("group", "001", name)
        assert record.name_fr and record.name_es
    assert not any(getattr(records[c], flag) for c in ("062", "513") for flag in ("is_ldc", "is_lldc", "is_sids"))


def test_aggregate_with_a_member_list_is_refused(data_dir):
    from gcmhub.geo.sources import read_aggregates

    _edit_yaml(data_dir / "groups.yaml", lambda data: data["aggregates"][0].update(members=["IND"]))
    with pytest.raises(DataFileError) as caught:
        read_aggregates(data_dir)
    assert (caught.value.file, caught.value.entry) == ("groups.yaml", "aggregate 062")


def test_code_aliases_are_read_and_checked(data_dir):
    from gcmhub.geo.sources import read_code_aliases

    assert read_code_aliases()["CHI"] == "830"
    _edit_yaml(data_dir / "aliases.yaml", lambda data: data["codes"].update({"C-1": "830"}))
    with pytest.raises(DataFileError) as caught:
        read_code_aliases(data_dir)
    assert caught.value.entry == "codes C-1"
