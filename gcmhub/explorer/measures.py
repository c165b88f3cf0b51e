"""What the explorer reads from the ``indicators`` app, in one table.

A *corridor measure* is a series stored with a ``COUNTERPART_AREA``
dimension. In every source the explorer reads, the observation's area is
the country where migrants *are* (destination, country of asylum, the
country remittances are sent *from*) and the counterpart is where they come
*from* (origin, the country remittances are sent *to*). So for a corridor
ORIGIN → DESTINATION: ``area = DESTINATION``, ``COUNTERPART_AREA = ORIGIN``.

A *country measure* is a series read per area (headline or one sex).

Everything else about a source (its readers, its series codes) lives in
``gcmhub/indicators/formats``; this module only names what the explorer
shows and in which unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

COUNTERPART = "COUNTERPART_AREA"
REMITTANCE_COST_TARGET = 3.0  # SDG 10.c.1: below 3 per cent by 2030


DESA_ALIASES = (("Congo", "COG"),)


@dataclass(frozen=True)
class CorridorMeasure:
    code: str
    series: str
    sex: str  # "" both sexes, "F", "M"
    label: object
    unit: str
    source: str
    # How a year is summarised when the series has several periods in it.
    periodicity: str = "annual"  # "annual" or "quarterly" (the year's latest quarter is shown)
    # Counterpart names this source uses in a sense the general resolver finds
    # ambiguous: DESA's "Congo" is the Republic of the Congo (it lists the
    # Democratic Republic of the Congo under that name).
    aliases: tuple[tuple[str, str], ...] = ()


CORRIDOR_MEASURES = (
    CorridorMeasure("migrant_stock", "SM.POP.TOTL", "", _("International migrants (stock)"), "NUMBER",
                    "UN DESA Population Division, International Migrant Stock", aliases=DESA_ALIASES),
    CorridorMeasure("migrant_stock_female", "SM.POP.TOTL", "F", _("International migrants, women"), "NUMBER",
                    "UN DESA Population Division, International Migrant Stock", aliases=DESA_ALIASES),
    CorridorMeasure("migrant_stock_male", "SM.POP.TOTL", "M", _("International migrants, men"), "NUMBER",
                    "UN DESA Population Division, International Migrant Stock", aliases=DESA_ALIASES),
    CorridorMeasure("refugees", "UNHCR_POPULATION_REFUGEES", "", _("Refugees (end-year stock)"), "NUMBER",
                    "UNHCR Refugee Population Statistics Database"),
    CorridorMeasure("asylum_seekers", "UNHCR_POPULATION_ASYLUM_SEEKERS", "", _("Asylum seekers (end-year stock)"),
                    "NUMBER", "UNHCR Refugee Population Statistics Database"),
    CorridorMeasure("remittance_cost", "ATCR.CORR", "",
                    _("Average total cost of sending US$200 from the destination to the origin"), "PERCENT",
                    "World Bank, Remittance Prices Worldwide", periodicity="quarterly"),
)  # fmt: skip
CORRIDOR_MEASURE = {m.code: m for m in CORRIDOR_MEASURES}
# Measures whose values add up (stocks); the cost of remitting does not.
ADDITIVE = frozenset({"migrant_stock", "migrant_stock_female", "migrant_stock_male", "refugees", "asylum_seekers"})


@dataclass(frozen=True)
class CountryMeasure:
    code: str
    series: tuple[str, ...]  # the first series holding data is used
    sex: str
    label: object
    unit: str


COUNTRY_MEASURES = (
    CountryMeasure("immigrants", ("SM.POP.TOTL",), "", _("Immigrants (international migrant stock)"), "NUMBER"),
    CountryMeasure("immigrants_female", ("SM.POP.TOTL",), "F", _("Immigrants, women"), "NUMBER"),
    CountryMeasure("immigrants_male", ("SM.POP.TOTL",), "M", _("Immigrants, men"), "NUMBER"),
    CountryMeasure("immigrants_share", ("SM.POP.TOTL.ZS",), "", _("Immigrants as a share of the population"),
                   "PERCENT"),
    CountryMeasure("remittances_received", ("BX.TRF.PWKR.CD.DT",), "", _("Personal remittances received"), "USD"),
    CountryMeasure("remittances_paid", ("BM.TRF.PWKR.CD.DT",), "", _("Personal remittances paid"), "USD"),
    CountryMeasure("remittances_gdp", ("BX_TRF_PWKR", "BX.TRF.PWKR.DT.GD.ZS"), "",
                   _("Remittances received as a share of GDP"), "PERCENT"),
    CountryMeasure("remittance_cost_sdg", ("SI_RMT_COST",), "",
                   _("Remittance costs as a proportion of the amount remitted (SDG 10.c.1, as published)"), "PERCENT"),
    CountryMeasure("net_migration", ("SM.POP.NETM",), "", _("Net migration"), "NUMBER"),
    CountryMeasure("deaths_region", ("SM_DTH_MIGR",), "", _("Deaths and disappearances during migration"), "NUMBER"),
)  # fmt: skip
COUNTRY_MEASURE = {m.code: m for m in COUNTRY_MEASURES}

# Totals precomputed per area from the corridor measures (AreaTotal.measure):
# "<measure>:in" sums the corridors ending in the area, "<measure>:out" those starting there.
TOTAL_MEASURES = tuple(f"{code}:{side}" for code in sorted(ADDITIVE) for side in ("in", "out"))


def unit_label(unit: str) -> str:
    return {"NUMBER": str(_("persons")), "PERCENT": "%", "USD": str(_("current US$"))}.get(unit, unit)
