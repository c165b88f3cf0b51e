"""Property tests: whatever the bytes, a reader yields records or raises FormatError.

Nothing else may escape — no UnicodeDecodeError, csv.Error, IndexError,
zipfile or XML errors — because the import turns a FormatError into a
report and an exit status, and anything else into a crash.
"""

import os
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcmhub.indicators.formats import READERS, FormatError, Observation, Problem
from gcmhub.indicators.formats.periods import parse_period
from gcmhub.indicators.formats.values import parse_number

from .samples import SAMPLES, kwargs

NAMES = sorted(READERS)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _consume(name: str, data: bytes) -> None:
    filename = SAMPLES[name][0]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, filename)
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            for record in READERS[name].read(path, **kwargs(name)):
                assert isinstance(record, (Observation, Problem))
                if isinstance(record, Problem):
                    assert record.file == path and record.reason
        except FormatError as error:
            assert error.file and error.reason


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes(name, data):
    _consume(name, data)


CELL = st.one_of(
    st.text(alphabet=list('0123456789.,-"\' abcNAé\t;\r\n\x00'), max_size=8),
    st.sampled_from(["..", "Female", "2019", "2019-Q3", "1,022", "NA", ""]),
)


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(rows=st.lists(st.lists(CELL, max_size=9), max_size=6), tail=st.sampled_from(["", "\n", "\r\n", '"']))
def test_malformed_rows_after_a_valid_header(name, rows, tail):
    header = SAMPLES[name][1].splitlines()[0]
    text = header + "\n" + "\n".join(",".join(row) for row in rows) + tail
    _consume(name, text.encode("utf-8"))


@pytest.mark.parametrize("name", NAMES)
@FAST
@given(cut=st.integers(min_value=0, max_value=400), junk=st.binary(max_size=20))
def test_cut_and_spliced_samples(name, cut, junk):
    data = SAMPLES[name][1].encode()
    _consume(name, data[:cut] + junk + data[cut:])


@given(st.text(max_size=30))
def test_parse_number_returns_a_float_none_or_a_reason(text):
    try:
        value = parse_number(text)
    except ValueError as error:
        assert str(error)
    else:
        assert value is None or (isinstance(value, float) and value == value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_parse_number_round_trips_floats(number):
    assert parse_number(repr(number)) == number


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators(number):
    assert parse_number(f"{number:,}") == number
    assert parse_number(f'"{number:,}"') == number


@given(st.one_of(st.text(max_size=25), st.integers(), st.floats()))
def test_parse_period_returns_a_period_or_a_reason(text):
    try:
        period, year = parse_period(text)
    except ValueError as error:
        assert str(error)
    else:
        assert 1000 <= year <= 2999 and period.startswith(str(year)) or "/" in period


@FAST
@given(data=st.binary(max_size=400))
def test_arbitrary_xml_for_sdmx(data):
    _consume("sdmx", b'<?xml version="1.0"?><message:GenericData ' + data)


SHEET_CELL = st.one_of(
    st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.booleans(),
    st.text(alphabet=list("0123456789.,- abcNAé"), max_size=8), st.sampled_from(["..", "Female", "2019", "1,022"]),
)  # fmt: skip


@pytest.mark.parametrize("name", ["wdi", "rpw", "desa-stock", "desa-matrix", "unhcr", "tidy"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(SHEET_CELL, max_size=8), max_size=5))
def test_workbooks_with_odd_cells(name, rows):
    from .helpers import write_xlsx

    header = SAMPLES[name][1].splitlines()[0].split(",")
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(os.path.join(folder, "book.xlsx"), {"Table 1": [header, *rows]})
        try:
            for record in READERS[name].read(path, **kwargs(name)):
                assert isinstance(record, (Observation, Problem))
        except FormatError as error:
            assert error.reason
