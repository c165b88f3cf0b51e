"""A small valid text file for each CSV reader, to derive broken variants from.

Every sample's last row ends in a value, so cutting the file short leaves a
row with fewer columns than the header.
"""

from gcmhub.indicators.formats import READERS

TIDY_MAPPING = {"area": "country", "area_scheme": "iso3", "period": "year", "value": "value", "series": "S1",
                "dimensions": {"SEX": "sex"}}  # fmt: skip

SAMPLES = {
    "opensdg": ("indicator_10-7-1.csv", "Year,Sex,Value\n2019,,1.5\n2019,Female,2.5\n"),
    "unsd-sdg": (
        "unsd.csv",
        "Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,Units,Sex\n"
        "10,10.c,10.c.1,SI_RMT_COST,Remittance costs,404,Kenya,2019,8.5,PERCENT,BOTHSEX\n"
        "10,10.c,10.c.1,SI_RMT_COST,Remittance costs,800,Uganda,2019,9.5,PERCENT,BOTHSEX\n",
    ),
    "sdmx": (
        "sdmx.csv",
        "DATAFLOW,SERIES,REF_AREA,SEX,TIME_PERIOD,OBS_VALUE\n"
        "IAEG-SDGs:DF_SDG_GLH(1.8),SI_RMT_COST,404,_T,2019,8.5\n"
        "IAEG-SDGs:DF_SDG_GLH(1.8),SI_RMT_COST,800,_T,2019,9.5\n",
    ),
    "wdi": (
        "wdi.csv",
        "Country Name,Country Code,Indicator Name,Indicator Code,2019,2020\n"
        "Kenya,KEN,Net migration,SM.POP.NETM,1,2\nUganda,UGA,Net migration,SM.POP.NETM,3,4\n",
    ),
    "rpw": (
        "rpw.csv",
        "Sending Countries Name,Sending Countries Code,Series Name,Series Code,Receiving Countries  Name,"
        "Receiving Countries  Code,2019Q1 [YR2019Q1],2019Q2 [YR2019Q2]\n"
        "Malta,MLT,Cost,ATCR.CORR,Kenya,KEN,5.5,6.5\nMalta,MLT,Cost,ATCR.CORR,Uganda,UGA,7.5,8.5\n",
    ),
    "desa-stock": (
        "desa.csv",
        "index,region_country_area,notes,location_code,type_of_data,both_1990,both_2020\n"
        "1,Kenya,,404,B R,10,20\n2,Uganda,,800,B R,30,40\n",
    ),
    "desa-matrix": ("matrix.csv", "Year,Dest,Kenya,Uganda\n1990,Kenya,0,12\n1990,Uganda,30,0\n"),
    "unhcr": (
        "unhcr_population.csv",
        "year,coo_iso,coa_iso,refugees,asylum_seekers\n2019,SOM,KEN,100,20\n2019,SSD,UGA,300,40\n",
    ),
    "missing-migrants": (
        "mm.csv",
        "Incident ID,Year,Number Dead,Minimum Estimated Number of Missing,Total Number of Dead and Missing,"
        "UNSD Geographical Grouping\n"
        "2019.1,2019,1,,1,Eastern Africa\n2019.2,2019,2,1,3,Northern Africa\n",
    ),
    "tidy": ("tidy.csv", "country,year,sex,value\nKEN,2019,Female,1.5\nUGA,2019,,2.5\n"),
}

OPTIONS = {"opensdg": {"default_area": "KEN"}, "tidy": {"options": {"mapping": TIDY_MAPPING}}}

SAMPLES["json"] = (
    "export.json",
    '{"observations": [\n{"series": "S1", "area_m49": "404", "period": "2019", "value": 1.5},\n'
    '{"series": "S1", "area_m49": "800", "period": "2019", "value": 2.5}\n]}\n',
)
# The readers of text tables (the cases in test_bad_input.py are about rows and cells).
TABLE_READERS = sorted(set(SAMPLES) - {"json"})

assert set(SAMPLES) == set(READERS)


def kwargs(name: str) -> dict:
    return dict(OPTIONS.get(name, {}))
