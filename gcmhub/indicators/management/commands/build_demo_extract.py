"""`gcmhub build_demo_extract`: write the demo site's indicator extract.

Reads the real published files in ``settings.SHARED_DATA_DIR`` with the
project's own readers (``gcmhub.indicators.formats``), keeps the migration
indicators, and writes them to ``gcmhub/indicators/demo_data/``:

* ``unsd-sdg-global.csv`` (+ ``.mapping.yml``) — SDG 10.7.2 (country scores
  with the six policy domains, and the share of countries), 10.7.3, 10.7.4,
  10.c.1 and 17.3.2 for every country and region that reports them, from the
  UNSD Global SDG Indicators Database extract; tidy CSV in the layout of
  ``gcmhub export csv``, read back by the ``tidy`` reader.
* ``undesa-ims-2020-table1.csv`` and ``-table3.csv`` — international migrant
  stock (number, and % of population) by sex, 1990–2020, from UN DESA's
  official 2020 workbook; written in DESA's own table layout (flattened
  header), read back by the ``desa-stock`` reader.
* ``SOURCES.md`` — publisher, dataset, file and snapshot commit of each
  source (from ``PROVENANCE.md``), and what was kept.

Areas are resolved with the geo resolver, so every row of the extract loads:
an area code the M49 table does not know is left out and listed in
SOURCES.md. The areas must be loaded (``gcmhub init``). The extract must
stay under 2 MB; the command fails otherwise.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gcmhub.indicators import exporters
from gcmhub.indicators.demo import DEMO_DIR, MAX_BYTES
from gcmhub.indicators.formats import Problem, get_reader

UNSD_DIR = "unsd-sdg-global"
UNSD_FILES = (
    ("ddf--datapoints--sg_cpa_migrs--by--geo_area--nature--policy_domains--units--year.csv", "10.7.2"),
    ("ddf--datapoints--sg_cpa_migrp--by--geo_area--nature--policy_domains--units--year.csv", "10.7.2"),
    ("ddf--datapoints--sm_dth_migr--by--geo_area--nature--units--year.csv", "10.7.3"),
    ("ddf--datapoints--sm_pop_refg_or--by--geo_area--nature--units--year.csv", "10.7.4"),
    ("ddf--datapoints--si_rmt_cost--by--geo_area--nature--units--year.csv", "10.c.1"),
    ("ddf--datapoints--bx_trf_pwkr--by--geo_area--nature--units--year.csv", "17.3.2"),
    ("ddf--datapoints--sl_emp_ftlinjur--by--geo_area--migratory_status--nature--sex--units--year.csv", "8.8.1"),
    ("ddf--datapoints--sl_lbr_ntlcpl--by--geo_area--migratory_status--nature--units--year.csv", "8.8.2"),
    ("ddf--datapoints--vc_htf_detv--by--age--geo_area--nature--sex--units--year.csv", "16.2.2"),
    ("ddf--datapoints--sg_stt_capty--by--geo_area--nature--units--year.csv", "17.19.1"),
)
# The countries whose pages the demo is shown on; the files with one row per
# country and year beyond the UNSD extract are kept to these (and the world).
DEMO_COUNTRIES = ("KEN", "MEX", "PHL", "MAR", "ARM", "CAN", "MLT")
# National Open SDG platforms that publish the 10.7.2 policy-domain scores for
# years the UNSD extract (2019 only) does not have: a second year makes the
# scores assessable. (folder, country, publisher)
NATIONAL_10_7_2 = (
    ("sdg-armenia", "ARM", "Statistical Committee of the Republic of Armenia (Armstat), Open SDG platform"),
    ("sdg-canada", "CAN", "Statistics Canada, Canadian SDG data hub (Open SDG)"),
    ("sdg-malta", "MLT", "National Statistics Office Malta, Open SDG platform"),
)
MMP_DIR = "iom-missing-migrants"
# Whole calendar years after the UNSD extract's last (2019); the 2022 file
# covers January to early July only, so it is left out.
MMP_FILES = ("MissingMigrants-Global-2020.csv", "MissingMigrants-Global-2021.csv")
UNHCR_DIR = "unhcr"
UNHCR_FILE = "unhcr_population.csv"
UNHCR_FROM_YEAR = 2000
# The columns kept: who is where, and the refugees and asylum-seekers there.
UNHCR_COLUMNS = ("year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso", "refugees", "asylum_seekers")
UNHCR_SERIES = ("UNHCR_POPULATION_REFUGEES", "UNHCR_POPULATION_ASYLUM_SEEKERS")
WDI_DIR = "worldbank"
WDI_FILES = (
    "API_BX.TRF.PWKR.CD.DT_DS2_en_csv_from_excel_v2_6000901.csv",
    "API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv",
    "API_SM.POP.NETM_DS2_en_csv_v2_3401672.csv",
    "API_SM.POP.REFG.OR_DS2_en_csv_from_excel_v2_5997665.csv",
)
UNSD_SOURCE = "UN Statistics Division, Global SDG Indicators Database (2020 snapshot)"
DESA_DIR = "undesa-ims"
DESA_FILE = "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
DESA_TABLES = (
    (
        "Table 1",
        "undesa-ims-2020-table1.csv",
        "Table 1. International migrant stock at mid-year by sex and by region, country or area of "
        "destination, 1990-2020",
    ),
    (
        "Table 3",
        "undesa-ims-2020-table3.csv",
        "Table 3. International migrant stock as a percentage of the total population at mid-year by sex "
        "and by region, country or area of destination, 1990-2020",
    ),
)
_PROVENANCE_ROW = re.compile(r"`(?P<repo>[^`]+)`\s*:\s*`(?P<path>[^`]+)`\s*@\s*`(?P<commit>[0-9a-f]+)`")


class Command(BaseCommand):
    help = "Write the demo indicator extract (gcmhub/indicators/demo_data/) from the real files in SHARED_DATA_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None, help="Default: settings.SHARED_DATA_DIR.")
        parser.add_argument("--out", type=Path, default=DEMO_DIR, help="Default: gcmhub/indicators/demo_data/.")

    def handle(self, *args, data_dir=None, out=DEMO_DIR, **options):
        data_dir = Path(data_dir or settings.SHARED_DATA_DIR)
        if not (data_dir / UNSD_DIR).is_dir() or not (data_dir / DESA_DIR / DESA_FILE).is_file():
            raise CommandError(f"The shared data are not in {data_dir} (expected {UNSD_DIR}/ and {DESA_DIR}/).")
        from gcmhub.geo.models import Area

        if not Area.objects.exists():
            raise CommandError("No areas in the database: run `gcmhub init` first.")
        out.mkdir(parents=True, exist_ok=True)
        provenance = _provenance(data_dir / "PROVENANCE.md")
        resolver = _Areas()
        notes = []
        unsd_note, unsd_keys = self._unsd(data_dir, out, resolver, provenance)
        notes.append(unsd_note)
        notes.append(self._national(data_dir, out, resolver, provenance, unsd_keys))
        notes.append(self._missing_migrants(data_dir, out, resolver, provenance, unsd_keys))
        notes.append(self._wdi(data_dir, out, resolver, provenance))
        notes.append(self._unhcr(data_dir, out, resolver, provenance))
        for sheet, name, title in DESA_TABLES:
            notes.append(self._desa(data_dir, out, resolver, provenance, sheet, name, title))
        (out / "SOURCES.md").write_text(_sources_md(notes), encoding="utf-8")
        total = sum(path.stat().st_size for path in out.iterdir() if path.is_file())
        for note in notes:
            self.stdout.write(f"{note['file']}: {note['rows']:,} observations, {note['areas']} areas, {note['years']}")
        self.stdout.write(f"extract: {total:,} bytes in {out}")
        if total > MAX_BYTES:
            raise CommandError(f"The extract is {total:,} bytes, more than the {MAX_BYTES:,} allowed.")

    # --- UNSD SDG database ---------------------------------------------------------

    def _unsd(self, data_dir: Path, out: Path, resolver, provenance) -> tuple[dict, set]:
        reader = get_reader("unsd-sdg")
        rows = []
        dropped: dict[str, int] = defaultdict(int)
        files = []
        for name, indicator in UNSD_FILES:
            path = data_dir / UNSD_DIR / name
            files.append((name, indicator, provenance.get(f"{UNSD_DIR}/{name}")))
            for record in reader.read(str(path)):
                if isinstance(record, Problem):
                    raise CommandError(f"{record}")
                if record.value is None:
                    continue
                area = resolver.area(record.area, record.area_scheme)
                if area is None:
                    dropped[record.area] += 1
                    continue
                rows.append(
                    exporters.ExportRow(
                        record.series, record.indicator or indicator, area.m49, area.iso3, area.name_en,
                        record.period, record.year, record.dimensions, record.value, record.unit or "",
                        record.unit_mult, record.obs_status or "", record.nature or "", record.footnote or "", "",
                    )
                )  # fmt: skip
        rows.sort(key=lambda r: (r.series, r.area_m49, r.year, r.period, r.dimensions))
        codes = sorted({code for row in rows for code, _value in row.dimensions})
        target = out / "unsd-sdg-global.csv"
        with target.open("w", encoding="utf-8", newline="") as fh:
            exporters.write("csv", iter(rows), fh, dimension_codes=codes, several_areas=True)
        mapping = yaml.safe_load(exporters.mapping_for(codes))
        mapping["source"] = {"value": UNSD_SOURCE}
        header = (
            "# Column mapping of unsd-sdg-global.csv for the tidy reader (gcmhub import tidy).\n"
            "# Written by gcmhub build_demo_extract.\n"
        )
        (out / "unsd-sdg-global.mapping.yml").write_text(
            header + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        note = _note(
            target.name, "tidy", UNSD_SOURCE, "UN Statistics Division (UNSD)", "Global SDG Indicators Database",
            files, rows, dropped,
        )  # fmt: skip
        return note, {_key(row) for row in rows}

    # --- National Open SDG platforms: later years of 10.7.2 ----------------------------

    def _national(self, data_dir: Path, out: Path, resolver, provenance, unsd_keys: set) -> dict:
        reader = get_reader("opensdg")
        rows, files, dropped, kept_out = [], [], defaultdict(int), 0
        for folder, country, publisher in NATIONAL_10_7_2:
            path = data_dir / folder / "indicator_10-7-2.csv"
            files.append((f"{folder}/{path.name}", "10.7.2", provenance.get(f"{folder}/{path.name}")))
            options = {"series": "SG_CPA_MIGRS"}
            for record in _records(reader.read(str(path), default_area=country, options=options)):
                area = resolver.area(record.area, record.area_scheme)
                if area is None:
                    dropped[record.area] += 1
                    continue
                row = _row(record, area, "10.7.2", unit="NUMBER", source=publisher)
                if _key(row) in unsd_keys:
                    kept_out += 1  # the UNSD extract already holds that year
                    continue
                rows.append(row)
        note = self._write_tidy(
            out, "national-open-sdg-10-7-2.csv", rows, "; ".join(publisher for _f, _c, publisher in NATIONAL_10_7_2),
            "SDG 10.7.2 policy-domain scores (1-4) reported nationally", files, dropped,
        )  # fmt: skip
        note["extra"] = (
            f"Only years the UNSD extract lacks are kept ({kept_out} observations it already holds left out)."
        )
        return note

    # --- IOM Missing Migrants Project: 10.7.3 after 2019 ----------------------------------

    def _missing_migrants(self, data_dir: Path, out: Path, resolver, provenance, unsd_keys: set) -> dict:
        reader = get_reader("missing-migrants")
        rows, files, dropped = [], [], defaultdict(int)
        for name in MMP_FILES:
            path = data_dir / MMP_DIR / name
            files.append((name, "10.7.3", provenance.get(f"{MMP_DIR}/{name}")))
            for record in _records(reader.read(str(path))):
                area = resolver.area(record.area, record.area_scheme)
                if area is None:
                    dropped[record.area] += 1
                    continue
                row = _row(record, area, "10.7.3")
                if _key(row) not in unsd_keys:
                    rows.append(row)
        return self._write_tidy(
            out, "iom-missing-migrants.csv", rows, "IOM Missing Migrants Project",
            "Missing Migrants incident data, totals by UN SDG region and year (2020, 2021)", files, dropped,
        )  # fmt: skip

    # --- World Bank WDI: remittances, net migration, refugees by origin ----------------------

    def _wdi(self, data_dir: Path, out: Path, resolver, provenance) -> dict:
        reader = get_reader("wdi")
        values: dict[tuple, dict[int, float]] = defaultdict(dict)
        names: dict[str, str] = {}
        files, kept, dropped = [], [], defaultdict(int)
        wanted = set(DEMO_COUNTRIES)
        for name in WDI_FILES:
            path = data_dir / WDI_DIR / name
            files.append((name, "context", provenance.get(f"{WDI_DIR}/{name}")))
            for record in _records(reader.read(str(path))):
                area = resolver.area(record.area, record.area_scheme)
                if area is None:
                    dropped[record.area] += 1
                    continue
                if area.iso3 not in wanted and area.m49 != "001":
                    continue
                names[record.series] = record.series_name or record.series
                values[(area, record.series)][record.year] = record.value
                kept.append(_row(record, area, ""))
        years = sorted({year for by_year in values.values() for year in by_year})
        target = out / "worldbank-wdi.csv"
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            # WDI's own layout (API CSV), read back by the wdi reader.
            writer.writerow(["Data Source", "World Development Indicators"])
            writer.writerow([])
            writer.writerow(["Country Name", "Country Code", "Indicator Name", "Indicator Code", *map(str, years)])
            for (area, series), by_year in sorted(values.items(), key=lambda item: (item[0][0].name_en, item[0][1])):
                code = "WLD" if area.m49 == "001" else area.iso3
                writer.writerow(
                    [area.name_en, code, names[series], series, *(_wdi_number(by_year.get(year)) for year in years)]
                )
        return _note(
            target.name, "wdi", "World Bank, World Development Indicators", "World Bank",
            "World Development Indicators: personal remittances received and paid (current US$), net migration, "
            "refugee population by country of origin", files, kept, dropped,
        )  # fmt: skip

    # --- UNHCR: forcibly displaced people hosted by the demo countries -------------------

    def _unhcr(self, data_dir: Path, out: Path, resolver, provenance) -> dict:
        """Refugees and asylum-seekers hosted by the demo countries from 2000,
        in UNHCR's own layout (fewer columns): the reader picks the rows (by
        line), those where either number is not zero."""
        reader = get_reader("unhcr")
        path = data_dir / UNHCR_DIR / UNHCR_FILE
        wanted = set(DEMO_COUNTRIES)
        lines: set[int] = set()
        kept, dropped = [], defaultdict(int)
        for record in _records(reader.read(str(path))):
            if record.year < UNHCR_FROM_YEAR or record.series not in UNHCR_SERIES:
                continue
            area = resolver.area(record.area, record.area_scheme)
            if area is None:
                dropped[record.area] += 1
                continue
            if area.iso3 in wanted and record.value:
                lines.add(record.line)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [row for line, row in enumerate(csv.DictReader(handle), start=2) if line in lines]
        target = out / "unhcr-population.csv"
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, UNHCR_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        for record in _records(reader.read(str(target))):
            kept.append(_row(record, resolver.area(record.area, record.area_scheme), ""))
        files = [(UNHCR_FILE, "context", provenance.get(f"{UNHCR_DIR}/{UNHCR_FILE}"))]
        return _note(
            target.name, "unhcr", "UNHCR Refugee Population Statistics Database", "UNHCR",
            f"End-year stock of forcibly displaced and stateless people by origin and asylum, from {UNHCR_FROM_YEAR}; "
            "countries of asylum: " + ", ".join(DEMO_COUNTRIES), files, kept, dropped,
        )  # fmt: skip

    def _write_tidy(self, out: Path, name: str, rows: list, publisher: str, dataset: str, files, dropped) -> dict:
        rows.sort(key=lambda r: (r.series, r.area_m49, r.year, r.period, r.dimensions))
        codes = sorted({code for row in rows for code, _value in row.dimensions})
        target = out / name
        with target.open("w", encoding="utf-8", newline="") as fh:
            exporters.write("csv", iter(rows), fh, dimension_codes=codes, several_areas=True)
        header = f"# Column mapping of {name} for the tidy reader (gcmhub import tidy).\n# Written by gcmhub build_demo_extract.\n"
        (out / name.replace(".csv", ".mapping.yml")).write_text(header + exporters.mapping_for(codes), encoding="utf-8")
        return _note(name, "tidy", "the Source column of each row", publisher, dataset, files, rows, dropped)

    # --- UN DESA International Migrant Stock ----------------------------------------------

    def _desa(self, data_dir: Path, out: Path, resolver, provenance, sheet: str, name: str, title: str) -> dict:
        reader = get_reader("desa-stock")
        path = data_dir / DESA_DIR / DESA_FILE
        table: dict[str, dict] = {}
        years: set[int] = set()
        dropped: dict[str, int] = defaultdict(int)
        kept = []
        source = ""
        for record in reader.read(str(path), options={"sheet": sheet}):
            if isinstance(record, Problem):
                raise CommandError(f"{record}")
            area = resolver.area(record.area, record.area_scheme)
            if area is None:
                dropped[record.area] += 1
                continue
            source = record.source or source
            sex = dict(record.dimensions).get("SEX", "both")
            entry = table.setdefault(
                area.m49,
                {"area": area, "type": (record.footnote or "").removeprefix("type of data:").strip(), "values": {}},
            )
            entry["values"][({"F": "female", "M": "male"}.get(sex, "both"), record.year)] = record.value
            years.add(record.year)
            kept.append(
                exporters.ExportRow(
                    record.series, "", area.m49, area.iso3, area.name_en, record.period, record.year,
                    record.dimensions, record.value, record.unit or "", None, "", "", "", "",
                )
            )  # fmt: skip
        ordered_years = sorted(years)
        columns = [f"{sex}_{year}" for sex in ("both", "male", "female") for year in ordered_years]
        target = out / name
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([title])
            writer.writerow(["index", "region_country_area", "notes", "location_code", "type_of_data", *columns])
            world = table.pop("001", None)
            entries = ([world] if world else []) + sorted(table.values(), key=lambda e: e["area"].name_en)
            for index, entry in enumerate(entries, 1):
                area = entry["area"]
                code = "900" if area.m49 == "001" else str(int(area.m49))
                cells = [_number(entry["values"].get((sex, year))) for sex in ("both", "male", "female")
                         for year in ordered_years]  # fmt: skip
                writer.writerow([index, area.name_en, "", code, entry["type"], *cells])
        dataset = "International Migrant Stock 2020: Destination (POP/DB/MIG/Stock/Rev.2020), " + sheet
        files = [(DESA_FILE, sheet, provenance.get(f"{DESA_DIR}/{DESA_FILE}"))]
        return _note(
            target.name, "desa-stock", source, "UN DESA Population Division", dataset, files, kept, dropped
        )


class _Areas:
    """Area codes of the readers → Area rows, through the geo resolver's index."""

    def __init__(self):
        from gcmhub.geo.resolver import get_resolver

        self.resolver = get_resolver()
        self.cache: dict[tuple, object] = {}

    def area(self, text, scheme):
        key = (text, scheme)
        if key not in self.cache:
            found = None
            try:
                if scheme in ("m49", "iso3", "iso2"):
                    found = self.resolver.areas[self.resolver.index.m49_for(str(text))]
                else:
                    found = self.resolver.resolve(str(text))
            except Exception:  # noqa: BLE001 - unknown or ambiguous: left out and listed
                found = None
            self.cache[key] = found
        return self.cache[key]


