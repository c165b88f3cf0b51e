"""The loader: idempotence, history, duplicates, areas, codes, atomicity."""

import csv

import pytest

from gcmhub.errors import Forbidden, InvalidInput
from gcmhub.indicators.formats.records import FormatError
from gcmhub.indicators.loader import ImportRejected
from gcmhub.indicators.models import (
    DataSource,
    Dimension,
    DimensionCode,
    ImportBatch,
    Indicator,
    Observation,
    ObservationRevision,
    Series,
)

from .conftest import numbered, obs, problem

pytestmark = pytest.mark.django_db


def counts():
    return (
        Observation.objects.count(),
        ObservationRevision.objects.count(),
        ImportBatch.objects.count(),
        Series.objects.count(),
    )


def test_first_import_creates_catalogue_entries_from_the_framework(load, kenya):
    result = load(numbered([obs(value=7.5), obs(period="2020", value=6.9), obs(area="MEX", value=5.1)]))

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    series = Series.objects.get(code="SI_RMT_COST")
    assert series.sdg_series.code == "SI_RMT_COST"
    assert series.indicator.code == "10.c.1"
    assert series.indicator.sdg_indicator.code == "10.c.1"
    assert series.indicator.direction == "negative"  # lower remittance costs are better
    assert result.series_created == ["SI_RMT_COST"] and result.indicators_created == ["10.c.1"]
    stored = Observation.objects.get(area=kenya, period="2020")
    assert (stored.value, stored.year, stored.dimension_key) == (6.9, 2020, "")
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.status, batch.rows_read, batch.rows_written) == ("succeeded", 3, 3)
    assert stored.batch_id == batch.pk
    assert batch.report["created"] == 3


def test_reimporting_the_same_records_changes_nothing(load):
    records = numbered([obs(value=v, period=str(2010 + i)) for i, v in enumerate([1.5, 2.5, 3.5])])
    first = load(records)
    before = list(Observation.objects.values_list("id", "value", "batch_id").order_by("id"))

    second = load(records)

    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert list(Observation.objects.values_list("id", "value", "batch_id").order_by("id")) == before
    assert ObservationRevision.objects.count() == 0
    assert first.batch_id != second.batch_id


def test_a_changed_value_replaces_the_old_one_which_stays_in_history(load, kenya):
    first = load(numbered([obs(value=7.5, footnote="first estimate"), obs(period="2020", value=6.9)]))

    second = load(numbered([obs(value=7.25, obs_status="E"), obs(period="2020", value=6.9)]), source="World Bank")

    assert (second.created, second.updated, second.unchanged) == (0, 2, 0)  # 2020 gained a source
    current = Observation.objects.get(area=kenya, period="2019")
    assert (current.value, current.obs_status, current.footnote) == (7.25, "E", "")
    assert current.batch_id == second.batch_id
    assert current.source.name == "World Bank"
    revision = ObservationRevision.objects.get(observation=current)
    assert (revision.value, revision.footnote, revision.obs_status) == (7.5, "first estimate", "")
    assert revision.old_batch_id == first.batch_id
    assert revision.replaced_by_id == second.batch_id


def test_identical_repeats_are_skipped_and_different_ones_refused(load):
    result = load(numbered([obs(value=1.0), obs(value=1.0)]))
    assert (result.created, result.duplicates) == (1, 1)

    with pytest.raises(ImportRejected) as refused:
        load(numbered([obs(period="2021", value=1.0), obs(period="2021", value=2.0)]))
    assert refused.value.problem_count == 1
    assert "repeats the key of line 2" in refused.value.problems[0].reason
    assert refused.value.problems[0].line == 3


def test_names_and_codes_of_one_area_are_one_key(load):
    with pytest.raises(ImportRejected) as refused:
        load(numbered([obs(area="KEN", value=1.0), obs(area="Kenya", scheme="name", value=2.0)]))
    assert "repeats the key" in refused.value.problems[0].reason


def test_unknown_area_is_refused_with_candidates_and_nothing_is_written(load):
    before = counts()
    with pytest.raises(ImportRejected) as refused:
        load(numbered([obs(value=1.0), obs(area="Kenyaa", scheme="name", value=2.0)]))

    assert counts() == before
    error = refused.value
    assert isinstance(error, InvalidInput)
    assert error.problems[0].line == 3 and error.problems[0].column == "area"
    assert "Kenyaa" in error.problems[0].reason and "Kenya" in error.problems[0].reason
    unknown = error.report["unknown_areas"][0]
    assert unknown["text"] == "Kenyaa"
    assert "KEN" in [candidate["iso3"] for candidate in unknown["candidates"]]


def test_ambiguous_area_is_refused(load):
    with pytest.raises(ImportRejected) as refused:
        load([obs(area="Congo", scheme="name", line=2)])
    assert refused.value.report["unknown_areas"][0]["problem"] == "ambiguous"


def test_default_area_for_files_without_an_area_column(load, kenya):
    result = load([obs(area=None, scheme="default", line=2)], default_area=kenya)
    assert result.created == 1
    assert Observation.objects.get().area == kenya

    with pytest.raises(ImportRejected, match="no default area"):
        load([obs(area=None, scheme="default", period="2020", line=2)])


