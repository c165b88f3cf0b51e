"""The catalogue and indicator pages, chart images, and the country-page section."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from gcmhub.indicators.models import ImportBatch

from .conftest import LANGUAGES

pytestmark = pytest.mark.django_db


def url(name, language="en", *args, query=""):
    with translation.override(language):
        return reverse(name, args=args) + (f"?{query}" if query else "")


def spec_of(response) -> dict:
    match = re.search(rb'<script type="application/json" class="vega-spec"[^>]*>(.*?)</script>', response.content, re.S)
    assert match, "no chart spec in the page"
    return json.loads(match.group(1))


# --- catalogue -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_in_each_language(client, web_data, language):
    response = client.get(url("indicators:catalogue", language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for code in ("10.c.1", "10.7.2", "SM.POP.TOTL"):
        assert f'href="/{language}/indicators/{code}/"' in html
    entries = {entry.code: entry for entry in response.context["entries"]}
    remittances = entries["10.c.1"]
    assert (remittances.countries, remittances.first_year, remittances.last_year) == (2, 2011, 2018)
    assert [s.series.code for s in remittances.series] == ["SI_RMT_COST"]
    assert 20 in [objective.number for objective in remittances.objectives]  # framework link
    assert remittances.custodian == "World Bank"
    assert entries["SM.POP.TOTL"].is_context and entries["SM.POP.TOTL"].years == "2000–2020"
    assert "Test Statistics Office" in html  # where the data come from


def test_catalogue_translates_names(client, web_data):
    html = client.get(url("indicators:catalogue", "fr")).content.decode()
    assert "Coûts des envois de fonds" in html or "envois de fonds" in html  # the framework's French title


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("objective=20", {"10.c.1"}),
        ("q=remittance", {"10.c.1"}),
        ("q=SG_CPA", {"10.7.2"}),
        ("q=migrant+stock", {"SM.POP.TOTL"}),
        ("area=KEN", {"10.c.1", "10.7.2", "SM.POP.TOTL"}),
        ("area=FRA", set()),
        ("", {"10.c.1", "10.7.2", "SM.POP.TOTL"}),
    ],
)
def test_catalogue_filters(client, web_data, query, codes):
    response = client.get(url("indicators:catalogue", query=query))
    assert response.status_code == 200
    assert {entry.code for entry in response.context["entries"]} == codes


def test_catalogue_refuses_an_unknown_area_and_keeps_the_input(client, web_data):
    response = client.get(url("indicators:catalogue", query="area=XYZ&q=cost"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no area with the code" in html
    assert 'value="XYZ"' in html and 'value="cost"' in html


def test_catalogue_without_data(client, db):
    response = client.get(url("indicators:catalogue"))
    assert response.status_code == 200
    assert "No indicator data has been imported yet." in response.content.decode()


# --- indicator page -------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_indicator_page_in_each_language(client, web_data, language):
    response = client.get(url("indicators:indicator", language, "10.c.1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "vega-bundle.js" in html and "charts.js" in html and "cdn" not in html.lower()
    spec = spec_of(response)
    assert spec["mark"]["type"] == "line"
    mexico = {"en": "Mexico", "fr": "Mexique", "es": "México"}[language]
    assert {row["area"] for row in spec["data"]["values"]} == {"Kenya", mexico}
    # the table alternative, with provenance per observation
    assert "<table" in html and "Test Statistics Office" in html
    batch = ImportBatch.objects.get()
    assert f"#{batch.pk}" in html and "sample.csv" in html
    # downloads through the API and chart images
    assert "/api/v1/series/SI_RMT_COST/download?format=csv" in html
    assert "/api/v1/series/SI_RMT_COST/download?format=sdmx-csv" in html
    assert f"/{language}/indicators/10.c.1/chart.svg" in html and f"/{language}/indicators/10.c.1/chart.png" in html
    # link to the framework's page, not a copy of it
    assert f'href="/{language}/sdg-indicators/10.c.1/"' in html


def test_indicator_page_filters_countries_and_disaggregations(client, web_data):
    response = client.get(url("indicators:indicator", "en", "10.c.1", query="area=KEN&SEX=F"))
    state = response.context["state"]
    assert [area.iso3 for area in state.areas] == ["KEN"]
    assert {row.dimension_key for row in state.rows} == {"SEX=F"}
    assert [row.value_text for row in state.rows][:2] == ["9.5", "9.2"]
    assert len(state.rows) == 8
    spec = spec_of(response)
    assert [row["value"] for row in spec["data"]["values"]][:2] == [9.5, 9.2]
    html = response.content.decode()
    assert re.search(r'<option value="KEN"\s+selected>', html)
    assert re.search(r'<option value="F"\s+selected>', html)
    assert "download?format=csv&amp;area=KEN" in html


def test_indicator_page_defaults_and_totals(client, web_data):
    state = client.get(url("indicators:indicator", "en", "10.c.1")).context["state"]
    assert {area.iso3 for area in state.areas} == {"KEN", "MEX"}
    assert {row.dimension_key for row in state.rows} == {""}  # the total when there is one
    assert [f.code for f in state.filters] == ["SEX"] and state.filters[0].selected == "_T"


def test_indicator_page_compares_the_policy_domains(client, web_data):
    response = client.get(
        url("indicators:indicator", "en", "10.7.2", query="area=KEN&area=MEX&compare=COMPOSITE_BREAKDOWN")
    )
    assert response.status_code == 200
    state = response.context["state"]
    assert len(state.rows) == 14  # two countries × (total + six domains)
    spec = spec_of(response)
    assert spec["mark"]["type"] == "point"  # steps of a scale: dots, not bars from 0
    assert spec["encoding"]["y"]["field"] == "variant" and spec["encoding"]["yOffset"]["field"] == "area"
    assert "Migrant rights" in spec["encoding"]["y"]["sort"]
    html = response.content.decode()
    assert "Socioeconomic well-being" in html  # the code list's label
    assert 'name="COMPOSITE_BREAKDOWN" disabled' in html


def test_indicator_page_refuses_unknown_areas_kindly(client, web_data):
    response = client.get(url("indicators:indicator", "en", "10.c.1", query="area=ZZZ&area=KEN"))
    assert response.status_code == 200
    assert "There is no data for “ZZZ” in this series." in response.content.decode()
    assert [area.iso3 for area in response.context["state"].areas] == ["KEN"]


def test_too_many_areas_are_cut_to_the_palette(client, web_data):
    query = "&".join(f"area={code}" for code in ("KEN", "MEX") * 5 + ("AAA",) * 8)
    response = client.get(url("indicators:indicator", "en", "10.c.1", query=query))
    assert response.status_code == 200
    assert len(response.context["state"].areas) == 2


def test_context_series_page(client, web_data):
    response = client.get(url("indicators:indicator", "es", "SM.POP.TOTL"))
    assert response.status_code == 200
    assert response.context["series_title"]
    assert spec_of(response)["encoding"]["x"]["field"] == "year"


def test_series_selector_and_a_series_code_in_the_url(client, web_data):
    response = client.get(url("indicators:indicator", "en", "SG_CPA_MIGRS"))
    assert response.status_code == 200
    assert response.context["state"].series.code == "SG_CPA_MIGRS"


def test_unknown_and_empty_indicators(client, web_data):
    assert client.get(url("indicators:indicator", "en", "99.z.9")).status_code == 404
    from gcmhub.indicators.models import Indicator

    Indicator.objects.create(code="X.1", name_en="A national indicator without data")
    response = client.get(url("indicators:indicator", "fr", "X.1"))
    assert response.status_code == 200
    assert "A national indicator without data" in response.content.decode()


def test_htmx_request_returns_the_page_for_hx_select(client, web_data):
    response = client.get(url("indicators:indicator", "en", "10.c.1", query="area=MEX"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="indicator-view"' in html and 'id="chart-status"' in html
    assert 'hx-select="#indicator-view"' in html


# --- chart images ------------------------------------------------------------------------


def test_chart_svg_export(client, web_data):
    response = client.get(url("indicators:chart", "en", "10.c.1", "svg", query="area=KEN&SEX=F"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and "Kenya" in svg and "Mexico" not in svg
    assert "#0072b2" in svg.lower()  # the first Okabe–Ito colour


def test_chart_png_export_and_unknown_format(client, web_data):
    response = client.get(url("indicators:chart", "fr", "10.c.1", "png", query="area=MEX"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert client.get(url("indicators:chart", "en", "10.c.1", "gif")).status_code == 404
    assert client.get(url("indicators:chart", "en", "99.z.9", "svg")).status_code == 404


# --- country page --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_country_page_has_sparklines(client, web_data, language):
    response = client.get(f"/{language}/countries/KEN/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/{language}/indicators/?area=KEN"' in html
    sparklines = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline"[^>]*aria-hidden="true"', html)
    assert len(sparklines) == 2  # 10.c.1 and the migrant stock; one 10.7.2 score draws no line
    assert html.count("<polyline") == 2
    # the text alternative: first and last period and value
    first, last = {"en": ("2011: 9", "2018: 6.9"), "fr": ("2011 : 9", "2018 : 6,9"), "es": ("2011: 9", "2018: 6,9")}[
        language
    ]
    assert first in html and last in html
    meets = {"en": "2019: 3 – Meets", "fr": "2019 : 3 – Satisfait", "es": "2019: 3 – Cumple"}[language]
    assert meets in html  # the single 10.7.2 score, as text, with its step of the scale


def test_country_without_data_has_no_indicator_section(client, web_data):
    html = client.get("/en/countries/FRA/").content.decode()
    assert "/en/indicators/?area=FRA" not in html


def test_section_provider_directly(web_data):
    from gcmhub.geo.models import Area
    from gcmhub.indicators.sections import indicators_section

    section = indicators_section(Area.objects.get(iso3="MEX"))
    assert section.url.endswith("?area=MEX")
    assert "sparkline" in section.summary and "SI_RMT_COST" in section.summary
    assert indicators_section(Area.objects.get(iso3="FRA")) is None


# --- 10.7.2: values that are steps of a 1–4 scale ---------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_policy_domain_scores_show_their_scale_labels(client, web_data, language):
    response = client.get(url("indicators:indicator", language, "10.7.2", query="area=KEN"))
    assert response.status_code == 200
    html = response.content.decode()
    fully_meets, meets = {
        "en": ("Fully meets", "Meets"),
        "fr": ("Satisfait pleinement", "Satisfait"),
        "es": ("Cumple plenamente", "Cumple"),
    }[language]
    state = response.context["state"]
    assert state.unit.startswith({"en": "score from 1", "fr": "note de 1", "es": "puntuación de 1"}[language])
    assert fully_meets in state.unit
    assert [row.value_text for row in state.rows] == [f"3 – {meets}"]
    assert f">3 – {meets}</td>" in html
    assert ">number<" not in html and ">nombre<" not in html


def test_policy_domain_chart_spans_the_scale(client, web_data):
    response = client.get(url("indicators:indicator", "en", "10.7.2", query="area=KEN&area=MEX"))
    spec = spec_of(response)
    value_axis = spec["encoding"]["x"]  # one period: values across, areas down
    assert value_axis["field"] == "value"
    assert value_axis["scale"]["domain"] == [1, 4] and value_axis["axis"]["values"] == [1, 2, 3, 4]
    assert "Requires further progress" in value_axis["axis"]["labelExpr"]
    assert spec["mark"]["type"] == "point"
    assert {row["step"] for row in spec["data"]["values"]} == {"Meets"}


def test_policy_domain_chart_renders(client, web_data):
    response = client.get(url("indicators:chart", "en", "10.7.2", "svg", query="area=KEN&area=MEX"))
    assert response.status_code == 200
    assert b"Fully meets" in response.content and b"Requires further progress" in response.content


def test_catalogue_gives_each_series_its_unit_when_they_differ(client, web_data):
    from gcmhub.indicators.loader import load

    from .conftest import record

    share = record("SG_CPA_MIGRP", "001", "2019", 55.0, scheme="m49", unit="PERCENT")
    load([share], format="tidy", file_name="p.csv", sha256="1" * 64)
    entries = {e.code: e for e in client.get(url("indicators:catalogue", "en")).context["entries"]}
    unit = entries["10.7.2"].unit
    assert "(SG_CPA_MIGRS)" in unit and "score from 1" in unit and "(SG_CPA_MIGRP)" in unit
    assert "(" not in entries["10.c.1"].unit  # one series: no series code
