"""The batch interface on real published series in ../shared/data.

Every UNSD global SDG series and every Open SDG national series (headline and
disaggregations) goes through ``run_batch`` as analysts would feed it; the
Open SDG results must agree with the plain reference implementation, and
nothing may crash under any method.
"""

import csv
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

from gcmhub.progress.batch import run_batch

from .reference_opensdg import assess_one
from .util import with_flat_zero_rule

pytestmark = pytest.mark.real

SHARED = Path(os.environ.get("GCMHUB_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))

# indicator column -> (direction, target, limit)
UNSD = {
    "si_rmt_cost": ("negative", 3.0, None),  # 10.c.1 remittance cost, target 3 %
    "sm_dth_migr": ("negative", None, None),  # 10.7.3 migrant deaths
    "sm_pop_refg_or": ("negative", None, None),  # 10.7.4 refugees by origin
    "bx_trf_pwkr": ("positive", None, None),  # 17.3.2 remittances
    "sl_emp_ftlinjur": ("negative", 0.0, None),  # 8.8.1 fatal injuries
    "sl_lbr_ntlcpl": ("negative", 0.0, None),  # 8.8.2 labour-rights compliance score
    "vc_htf_detv": ("negative", None, None),  # 16.2.2 trafficking victims
    "sg_cpa_migrp": ("positive", None, 100.0),  # 10.7.2 policies (percent)
    "sg_cpa_migrs": ("positive", None, None),
    "sg_stt_capty": ("positive", 100.0, None),  # 17.18.1 statistical capacity
}


def _number_or_raw(text):
    text = (text or "").strip()
    if text == "" or text.upper() in {"NA", "NAN"}:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # kept as published: the batch must answer with an error line


def _unsd_records():
    records = []
    for path in sorted((SHARED / "unsd-sdg-global").glob("ddf--datapoints--*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            value_col = reader.fieldnames[-1]
            groups = defaultdict(list)
            for row in reader:
                key = tuple(row[c] for c in reader.fieldnames if c not in ("year", value_col))
                groups[key].append({"year": int(row["year"]), "value": _number_or_raw(row[value_col])})
        direction, target, limit = UNSD.get(value_col, ("positive", None, None))
        for key, data in groups.items():
            records.append(
                {
                    "id": f"{value_col}/{'/'.join(key)}",
                    "data": data,
                    "base_year": 2015,
                    "target": target,
                    "target_year": 2030,
                    "direction": direction,
                    "limit": limit,
                }
            )
    return records


def _open_sdg_records():
    records = []
    for path in sorted(SHARED.glob("sdg-*/indicator_*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "Year" not in reader.fieldnames or "Value" not in reader.fieldnames:
                continue
            groups = defaultdict(list)
            for row in reader:
                key = tuple((row.get(c) or "") for c in reader.fieldnames if c not in ("Year", "Value"))
                groups[key].append({"year": row["Year"], "value": _number_or_raw(row["Value"])})
        for k, data in enumerate(groups.values()):
            direction = "positive" if k % 2 else "negative"
            records.append(
                {
                    "id": f"{path.parent.name}/{path.stem}/{k}",
                    "data": data,
                    "base_year": 2015,
                    "target": None,
                    "target_year": 2030,
                    "direction": direction,
                    "limit": None,
                }
            )
    return records


@pytest.fixture(scope="module")
def real_records():
    if not (SHARED / "unsd-sdg-global").is_dir():
        pytest.skip(f"{SHARED} is not available")
    return _unsd_records() + _open_sdg_records()


def _reference_or_error(record):
    try:
        return with_flat_zero_rule(record, assess_one(record))
    except (ValueError, TypeError):
        return None  # unreadable year or value, or duplicate year


def test_real_series_agree_with_the_reference(real_records):
    assert len(real_records) > 500
    out = run_batch(json.dumps(r) for r in real_records)
    results = [json.loads(line) for line in out]
    assert len(results) == len(real_records)
    assessed = 0
    for record, got in zip(real_records, results):
        want = _reference_or_error(record)
        if want is None:
            assert got["status"] == "error", (record["id"], got)
            continue
        assessed += 1
        assert got["status"] == want["status"], (record["id"], got, want)
        if want["score"] is None:
            assert got["score"] is None
        else:
            assert got["score"] == pytest.approx(want["score"], abs=1e-9), record["id"]
    assert assessed > 500


@pytest.mark.parametrize("method", ["escap", "eurostat"])
def test_real_series_never_crash_other_methods(real_records, method):
    out = run_batch((json.dumps(r) for r in real_records), method)
    results = [json.loads(line) for line in out]
    assert len(results) == len(real_records)
    assert all(r["method"] == method for r in results)
