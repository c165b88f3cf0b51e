"""Benchmark: the vectorised progress engine against a per-series pandas baseline.

    .venv/bin/python benchmarks/bench_progress.py [--series 100000] [--seed 1]
        [--method opensdg] [--baseline-sample N]

Generates synthetic series of 10-25 yearly values (with and without targets
and limits, plus a sprinkling of zeros, negative series, short series and
late base years), assesses them all with one engine call, then assesses the
same series one at a time with a straightforward pandas implementation of the
Open SDG method, and prints series/s, peak memory, the speed ratio and whether
both give the same status and score on every series.

End to end: the same series are written as JSON lines and run through
``gcmhub progress-calc --batch`` in a fresh process (start-up, reading and
validating, the engine, writing the output lines), timed from outside; the
ratio to the per-series baseline is printed beside the engine's, in
wall-clock time and in CPU time (user + system of the command's process
against the baseline's process time: on a shared machine the wall clock
also counts waiting for a core), and the command's statuses are checked
against the engine's.

Targets (issue): 100,000 series in under 2 s, >= 50x the baseline, peak
memory <= 300 MB, identical results; end to end under 2 s and >= 50x the
baseline. This script measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gcmhub.progress.engine import STATUS_NAMES, SeriesBatch, assess  # noqa: E402

STATUS_CODE = {name: code for code, name in enumerate(STATUS_NAMES)}


# --------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------


def synthetic(n: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(10, 26, n)  # 10..25 years
    first = rng.integers(2000, 2012, n)
    series = np.repeat(np.arange(n), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    years = np.repeat(first, lengths) + (np.arange(lengths.sum()) - starts)
    level = np.repeat(10 ** rng.uniform(-1, 4, n), lengths)
    trend = np.repeat(rng.normal(0, 0.03, n), lengths)
    noise = rng.normal(0, 0.02, lengths.sum())
    values = level * np.exp(trend * (np.arange(lengths.sum()) - starts) + noise)
    # edge cases: negative series, zero values, gaps
    negative = np.repeat(rng.random(n) < 0.03, lengths)
    values[negative] *= -1
    values[rng.random(values.size) < 0.005] = 0.0
    values[rng.random(values.size) < 0.02] = np.nan

    base_year = rng.choice([2015, 2015, 2015, 2010, 2018, 2030], n)
    direction = rng.choice(np.array([1, -1], dtype=np.int8), n)
    kind = rng.random(n)
    base_level = level[np.cumsum(lengths) - lengths]
    target = np.where(
        kind < 0.4, base_level * rng.uniform(0.3, 2.0, n) * np.sign(rng.random(n) - 0.02), np.nan
    )
    limit = np.where((kind >= 0.4) & (kind < 0.6), base_level * rng.uniform(0.5, 3.0, n), np.nan)
    return {
        "series": series,
        "years": years,
        "values": values,
        "n_series": n,
        "base_year": base_year,
        "target": target,
        "target_year": np.full(n, 2030),
        "direction": direction,
        "limit": limit,
    }


# --------------------------------------------------------------------------
# Baseline: one series at a time, pandas, written the straightforward way
# --------------------------------------------------------------------------


def baseline_one(df, base_year, target, target_year, direction, limit):
    """Open SDG measure for one series held in a DataFrame (Year, Value)."""
    df = df[df["Value"].notna()]
    if df.shape[0] < 1:
        return "not_available", None
    years = df["Year"]
    current_year = years.max()
    current_value = df.Value[df.Year == current_year].item()
    if base_year not in years.values:
        later = years[years > base_year]
        if later.empty:
            return "not_available", None
        base_year = later.min()
    base_value = df.Value[df.Year == base_year].item()
    sign = -1 if base_value < 0 else 1
    if target is not None and target == 0:
        target = 0.001
    quantitative = target is not None

    coeff = 1.0
    if quantitative:
        high, med, low = 0.95, 0.6, 0.0
    else:
        high, med, low = 0.015, 0.005, 0.0
        if limit is not None:
            b, lim = abs(base_value), abs(limit)
            if b >= 2 * lim:
                coeff = 1.0
            elif b <= lim:
                coeff = 1 - (b / lim) ** 4.44
            else:
                coeff = 1 - ((2 * lim - b) / lim) ** 4.44
            high, med, low = high * coeff, med * coeff, low * coeff

    achieved = quantitative and (
        (direction == -1 and current_value <= target) or (direction == 1 and current_value >= target)
    )
    value = None
    if base_value == 0:
        base_value = 0.001
    opposite = (base_value > 0 and current_value < 0) or (base_value < 0 and current_value > 0)
    if not opposite and current_year - base_year >= 1:
        observed = (current_value / base_value) ** (1 / (current_year - base_year)) - 1
        if not quantitative:
            value = sign * direction * observed
        elif (
            not ((target > 0 and base_value < 0) or (target < 0 and base_value > 0))
            and target_year != base_year
        ):
            required = (target / base_value) ** (1 / (target_year - base_year)) - 1
            if required == 0:
                top = sign * direction * observed
                value = math.copysign(math.inf, top) if top != 0 else None
            else:
                value = sign * direction * observed / abs(required)
    if achieved:
        return "target_achieved", 5.0
    if value is None:
        return "not_available", None
    if value >= high:
        status = "substantial_progress"
    elif value >= med:
        status = "moderate_progress"
    elif value >= low:
        status = "limited_progress"
    else:
        status = "deterioration"
    if quantitative:
        score = min(7.1429 * value - 4.2857, 5) if value >= med else max(4.1667 * value - 2.5, -5)
    elif value < low:
        score = max(125 * value - 2.5, -5)
    elif coeff == 0:
        score = 5.0
    elif value >= high:
        score = min(500 * value / coeff - 5, 5)
    elif value >= med:
        score = 250 * value / coeff - 1.25
    else:
        score = 500 * value / coeff - 2.5
    return status, float(score)


def run_baseline(data: dict, which: np.ndarray):
    import pandas as pd

    frame = pd.DataFrame({"series": data["series"], "Year": data["years"], "Value": data["values"]})
    wanted = set(which.tolist())
    status = {}
    score = {}
    for key, group in frame.groupby("series", sort=True):
        if key not in wanted:
            continue
        t = data["target"][key]
        lim = data["limit"][key]
        s, sc = baseline_one(
            group[["Year", "Value"]],
            int(data["base_year"][key]),
            None if np.isnan(t) else float(t),
            int(data["target_year"][key]),
            int(data["direction"][key]),
            None if np.isnan(lim) else float(lim),
        )
        status[key], score[key] = STATUS_CODE[s], (np.nan if sc is None else sc)
    return np.array([status.get(k, 0) for k in which]), np.array([score.get(k, np.nan) for k in which])


# --------------------------------------------------------------------------
# Engine run
# --------------------------------------------------------------------------


def run_engine(data: dict, method: str):
    batch = SeriesBatch.from_arrays(
        data["series"],
        data["years"],
        data["values"],
        n_series=data["n_series"],
        base_year=data["base_year"],
        target=data["target"],
        target_year=data["target_year"],
        direction=data["direction"],
        limit=data["limit"],
    )
    return assess(batch, method)


# --------------------------------------------------------------------------
# End to end: the command on a JSON-lines file
# --------------------------------------------------------------------------


def write_json_lines(data: dict, path: Path) -> None:
    """The synthetic series in the batch line format (missing values as null)."""
    counts = np.bincount(data["series"], minlength=data["n_series"])
    offsets = np.concatenate(([0], np.cumsum(counts))).tolist()
    years, values = data["years"].tolist(), data["values"].tolist()

    def number(x: float):
        return None if math.isnan(x) else x

    with path.open("w", encoding="utf-8") as out:
        for i in range(data["n_series"]):
            lo, hi = offsets[i], offsets[i + 1]
            record = {
                "id": f"S{i}",
                "data": [{"year": years[k], "value": number(values[k])} for k in range(lo, hi)],
                "base_year": int(data["base_year"][i]),
                "target": number(float(data["target"][i])),
                "target_year": int(data["target_year"][i]),
                "direction": "positive" if data["direction"][i] > 0 else "negative",
                "limit": number(float(data["limit"][i])),
            }
            out.write(json.dumps(record) + "\n")


def run_command(path: Path, method: str, repeat: int) -> tuple[list[float], list[float], Path]:
    """Wall-clock and CPU (user + system) times of ``gcmhub progress-calc
    --batch path`` in a new process."""
    output = path.with_suffix(".out.jsonl")
    command = [sys.executable, "-m", "gcmhub.cli", "progress-calc", "--batch", str(path), "--method", method]
    walls, cpus = [], []
    for _ in range(repeat):
        with output.open("w") as out:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(command, stdout=out, check=True)
            walls.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus, output


def end_to_end(data: dict, method: str, repeat: int, result) -> tuple[float, float]:
    """The command's best wall-clock and best CPU time."""
    with tempfile.TemporaryDirectory(prefix="gcmhub-bench-") as tmp:
        path = Path(tmp) / "series.jsonl"
        write_json_lines(data, path)
        size_mb = path.stat().st_size / 2**20
        walls, cpus, output = run_command(path, method, repeat)
        with output.open() as lines:
            statuses = [json.loads(line)["status"] for line in lines]
    best, best_cpu = min(walls), min(cpus)
    same = statuses == [STATUS_NAMES[c] for c in result.status.tolist()]
    print(
        f"command:  {best:8.3f} s  end to end, gcmhub progress-calc --batch on {size_mb:.0f} MB of JSON lines "
        f"({data['n_series'] / best:,.0f} series/s; runs: {', '.join(f'{t:.3f}' for t in walls)}); "
        f"statuses as the engine's: {'yes' if same else 'NO'}"
    )
    print(f"          {best_cpu:8.3f} s  CPU (user + system; runs: {', '.join(f'{t:.3f}' for t in cpus)})")
    return best, best_cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--method", default="opensdg", choices=["opensdg", "escap", "eurostat"])
    parser.add_argument("--repeat", type=int, default=3, help="engine timing runs (best is reported)")
    parser.add_argument(
        "--baseline-sample",
        type=int,
        default=0,
        help="run the pandas baseline on this many series only (0: all)",
    )
    parser.add_argument(
        "--no-command", action="store_true", help="skip the end-to-end run of gcmhub progress-calc"
    )
    args = parser.parse_args(argv)

    data = synthetic(args.series, args.seed)
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_obs = int(np.sum(~np.isnan(data["values"])))
    print(
        f"{args.series:,} series, {data['values'].size:,} rows ({n_obs:,} with a value), method {args.method}"
    )

    times = []
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = run_engine(data, args.method)
        times.append(time.perf_counter() - t0)
    engine_time = min(times)
    gc.collect()
    tracemalloc.start()
    run_engine(data, args.method)
    _, engine_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"engine:   {engine_time:8.3f} s  ({args.series / engine_time:,.0f} series/s; runs: "
        f"{', '.join(f'{t:.3f}' for t in times)})"
    )
    print(
        f"          peak memory of the engine call {engine_peak / 2**20:.1f} MB (tracemalloc); process "
        f"high-water RSS {rss_before:.0f} MB after generating the data, {rss_mb:.0f} MB after the engine runs"
    )

    command_time = None if args.no_command else end_to_end(data, args.method, args.repeat, result)

    if args.method != "opensdg":
        print("baseline: only implemented for opensdg; skipped")
        return 0

    rng = np.random.default_rng(args.seed + 1)
    which = np.arange(args.series)
    if args.baseline_sample and args.baseline_sample < args.series:
        which = np.sort(rng.choice(args.series, args.baseline_sample, replace=False))
    t0, c0 = time.perf_counter(), time.process_time()
    base_status, base_score = run_baseline(data, which)
    baseline_time, baseline_cpu = time.perf_counter() - t0, time.process_time() - c0
    per_series_baseline = baseline_time / len(which)
    per_series_engine = engine_time / args.series
    print(
        f"baseline: {baseline_time:8.3f} s for {len(which):,} series "
        f"({len(which) / baseline_time:,.0f} series/s, per-series pandas; {baseline_cpu:.3f} s CPU)"
    )
    print(f"ratio:    {per_series_baseline / per_series_engine:,.0f}x faster (per series, engine)")
    if command_time is not None:
        wall, cpu = command_time
        print(
            f"ratio:    {per_series_baseline / (wall / args.series):,.0f}x faster "
            "(per series, end to end: the command's wall-clock time against the baseline's)"
        )
        # On a shared machine wall-clock time counts the waits for a core; CPU time does not.
        print(
            f"ratio:    {baseline_cpu / len(which) / (cpu / args.series):,.0f}x faster "
            "(per series, end to end: the command's CPU time against the baseline's)"
        )

    eng_status = result.status[which]
    eng_score = result.score[which]
    same_status = eng_status == base_status
    both_nan = np.isnan(eng_score) & np.isnan(base_score)
    diff = np.where(both_nan, 0.0, np.abs(eng_score - base_score))
    diff = np.where(np.isnan(diff), np.inf, diff)
    identical = bool(same_status.all() and (diff <= 1e-9).all())
    print(
        f"identity: status equal on {same_status.sum():,}/{len(which):,}; "
        f"max |score difference| {diff.max():.3g}; identical: {'yes' if identical else 'NO'}"
    )
    counts = np.bincount(result.status, minlength=len(STATUS_NAMES))
    print("statuses: " + ", ".join(f"{name} {c:,}" for name, c in zip(STATUS_NAMES, counts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
