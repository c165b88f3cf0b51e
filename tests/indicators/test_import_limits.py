"""Files built to exhaust the importer are refused before the work they ask
for, with a message naming the limit (issue 7 §2). The bombs are built small
in tmp; memory is watched with tracemalloc."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from gcmhub.indicators.formats import limits, tidy
from gcmhub.indicators.formats.limits import LimitExceeded, Limits
from gcmhub.indicators.formats.spreadsheets import open_workbook

MAPPING = "series: Series\narea: Area\nperiod: Year\nvalue: Value\n"


def small_workbook(path, rows=3):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Series", "Area", "Year", "Value"])
    for year in range(2015, 2015 + rows - 1):
        sheet.append(["SM_POP_REFG_OR", "KEN", year, 1.5])
    book.save(path)
    return path


def rewrite_member(path, member, change):
    """The workbook at ``path`` with one zip member's text changed by ``change``."""
    with zipfile.ZipFile(path) as source:
        contents = {info.filename: source.read(info.filename) for info in source.infolist()}
    contents[member] = change(contents[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in contents.items():
            target.writestr(name, data)
    return path


def declared_dimension_bomb(path):
    """A tiny workbook claiming the whole grid, A1:XFD1048576, with a row at both ends."""
    small_workbook(path)

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b'<dimension ref="A1:D3"/>', b'<dimension ref="A1:XFD1048576"/>')
        return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')

    rewrite_member(path, "xl/worksheets/sheet1.xml", change)
    assert path.stat().st_size < 10_000
    return path


def shared_strings_bomb(path, count):
    """A workbook whose shared-strings table holds ``count`` empty strings."""
    small_workbook(path)
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    sheet += b'<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    table = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t></t></si>" * count
        + b"</sst>"
    )
    with zipfile.ZipFile(path) as source:
        contents = {info.filename: source.read(info.filename) for info in source.infolist()}
    contents["xl/worksheets/sheet1.xml"] = sheet
    contents["xl/sharedStrings.xml"] = table
    types = contents["[Content_Types].xml"]
    if b"sharedStrings" not in types:
        contents["[Content_Types].xml"] = types.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in contents.items():
            target.writestr(name, data)
    return path


def ratio_bomb(path, megabytes=8):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("data/indicator_10-c-1.csv", "w") as member:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(block)
    return path


def many_entries_bomb(path, count):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(f"e{number}", b"")
    return path


def refusal(path, reader=None):
    """The LimitExceeded that reading ``path`` raises, with the peak memory it took."""
    tracemalloc.start()
    try:
        with pytest.raises(LimitExceeded) as raised:
            if reader is None:
                with open_workbook(path) as book:
                    for _row in book.rows(book.sheet()):
                        pass
            else:
                for _record in reader():
                    pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return raised.value, peak


def test_a_tiny_workbook_declaring_the_whole_grid_is_refused_naming_the_limit(tmp_path):
    bomb = declared_dimension_bomb(tmp_path / "grid.xlsx")
    error, peak = refusal(bomb)
    assert error.limit == "max_columns"
    assert "max_columns = 1,000" in str(error) and "A1:XFD1048576" in str(error)
    assert peak < 30 * 1024 * 1024


def test_the_declared_rows_and_cells_are_limited_too(tmp_path):
    bomb = declared_dimension_bomb(tmp_path / "grid.xlsx")
    with limits.applied(Limits(max_rows=1_000_000, max_columns=20_000)):
        error, _peak = refusal(bomb)
    assert error.limit == "max_rows"
    with limits.applied(Limits(max_columns=20_000)):
        error, _peak = refusal(bomb)
    assert error.limit == "max_cells"


def test_rows_actually_streamed_are_counted_when_no_dimension_is_declared(tmp_path):
    path = small_workbook(tmp_path / "rows.xlsx", rows=50)
    rewrite_member(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b'<dimension ref="A1:D50"/>', b""))
    with limits.applied(Limits(max_rows=20)):
        error, _peak = refusal(path)
    assert error.limit == "max_rows" and "sheet 'Sheet'" in str(error)
    with limits.applied(Limits(max_cells=100)):
        error, _peak = refusal(path)
    assert error.limit == "max_cells"


