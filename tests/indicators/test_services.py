"""Services: who may import what, queries, targets, keys."""

import pytest

from gcmhub.errors import Forbidden, InvalidInput, NotFound
from gcmhub.indicators import services
from gcmhub.indicators.keys import dimension_key, parse_dimension_key
from gcmhub.indicators.models import ImportBatch, Observation, Target

from .conftest import numbered, obs

pytestmark = pytest.mark.django_db

MAPPING = "area: Country\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n"


def tidy(tmp_path, body: str, *, area_column=True):
    path = tmp_path / "data.csv"
    path.write_text(("Country,Year,Value\n" if area_column else "Year,Value\n") + body)
    mapping = MAPPING if area_column else MAPPING.replace("area: Country\n", "")
    path.with_suffix(".mapping.yml").write_text(mapping)
    return path


# --- permissions ----------------------------------------------------------------------


def test_focal_point_of_kenya_cannot_import_data_for_mexico(tmp_path, people, mexico):
    national = tidy(tmp_path, "2019,7.5\n", area_column=False)
    with pytest.raises(Forbidden):
        services.run_import(people.focal_ken, "tidy", national, area="MEX")
    assert not people.focal_ken.has_perm("indicators.import_data", mexico)

    mixed = tidy(tmp_path, "Kenya,2019,7.5\nMexico,2019,5.0\n")
    with pytest.raises(Forbidden, match="Mexico"):
        services.run_import(people.focal_ken, "tidy", mixed, area="KEN")
    assert Observation.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_focal_point_imports_their_own_country(tmp_path, people, kenya):
    result = services.run_import(people.focal_ken, "tidy", tidy(tmp_path, "2019,7.5\n", area_column=False), area="KEN")
    assert result.created == 1
    batch = ImportBatch.objects.get()
    assert batch.user == people.focal_ken and batch.area == kenya
    assert people.focal_ken.has_perm("indicators.view_import", batch)
    assert not people.focal_mex.has_perm("indicators.view_import", batch)


def test_files_for_many_countries_are_for_administrators(tmp_path, people):
    path = tidy(tmp_path, "Kenya,2019,7.5\nMexico,2019,5.0\n")
    with pytest.raises(Forbidden, match="Only administrators"):
        services.run_import(people.focal_ken, "tidy", path)
    with pytest.raises(Forbidden):
        services.run_import(people.reviewer, "tidy", path)
    assert services.run_import(people.admin, "tidy", path).created == 2
    assert services.run_import(None, "tidy", path).unchanged == 2  # the command-line operator


def test_catalogue_and_targets_permissions(people, kenya, mexico):
    assert people.admin.has_perm("indicators.change_catalogue")
    assert not people.focal_ken.has_perm("indicators.change_catalogue")
    target = Target(area=kenya)
    assert people.focal_ken.has_perm("indicators.change_target", target)
    assert not people.focal_mex.has_perm("indicators.change_target", target)


def test_import_visibility(people):
    batch = ImportBatch.objects.create(format="tidy", file_name="x.csv", user=people.focal_ken)
    assert services.import_visible_to(people.focal_ken, batch.pk) == batch
    assert services.import_visible_to(people.admin, batch.pk) == batch
    with pytest.raises(NotFound):
        services.import_visible_to(people.focal_mex, batch.pk)
    assert list(services.visible_imports(people.focal_mex)) == []


# --- queries -----------------------------------------------------------------------------


@pytest.fixture
def data(load):
    load(numbered([
        obs(area=iso3, period=str(year), value=float(year), dims=dims)
        for iso3 in ("KEN", "MEX") for year in range(2010, 2021)
        for dims in ((), (("SEX", "F"),), (("SEX", "F"), ("AGE", "Y15T24")), (("AGE", "Y15T24"),))
    ]))  # fmt: skip


def test_observations_for_one_series_and_country(data):
    rows = services.observations_for("SI_RMT_COST", "KEN", 2012, 2014)
    assert rows.count() == 12
    assert {row.area.iso3 for row in rows} == {"KEN"}
    assert services.observations_for("SI_RMT_COST", "404").count() == 44  # M49 works too


def test_dimension_filters(data):
    women = services.observations_for("SI_RMT_COST", "KEN", dimensions={"SEX": "F"})
    assert set(women.values_list("dimension_key", flat=True)) == {"SEX=F", "AGE=Y15T24|SEX=F"}
    young_women = services.observations_for("SI_RMT_COST", "KEN", dimensions={"SEX": "F", "AGE": "Y15T24"})
    assert set(young_women.values_list("dimension_key", flat=True)) == {"AGE=Y15T24|SEX=F"}
    all_sexes = services.observations_for("SI_RMT_COST", "KEN", dimensions={"SEX": "_T"})
    assert set(all_sexes.values_list("dimension_key", flat=True)) == {"", "AGE=Y15T24"}
    headline = services.observations_for("SI_RMT_COST", "KEN", headline=True)
    assert headline.count() == 11


def test_queries_report_unknown_names(data):
    with pytest.raises(NotFound):
        services.observations_for("NOPE")
    with pytest.raises(InvalidInput):
        services.observations_for("SI_RMT_COST", "XYZ")


def test_one_series_one_country_uses_the_unique_index(data):
    from django.db import connection

    sql, params = services.observations_for("SI_RMT_COST", "KEN").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX" in plan and "series_id=? AND area_id=?" in plan
            assert "TEMP B-TREE" not in plan  # rows come in index order: no sort
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "indicators_observation_key" in plan


