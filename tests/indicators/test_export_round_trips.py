"""Every export format, imported into an empty catalogue, gives back the same
observations: values, attributes, sources and series (issue 8 §3).

And the checks the ecosystem's tools would make: sdmx1 reads the SDMX-CSV
against the SDG DSD (``../shared/reference/sdmx/SDG_DSD_1.0.xml``) and finds
the DSD's codes; an Open SDG platform built with sdg-build's default options
finds the same disaggregations and headline as in the original file.

sdg-build is not on PyPI (the ``sdg`` package there is another project), so
``opensdg_headline`` re-implements its documented default rule: a column is
a disaggregation unless it is one of the default non-disaggregation columns
or an observation attribute (COMMENT_OBS); the headline is the rows where
every disaggregation column is blank.
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import pytest

from gcmhub.indicators import services
from gcmhub.indicators.exporters import OPENSDG_NON_DISAGGREGATION, OPENSDG_OBSERVATION_ATTRIBUTES
from gcmhub.indicators.formats.periods import parse_period
from gcmhub.indicators.formats.values import parse_number
from gcmhub.indicators.loader import ImportRejected
from gcmhub.indicators.models import DataSource, ImportBatch, Indicator, Observation, ObservationRevision, Series

from .conftest import numbered, obs

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
DSD_PATH = REPO.parent / "shared" / "reference" / "sdmx" / "SDG_DSD_1.0.xml"
STOCK = "International migrant stock at mid-year"


def sample(*, uniform=False):
    """SDG and non-SDG series, disaggregations, attributes, free text with ": "."""
    records = []
    for iso3 in ("KEN", "MEX"):
        for year in (2015, 2019):
            records.append(obs(area=iso3, period=str(year), value=year / 7, unit="PT", nature="C",
                               source="World Bank", footnote="type of data: B R"))  # fmt: skip
            records.append(obs(area=iso3, period=str(year), value=1e-7 * year, unit="PT", nature="C",
                               dims=[("SEX", "F"), ("AGE", "Y15T24")], obs_status="E", source="World Bank",
                               footnote='estimate, "modelled"'))  # fmt: skip
            records.append(obs("SM.POP.TOTL", area=iso3, period=str(year), value=298089.0 + year, unit="NUMBER",
                               unit_mult=None if uniform else 3, nature="C" if uniform else "E",
                               source="World Bank" if uniform else "UN DESA", series_name=STOCK))  # fmt: skip
    return numbered(records)


def snapshot():
    """What must survive a round trip, per observation."""
    rows = Observation.objects.select_related("series__indicator", "source", "area").order_by()
    return sorted(
        (
            o.series.code, o.series.indicator.code if o.series.indicator else None, o.series.description,
            o.area.m49, o.period, o.dimension_key, o.value, o.unit or o.series.unit, o.unit_mult, o.obs_status,
            o.nature, o.footnote, o.source.name if o.source else None,
        )  # fmt: skip
        for o in rows
    )


def empty_catalogue():
    """A fresh instance: no observations, series, indicators or sources."""
    ObservationRevision.objects.all().delete()
    Observation.objects.all().delete()
    Series.objects.all().delete()
    Indicator.objects.all().delete()
    DataSource.objects.all().delete()
    ImportBatch.objects.all().delete()


def exported(load, tmp_path, fmt, name, *, uniform=False, **options):
    load(sample(uniform=uniform))
    before = snapshot()
    out = tmp_path / name
    services.export_observations(fmt, out, **options)
    empty_catalogue()
    return before, out


@pytest.mark.parametrize("version", [2, 1])
def test_sdmx_csv_into_a_fresh_catalogue(load, tmp_path, version):
    before, out = exported(load, tmp_path, "sdmx-csv", "export.csv", sdmx_csv_version=version)
    assert "type of data: B R" in out.read_text()

    services.run_import(None, "sdmx", out)
    # "type of data: B R" is whole again. SDMX has no place for the description
    # of a series outside the SDG DSD (SM.POP.TOTL): a fresh catalogue has none.
    assert snapshot() == [row if row[0] != "SM.POP.TOTL" else (*row[:2], "", *row[3:]) for row in before]


def test_tidy_csv_into_a_fresh_catalogue(load, tmp_path):
    before, out = exported(load, tmp_path, "csv", "export.csv")

    result = services.run_import(None, "tidy", out)  # the mapping beside it names SM.POP.TOTL's description
    assert "SM.POP.TOTL" in result.series_created
    assert snapshot() == before


def test_xlsx_into_a_fresh_catalogue(load, tmp_path):
    before, out = exported(load, tmp_path, "xlsx", "export.xlsx")
    assert (tmp_path / "export.mapping.yml").exists()

    services.run_import(None, "tidy", out)
    after = snapshot()
    # A spreadsheet cell keeps 15 significant digits, as Excel does.
    assert [row[:6] + row[7:] for row in after] == [row[:6] + row[7:] for row in before]
    assert [row[6] for row in after] == pytest.approx([row[6] for row in before], rel=1e-14)


def test_json_into_a_fresh_catalogue(load, tmp_path):
    before, out = exported(load, tmp_path, "json", "export.json")
    assert "298089.0" not in out.read_text()

    services.run_import(None, "json", out)
    assert snapshot() == before


def test_opensdg_into_a_fresh_catalogue_with_the_metadata_beside_it(load, tmp_path):
    load(sample(uniform=True))
    before = snapshot()
    sdg, stock = tmp_path / "indicator_10-c-1.csv", tmp_path / "sm-pop-totl.csv"
    services.export_observations("opensdg", sdg, series="SI_RMT_COST")
    services.export_observations("opensdg", stock, series="SM.POP.TOTL")
    meta = (tmp_path / "meta_10-c-1.yml").read_text()
    assert "source_organisation_1: World Bank" in meta and "NATURE: C" in meta and "10.c.1" in meta
    empty_catalogue()

    services.run_import(None, "opensdg", sdg)
    with pytest.raises(ImportRejected, match="SM.POP.TOTL is not in the catalogue"):
        services.run_import(None, "opensdg", stock)  # never a new series unless asked
    result = services.run_import(None, "opensdg", stock, create_series=True)
    assert result.series_created == ["SM.POP.TOTL"]
    assert snapshot() == before


def test_opensdg_attribute_columns_into_a_fresh_catalogue(load, tmp_path):
    before, out = exported(load, tmp_path, "opensdg", "export.csv", opensdg_attributes="columns")

    services.run_import(None, "opensdg", out, create_series=True)
    assert snapshot() == before


# --- what the tools see --------------------------------------------------------------


def _sdmx_structure():
    sdmx = pytest.importorskip("sdmx")
    if not DSD_PATH.exists():
        pytest.skip(f"{DSD_PATH} is not available")
    logging.getLogger("sdmx").setLevel(logging.ERROR)
    return sdmx, sdmx.read_sdmx(DSD_PATH)


def test_sdmx1_reads_the_export_against_the_sdg_dsd(load, tmp_path):
    sdmx, structures = _sdmx_structure()
    dsd = structures.structure["SDG"]
    load(sample())
    out = tmp_path / "export.csv"
    services.export_observations("sdmx-csv", out)

    message = sdmx.read_sdmx(out, structure=dsd)
    observations = [o for data_set in message.data for o in data_set.obs]
    assert len(observations) == Observation.objects.count()
    dimensions = [d.id for d in dsd.dimensions.components]
    coded = {
        component.id: structures.codelist[component.local_representation.enumerated.id]
        for component in [*dsd.dimensions.components, *dsd.attributes.components]
        if component.local_representation is not None and component.local_representation.enumerated is not None
    }
    for observation in observations:
        key = {code: value.value for code, value in observation.dimension.values.items()}
        assert list(key) == dimensions  # every dimension of the DSD, in order
        if key["SERIES"] == "SM.POP.TOTL":
            continue  # outside the SDG DSD, and said so (test below)
        values = {**key, **{code: a.value for code, a in observation.attached_attribute.items() if a.value}}
        for code, value in values.items():
            if code in coded and code != "TIME_PERIOD":
                assert value in coded[code], f"{code}={value} is not in {coded[code].id}"
    first = observations[0]
    assert first.dimension.values["REPORTING_TYPE"].value == "G"
    assert {o.dimension.values["REF_AREA"].value for o in observations} == {"404", "484"}


def test_sdmx_codes_follow_the_dsd(load, tmp_path):
    load(numbered([obs(area="AFG", value=7.5, unit="PERCENT", nature="Country data")]))
    out = tmp_path / "export.csv"
    services.export_observations("sdmx-csv", out)
    (row,) = csv.DictReader(out.open())
    assert (row["REF_AREA"], row["UNIT_MEASURE"], row["NATURE"]) == ("4", "PT", "C")  # not 004, PERCENT
    assert row["SEX"] == row["AGE"] == row["COMPOSITE_BREAKDOWN"] == "_T"


def test_a_series_outside_the_sdg_dsd_is_named(load, tmp_path, capsys):
    from django.core.management import call_command

    load(sample())
    call_command("export", "sdmx-csv", "-o", str(tmp_path / "all.csv"))
    error = capsys.readouterr().err
    assert "Outside the SDG data structure (SDG DSD): SM.POP.TOTL." in error
    assert "SI_RMT_COST" not in error.split("SDG DSD")[1]

    call_command("export", "sdmx-csv", "--series", "SI_RMT_COST", "-o", str(tmp_path / "sdg.csv"))
    assert "Outside" not in capsys.readouterr().err


def test_the_api_download_writes_sdmx_csv_2_and_names_series_outside_the_dsd(load, client, tmp_path):
    load(sample())
    response = client.get("/api/v1/series/SM.POP.TOTL/download?format=sdmx-csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.sdmx.data+csv; version=2.0.0")
    assert "SM.POP.TOTL" in response["X-Export-Notice"]
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("STRUCTURE,STRUCTURE_ID,ACTION,")
    sdmx, structures = _sdmx_structure()
    downloaded = tmp_path / "download.csv"
    downloaded.write_text(text)
    message = sdmx.read_sdmx(downloaded, structure=structures.structure["SDG"])
    assert sum(len(data_set.obs) for data_set in message.data) == text.count("\n") - 1

    old = client.get("/api/v1/series/SI_RMT_COST/download?format=sdmx-csv&sdmx_csv_version=1")
    assert b"".join(old.streaming_content).decode().startswith("DATAFLOW,")
    assert "X-Export-Notice" not in old


# --- Open SDG: what a national platform builds ------------------------------------------

# UK 10.c.1 (ONSdigital/sdg-data, data/indicator_10-c-1.csv), first rows
UK_10_C_1 = """Year,Series,Observation status,Unit multiplier,Units,Value
2013 Q1,Remittance costs as a proportion of the amount remitted,Normal value,Units,Percentage (%),7.96
2013 Q2,Remittance costs as a proportion of the amount remitted,Normal value,Units,Percentage (%),7.69
2013 Q3,Remittance costs as a proportion of the amount remitted,Normal value,Units,Percentage (%),8.4
2013 Q4,Remittance costs as a proportion of the amount remitted,Normal value,Units,Percentage (%),8.38
"""
# UK 16.2.2 (same repository, data/indicator_16-2-2.csv): headline rows, then rows by sex and age
UK_16_2_2 = """Year,Series,Sex,Age,Unit multiplier,Units,Observation status,Value
2009,Detected victims of human trafficking (Number),,,Units,Number,Normal value,303.0
2010,Detected victims of human trafficking (Number),,,Units,Number,Normal value,422.0
2010,Detected victims of human trafficking (Number),Female,,Units,Number,Normal value,250.0
2010,Detected victims of human trafficking (Number),Male,,Units,Number,Normal value,172.0
2010,Detected victims of human trafficking (Number),,Under 18,Units,Number,Normal value,120.0
"""


def opensdg_headline(path: Path) -> tuple[list[str], list[tuple]]:
    """The disaggregation columns and the headline (period, value) rows sdg-build's defaults give
    (rows with a value; ``Year`` and ``Value`` read as the Open SDG reader reads them)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    special = set(OPENSDG_NON_DISAGGREGATION) | set(OPENSDG_OBSERVATION_ATTRIBUTES)
    disaggregations = [column for column in rows[0] if column not in special]
    headline = [
        (parse_period(row["Year"])[0], parse_number(row["Value"]))
        for row in rows
        if all(not (row[column] or "").strip() for column in disaggregations)
    ]
    # rows without a value (blank, NA) draw nothing, and an import does not store them
    return disaggregations, sorted(row for row in headline if row[1] is not None)


