"""The resolver against the loaded areas: what importers rely on."""

import pytest

from gcmhub.errors import InvalidInput
from gcmhub.geo.models import Area
from gcmhub.geo.resolver import AmbiguousArea, UnknownArea, get_resolver, resolve_area, resolve_many

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, iso3",
    [
        ("Côte d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Republic of Korea", "KOR"),
        ("South Korea", "KOR"),
        ("Korea, Rep.", "KOR"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("United Republic of Tanzania", "TZA"),
        ("Tanzania", "TZA"),
        ("Kosovo", "XKX"),
        ("UK", "GBR"),
        ("USA", "USA"),
        ("United States", "USA"),
        ("Russia", "RUS"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Hong Kong SAR, China", "HKG"),
        ("Congo, Dem. Rep.", "COD"),
        ("Congo, Rep.", "COG"),
        ("Allemagne", "DEU"),
        ("Alemania", "DEU"),
        ("Estados Unidos de América", "USA"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Venezuela, RB", "VEN"),
        ("Lao PDR", "LAO"),
    ],
)
def test_official_and_common_names(name, iso3):
    assert resolve_area(name).iso3 == iso3


@pytest.mark.parametrize("code, iso3", [("KEN", "KEN"), ("ke", "KEN"), ("404", "KEN"), ("4", "AFG"), ("XKX", "XKX")])
def test_codes(code, iso3):
    assert resolve_area(code).iso3 == iso3


def test_result_is_an_area_row():
    area = resolve_area("Kenya")
    assert isinstance(area, Area) and area.pk == Area.objects.get(iso3="KEN").pk


@pytest.mark.parametrize("name, expected", [("Korea", {"KOR", "PRK"}), ("Congo", {"COG", "COD"})])
def test_ambiguous_names_list_every_candidate(name, expected):
    with pytest.raises(AmbiguousArea) as caught:
        resolve_area(name)
    assert {candidate.iso3 for candidate in caught.value.candidates} == expected
    assert isinstance(caught.value, InvalidInput)


def test_unknown_name_suggests_but_does_not_guess():
    with pytest.raises(UnknownArea) as caught:
        resolve_area("Germny")
    assert caught.value.candidates[0].iso3 == "DEU"
    assert "Germany (DEU, 276)" in caught.value.message


def test_kind_limits_the_answer():
    assert resolve_area("Micronesia", kind="country").iso3 == "FSM"
    assert resolve_area("Micronesia", kind=["subregion", "intermediate"]).m49 == "057"
    assert resolve_area("Eastern Africa", kind="intermediate").m49 == "014"
    with pytest.raises(UnknownArea):
        resolve_area("Eastern Africa", kind="country")


def test_regions_and_groups_resolve_by_name():
    assert resolve_area("Sub-Saharan Africa").m49 == "202"
    assert resolve_area("Afrique subsaharienne").m49 == "202"
    assert resolve_area("Least Developed Countries (LDCs)").m49 == "199"
    assert resolve_area("SIDS").m49 == "722"


def test_resolve_many_resolves_each_name_once_and_reports_problems(django_assert_max_num_queries):
    get_resolver()  # built once; what follows is the per-file cost
    names = ["Kenya", "kenya", "Kenya", "Korea", "Atlantis", "Viet Nam"]
    with django_assert_max_num_queries(1):
        mapping, problems = resolve_many(names, kind="country")
    assert {name: area.iso3 for name, area in mapping.items()} == {"Kenya": "KEN", "kenya": "KEN", "Viet Nam": "VNM"}
    reported = [(problem.name, problem.problem) for problem in problems]
    assert reported == [("Korea", "ambiguous"), ("Atlantis", "unknown")]
    assert {candidate.iso3 for candidate in problems[0].candidates} == {"KOR", "PRK"}
    assert "Atlantis" in problems[1].message


def test_new_area_is_seen_without_reloading():
    Area.objects.create(
        m49="999", kind=Area.Kind.COUNTRY, name_en="Testland", name_fr="Testlande", name_es="Testlandia"
    )
    assert resolve_area("Testlande").m49 == "999"


def test_resolve_names_command(tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    names = tmp_path / "names.txt"
    names.write_text("Ivory Coast\nKorea\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 3 names did not resolve"):
        call_command("resolve_names", "Kenya", "--file", str(names), "--kind", "country", stdout=out, stderr=err)
    assert "Ivory Coast\tCIV\t384\tCôte d’Ivoire" in out.getvalue()
    assert "Kenya\tKEN\t404\tKenya" in out.getvalue()
    assert "Korea" in err.getvalue() and "KOR" in err.getvalue()
