"""The in-memory facet table follows edits by patching (the practices changed
since the copy), agrees with a full load, survives rolled-back writes, and
counts facets the same whichever way it gathers them."""

import numpy as np
import pytest
from django.db import connection, transaction

from gcmhub.geo.models import Area
from gcmhub.practices.search import matrix
from gcmhub.practices.search.indexing import index_practices

from .search_helpers import make_practice

pytestmark = pytest.mark.django_db
_REAL_LOAD = matrix._load


def full_load() -> matrix.Matrix:
    with connection.cursor() as cursor:
        return _REAL_LOAD(cursor, *matrix.current_state(cursor))


def same(copy: matrix.Matrix, truth: matrix.Matrix) -> None:
    assert copy.ids.tolist() == truth.ids.tolist()
    assert copy.published.tolist() == truth.published.tolist()
    assert copy.dates.tolist() == truth.dates.tolist()
    everything = np.ones(len(truth.ids), dtype=bool)
    assert copy.counts(everything) == truth.counts(everything)
    for row in range(len(truth.ids)):
        one = np.zeros(len(truth.ids), dtype=bool)
        one[row] = True
        assert copy.counts(one) == truth.counts(one)


@pytest.fixture
def loads(monkeypatch):
    calls = []
    original = matrix._load

    def counting(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(matrix, "_load", counting)
    return calls


def test_an_edit_is_patched_in_not_loaded_again(loads):
    first = make_practice("Legal aid for returnees", areas=["HND"], objectives=[21], stage="return")
    make_practice("Remittance matching fund", areas=["MEX"], objectives=[20], population_groups=["diaspora"])
    before = matrix.current_matrix()
    loads.clear()

    first.stage = "destination"
    first.state = "completed"
    first.save()
    first.areas.add(*Area.objects.filter(iso3="GTM"))
    third = make_practice("Fair recruitment corridor", areas=["PHL"], objectives=[6], published=False)
    after = matrix.current_matrix()

    assert loads == []  # patched, not loaded again
    assert after is not before and after.seq > before.seq
    same(after, full_load())
    assert after.counts(after.mask_of([first.pk]))[("stage", "destination")] == 1
    assert ("area", "GTM") in after.counts(after.mask_of([first.pk]))
    assert not after.published[after.rows_of([third.pk])[0]]

    third.delete()
    same(matrix.current_matrix(), full_load())
    assert loads == []


def test_a_rolled_back_write_never_leaves_a_stale_copy():
    practice = make_practice("Legal aid for returnees", areas=["HND"], stage="return")
    matrix.current_matrix()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        practice.stage = "transit"
        practice.save()
        assert matrix.current_matrix().counts(np.ones(1, dtype=bool)).get(("stage", "transit")) == 1
        raise Undo
    # Another write takes the same change number, with other content.
    practice.refresh_from_db()
    practice.state = "completed"
    practice.save()
    copy = matrix.current_matrix()
    same(copy, full_load())
    assert ("stage", "transit") not in copy.counts(np.ones(len(copy.ids), dtype=bool))


def test_a_rebuild_loads_everything_again(loads):
    make_practice("Legal aid for returnees", areas=["HND"])
    matrix.current_matrix()
    loads.clear()
    from gcmhub.practices.search import rebuild_index

    rebuild_index()
    same(matrix.current_matrix(), full_load())
    assert len(loads) == 1

    # A rebuild logs no change per practice; the next edit is still patched in.
    make_practice("Fair recruitment corridor", areas=["PHL"])
    same(matrix.current_matrix(), full_load())
    assert len(loads) == 1


def test_counts_agree_for_few_and_many_rows():
    practices = [
        make_practice(f"Practice {i}", areas=["KEN", "MEX", "PHL"][: 1 + i % 3], objectives=[1 + i % 5],
                      population_groups=["children"] if i % 2 else [], stage=["return", "transit"][i % 2],
                      published=i % 4 != 0)
        for i in range(12)
    ]  # fmt: skip
    index_practices([p.pk for p in practices])
    table = matrix.current_matrix()
    rng = np.random.default_rng(4)
    masks = [rng.random(len(table.ids)) < density for density in (0.05, 0.2, 0.5, 0.9)]
    # Near the published set: counted from its counts, corrected by the rows that differ.
    masks += [table.published.copy(), table.published ^ (rng.random(len(table.ids)) < 0.15)]
    for mask in masks:
        naive: dict = {}
        for row, code in zip(table.rows.tolist(), table.codes.tolist(), strict=True):
            if mask[row]:
                naive[table.values[code]] = naive.get(table.values[code], 0) + 1
        assert table.counts(mask) == naive
    children = table.with_any("population", ["children"])
    assert children.sum() == 6
    assert table.with_any("area", ["PHL", "MEX"]).sum() == 8


def test_newest_first_orders_by_date_then_highest_id():
    old = make_practice("Old", days_ago=30)
    twins = [make_practice("Twin A"), make_practice("Twin B")]
    table = matrix.current_matrix()
    table.dates[table.rows_of([p.pk for p in twins])] = table.dates[table.rows_of([twins[0].pk])][0]
    table.__dict__.pop("_newest", None)
    everything = np.ones(len(table.ids), dtype=bool)
    assert table.ids[table.newest_first(everything)].tolist() == [twins[1].pk, twins[0].pk, old.pk]
    without_old = table.ids != old.pk
    assert table.ids[table.newest_first(without_old)].tolist() == [twins[1].pk, twins[0].pk]