def test_unknown_series_needs_the_file_to_say_what_it_measures(load):
    with pytest.raises(ImportRejected, match="unknown series XX_UNKNOWN"):
        load([obs(series="XX_UNKNOWN", line=2)])

    result = load([obs(series="NAT_EMIGR", indicator="NAT.1", series_name="Emigrants per 1,000", line=2)])
    series = Series.objects.get(code="NAT_EMIGR")
    assert series.description == "Emigrants per 1,000"
    assert series.indicator.code == "NAT.1" and series.indicator.sdg_indicator is None
    assert result.indicators_created == ["NAT.1"]

    context = load([obs(series="STOCK_TOTAL", series_name="International migrant stock", line=2)])
    assert Series.objects.get(code="STOCK_TOTAL").indicator is None
    assert context.series_created == ["STOCK_TOTAL"]


def test_dimensions_are_stored_as_one_canonical_key(load, kenya):
    load(numbered([
        obs(dims=[("SEX", "F"), ("AGE", "Y15T24")], value=1.0),
        obs(dims=[("SEX", "_T")], value=2.0),  # a total is the headline
        obs(dims=[("COMPOSITE_BREAKDOWN", "MS_MIGRANT")], value=3.0),
    ]))  # fmt: skip
    keys = set(Observation.objects.values_list("dimension_key", flat=True))
    assert keys == {"AGE=Y15T24|SEX=F", "", "COMPOSITE_BREAKDOWN=MS_MIGRANT"}


def test_closed_code_lists_refuse_unknown_codes(load):
    with pytest.raises(ImportRejected) as refused:
        load([obs(dims=[("SEX", "X")], line=2)])
    assert "unknown dimension code 'X' for SEX" in refused.value.problems[0].reason
    assert refused.value.problems[0].column == "SEX"

    with pytest.raises(ImportRejected, match="not a valid AGE code"):
        load([obs(dims=[("AGE", "fifteen")], line=2)])


def test_open_dimensions_grow_with_what_sources_bring(load):
    result = load(numbered([
        obs(dims=[("AGE", "Y18T29")], value=1.0),
        obs(dims=[("COMPOSITE_BREAKDOWN", "HZT_FLOOD")], value=2.0),
        obs(dims=[("Destination countries", "Gulf States")], value=3.0),
    ]))  # fmt: skip
    assert result.dimensions_created == ["Destination countries"]
    assert set(result.codes_created) == {"AGE=Y18T29", "COMPOSITE_BREAKDOWN=HZT_FLOOD", "Destination countries=Gulf States"}
    assert not Dimension.objects.get(code="Destination countries").closed
    assert DimensionCode.objects.filter(dimension__code="AGE", code="Y18T29").exists()


def test_seeded_code_lists(db):
    assert set(DimensionCode.objects.filter(dimension__code="POLICY_DOMAIN").values_list("code", flat=True)) == {
        f"PD_{i}" for i in range(1, 7)
    }
    composite = set(DimensionCode.objects.filter(dimension__code="COMPOSITE_BREAKDOWN").values_list("code", flat=True))
    assert {"MS_MIGRANT", "MS_NOMIGRANT", "PD_1", "PD_6"} <= composite
    assert Dimension.objects.get(code="SEX").closed


def test_blank_values_are_not_stored_unless_they_say_something(load):
    result = load(numbered([obs(value=None), obs(period="2020", value=None, obs_status="M"), obs(period="2021")]))
    assert (result.created, result.missing) == (2, 1)
    assert Observation.objects.get(period="2020").value is None


def test_problems_from_the_reader_refuse_the_whole_file(load):
    before = counts()
    with pytest.raises(ImportRejected) as refused:
        load([obs(line=2), problem(line=3), obs(period="2020", line=4)])
    assert counts() == before
    assert str(refused.value.problems[0]) == "data.csv, line 3, column \"Value\": 'abc' is not a number"
    assert "1 problem" in refused.value.message


def test_report_lists_the_first_problems_and_counts_all(load, monkeypatch):
    monkeypatch.setattr("gcmhub.indicators.loader.REPORTED_PROBLEMS", 5)
    with pytest.raises(ImportRejected) as refused:
        load([problem(line=i) for i in range(2, 30)])
    assert refused.value.problem_count == 28
    assert len(refused.value.problems) == 5
    assert refused.value.report["problem_count"] == 28


def test_skip_invalid_imports_the_rest_and_writes_rejects(load, tmp_path):
    rejects = tmp_path / "rejects.csv"
    result = load(
        [obs(line=2), problem(line=3), obs(area="Narnia", scheme="name", line=4), obs(period="2020", line=5)],
        skip_invalid=True,
        rejects_path=rejects,
    )
    assert (result.created, result.rejected) == (2, 2)
    with rejects.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [(row["line"], row["column"]) for row in rows] == [("3", "Value"), ("4", "area")]
    assert rows[0]["reason"] == "'abc' is not a number"
    assert "Narnia" in rows[1]["reason"] and "Narnia" in rows[1]["row"]
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.rows_rejected == 2 and batch.report["problem_count"] == 2


