"""Import reports that add up (issue 8 §1) and honest values (issue 7 §2).

Every count the CLI, the upload page and the API show comes from one
``ImportResult``: rows read = created + updated + unchanged + identical
repeats + rows without a value + rejected + rows outside the importer's scope.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from gcmhub.indicators import services
from gcmhub.indicators.loader import ImportForbidden, ImportRejected, latest_year
from gcmhub.indicators.models import ImportBatch, Observation

from .conftest import numbered, obs

pytestmark = pytest.mark.django_db

MAPPING = "area: Country\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n"


def tidy(tmp_path, body: str, name="data.csv"):
    path = tmp_path / name
    path.write_text("Country,Year,Value\n" + body)
    path.with_suffix(".mapping.yml").write_text(MAPPING)
    return path


def adds_up(result) -> bool:
    parts = (result.created, result.updated, result.unchanged, result.duplicates, result.missing, result.rejected,
             result.outside)  # fmt: skip
    return result.rows_read == sum(parts)


# --- values ---------------------------------------------------------------------------


def test_values_that_are_not_finite_are_refused_with_line_and_column(tmp_path):
    path = tidy(tmp_path, "Kenya,2015,1e400\nKenya,2016,-inf\nKenya,2017,NaN\nKenya,2018,7.5\n")
    with pytest.raises(ImportRejected) as refused:
        services.run_import(None, "tidy", path)
    problems = refused.value.problems
    assert [(p.line, p.column) for p in problems] == [(2, "Value"), (3, "Value")]
    assert "not a finite number" in problems[0].reason and "1e400" in problems[0].reason
    assert not Observation.objects.exists()


def test_the_loader_refuses_non_finite_values_from_any_reader(load):
    with pytest.raises(ImportRejected) as refused:
        load(numbered([obs(value=float("inf")), obs(period="2020", value=float("nan")), obs(period="2021")]))
    assert [(p.line, p.column) for p in refused.value.problems] == [(2, "value"), (3, "value")]
    assert all("not a finite number" in p.reason for p in refused.value.problems)


def test_years_after_the_current_one_are_refused(load):
    this_year = str(latest_year())
    next_year = str(latest_year() + 1)
    with pytest.raises(ImportRejected) as refused:
        load(numbered([obs(period=this_year), obs(period=next_year)]))
    problem = refused.value.problems[0]
    assert (problem.line, problem.column) == (3, "period")
    assert f"the period {next_year} is after the current year" in problem.reason

    result = load(numbered([obs(period=this_year), obs(period=next_year)]), skip_invalid=True)
    assert (result.created, result.rejected) == (1, 1)


# --- counts ----------------------------------------------------------------------------


def test_rows_read_counts_every_row_and_repeats_separately(tmp_path):
    path = tidy(tmp_path, "Kenya,2019,7.5\n" * 5 + "Kenya,2020,7.1\n")
    result = services.run_import(None, "tidy", path)
    assert (result.rows_read, result.created, result.duplicates) == (6, 2, 4)
    assert adds_up(result)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.rows_read == 6 and batch.report["duplicates"] == 4


def test_rows_without_a_value_are_counted_and_listed(tmp_path):
    path = tidy(tmp_path, "Kenya,2018,7.5\nKenya,2019,\nKenya,2020,NaN\nKenya,2021,6.9\n")
    result = services.run_import(None, "tidy", path)
    assert (result.rows_read, result.created, result.missing) == (4, 2, 2)
    assert result.missing_lines == [3, 4]
    assert adds_up(result)
    assert ImportBatch.objects.get(pk=result.batch_id).report["missing_lines"] == [3, 4]


def test_rows_for_other_areas_are_refused_with_their_count_and_lines(tmp_path, people):
    path = tidy(tmp_path, "Kenya,2019,7.5\nMexico,2019,5\nKenya,2020,7\nMexico,2020,4\nUganda,2020,3\n")
    with pytest.raises(ImportForbidden) as refused:
        services.run_import(people.focal_ken, "tidy", path, area="KEN")
    message = refused.value.message
    assert "You may import data only for Kenya" in message and "3 rows of the file are for other areas" in message
    assert "Mexico: 2 rows (lines 3, 5)" in message and "Uganda: 1 row (line 6)" in message
    report = refused.value.report
    assert report["outside"] == 3 and report["rows_read"] == 5
    assert report["outside_areas"][0] == {"area": "Mexico", "rows": 2, "lines": [3, 5]}
    assert not Observation.objects.exists()


def test_a_dry_run_reports_what_it_would_write(tmp_path):
    path = tidy(tmp_path, "Kenya,2019,7.5\nKenya,2020,7.1\n")
    out = io.StringIO()
    call_command("import", "tidy", str(path), "--dry-run", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "nothing was written" in text
    assert "would be created" in text and "\n│ created" not in text
    result = services.run_import(None, "tidy", path, dry_run=True)
    assert (result.created, result.written, result.would_write) == (2, 0, 2)
    assert result.report()["would_create"] == 2 and result.report()["created"] == 0


# --- the upload page and the API tell the same story -----------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, content: str, **fields):
    data = {
        "format": "tidy",
        "file": SimpleUploadedFile("data.csv", ("Country,Year,Value\n" + content).encode(), content_type="text/csv"),
        "mapping": SimpleUploadedFile("data.mapping.yml", MAPPING.encode(), content_type="application/yaml"),
        **fields,
    }
    return client.post("/en/indicators/upload/", data)


def page_of(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def test_the_upload_page_shows_what_a_dry_run_would_write(client, people, media, django_capture_on_commit_callbacks):
    client.force_login(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "Kenya,2019,7.5\nKenya,2020,7.1\nKenya,2021,\n", dry_run="on")
    html = page_of(client, response)
    assert "nothing written (dry run)" in html
    assert "<dt>Written</dt>" not in html
    assert "<dt>Would be created</dt><dd>2</dd>" in html
    assert "1 row had no value and was not stored" in html and "lines 4" in html


def test_the_upload_page_counts_repeats_and_blank_rows(client, people, media, django_capture_on_commit_callbacks):
    client.force_login(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "Kenya,2019,7.5\n" * 4 + "Kenya,2020,\n")
    html = page_of(client, response)
    assert "Done: 5 rows read, 1 values written" in html
    assert "<dt>Identical repeats ignored</dt><dd>3</dd>" in html
    assert "<dt>Without a value (not stored)</dt><dd>1</dd>" in html


def test_the_upload_page_gives_the_real_reason_for_other_areas(client, people, media,
                                                                django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(people.focal_ken)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "Kenya,2019,7.5\nMexico,2019,5\n", area="KEN")
    html = page_of(client, response)
    assert "because of 0 problems" not in html
    assert "The import was refused; nothing was written." in html
    assert "Mexico: 1 row (line 3)" in html
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and batch.report["outside"] == 1


def test_the_api_report_of_a_refusal_for_other_areas(api, people, bearer, media, django_capture_on_commit_callbacks):
    files = {"file": SimpleUploadedFile("data.csv", b"Country,Year,Value\nKenya,2019,7.5\nMexico,2019,5\n"),
             "mapping": SimpleUploadedFile("mapping.yml", MAPPING.encode())}  # fmt: skip
    headers = bearer(people.focal_ken)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/imports", data={"format": "tidy", "area": "KEN"}, FILES=files, headers=headers)
    status = api.get(f"/imports/{response.json()['id']}", headers=headers).json()
    assert status["status"] == "failed" and status["rows_written"] == 0
    assert status["report"]["outside_areas"] == [{"area": "Mexico", "rows": 1, "lines": [3]}]
    assert "Mexico: 1 row (line 3)" in status["report"]["error"]


def test_an_unchanged_file_says_so_on_every_interface(client, people, media, django_capture_on_commit_callbacks,
                                                       tmp_path):  # fmt: skip
    client.force_login(people.admin)
    rows = "Kenya,2019,7.5\nKenya,2020,7.1\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, rows)
    first = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, rows)
    html = page_of(client, response)
    assert f"Unchanged file: it is identical to import #{first.pk}" in html
    assert "Done: 2 rows read, 0 values written, 2 unchanged." in html

    path = tidy(tmp_path, rows)
    call_command("import", "tidy", str(path), "--no-progress", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import", "tidy", str(path), "--no-progress", stdout=out)
    assert "Unchanged file: it is identical to import #" in out.getvalue()


@pytest.mark.parametrize("field", ["target_value", "baseline_value"])
def test_targets_refuse_values_that_are_not_finite(people, load, field):
    load([obs(line=2)])
    values = {"target_value": 3.0, "baseline_value": 5.0, field: float("inf")}
    with pytest.raises(services.InvalidInput) as refused:
        services.save_target(people.admin, "SI_RMT_COST", "KEN", target_year=2030, baseline_year=2015, **values)
    assert refused.value.field == field and "not a finite number" in refused.value.message
