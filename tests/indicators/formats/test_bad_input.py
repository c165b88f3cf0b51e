"""What every reader does with broken files: a FormatError naming the file.

The broken files are derived from the small valid samples in ``samples.py``.
"""

import pytest

from gcmhub.indicators.formats import READERS, FormatError

from .helpers import collect, write_xlsx
from .samples import SAMPLES, TABLE_READERS, kwargs

NAMES = TABLE_READERS


def _write(tmp_path, name, data: bytes):
    path = tmp_path / SAMPLES[name][0]
    path.write_bytes(data)
    return path


def _read(name, path):
    return collect(READERS[name], path, **kwargs(name))


@pytest.mark.parametrize("name", NAMES)
def test_sample_is_valid(tmp_path, name):
    path = _write(tmp_path, name, SAMPLES[name][1].encode())
    observations, problems, _ = _read(name, path)
    assert observations and not problems


@pytest.mark.parametrize("name", NAMES)
def test_bom_and_quoted_cells_read_the_same(tmp_path, name):
    text = SAMPLES[name][1]
    plain, _, _ = _read(name, _write(tmp_path, name, text.encode()))
    quoted = "\n".join(",".join(f'"{cell}"' for cell in line.split(",")) for line in text.splitlines()) + "\n"
    other = tmp_path / "bom"
    other.mkdir()
    observations, problems, _ = _read(name, _write(other, name, b"\xef\xbb\xbf" + quoted.encode()))
    assert problems == []
    assert [(o.series, o.area, o.period, o.value, o.dimensions) for o in observations] == [
        (o.series, o.area, o.period, o.value, o.dimensions) for o in plain
    ]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom-only"])
def test_empty_file(tmp_path, name, content):
    path = _write(tmp_path, name, content)
    with pytest.raises(FormatError) as error:
        _read(name, path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("name", NAMES)
def test_header_only(tmp_path, name):
    header = SAMPLES[name][1].splitlines()[0] + "\n"
    path = _write(tmp_path, name, header.encode())
    with pytest.raises(FormatError) as error:
        _read(name, path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("name", NAMES)
def test_truncated(tmp_path, name):
    text = SAMPLES[name][1].rstrip("\n")
    head, last = text.rsplit("\n", 1)
    cut = ",".join(last.split(",")[:2])  # the file ends two cells into its last row
    path = _write(tmp_path, name, f"{head}\n{cut}".encode())
    with pytest.raises(FormatError) as error:
        _read(name, path)
    assert str(path) in str(error.value) and "truncated" in str(error.value)


@pytest.mark.parametrize("name", NAMES)
def test_truncated_inside_quotes(tmp_path, name):
    text = SAMPLES[name][1].rstrip("\n")
    path = _write(tmp_path, name, (text + ',"12').encode())
    with pytest.raises(FormatError, match="truncated"):
        _read(name, path)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_encoding(tmp_path, name):
    lines = SAMPLES[name][1].splitlines()
    lines[2] = lines[2].replace("Uganda", "Ouganda é").replace("UGA", "UGA")
    if "é" not in lines[2]:
        lines[2] = lines[2] + "é"
    path = _write(tmp_path, name, ("\n".join(lines) + "\n").encode("cp1252"))
    with pytest.raises(FormatError) as error:
        _read(name, path)
    assert error.value.line == 3
    assert str(path) in str(error.value) and "UTF-8" in str(error.value)


@pytest.mark.parametrize("name", NAMES)
def test_utf16_without_bom_and_binary(tmp_path, name):
    path = _write(tmp_path, name, SAMPLES[name][1].encode("utf-16-le"))
    with pytest.raises(FormatError, match="NUL|UTF"):
        _read(name, path)


@pytest.mark.parametrize("name", NAMES)
def test_unreadable_spreadsheet(tmp_path, name):
    path = _write(tmp_path, name, b"PK\x03\x04" + b"\x00garbage" * 50)
    with pytest.raises(FormatError) as error:
        _read(name, path)
    assert str(path) in str(error.value)
    assert "workbook" in str(error.value) or "XLSX" in str(error.value)


@pytest.mark.parametrize("name", ["wdi", "rpw", "desa-stock", "desa-matrix", "unhcr", "tidy"])
def test_workbook_with_only_a_header(tmp_path, name):
    header = SAMPLES[name][1].splitlines()[0].split(",")
    path = write_xlsx(tmp_path / "only_header.xlsx", {"Table 1": [header]})
    with pytest.raises(FormatError) as error:
        _read(name, path)
    assert "only_header.xlsx" in str(error.value)


@pytest.mark.parametrize("name", NAMES)
def test_missing_file(tmp_path, name):
    with pytest.raises(FormatError, match="cannot be read|folder|not a file"):
        _read(name, tmp_path / "nothing-here.csv")


def test_format_error_message():
    error = FormatError("data.csv", "'abc' is not a number", line=12, column="Value")
    assert str(error) == "data.csv, line 12, column \"Value\": 'abc' is not a number"