def test_dry_run_validates_and_writes_nothing(load):
    before = counts()
    result = load(numbered([obs(value=1.0), obs(period="2020", value=2.0)]), dry_run=True)
    assert result.created == 2 and result.batch_id is None
    assert counts() == before

    with pytest.raises(ImportRejected):
        load([obs(area="Narnia", scheme="name", line=2)], dry_run=True)


def test_dry_run_of_an_upload_marks_its_batch_validated(load):
    batch = ImportBatch.objects.create(format="tidy", file_name="x.csv")
    load([obs(line=2)], dry_run=True, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "validated" and batch.rows_written == 0  # nothing was written
    assert batch.report["would_create"] == 1 and batch.report["created"] == 0
    assert Observation.objects.count() == 0


def test_a_crash_half_way_leaves_the_database_as_it_was(load):
    load(numbered([obs(value=1.0)]))
    before = counts()

    def records():
        for year in range(1990, 2020):
            yield obs(period=str(year), value=float(year), line=year)
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        load(records(), chunk_size=7)  # several chunks were written before the crash
    assert counts() == before
    assert Observation.objects.get().value == 1.0


def test_a_file_that_breaks_half_way_is_refused(load):
    def records():
        yield obs(line=2)
        raise FormatError("data.csv", "the file is truncated", line=3)

    with pytest.raises(ImportRejected, match="truncated"):
        load(records(), skip_invalid=True)
    assert Observation.objects.count() == 0


def test_rows_outside_the_allowed_areas_are_forbidden(load, kenya, mexico):
    before = counts()
    with pytest.raises(Forbidden, match="Mexico"):
        load(numbered([obs(area="KEN"), obs(area="MEX")]), allowed_area_ids={kenya.pk})
    assert counts() == before


def test_sources_are_shared_rows(load):
    load(numbered([obs(source="UNSD"), obs(period="2020", source="UNSD"), obs(period="2021")]), source="fallback")
    assert set(Observation.objects.values_list("source__name", flat=True)) == {"UNSD", "fallback"}
    assert DataSource.objects.count() == 2


def test_units_are_kept_on_the_series_and_overrides_on_rows(load):
    load(numbered([obs(unit="PT"), obs(period="2020", unit="USD")]))
    assert Series.objects.get(code="SI_RMT_COST").unit == "PT"
    assert dict(Observation.objects.values_list("period", "unit")) == {"2019": "", "2020": "USD"}


def test_large_imports_span_many_chunks(load):
    records = [obs(period=str(year), area=iso3, value=year / 7)
               for iso3 in ("KEN", "MEX", "FRA") for year in range(1946, 2026)]  # fmt: skip
    first = load(records, chunk_size=17)
    again = load(records, chunk_size=17)
    changed = [obs(period=r.period, area=r.area, value=r.value + (1 if r.area == "MEX" else 0)) for r in records]
    third = load(changed, chunk_size=17)

    assert first.created == 240 and again.unchanged == 240
    assert (third.updated, third.unchanged) == (80, 160)
    assert ObservationRevision.objects.count() == 80
    assert Indicator.objects.filter(code="10.c.1").count() == 1


def test_readers_of_publishers_define_their_own_series(load):
    result = load([obs(series="UNHCR_POPULATION_REFUGEES", line=2)], format="unhcr")
    assert result.series_created == ["UNHCR_POPULATION_REFUGEES"]
    assert Series.objects.get(code="UNHCR_POPULATION_REFUGEES").indicator is None


def test_world_bank_channel_islands_code_and_sdg_groupings_resolve(load):
    from gcmhub.geo.models import Area

    result = load(numbered([obs(area="CHI", value=1.0), obs(area="62", scheme="m49", value=2.0),
                            obs(area="513", scheme="m49", value=3.0)]))
    assert result.created == 3
    stored = set(Observation.objects.values_list("area__m49", flat=True))
    assert stored == {"830", "062", "513"}
    assert Area.objects.get(m49="062").kind == "group"


def test_official_m49_names_resolve_words_that_are_ambiguous_elsewhere(load):
    result = load(numbered([obs(area="Congo", scheme="m49name", value=1.0),
                            obs(area="Micronesia", scheme="m49name", value=2.0),
                            obs(area="Kenya", scheme="m49name", value=3.0)]))
    assert result.created == 3
    assert set(Observation.objects.values_list("area__m49", flat=True)) == {"178", "057", "404"}
    with pytest.raises(ImportRejected):
        load([obs(area="Congo", scheme="name", line=2)])  # still ambiguous as a plain name


def test_several_new_series_with_the_same_area_and_period_are_not_repeats(load, kenya):
    # New series get planned negative ids; -1 and -2 hash alike in CPython, so
    # the first two new series' rows once collided in the repeat check.
    records = numbered([
        obs("SI_RMT_COST", period="2015", value=7.0),
        obs("SM.POP.TOTL", period="2015", value=298104.0, series_name="International migrant stock"),
        obs("NAT_OTHER", period="2015", value=1.0, series_name="A national series"),
    ])  # fmt: skip
    result = load(records)
    assert result.created == 3 and result.problem_count == 0
