"""A newcomer's path through the indicator pages (issue 8 §4): tabs with a
map, the progress status and the metadata; charts that default to parts of
the world and split very different magnitudes; attribute codes in words;
the catalogue's country filter."""

import pytest
from django.utils import translation

from gcmhub.geo.models import Area
from gcmhub.indicators import attributes, charts, presenters
from gcmhub.indicators.loader import load
from gcmhub.indicators.models import Series

from .conftest import record

pytestmark = pytest.mark.django_db


def load_records(rows, name="extra.csv"):
    from dataclasses import replace

    rows = [replace(row, line=line) for line, row in enumerate(rows, 2)]
    return load(rows, format="tidy", file_name=name, sha256="1" * 64, source="Test Statistics Office")


@pytest.fixture
def world_stock(web_data):
    """The world's migrant stock beside Kenya's and Mexico's, with DESA's type-of-data notes."""
    rows = [
        record("SM.POP.TOTL", "001", str(year), 150e6 + (year - 2000) * 5e6, scheme="m49",
               series_name="International migrant stock", unit="NUMBER")
        for year in (2000, 2010, 2020)
    ]
    rows += [
        record("SM.POP.TOTL", "KEN", "2020", 1_050_000.0, series_name="International migrant stock", unit="NUMBER",
               footnote="type of data: B R", obs_status="E")
    ]
    return load_records(rows, "world.csv")


@pytest.fixture
def assessed(web_data):
    from gcmhub.progress.services import recompute

    recompute()


def test_indicator_page_has_chart_map_progress_and_metadata_tabs(client, web_data, assessed):
    page = client.get("/en/indicators/10.c.1/").content.decode()
    for tab in ("#tab-chart", "#tab-map", "#tab-progress", "#tab-metadata"):
        assert f'href="{tab}"' in page
    assert 'data-target="indicator-map"' in page and "countries-110m" in page  # the bundled map, no CDN
    assert "Latest values of 2 countries" in page
    # Metadata: definition, unit, custodian, source, method, last updated.
    metadata = page[page.index('id="tab-metadata"'):]
    for label in ("Definition", "Unit", "Custodian agencies", "Source", "Method", "Last updated"):
        assert f"<dt>{label}</dt>" in metadata
    assert "Test Statistics Office" in metadata and "World Bank" in metadata
    assert "10.c" in metadata and "reduce to less than 3 per cent" in metadata  # the official target text
    # Progress: the stored status of the countries charted, linked to their scorecards.
    status = page[page.index('id="tab-progress"'):page.index('id="tab-metadata"')]
    assert 'href="/en/countries/KEN/progress/"' in status
    assert "class=\"status status-" in status


def test_indicator_tabs_are_translated(client, web_data, assessed):
    page = client.get("/fr/indicators/10.c.1/").content.decode()
    for label in ("Graphique", "Carte", "État des progrès", "À propos des données", "Dernière mise à jour"):
        assert label in page


def test_map_lists_each_countrys_latest_value(web_data):
    series = Series.objects.get(code="SI_RMT_COST")
    latest = {row.area.iso3: (row.period, row.value) for row in presenters.latest_values(series, "")}
    assert latest == {"KEN": ("2018", 6.9), "MEX": ("2018", 2.9)}


def test_value_map_spec_shades_by_quantile_and_keeps_countries_without_data_grey():
    spec = charts.value_map_spec(
        [("404", "Kenya", "2018", 6.9), ("484", "Mexico", "2018", float("nan"))],
        topology={"url": "/static/progress/countries-110m.json", "format": {"type": "topojson", "feature": "countries"}},
        description="A map", legend_title="percent", value_title="Value", period_title="Period",
    )
    base, data = spec["layer"]
    assert base["mark"]["fill"] == charts.NO_DATA_FILL and base["mark"]["aria"] is False
    assert data["transform"][0]["from"]["data"]["values"] == [
        {"m49": "404", "name": "Kenya", "period": "2018", "value": 6.9}
    ]
    assert data["encoding"]["color"]["scale"]["type"] == "quantile"


def test_series_of_very_different_size_are_not_drawn_on_one_axis(client, world_stock):
    page = client.get("/en/indicators/SM.POP.TOTL/?area=001&area=KEN&area=MEX").content.decode()
    assert page.count('class="vega-spec"') == 3  # two charts and the map
    assert "drawn as 2 charts" in page
    world = charts.Line("World", [("2020", 250e6)])
    kenya = charts.Line("Kenya", [("2020", 1e6)])
    mexico = charts.Line("Mexico", [("2020", 1.2e6)])
    assert charts.split_by_magnitude([kenya, world, mexico]) == [[world], [kenya, mexico]]
    assert charts.split_by_magnitude([kenya, mexico]) == [[kenya, mexico]]


