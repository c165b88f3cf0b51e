"""Re-importing: an unchanged file is recognised at once, a mostly unchanged
one is compared in bulk, and another import in between is never missed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gcmhub.indicators import loader, services
from gcmhub.indicators.models import ImportBatch, Observation, ObservationRevision, Series

from .conftest import obs

pytestmark = pytest.mark.django_db

MAPPING = "area: Country\narea_scheme: iso3\nperiod: Year\nvalue: Value\nseries: SI_RMT_COST\n"


def tidy(tmp_path, rows, name="data.csv", mapping=MAPPING):
    path = tmp_path / name
    path.write_text("Country,Year,Value\n" + "".join(f"{area},{year},{value}\n" for area, year, value in rows))
    path.with_suffix(".mapping.yml").write_text(mapping)
    return path


def table(areas=("KEN", "MEX", "FRA"), years=range(1990, 2020), bump=()):
    return [(area, year, year / 10 + (1 if (area, year) in bump else 0)) for area in areas for year in years]


def test_an_unchanged_file_is_recognised_without_being_read(tmp_path, monkeypatch):
    path = tidy(tmp_path, table())
    first = services.run_import(None, "tidy", path)

    def unread(*args, **kwargs):
        def records():
            raise AssertionError("the file was read")
            yield  # a generator, as readers are

        return records()

    monkeypatch.setattr(services.get_reader("tidy"), "read", unread)
    monkeypatch.setattr(services, "read_in_child", unread)
    again = services.run_import(None, "tidy", path)

    assert again.same_as_batch == first.batch_id
    assert (again.rows_read, again.unchanged, again.written) == (90, 90, 0)
    batch = ImportBatch.objects.get(pk=again.batch_id)
    assert batch.status == "succeeded" and batch.report["same_as_batch"] == first.batch_id
    dry = services.run_import(None, "tidy", path, dry_run=True)
    assert dry.same_as_batch == first.batch_id and dry.batch_id is None


def test_an_unchanged_file_is_not_taken_as_such_after_another_import_wrote_its_series(tmp_path):
    path = tidy(tmp_path, table())
    first = services.run_import(None, "tidy", path)
    services.run_import(None, "tidy", tidy(tmp_path, [("KEN", 1995, 42.0)], name="fix.csv"))

    again = services.run_import(None, "tidy", path)

    assert again.same_as_batch is None
    assert (again.updated, again.unchanged) == (1, 89)  # the file's value is back
    assert Observation.objects.get(area__iso3="KEN", period="1995").value == 199.5
    assert again.batch_id != first.batch_id
    assert services.run_import(None, "tidy", path).same_as_batch == again.batch_id


def test_same_bytes_with_other_options_are_compared(tmp_path):
    path = tidy(tmp_path, table())
    services.run_import(None, "tidy", path)
    assert services.run_import(None, "tidy", path, source="Central Bank").same_as_batch is None
    path.with_suffix(".mapping.yml").write_text(MAPPING.replace("SI_RMT_COST", "NAT_COST") + "indicator: NAT.9\n")
    moved = services.run_import(None, "tidy", path)
    assert moved.same_as_batch is None and moved.created == 90  # the mapping names another series


def test_a_file_with_rejected_rows_is_always_read_again(tmp_path):
    path = tidy(tmp_path, [*table(years=range(2000, 2003)), ("Narnia", 2000, 1)])
    services.run_import(None, "tidy", path, skip_invalid=True)
    again = services.run_import(None, "tidy", path, skip_invalid=True)
    assert again.same_as_batch is None and again.rejected == 1


def observation_queries(queries) -> int:
    return sum('FROM "indicators_observation"' in query["sql"] for query in queries)


def test_a_mostly_unchanged_file_is_compared_without_a_query_per_row(tmp_path):
    counts = []
    for years in (range(1990, 2000), range(1950, 2020)):
        Observation.objects.all().delete()
        services.run_import(None, "tidy", tidy(tmp_path, table(years=years)))
        changed = tidy(tmp_path, table(years=years, bump={("MEX", 1995)}), name="changed.csv")
        with CaptureQueriesContext(connection) as queries:
            result = services.run_import(None, "tidy", changed)
        assert (result.updated, result.unchanged) == (1, len(years) * 3 - 1)
        counts.append(observation_queries(queries.captured_queries))
    assert counts[0] == counts[1]  # 30 rows or 210: the same few queries
    assert counts[0] <= 4


def test_another_import_between_the_comparison_and_the_write_is_noticed(load, kenya, monkeypatch):
    load([obs(period=str(year), value=1.0, line=year) for year in range(2000, 2010)])
    compare = loader._Loader._compare
    interrupted = []

    def compare_then_someone_else_writes(self, series_ids, real=None):
        compare(self, series_ids, real)
        if not interrupted:
            interrupted.append(True)
            load([obs(period="2000", value=5.0, line=2), obs(period="2010", value=7.0, line=3)], file_name="b.csv")

    monkeypatch.setattr(loader._Loader, "_compare", compare_then_someone_else_writes)
    result = load([obs(period=str(year), value=2.0, line=year) for year in range(2000, 2011)])

    assert (result.created, result.updated, result.unchanged) == (0, 11, 0)
    assert set(Observation.objects.values_list("value", flat=True)) == {2.0}
    revision = ObservationRevision.objects.filter(observation__period="2000").latest("pk")
    assert revision.value == 5.0  # the value the other import wrote, not the one read before it
    assert Series.objects.get(code="SI_RMT_COST").data_version == 3


def test_rows_deleted_behind_the_loaders_back_are_noticed(tmp_path):
    path = tidy(tmp_path, table())
    services.run_import(None, "tidy", path)
    Observation.objects.filter(area__iso3="FRA").delete()
    again = services.run_import(None, "tidy", path)
    assert again.same_as_batch is None and again.created == 30


def test_two_spellings_of_a_new_series_are_one_series(load):
    from .conftest import numbered

    records = [obs(series="NAT_1", indicator="NAT.1", value=1.0),
               obs(series=" NAT_1", indicator="NAT.1", period="2020", value=2.0),
               obs(series=" NAT_1", indicator="NAT.1", value=3.0)]  # fmt: skip
    with pytest.raises(loader.ImportRejected, match="repeats the key"):
        load(numbered(records))
    result = load(numbered(records[:2]))
    assert result.series_created == ["NAT_1"] and Series.objects.filter(code="NAT_1").count() == 1
    assert result.created == 2


def test_large_series_are_compared_a_few_areas_at_a_time(load, monkeypatch):
    records = [obs(area=iso3, period=str(year), value=year / 7, line=i)
               for i, (iso3, year) in enumerate(((iso3, year) for iso3 in ("KEN", "MEX", "FRA", "BRA")
                                                 for year in range(1990, 2010)), 2)]  # fmt: skip
    load(records)
    monkeypatch.setattr(loader, "_ROWS_PER_COMPARISON", 15)  # parts of one area (20 rows) each
    changed = [obs(area=r.area, period=r.period, value=r.value + (r.area == "BRA"), line=r.line) for r in records]
    with CaptureQueriesContext(connection) as queries:
        result = load(changed)
    assert (result.updated, result.unchanged) == (20, 60)
    assert observation_queries(queries.captured_queries) >= 4  # one per area here
    assert set(Observation.objects.filter(area__iso3="BRA").values_list("batch_id", flat=True)) == {result.batch_id}
