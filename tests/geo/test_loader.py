"""Loading the areas into the database: counts, idempotence, facts, rollback."""

from dataclasses import replace

import pytest

from gcmhub.geo.loader import load_areas
from gcmhub.geo.models import Area
from gcmhub.geo.resolver import get_resolver
from gcmhub.geo.sources import AreaRecord, build_area_records

pytestmark = pytest.mark.django_db


def test_second_load_changes_nothing():
    before = dict(Area.objects.values_list("m49", "updated_at"))
    counts = load_areas()
    assert counts == {"created": 0, "updated": 0, "unchanged": len(before), "not_in_source": 0}
    assert dict(Area.objects.values_list("m49", "updated_at")) == before


def test_every_m49_country_is_loaded():
    assert Area.objects.countries().count() >= 248
    assert Area.objects.filter(kind=Area.Kind.REGION).count() == 5
    assert not Area.objects.countries().filter(name_fr="").exists()
    assert not Area.objects.countries().filter(name_es="").exists()


def test_kenya_hierarchy():
    kenya = Area.objects.select_related("parent", "intermediate_region", "subregion", "region").get(iso3="KEN")
    assert (kenya.intermediate_region.m49, kenya.intermediate_region.name_en) == ("014", "Eastern Africa")
    assert (kenya.subregion.m49, kenya.subregion.name_en) == ("202", "Sub-Saharan Africa")
    assert (kenya.region.m49, kenya.region.name_en) == ("002", "Africa")
    assert kenya.parent == kenya.intermediate_region
    assert [area.m49 for area in kenya.lineage()] == ["002", "202", "014"]
    assert kenya.subregion.region.m49 == "002"


def test_filtering_by_any_region_level_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        africa = set(Area.objects.countries().within("002").values_list("iso3", flat=True))
    assert {"KEN", "EGY", "ZAF"} <= africa and "FRA" not in africa
    eastern = set(Area.objects.countries().within(14).values_list("iso3", flat=True))
    assert "KEN" in eastern and "EGY" not in eastern and eastern < africa


def test_group_codes_filter_on_flags():
    ldcs = set(Area.objects.countries().within("199").values_list("iso3", flat=True))
    assert "AFG" in ldcs and "KEN" not in ldcs and len(ldcs) == 44
    assert Area.objects.countries().within("001").count() == Area.objects.countries().count()


def test_flags():
    afghanistan = Area.objects.get(iso3="AFG")
    assert (afghanistan.is_ldc, afghanistan.is_lldc, afghanistan.is_sids) == (True, True, False)
    fiji = Area.objects.get(iso3="FJI")
    assert (fiji.is_ldc, fiji.is_lldc, fiji.is_sids) == (False, False, True)


@pytest.mark.parametrize(
    "iso3, language, name",
    [
        ("CIV", "en", "Côte d’Ivoire"),
        ("CIV", "fr", "Côte d’Ivoire"),
        ("DEU", "fr", "Allemagne"),
        ("DEU", "es", "Alemania"),
    ],
)
def test_names_in_three_languages(iso3, language, name):
    assert getattr(Area.objects.get(iso3=iso3), f"name_{language}") == name


def test_kosovo_is_loaded_under_412():
    kosovo = Area.objects.select_related("subregion").get(m49="412")
    assert (kosovo.iso3, kosovo.subregion.name_en) == ("XKX", "Southern Europe")


def test_search_text_finds_names_in_any_language_without_accents():
    assert list(Area.objects.search("cote d'ivoire").values_list("iso3", flat=True)) == ["CIV"]
    assert "DEU" in Area.objects.search("ALEMANIA").values_list("iso3", flat=True)


def test_a_changed_row_is_put_back_and_counted():
    Area.objects.filter(iso3="KEN").update(name_fr="Quénia", is_sids=True)
    counts = load_areas()
    assert (counts["created"], counts["updated"]) == (0, 1)
    kenya = Area.objects.get(iso3="KEN")
    assert (kenya.name_fr, kenya.is_sids) == ("Kenya", False)


def test_a_changed_source_updates_the_row():
    records = [
        replace(record, name_en="Kenya (test)") if record.iso3 == "KEN" else record for record in build_area_records()
    ]
    assert load_areas(records)["updated"] == 1
    assert Area.objects.get(iso3="KEN").name_en == "Kenya (test)"


def test_areas_no_longer_in_the_source_are_kept_and_counted():
    Area.objects.create(m49="998", kind=Area.Kind.COUNTRY, name_en="Obsolete land")
    assert load_areas()["not_in_source"] == 1
    assert Area.objects.filter(m49="998").exists()


def test_a_failing_load_leaves_the_database_as_it_was():
    before = Area.objects.count()
    new_area = AreaRecord(m49="997", kind="country", name_en="New", name_fr="Nouveau", name_es="Nuevo", parent="001")
    broken = AreaRecord(m49="996", kind="country", name_en="Broken", name_fr="Cassé", name_es="Roto", parent="995")
    with pytest.raises(ValueError, match="996.*995"):
        load_areas([*build_area_records(), new_area, broken])
    assert Area.objects.count() == before
    assert not Area.objects.filter(m49="997").exists()


def test_loading_refreshes_the_cached_resolver():
    first = get_resolver()
    assert get_resolver() is first
    Area.objects.filter(iso3="KEN").update(name_fr="Quénia")
    load_areas()
    assert get_resolver() is not first


def test_load_areas_command_reports_counts():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_areas", stdout=out)
    assert f"0 created, 0 updated, {Area.objects.count()} unchanged" in out.getvalue()


@pytest.mark.django_db
def test_group_filter_lists_only_groups_with_members():
    from gcmhub.geo.services import filter_choices

    assert Area.objects.filter(m49="062", kind=Area.Kind.GROUP).exists()  # loaded for UN SDG data
    groups = dict(filter_choices())["Groups of countries"]
    assert sorted(code for code, _name in groups) == ["199", "432", "722"]
