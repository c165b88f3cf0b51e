"""What the stored assessments assume when the data say nothing else.

Plain data, read by ``services.recompute`` and the scorecards; docs/progress.md
explains each choice. Change a table here and run ``gcmhub assess`` to apply
it to stored assessments.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcmhub.indicators.keys import parse_dimension_key

# The base year of every assessment unless a national target gives its own
# baseline year (the SDG baseline; Open SDG's default).
DEFAULT_BASE_YEAR = 2015

# Methods stored for every series (the API and pages offer the choice);
# the first is the default everywhere.
STORED_METHODS: tuple[str, ...] = ("opensdg", "escap", "eurostat")
DEFAULT_METHOD = STORED_METHODS[0]


@dataclass(frozen=True)
class GlobalTarget:
    """A quantitative target the 2030 Agenda itself sets for a series."""

    value: float
    year: int
    source: str  # where the number comes from, shown in "how was this computed?"


# Global targets, used for every area that has no national target
# (indicators.Target) for the series. Only targets the SDG text states as a
# number are listed; "reduce", "end" without a date or "substantially
# increase" give no number, and those series are assessed without a target.
GLOBAL_TARGETS: dict[str, GlobalTarget] = {
    # 10.c: "By 2030, reduce to less than 3 per cent the transaction costs of
    # migrant remittances". The World Bank tracks the average cost of sending
    # and receiving USD 200 against the same 3 %.
    "SI_RMT_COST": GlobalTarget(3.0, 2030, "SDG target 10.c: below 3 % by 2030"),
    "SI_RMT_COST_BC": GlobalTarget(3.0, 2030, "SDG target 10.c: below 3 % by 2030"),
    "SI_RMT_COST_SC": GlobalTarget(3.0, 2030, "SDG target 10.c: below 3 % by 2030"),
    # 16.9: "By 2030, provide legal identity for all, including birth registration".
    "SG_REG_BRTH": GlobalTarget(100.0, 2030, "SDG target 16.9: birth registration for all by 2030"),
    # 8.7: "by 2025 end child labour in all its forms".
    "SL_TLF_CHLDEA": GlobalTarget(0.0, 2025, "SDG target 8.7: end child labour by 2025"),
    "SL_TLF_CHLDEC": GlobalTarget(0.0, 2025, "SDG target 8.7: end child labour by 2025"),
    # 1.1: "By 2030, eradicate extreme poverty for all people everywhere".
    "SI_POV_DAY1": GlobalTarget(0.0, 2030, "SDG target 1.1: eradicate extreme poverty by 2030"),
}

# Natural limits (Open SDG's ``limit``) of bounded series assessed without a
# target: the 10.7.2 domain scores run from 1 to 4 and the yes/no series
# from 0 to 1, so a country already at the top is not "limited progress".
NATURAL_LIMITS: dict[str, float] = {
    "SG_CPA_MIGRS": 4.0,
    "SG_CPA_MIGR": 1.0,
    "SG_INF_ACCSS": 1.0,
    "SG_PLN_MSTKSDG": 1.0,
    "SH_ACS_UNHC": 100.0,
    "FB_BNK_ACCSS": 100.0,
    "SI_COV_BENFTS": 100.0,
    "SE_TOT_PRFL": 100.0,
    "SE_ADT_ACTS": 100.0,
    # Counts and rates of harm cannot fall below 0, and 0 is their aim: a
    # series that stays at 0 has reached it (the engine's flat-zero rule).
    "SM_DTH_MIGR": 0.0,
    "VC_HTF_DETV": 0.0,
    "VC_HTF_DETVFL": 0.0,
    "VC_HTF_DETVOG": 0.0,
    "VC_HTF_DETVOP": 0.0,
    "VC_HTF_DETVSX": 0.0,
    "SL_EMP_FTLINJUR": 0.0,
    "SL_EMP_INJUR": 0.0,
    "VC_VAW_MARR": 0.0,
}

# Series that only exist for groups of countries (a share of countries):
# they are not counted among a single country's linked series.
AGGREGATE_ONLY_SERIES = frozenset({"SG_CPA_MIGRP"})

# Series reported by policy domain (COMPOSITE_BREAKDOWN=PD_n); an
# objective linked to one domain of 10.7.2 counts these, with that key.
DOMAIN_SERIES = frozenset({"SG_CPA_MIGRS", "SG_CPA_MIGRP"})

# Disaggregations assessed besides the headline: every key made only of
# these dimensions (at most two of them, e.g. sex × migratory status).
# Migratory status and the 10.7.2 policy domains sit in COMPOSITE_BREAKDOWN.
ASSESSED_DIMENSIONS = frozenset({"SEX", "COMPOSITE_BREAKDOWN"})
MAX_ASSESSED_DIMENSIONS = 2


def assessed_key(key: str) -> bool:
    """Is the disaggregation ``key`` ("" = headline) assessed and stored?"""
    if not key:
        return True
    pairs = parse_dimension_key(key)
    return len(pairs) <= MAX_ASSESSED_DIMENSIONS and all(code in ASSESSED_DIMENSIONS for code, _v in pairs)
