"""Open SDG uploads land in the SDG series they report, never in an invented one (issue 8 §1).

``indicator_10-c-1.csv`` uploaded went into ``OSDG_UPLOAD`` (the stored
file is ``upload.csv``) or ``OSDG_10_C_1``, unlinked to indicator 10.c.1.
Now the indicator comes from the uploaded name, the series from the
``Series``/``Units`` columns (any case), and a new series is created only
when asked — at the command line, on the upload page and through the API.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from gcmhub.indicators import services
from gcmhub.indicators.formats import opensdg
from gcmhub.indicators.formats.records import Problem
from gcmhub.indicators.loader import ImportRejected
from gcmhub.indicators.models import ImportBatch, Observation, Series
from gcmhub.indicators.series_resolution import opensdg_reader_options

pytestmark = pytest.mark.django_db

UK_10_C_1 = (
    "Year,Series,Observation status,Unit multiplier,Units,Value\n"
    "2013 Q1,Remittance costs as a proportion of the amount remitted,Normal value,Units,Percentage (%),7.96\n"
    "2013 Q2,Remittance costs as a proportion of the amount remitted,Normal value,Units,Percentage (%),7.69\n"
)
# Armenia's 10.c.1, lower-case headers: the corridor series
ARMENIA_10_C_1 = (
    "year,series,units,value\n"
    "2015,Average remittance costs of sending $200 to a receiving country as a proportion of the amount remitted,%,1.48\n"
)
PLAIN = "Year,Value\n2016,8.1\n2021,7.2\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def read(path, **options):
    records = list(opensdg.read(str(path), default_area="GBR", options={**opensdg_reader_options(), **options}))
    return [r for r in records if not isinstance(r, Problem)], [r for r in records if isinstance(r, Problem)]


def test_rows_resolve_to_the_sdg_series_from_the_indicator_and_series_label(tmp_path):
    observations, problems = read(write(tmp_path, "indicator_10-c-1.csv", UK_10_C_1))
    assert problems == []
    assert {(o.series, o.indicator) for o in observations} == {("SI_RMT_COST", "10.c.1")}

    observations, _ = read(write(tmp_path, "indicator_10-c-1.csv", ARMENIA_10_C_1))
    assert [o.series for o in observations] == ["SI_RMT_COST_BC"]  # "series"/"units" in any case

    observations, _ = read(write(tmp_path, "indicator_10-c-1.csv", PLAIN))
    assert {o.series for o in observations} == {"SI_RMT_COST"}  # the series named like the indicator


def test_a_row_matching_no_series_is_refused_unless_asked(tmp_path):
    path = write(tmp_path, "indicator_8-8-1.csv", "Year,Series,Value\n2019,Bicycle accidents,3\n")
    observations, problems = read(path)
    assert observations == []
    (problem,) = problems
    assert problem.line == 2 and problem.column == "Series"
    assert "none of indicator 8.8.1's SDG series (SL_EMP_FTLINJUR, SL_EMP_INJUR)" in problem.reason
    assert "create-series" in problem.reason

    observations, problems = read(path, create_series=True)
    assert problems == [] and observations[0].series == "OSDG_8_8_1_BICYCLE_ACCIDENTS"


def test_national_sub_indicators_keep_their_own_series(tmp_path):
    path = write(tmp_path, "indicator_10-7-2-a.csv", "Year,Units,Value\n2015,%,32.7\n")
    _, problems = read(path)
    assert "a national indicator under 10.7.2" in problems[0].reason
    observations, _ = read(path, known_series=frozenset({"OSDG_10_7_2_A"}))  # created by an earlier import
    assert observations[0].series == "OSDG_10_7_2_A"


def test_a_series_named_in_the_file_must_exist_or_be_asked_for(tmp_path):
    path = write(tmp_path, "indicator_10-c-1.csv", "Year,SERIES,Value\n2019,SI_RMT_COST,7\n2019,XX_NEW,1\n")
    observations, problems = read(path)
    assert [o.series for o in observations] == ["SI_RMT_COST"]
    assert "XX_NEW is not in the catalogue" in problems[0].reason


def test_an_upload_keeps_the_name_it_was_uploaded_under(tmp_path):
    stored = write(tmp_path, "upload.csv", UK_10_C_1)  # how the upload is kept on disk
    result = services.run_import(None, "opensdg", stored, area="GBR", file_name="indicator_10-c-1.csv")
    assert result.series_created == ["SI_RMT_COST"]
    series = Series.objects.get(code="SI_RMT_COST")
    assert series.indicator.code == "10.c.1" and series.sdg_series is not None
    assert not Series.objects.filter(code__startswith="OSDG_").exists()


def test_the_command_line_creates_series_only_with_the_option(tmp_path, capsys):
    path = write(tmp_path, "indicator_8-8-1.csv", "Year,Series,Value\n2019,Bicycle accidents,3\n")
    with pytest.raises(CommandError):
        call_command("import", "opensdg", str(path), "--area", "GBR", "--no-progress")
    assert "create-series" in capsys.readouterr().err
    assert not Series.objects.filter(code__startswith="OSDG_").exists()

    call_command("import", "opensdg", str(path), "--area", "GBR", "--no-progress", "--create-series")
    assert "New series: OSDG_8_8_1_BICYCLE_ACCIDENTS" in capsys.readouterr().out


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_api_upload_resolves_and_asks_before_creating(api, people, bearer, media,
                                                          django_capture_on_commit_callbacks):  # fmt: skip
    headers = bearer(people.admin)

    def post(text, name="indicator_10-c-1.csv", **fields):
        files = {"file": SimpleUploadedFile(name, text.encode())}
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/imports", data={"format": "opensdg", "area": "KEN", **fields}, FILES=files,
                                headers=headers)  # fmt: skip
        assert response.status_code == 202
        return ImportBatch.objects.get(pk=response.json()["id"])

    assert post(PLAIN).status == ImportBatch.Status.SUCCEEDED
    assert set(Observation.objects.values_list("series__code", flat=True)) == {"SI_RMT_COST"}

    refused = post("Year,Series,Value\n2019,Bicycle accidents,3\n", name="indicator_8-8-1.csv")
    assert refused.status == ImportBatch.Status.FAILED and "create-series" in str(refused.report)
    created = post("Year,Series,Value\n2019,Bicycle accidents,3\n", name="indicator_8-8-1.csv", create_series=True)
    assert created.status == ImportBatch.Status.SUCCEEDED
    assert created.options["create_series"] is True
    assert created.report["series_created"] == ["OSDG_8_8_1_BICYCLE_ACCIDENTS"]


def test_the_upload_page_offers_the_option_and_reports_new_series(client, people, media,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(people.admin)
    assert 'name="create_series"' in client.get("/en/indicators/upload/").content.decode()
    data = {
        "format": "opensdg",
        "file": SimpleUploadedFile("indicator_8-8-1.csv", b"Year,Series,Value\n2019,Bicycle accidents,3\n"),
        "area": "KEN",
        "create_series": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/indicators/upload/", data)
    html = client.get(response["Location"]).content.decode()
    assert "New series created, as asked:" in html and "OSDG_8_8_1_BICYCLE_ACCIDENTS" in html


def test_reimporting_does_not_need_the_option_again(tmp_path):
    path = write(tmp_path, "indicator_8-8-1.csv", "Year,Series,Value\n2019,Bicycle accidents,3\n")
    services.run_import(None, "opensdg", path, area="GBR", create_series=True)
    again = services.run_import(None, "opensdg", path, area="GBR")
    assert again.unchanged == 1 and again.series_created == []
    other = write(tmp_path, "indicator_8-8-1.csv", "Year,Series,Value\n2019,Other,3\n")
    with pytest.raises(ImportRejected):
        services.run_import(None, "opensdg", other, area="GBR")  # another new series: asked again