def test_save_target(people, data, kenya):
    target = services.save_target(
        people.focal_ken, "SI_RMT_COST", "KEN", target_value=3.0, target_year=2030, baseline_year=2015,
        dimensions={"SEX": "F"}, horizon="15y",
    )  # fmt: skip
    assert target.dimension_key == "SEX=F" and target.effective_direction == "negative"
    again = services.save_target(people.admin, "SI_RMT_COST", kenya, target_value=2.5, target_year=2030,
                                 dimensions={"SEX": "F"})  # fmt: skip
    assert again.pk == target.pk and again.history.count() == 2
    with pytest.raises(Forbidden):
        services.save_target(people.focal_mex, "SI_RMT_COST", "KEN", target_value=1, target_year=2030)
    with pytest.raises(InvalidInput):
        services.save_target(people.admin, "SI_RMT_COST", "KEN", target_value=1, target_year=2030, baseline_year=2031)


# --- keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [("SEX", "F")],
        [("SEX", "F"), ("AGE", "Y15T24")],
        [("Destination countries", "Gulf | States = 6"), ("A\\B", "x=y")],
    ],
)
def test_dimension_keys_round_trip(pairs):
    key = dimension_key(pairs)
    assert parse_dimension_key(key) == sorted(pairs)


def test_totals_are_left_out_of_keys():
    assert dimension_key([("SEX", "_T"), ("AGE", "Y15T24")]) == "AGE=Y15T24"
    assert dimension_key([("SEX", "_T")]) == ""


def test_unknown_format():
    with pytest.raises(InvalidInput, match="Unknown format"):
        services.get_reader("pdf")
    assert services.get_reader("tidy").FORMAT == "tidy"


# --- reading in a child process ----------------------------------------------------------

needs_fork = pytest.mark.skipif(not services.read_in_child_available(), reason="no fork on this platform")


@needs_fork
def test_parallel_reading_gives_the_same_import(tmp_path):
    path = tidy(tmp_path, "".join(f"{country},{year},{year / 7}\n" for country in ("Kenya", "Mexico", "France")
                                  for year in range(1990, 2021)))  # fmt: skip
    serial = services.run_import(None, "tidy", path, parallel=False, dry_run=True)
    parallel = services.run_import(None, "tidy", path, parallel=True)
    assert (parallel.created, parallel.rows_read) == (serial.created, serial.rows_read) == (93, 93)
    assert Observation.objects.count() == 93


@needs_fork
def test_parallel_reading_reports_problems_and_broken_files(tmp_path):
    path = tidy(tmp_path, "Kenya,2019,abc\nKenya,2020,1\n")
    with pytest.raises(services.ImportRejected) as refused:
        services.run_import(None, "tidy", path, parallel=True)
    assert refused.value.problems[0].line == 2 and refused.value.problems[0].column == "Value"

    path.write_text("Country,Year,Value\nKenya,2019,1\n")
    path.with_suffix(".mapping.yml").write_text("area: Nope\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n")
    with pytest.raises(services.ImportRejected, match="Nope"):
        services.run_import(None, "tidy", path, parallel=True)
    assert Observation.objects.count() == 0


@needs_fork
def test_the_reader_process_is_stopped_when_the_import_stops(tmp_path, people):
    import multiprocessing

    path = tidy(tmp_path, "".join(f"Mexico,{year},1\n" for year in range(1000, 2999)))
    with pytest.raises(Forbidden):
        services.run_import(people.focal_ken, "tidy", path, area="KEN", parallel=True)
    assert not [child for child in multiprocessing.active_children() if child.name == "gcmhub-reader"]


def test_progress_of_a_running_upload(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    batch = ImportBatch.objects.create(format="tidy", file_name="x.csv", status="running")
    assert services.batch_progress(batch) == {"rows_read": 0}
    path = services.progress_path(batch.pk)
    path.parent.mkdir(parents=True)
    path.write_text('{"rows_read": 1200, "written": 1000}')
    assert services.batch_progress(batch)["rows_read"] == 1200
    batch.status = "succeeded"
    assert services.batch_progress(batch) is None


@pytest.mark.parametrize("parallel", [False, pytest.param(True, marks=needs_fork)])
def test_repeats_are_found_by_the_reader_and_across_spellings(tmp_path, parallel):
    path = tidy(tmp_path, "Kenya,2019,1\nMexico,2019,2\nKenya,2019,1\n")
    result = services.run_import(None, "tidy", path, parallel=parallel)
    assert (result.created, result.duplicates) == (2, 1)

    path = tidy(tmp_path, "Kenya,2020,1\nMexico,2020,2\nKenya,2020,3\n")
    with pytest.raises(services.ImportRejected, match="repeats the key of line 2"):
        services.run_import(None, "tidy", path, parallel=parallel)

    # Two spellings of one country: the loader notices and checks from then on.
    path = tidy(tmp_path, "Kenya,2021,1\nMexico,2021,2\nKEN,2021,3\n")
    with pytest.raises(services.ImportRejected, match="repeats the key of an earlier row"):
        services.run_import(None, "tidy", path, parallel=parallel)
    path = tidy(tmp_path, "Kenya,2022,1\nKEN,2022,1\nKEN,2023,5\n")
    result = services.run_import(None, "tidy", path, parallel=parallel)
    assert (result.created, result.duplicates) == (2, 1)
    assert Observation.objects.count() == 4