def _records(records):
    """The observations with a value; a reader's problem stops the build."""
    for record in records:
        if isinstance(record, Problem):
            raise CommandError(f"{record}")
        if record.value is not None:
            yield record


def _row(record, area, indicator: str, *, unit: str = "", source: str = "") -> exporters.ExportRow:
    return exporters.ExportRow(
        record.series, record.indicator or indicator, area.m49, area.iso3, area.name_en, record.period,
        record.year, record.dimensions, record.value, record.unit or unit, record.unit_mult,
        record.obs_status or "", record.nature or "", record.footnote or "", source or record.source or "",
    )  # fmt: skip


def _key(row: exporters.ExportRow) -> tuple:
    """What makes two rows the same observation."""
    return (row.series, row.area_m49, row.period, row.dimensions)


def _wdi_number(value) -> str:
    return "" if value is None else exporters.number(float(value))


def _number(value) -> str:
    if value is None:
        return ".."
    return exporters.number(float(value))


def _provenance(path: Path) -> dict[str, dict]:
    """``folder/file`` → {repo, path, commit} from the PROVENANCE.md tables."""
    found: dict[str, dict] = {}
    if not path.is_file():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        match = _PROVENANCE_ROW.search(cells[2] if len(cells) > 2 else "")
        if match:
            found[cells[0].strip("`")] = match.groupdict()
    return found


