"""The JSON reader: GCM Hub's own export read back, one object at a time."""

import json

import pytest

from gcmhub.indicators.formats import FormatError, json_export

from .helpers import collect


def write(tmp_path, text, name="export.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_field_is_read(tmp_path):
    item = {
        "series": "SM.POP.TOTL", "indicator": None, "area": "WLD", "area_m49": "001", "area_name": "World",
        "period": "2020", "year": 2020, "dimensions": {"SEX": "F"}, "value": 298089, "unit": "NUMBER",
        "unit_mult": 3, "obs_status": "E", "nature": "C", "footnote": "type of data: B R", "source": "UN DESA",
        "series_name": "International migrant stock at mid-year",
    }  # fmt: skip
    observations, problems, stats = collect(json_export, write(tmp_path, json.dumps({"observations": [item]})))
    assert problems == [] and stats.rows == 1
    (o,) = observations
    assert (o.series, o.area, o.area_scheme, o.period, o.value, o.dimensions) == (
        "SM.POP.TOTL", "001", "m49", "2020", 298089.0, (("SEX", "F"),),
    )  # fmt: skip
    assert (o.unit, o.unit_mult, o.obs_status, o.nature, o.footnote, o.source) == (
        "NUMBER", 3, "E", "C", "type of data: B R", "UN DESA",
    )  # fmt: skip
    assert o.series_name == "International migrant stock at mid-year" and o.indicator is None


def test_objects_spanning_blocks_and_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(json_export, "_BLOCK", 7)  # every object crosses several reads
    items = [{"series": "S", "area": "KEN", "period": str(2000 + i), "value": i + 0.25} for i in range(30)]
    text = '{"observations": [\n' + ",\n".join(json.dumps(i) for i in items) + "\n]}\n"
    observations, problems, _ = collect(json_export, write(tmp_path, text))
    assert problems == []
    assert [(o.period, o.value, o.line) for o in observations] == [
        (str(2000 + i), i + 0.25, i + 2) for i in range(30)
    ]


def test_row_problems_name_the_line_and_field(tmp_path):
    text = '{"observations": [\n{"series": "S", "area": "KEN", "period": "2019", "value": "many"},\n' \
           '{"series": "S", "area": "KEN", "period": "soon", "value": 1}\n]}'  # fmt: skip
    _, problems, _ = collect(json_export, write(tmp_path, text))
    assert [(p.line, p.column) for p in problems] == [(2, "value"), (3, "period")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "must start with"),
        ('{"data": []}', 'the first key must be "observations"'),
        ('{"observations": []}', "holds no observations"),
        ('{"observations": [{"series": "S", "area": "KEN", "period": "2019", "value": 1}', "a ',' or ']'"),
        ('{"observations": [{"series": "S", "area": "KEN", "per', "is not valid JSON"),
    ],
)
def test_broken_files(tmp_path, text, reason):
    path = write(tmp_path, text)
    with pytest.raises(FormatError) as error:
        collect(json_export, path)
    assert str(path) in str(error.value) and reason in str(error.value)