def test_a_workbook_with_too_many_shared_strings_is_refused_before_openpyxl_loads_them(tmp_path):
    bomb = shared_strings_bomb(tmp_path / "strings.xlsx", 5_000)
    with limits.applied(Limits(max_shared_strings=1_000, max_compression_ratio=10**9)):
        error, peak = refusal(bomb)
    assert error.limit == "max_shared_strings" and "max_shared_strings = 1,000" in str(error)
    assert peak < 10 * 1024 * 1024


def test_a_shared_strings_table_under_another_name_is_found_from_the_manifest(tmp_path):
    bomb = shared_strings_bomb(tmp_path / "strings.xlsx", 5_000)
    with zipfile.ZipFile(bomb) as source:
        contents = {info.filename: source.read(info.filename) for info in source.infolist()}
    contents["xl/words.xml"] = contents.pop("xl/sharedStrings.xml")
    manifest = contents["[Content_Types].xml"]
    contents["[Content_Types].xml"] = manifest.replace(b"/xl/sharedStrings.xml", b"/xl/words.xml")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in contents.items():
            target.writestr(name, data)
    with limits.applied(Limits(max_shared_strings=1_000, max_compression_ratio=10**9)):
        error, _peak = refusal(bomb)
    assert error.limit == "max_shared_strings"


def test_a_shared_strings_bomb_is_refused_by_the_default_limits_in_bounded_memory(tmp_path):
    bomb = shared_strings_bomb(tmp_path / "strings.xlsx", 1_200_000)
    assert bomb.stat().st_size < 200_000
    error, peak = refusal(bomb)
    assert error.limit in {"max_shared_strings", "max_compression_ratio"}
    assert peak < 30 * 1024 * 1024


def test_shared_strings_are_counted_across_read_blocks_once_each():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("s.xml", b"<sst>" + b"<x:si><x:t>a</x:t></x:si><si/>" * 100_000 + b"</sst>")
    with zipfile.ZipFile(data) as archive:
        assert limits.count_shared_strings(archive, "s.xml", 10**9) == 200_000


def test_a_well_formed_workbook_within_the_limits_still_reads(tmp_path):
    path = small_workbook(tmp_path / "ok.xlsx", rows=5)
    (tmp_path / "ok.mapping.yml").write_text(MAPPING)
    records = list(tidy.read(str(path)))
    assert len(records) == 4


def test_a_high_ratio_archive_is_refused_naming_the_limit(tmp_path):
    bomb = ratio_bomb(tmp_path / "ratio.zip")
    assert bomb.stat().st_size < 100_000
    with pytest.raises(LimitExceeded) as raised:
        limits.check_archive(bomb)
    assert raised.value.limit == "max_compression_ratio" and "max_compression_ratio" in str(raised.value)
    with limits.applied(Limits(max_unpacked_bytes=1024 * 1024)), pytest.raises(LimitExceeded) as raised:
        limits.check_archive(bomb)
    assert raised.value.limit == "max_unpacked_bytes"


def test_an_archive_of_many_entries_is_refused_from_its_end_record(tmp_path):
    bomb = many_entries_bomb(tmp_path / "entries.zip", 12_000)
    assert limits.count_entries(bomb, 10**9) == 12_000
    assert limits.count_entries(bomb, 100) == 12_000  # the end record says so
    tracemalloc.start()
    try:
        with pytest.raises(LimitExceeded) as raised:
            limits.check_archive(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert raised.value.limit == "max_entries" and "max_entries = 10,000" in str(raised.value)
    assert peak < 2 * 1024 * 1024  # the central directory was never parsed


def test_limits_come_from_a_mapping_and_unknown_names_are_an_error():
    assert Limits.from_mapping({"max_rows": "10"}).max_rows == 10
    with pytest.raises(ValueError, match="max_bananas"):
        Limits.from_mapping({"max_bananas": 1})


def test_an_archive_whose_end_record_understates_its_entries_is_still_refused(tmp_path):
    bomb = many_entries_bomb(tmp_path / "entries.zip", 12_000)
    data = bytearray(bomb.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (10).to_bytes(2, "little") * 2  # "10 entries"
    bomb.write_bytes(bytes(data))
    assert limits.count_entries(bomb, 10_000) == 10_001  # walked until past the limit
    with pytest.raises(LimitExceeded) as raised:
        limits.check_archive(bomb)
    assert raised.value.limit == "max_entries"