@pytest.mark.parametrize(("name", "text"), [("indicator_10-c-1.csv", UK_10_C_1), ("indicator_16-2-2.csv", UK_16_2_2)])
def test_an_open_sdg_file_exported_again_shows_the_same_headline(tmp_path, name, text):
    original = tmp_path / "in" / name
    original.parent.mkdir()
    original.write_text(text)
    result = services.run_import(None, "opensdg", original, area="GBR", source="Office for National Statistics")
    assert not [code for code in result.series_created if code.startswith("OSDG_")]  # SI_RMT_COST, VC_HTF_DETV
    exported = tmp_path / "out" / name
    exported.parent.mkdir()
    services.export_observations("opensdg", exported, area="GBR")

    (columns_in, headline_in), (columns_out, headline_out) = opensdg_headline(original), opensdg_headline(exported)
    assert headline_out == headline_in and headline_in
    assert len(columns_out) == len(columns_in)  # Sex, Age → SEX, AGE; no attribute taken for one

    again = services.run_import(None, "opensdg", exported, area="GBR")
    assert (again.created, again.updated, again.unchanged) == (0, 0, result.created)


def test_geocodes_stay_text(load, tmp_path):
    load(numbered([obs(area="001", scheme="m49", value=1.0), obs(area="AFG", value=2.0)]))
    out = tmp_path / "indicator_10-c-1.csv"
    services.export_observations("opensdg", out)
    with out.open(newline="") as fh:
        assert sorted(row["GeoCode"] for row in csv.DictReader(fh)) == ["001", "004"]


def test_the_tidy_mapping_names_the_series_description(load, tmp_path):
    load(sample())
    out = tmp_path / "export.csv"
    services.export_observations("csv", out)
    rows = list(csv.DictReader(out.open()))
    assert {row["SeriesName"] for row in rows if row["Series"] == "SM.POP.TOTL"} == {STOCK}
    assert "series_name" in (tmp_path / "export.mapping.yml").read_text()
    assert json.loads(json.dumps(rows))  # plain text all through


def test_export_options_are_checked(load, client, tmp_path):
    from gcmhub.errors import InvalidInput

    load(sample())
    assert client.get("/api/v1/series/SI_RMT_COST/download?format=sdmx-csv&sdmx_csv_version=3").status_code == 422
    assert client.get("/api/v1/series/SI_RMT_COST/download?format=opensdg&opensdg_attributes=rows").status_code == 422
    with pytest.raises(InvalidInput, match="SDMX-CSV version"):
        services.export_observations("sdmx-csv", tmp_path / "x.csv", sdmx_csv_version=3)
