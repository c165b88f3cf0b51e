"""Random series in the batch line format, rich in edge cases."""

import random


def random_record(rng: random.Random, i: int) -> dict:
    n = rng.choice([0, 1, 2, 2, 3, 5, 8, 12])
    years = sorted(rng.sample(range(2005, 2029), n))
    kind = rng.random()
    scale = 10 ** rng.uniform(-2, 5)
    values = []
    for _ in years:
        if kind < 0.7:
            v = rng.uniform(0.01, 1) * scale
        elif kind < 0.8:
            v = -rng.uniform(0.01, 1) * scale
        elif kind < 0.9:
            v = rng.uniform(-1, 1) * scale
        else:
            v = rng.choice([0.0, 0.0, rng.uniform(0, 1) * scale])
        if rng.random() < 0.05:
            v = None
        values.append(v)
    data = [{"year": y, "value": v} for y, v in zip(years, values)]
    rng.shuffle(data)
    record = {
        "id": f"r{i}",
        "data": data,
        "base_year": rng.choice([2005, 2010, 2015, 2015, 2015, 2018, 2022, 2027]),
        "target": None,
        "target_year": rng.choice([2030, 2030, 2030, 2025, 2015]),
        "direction": rng.choice(["positive", "negative"]),
        "limit": None,
    }
    present = [v for v in values if v is not None]
    roll = rng.random()
    if roll < 0.45:
        record["target"] = rng.choice(
            [rng.uniform(0, 2) * scale, -rng.uniform(0, 2) * scale, 0.0, present[0] if present else 1.0]
        )
    elif roll < 0.7:
        record["limit"] = rng.choice([rng.uniform(0, 2) * scale, 0.0, present[0] if present else 1.0])
    return record


def random_records(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    return [random_record(rng, i) for i in range(n)]