def _note(file, fmt, source, publisher, dataset, files, rows, dropped) -> dict:
    series: dict[str, dict] = {}
    for row in rows:
        item = series.setdefault(row.series, {"indicator": row.indicator, "rows": 0, "areas": set(), "years": set()})
        item["rows"] += 1
        item["areas"].add(row.area_m49)
        item["years"].add(row.year)
    years = sorted({row.year for row in rows})
    return {
        "file": file,
        "format": fmt,
        "source": source,
        "publisher": publisher,
        "dataset": dataset,
        "files": files,
        "rows": len(rows),
        "areas": len({row.area_m49 for row in rows}),
        "years": f"{years[0]}–{years[-1]}" if years else "",
        "series": series,
        "dropped": dict(sorted(dropped.items())),
    }


def _sources_md(notes: list[dict]) -> str:
    lines = [
        "# Sources of the demo indicator data",
        "",
        "Written by `gcmhub build_demo_extract` from the public datasets in `../shared/data/`,",
        "read with GCM Hub's own readers and written back in a format those readers accept.",
        "The values are as published; only the indicators below and the areas GCM Hub knows",
        "(UN M49) are kept. `gcmhub demo` imports these files with `load_demo_indicators()`.",
        "Raw files are not committed.",
        "",
    ]
    for note in notes:
        lines += [
            f"## `{note['file']}`",
            "",
            f"- Publisher: **{note['publisher']}**",
            f"- Dataset: {note['dataset']}",
            f"- Source recorded on each value: “{note['source']}”",
            f"- Read back with: `gcmhub import {note['format']}`",
        ]
        for name, label, origin in note["files"]:
            where = (
                f"`{origin['repo']}` : `{origin['path']}` @ `{origin['commit']}`" if origin else "(see PROVENANCE.md)"
            )
            lines.append(f"- From `{name}` ({label}), snapshot {where}")
        lines += ["", "| series | indicator | observations | areas | years |", "|---|---|---|---|---|"]
        for code, item in sorted(note["series"].items()):
            years = sorted(item["years"])
            lines.append(
                f"| `{code}` | {item['indicator'] or 'context'} | {item['rows']:,} | {len(item['areas'])} | "
                f"{years[0]}–{years[-1]} |"
            )
        if note.get("extra"):
            lines += ["", note["extra"]]
        if note["dropped"]:
            codes = ", ".join(f"{code} ({count})" for code, count in note["dropped"].items())
            lines += ["", f"Left out (area code not in the M49 table; observations): {codes}."]
        lines.append("")
    return "\n".join(lines)
