"""Small real-format files imported by the project's own importers, then the aggregates built.

The values are chosen so that a mistake shows: a stored zero (UNHCR), a
counterpart that is no area (UNHCR ``UNK``), DESA's ambiguous "Congo", a
quarterly cost whose latest quarter differs from the first one.
"""

from pathlib import Path

import pytest

from gcmhub.explorer.aggregates import rebuild
from gcmhub.indicators.demo import DEMO_DIR
from gcmhub.indicators.incidents import import_incidents
from gcmhub.indicators.services import run_import

DESA = """Year,Dest,Mexico,Guatemala,Congo,United States of America
2019,United States of America,11489684,0,5,0
2015,United States of America,12050031,1000,0,0
2019,Mexico,0,42874,0,762290
2019,South America,300,0,0,0
"""
RPW = (
    "Sending Countries Name,Sending Countries Code,Series Name,Series Code,Receiving Countries  Name,"
    "Receiving Countries  Code,2019Q1 [YR2019Q1],2019Q2 [YR2019Q2],2020Q1 [YR2020Q1]\n"
    "United States,USA,Average Total Cost to remit in corridor,ATCR.CORR,Mexico,MEX,5.2,4.9,..\n"
    "United States,USA,Average Total Cost to remit in corridor,ATCR.CORR,Guatemala,GTM,4.0,..,2.5\n"
)
UNHCR = """year,coo_name,coo,coo_iso,coa_name,coa,coa_iso,refugees,asylum_seekers
2019,Mexico,MEX,MEX,United States of America,USA,USA,0,1000
2019,Unknown,UKN,UNK,United States of America,USA,USA,50,7
2019,Guatemala,GTM,GTM,Mexico,MEX,MEX,100,20
"""
INCIDENTS = (
    '"Main ID","Incident ID",Region,"Incident Date",Year,"Number Dead","Minimum Estimated Number of Missing",'
    '"Total Number of Dead and Missing","Cause of Death",Coordinates,"Migrantion route","UNSD Geographical Grouping"\n'
    '2019.1,2019.1,US-Mexico Border,"Wed, 01/02/2019 - 12:00",2019,2,,2,Drowning,"29.5, -104.1",,Central America\n'
    '2019.2,2019.2,Mediterranean,"Thu, 01/03/2019 - 12:00",2019,1,3,4,Drowning,"35.9, -3.8",Western Mediterranean,'
    "Uncategorized\n"
    '2020.1,2020.1,US-Mexico Border,"Fri, 01/03/2020 - 12:00",2020,0,0,0,Unknown,"31.0, -110.0",,Central America\n'
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(db, tmp_path):
    """The files above imported, and the DESA 2020 Table 1 of the indicators demo (immigrant stock)."""
    run_import(None, "desa-matrix", write(tmp_path, "matrix.csv", DESA))
    run_import(None, "desa-stock", DEMO_DIR / "undesa-ims-2020-table1.csv")
    run_import(None, "rpw", write(tmp_path, "rpw.csv", RPW))
    run_import(None, "unhcr", write(tmp_path, "unhcr_population.csv", UNHCR))
    import_incidents(None, [write(tmp_path, "incidents.csv", INCIDENTS)])
    rebuild()
    return tmp_path
