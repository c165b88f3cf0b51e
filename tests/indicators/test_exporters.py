"""Exports read back through the readers give the same observations."""

import io
import json

import pytest
from django.core.management import call_command

from gcmhub.indicators import services
from gcmhub.indicators.exporters import ExportRow, chunks, number
from gcmhub.indicators.models import Observation

from .conftest import numbered, obs

pytestmark = pytest.mark.django_db

FIELDS = ("series__code", "area__m49", "period", "dimension_key", "value", "unit", "unit_mult", "obs_status",
          "nature", "footnote")  # fmt: skip


def stored(*, with_source=False):
    fields = (*FIELDS, "source__name") if with_source else FIELDS
    return sorted(Observation.objects.values_list(*fields), key=repr)


def sample(*, areas=("KEN", "MEX"), custom=True):
    records = []
    for iso3 in areas:
        for year in (2015, 2016, 2019):
            records.append(obs(area=iso3, period=str(year), value=year / 3, unit="PT", source="World Bank"))
            records.append(obs(area=iso3, period=str(year), value=1e-7 * year, unit="PT",
                               dims=[("SEX", "F"), ("AGE", "Y15T24")], obs_status="E", footnote="estimate, \"modelled\""))  # fmt: skip
            records.append(obs(area=iso3, period=str(year), value=-1234567.0, unit="USD", unit_mult=3,
                               dims=[("COMPOSITE_BREAKDOWN", "MS_MIGRANT")], nature="C"))  # fmt: skip
            if custom:
                records.append(obs(area=iso3, period=str(year), value=0.1 + 0.2, unit="PT",
                                   dims=[("Destination countries", "Gulf, States")]))  # fmt: skip
        records.append(obs(area=iso3, period="2020-Q3", value=5.0, unit="PT"))
    return numbered(records)


def reimport(load, fmt, path, **options):
    from gcmhub.indicators.formats import get_reader

    Observation.objects.all().delete()
    return load(get_reader(fmt).read(str(path), **options))


def test_tidy_csv_round_trip(load, tmp_path):
    load(sample())
    before = stored(with_source=True)
    out = tmp_path / "export.csv"

    assert services.export_observations("csv", out) == len(before)
    assert (tmp_path / "export.mapping.yml").exists()
    result = reimport(load, "tidy", out)

    assert result.created == len(before)
    assert stored(with_source=True) == before


def test_xlsx_round_trip(load, tmp_path):
    load(sample())
    before = stored(with_source=True)
    out = tmp_path / "export.xlsx"
    services.export_observations("xlsx", out)
    (tmp_path / "export.mapping.yml").write_text(services.exporters.mapping_for(
        services.series_dimension_codes(Observation.objects.all())))  # fmt: skip

    reimport(load, "tidy", out)
    after = stored(with_source=True)
    # A spreadsheet cell keeps 15 significant digits, as Excel does.
    assert [row[:4] + row[5:] for row in after] == [row[:4] + row[5:] for row in before]
    assert [row[4] for row in after] == pytest.approx([row[4] for row in before], rel=1e-14)


def test_sdmx_csv_round_trip(load, tmp_path):
    load(sample(custom=False))
    before = stored()
    out = tmp_path / "export.csv"
    services.export_observations("sdmx-csv", out)
    header = out.read_text().splitlines()[0].split(",")
    assert header[:6] == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "FREQ", "REPORTING_TYPE", "SERIES"]
    assert header[header.index("TIME_PERIOD") + 1] == "OBS_VALUE"

    reimport(load, "sdmx", out)
    assert stored() == before


def test_sdmx_csv_1_0_on_request(load, tmp_path):
    load(sample(custom=False))
    before = stored()
    out = tmp_path / "export.csv"
    services.export_observations("sdmx-csv", out, sdmx_csv_version=1)
    header = out.read_text().splitlines()[0].split(",")
    assert header[:5] == ["DATAFLOW", "FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA"]

    reimport(load, "sdmx", out)
    assert stored() == before