def test_chart_image_stacks_the_charts(client, world_stock):
    svg = client.get("/en/indicators/SM.POP.TOTL/chart.svg?area=001&area=KEN").content.decode()
    assert svg.count("World") >= 1 and svg.count("Kenya") >= 1


def _same_count_in_every_country(codes):
    rows = [record("SI_RMT_COST", iso3, str(year), 5.0 + i, unit="PERCENT")
            for i, iso3 in enumerate(codes) for year in (2016, 2017)]
    load_records(rows, "many.csv")


def test_default_chart_compares_regions_not_the_first_names_of_the_alphabet(web_data):
    # Afghanistan and Armenia (both Asia) come first alphabetically; the
    # default shows one country per region instead.
    _same_count_in_every_country(["AFG", "ARM", "ALB", "DZA"])
    series = Series.objects.get(code="SI_RMT_COST")
    chosen = presenters.default_areas(series, [""])
    regions = [area.region_id for area in chosen if area.kind == Area.Kind.COUNTRY]
    assert len(regions) == len(set(regions)), [a.iso3 for a in chosen]
    assert len(chosen) == 4


def test_default_chart_starts_from_the_readers_own_country(web_data, users):
    _same_count_in_every_country(["AFG", "ARM", "ALB", "TZA", "UGA"])
    series = Series.objects.get(code="SI_RMT_COST")
    chosen = [area.iso3 for area in presenters.default_areas(series, [""], user=users.focal)]
    assert chosen[0] == "KEN"  # no world or regional value in this series: the country first
    assert set(chosen[1:3]) == {"TZA", "UGA"}  # then its neighbours in Eastern Africa


def test_default_chart_includes_the_world_when_it_has_data(world_stock):
    series = Series.objects.get(code="SM.POP.TOTL")
    assert presenters.default_areas(series, [""])[0].m49 == "001"


def test_attribute_codes_and_desa_notes_are_shown_in_words(client, world_stock):
    with translation.override("fr"):
        assert attributes.footnote_text("type of data: B R") == (
            "Type de données : population née à l’étranger, réfugiés ajoutés"
        )
        assert attributes.obs_status_text("E") == "valeur estimée"
        assert attributes.obs_status_text("N") == "non significatif"  # every code of the list has a name
        assert attributes.nature_text("notspec") == "non précisé"
    assert attributes.footnote_text("type of data: Z") == "type of data: Z"  # unknown code: as written
    assert attributes.footnote_text("Break in series") == "Break in series"
    page = client.get("/es/indicators/SM.POP.TOTL/?area=KEN").content.decode()
    assert "Tipo de datos: población nacida en el extranjero, refugiados añadidos" in page
    assert "type of data: B R" not in page
    assert "valor estimado" in page


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_catalogue_says_when_a_country_is_unknown(client, web_data, language):
    page = client.get(f"/{language}/indicators/?area=Atlantis&objective=20").content.decode()
    message = {"en": "No country or area is known as “Atlantis”", "fr": "Aucun pays ni zone ne porte le nom « Atlantis »",
               "es": "Ningún país o zona se llama «Atlantis»"}[language]
    assert message in page
    assert "SM.POP.TOTL" not in page  # the objective filter still applies


def test_catalogue_country_filter_takes_a_name(client, web_data):
    page = client.get("/en/indicators/?area=Mexique").content.decode()
    assert "Showing data for Mexico." in page


def test_map_image_for_readers_without_javascript(client, web_data):
    page = client.get("/en/indicators/10.c.1/").content.decode()
    assert '<noscript><img src="/en/indicators/10.c.1/map.svg"' in page
    response = client.get("/en/indicators/10.c.1/map.svg")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg")
    assert client.get("/en/indicators/SM.POP.TOTL/map.svg?area=KEN").status_code == 200


def test_default_chart_uses_the_country_of_the_readers_organisation(web_data, users):
    _same_count_in_every_country(["AFG", "ARM", "ALB", "TZA", "UGA"])
    series = Series.objects.get(code="SI_RMT_COST")
    assert presenters.default_areas(series, [""], user=users.contributor)[0].iso3 == "KEN"
