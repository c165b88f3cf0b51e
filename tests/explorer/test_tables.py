"""The explorer's tables rendered in Python: numbers as Django formats them per language,
"no data" apart from 0, text escaped, links and row headers."""

import pytest
from django.utils import translation
from django.utils.formats import number_format

from gcmhub.explorer import tables
from gcmhub.explorer.charts import num


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_numbers_are_grouped_as_django_groups_them(language):
    with translation.override(language):
        for value in (0, 7, 1234, 1197624.0, 11489684, -45210):
            assert tables.number_text(value) == number_format(int(value), 0, force_grouping=True)
        assert tables.number_text(4.9, "PERCENT") == number_format(4.9, 2, force_grouping=True)
        assert tables.number_text(12345.5) == number_format(12345.5, 2, force_grouping=True)


def test_no_data_is_written_out_apart_from_zero_and_text_is_escaped():
    with translation.override("en"):
        html = tables.table_html({
            "caption": "A <caption>", "id": "t", "header": 1, "row_classes": ["", "is-nodata"],
            "columns": ["Rank", "Country", "Value"],
            "rows": [[num(1), {"link": "/x?a=1&b=2", "text": "Côte <d'Ivoire>"}, num(0)],
                     [num(2), "Nowhere", num(None)]],
        })  # fmt: skip
    assert '<table class="data explorer-table" id="t">' in html and "<caption>A &lt;caption&gt;</caption>" in html
    assert '<th scope="row"><a href="/x?a=1&amp;b=2">Côte &lt;d&#x27;Ivoire&gt;</a></th>' in html
    assert '<td class="num">0</td>' in html  # a stored zero
    assert '<tr class="is-nodata"><td class="num">2</td><th scope="row">Nowhere</th>' in html
    assert '<td class="num"><span class="explorer-nodata">no data</span></td>' in html