def test_opensdg_round_trip_for_one_country(load, tmp_path, kenya):
    load(sample(areas=("KEN",)))
    before = stored()
    before_with_sources = stored(with_source=True)
    out = tmp_path / "indicator_10-c-1.csv"
    services.export_observations("opensdg", out, area="KEN")
    header = out.read_text().splitlines()[0].split(",")
    assert header[0] == "Year" and header[-1] == "Value" and "GeoCode" not in header
    assert {"NATURE", "SOURCE_DETAIL", "UNIT_MULT", "OBS_STATUS"}.isdisjoint(header)  # Open SDG's own names
    # Natures and sources differ by row: the metadata beside the file lists the rows.
    meta = (tmp_path / "meta_10-c-1.yml").read_text()
    assert "gcmhub_row_attributes" in meta and "NATURE: C" not in meta

    reimport(load, "opensdg", out, default_area="KEN")
    assert stored(with_source=True) == before_with_sources
    # A download has no file beside it: the user is told where the sources went.
    assert services.export_notices("opensdg", area="KEN") == []
    (notice,) = services.export_notices("opensdg", area="KEN", to_file=False)
    assert "--opensdg-attributes columns" in notice


def test_opensdg_with_several_countries_has_geocodes(load, tmp_path):
    load(sample())
    before = stored()
    out = tmp_path / "indicator_10-c-1.csv"
    services.export_observations("opensdg", out, opensdg_attributes="columns")
    header = out.read_text().splitlines()[0].split(",")
    assert "GeoCode" in header and header[-3:] == ["NATURE", "SOURCE_DETAIL", "Value"]

    reimport(load, "opensdg", out)
    assert stored() == before


def test_json_export(load):
    load(sample(areas=("KEN",), custom=False))
    out = io.StringIO()
    services.export_observations("json", out, series="SI_RMT_COST")
    data = json.loads(out.getvalue())["observations"]
    assert len(data) == Observation.objects.count()
    first = data[0]
    assert first["series"] == "SI_RMT_COST" and first["area"] == "KEN" and first["indicator"] == "10.c.1"
    assert {"dimensions", "value", "unit", "obs_status", "source"} <= set(first)


def test_json_writes_integral_numbers_as_integers():
    row = ExportRow("SM.POP.TOTL", "", "001", "", "World", "2020", 2020, (), 298089.0, "", None, "", "", "", "")
    text = "".join(chunks("json", [row, row._replace(value=0.5), row._replace(value=-0.0)], dimension_codes=[]))
    assert '"value": 298089,' in text and "298089.0" not in text
    assert '"value": 0.5,' in text and '"value": -0.0,' in text
    assert [o["value"] for o in json.loads(text)["observations"]] == [298089.0, 0.5, -0.0]


def test_numbers_are_written_exactly():
    for value in (0.1 + 0.2, 1e-7, 123456789.0, -0.0, 1e22, 2.5):
        assert float(number(value)) == value
    assert number(None) == "" and number(7.0) == "7"


def test_exports_stream_in_pieces():
    row = ExportRow("S", "1.1.1", "404", "KEN", "Kenya", "2019", 2019, (), 1.0, "", None, "", "", "", "")
    pieces = list(chunks("csv", [row] * 1200, dimension_codes=[]))
    assert len(pieces) >= 3
    assert "".join(pieces).count("\n") == 1201


def test_export_command(load, tmp_path, capsys):
    load(sample(areas=("KEN",), custom=False))
    out = tmp_path / "ken.csv"
    call_command("export", "sdmx-csv", "--series", "SI_RMT_COST", "--area", "KEN", "-o", str(out))
    assert len(out.read_text().splitlines()) == Observation.objects.count() + 1

    call_command("export", "json", "-o", "-")
    assert json.loads(capsys.readouterr().out)["observations"]


def test_export_command_refuses_bad_arguments(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("export", "pdf", "-o", str(tmp_path / "x.pdf"))
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="No series"):
        call_command("export", "csv", "--series", "NOPE", "-o", str(tmp_path / "x.csv"))
