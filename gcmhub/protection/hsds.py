"""The service directory in the Open Referral Human Services Data
Specification (HSDS 3.0): export as JSON and as the tabular CSV package.

JSON (``export_json``): an HSDS API page (``total_items`` … ``contents``)
whose contents are fully nested HSDS services: the provider
``organization``, ``service_at_locations`` with their ``location``
(coordinates, ``addresses``, ``accessibility``), ``phones``, ``schedules``
(opening hours as a description), ``languages``, ``service_areas`` (the
country) and ``attributes`` linking the service to taxonomy terms.

Tabular (``export_tabular`` / ``write_package``): the same as the CSV files
of HSDS's tabular layout (``services.csv``, ``organizations.csv``,
``locations.csv`` …) with a ``datapackage.json`` describing them.

Our taxonomy travels as an HSDS taxonomy (``GCM Hub protection``): one term
per service type, situation of vulnerability, group served and way to refer,
each under a parent term for its branch, with stable UUIDs (``term_id``), so
an export re-imported anywhere keeps its meaning.

Identifiers: a service, organisation or location imported from HSDS keeps
its HSDS id; others get a UUID derived from the site's address and the
record's id (stable between exports of the same site).

No personal data: a service's phone and e-mail are the service's own; no
contact persons are exported (GCM Hub stores none).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone, translation

from .models import ReferralMethod, Service
from .taxonomy import STAGES, load_taxonomy

HSDS_VERSION = "3.0"
NAMESPACE = uuid.UUID("6f0d3a56-8f3e-5b0e-9d55-2c1c6b6c9a01")
TAXONOMY_NAME = "GCM Hub protection"
TAXONOMY_KEY = "gcmhub-protection"
# Branches of our taxonomy: HSDS attribute link_type and the prefix of a term's code.
BRANCHES = {
    "service_type": "Service types",
    "situation": "Situations of vulnerability",
    "group": "Groups served",
    "referral_method": "How to refer",
    "stage": "Migration stages served",
}
STATUS_TO_HSDS = {"active": "active", "suspended": "temporarily closed", "closed": "defunct"}
HSDS_TO_STATUS = {"active": "active", "temporarily closed": "suspended", "inactive": "suspended", "defunct": "closed"}

# The tabular layout: file, columns and datapackage types of the tables we write.
TABLES = {
    "organizations.csv": ("organization", {"id": "string", "name": "string", "description": "string",
                                           "website": "string"}),
    "services.csv": ("service", {
        "id": "string", "organization_id": "string", "name": "string", "description": "string", "url": "string",
        "email": "string", "status": "string", "application_process": "string", "fees_description": "string",
        "eligibility_description": "string", "assured_date": "date", "last_modified": "datetime",
    }),
    "service_at_location.csv": ("service_at_location", {"id": "string", "service_id": "string",
                                                        "location_id": "string"}),
    "locations.csv": ("location", {"id": "string", "location_type": "string", "organization_id": "string",
                                   "name": "string", "latitude": "number", "longitude": "number"}),
    "addresses.csv": ("address", {
        "id": "string", "location_id": "string", "address_1": "string", "city": "string",
        "state_province": "string", "postal_code": "string", "country": "string", "address_type": "string",
    }),
    "accessibility.csv": ("accessibility", {"id": "string", "location_id": "string", "description": "string"}),
    "phones.csv": ("phone", {"id": "string", "service_id": "string", "number": "string", "type": "string"}),
    "schedules.csv": ("schedule", {"id": "string", "service_id": "string", "description": "string"}),
    "languages.csv": ("language", {"id": "string", "service_id": "string", "name": "string", "code": "string"}),
    "service_areas.csv": ("service_area", {"id": "string", "service_id": "string", "name": "string",
                                           "extent_type": "string"}),
    "attributes.csv": ("attribute", {"id": "string", "link_id": "string", "taxonomy_term_id": "string",
                                     "link_type": "string", "link_entity": "string"}),
    "taxonomy_terms.csv": ("taxonomy_term", {
        "id": "string", "code": "string", "name": "string", "description": "string", "parent_id": "string",
        "taxonomy": "string", "language": "string", "taxonomy_id": "string",
    }),
    "taxonomies.csv": ("taxonomy", {"id": "string", "name": "string", "description": "string",
                                    "version": "string"}),
}  # fmt: skip


# Tables whose empty cells are empty strings (every column is text and HSDS requires some of them).
STRINGS_ONLY = ("address",)


# --- identifiers and our taxonomy as HSDS -----------------------------------------------------


def derived_id(kind: str, key) -> str:
    """A stable UUID for a record of this site that has no HSDS id of its own."""
    return str(uuid.uuid5(NAMESPACE, f"{settings.GCMHUB_SITE_URL}/{kind}/{key}"))


def taxonomy_id() -> str:
    return str(uuid.uuid5(NAMESPACE, TAXONOMY_KEY))


def term_id(branch: str, code: str | None = None) -> str:
    """The UUID of a term (``code``) or of a branch's parent term (no code): the same on every site."""
    return str(uuid.uuid5(NAMESPACE, f"{TAXONOMY_KEY}/{branch}/{code}" if code else f"{TAXONOMY_KEY}/{branch}"))


def term_code(branch: str, code: str) -> str:
    return f"{branch}/{code}"


def taxonomy_record() -> dict:
    taxonomy = load_taxonomy()
    return {
        "id": taxonomy_id(),
        "name": TAXONOMY_NAME,
        "description": "Service types, situations of vulnerability (IOM determinants of migrant vulnerability), "
        "groups served and ways to refer, as used by the GCM Hub protection directory.",
        "version": taxonomy.edition,
    }


def _branch_codes() -> dict[str, list[tuple[str, str, str]]]:
    """branch -> [(code, English name, English description)]."""
    from gcmhub.practices.taxonomy import POPULATION_GROUPS

    taxonomy = load_taxonomy()
    with translation.override("en"):
        return {
            "service_type": [(t.code, t.title("en"), t.title("en")) for t in taxonomy.service_types],
            "situation": [(s.code, s.title("en"), s.description("en")) for s in taxonomy.situations],
            "group": [(code, str(label), str(label)) for code, label in POPULATION_GROUPS.items()],
            "referral_method": [(m.value, str(m.label), str(m.label)) for m in ReferralMethod],
            "stage": [(code, taxonomy.stage_label(code, "en"), taxonomy.stage_label(code, "en")) for code in STAGES],
        }


def taxonomy_terms() -> list[dict]:
    """Every term of our taxonomy as HSDS taxonomy terms (parents first)."""
    terms = []
    detail = taxonomy_record()
    for branch, label in BRANCHES.items():
        terms.append({
            "id": term_id(branch), "code": branch, "name": label, "description": label,
            "taxonomy": TAXONOMY_NAME, "taxonomy_id": detail["id"], "language": "en",
        })  # fmt: skip
    for branch, codes in _branch_codes().items():
        for code, name, description in codes:
            terms.append({
                "id": term_id(branch, code), "code": term_code(branch, code), "name": name,
                "description": description or name, "parent_id": term_id(branch), "taxonomy": TAXONOMY_NAME,
                "taxonomy_id": detail["id"], "language": "en",
            })  # fmt: skip
    return terms


def known_terms() -> dict[str, tuple[str, str]]:
    """term id or term code -> (branch, our code), for reading imports."""
    found = {}
    for branch, codes in _branch_codes().items():
        for code, _name, _description in codes:
            found[term_id(branch, code)] = (branch, code)
            found[term_code(branch, code)] = (branch, code)
    return found


# --- one service as HSDS ------------------------------------------------------------------------


def service_id(service: Service) -> str:
    return service.hsds_id or derived_id("service", service.pk)


def organization_id(organization) -> str:
    return derived_id("organization", organization.pk)


def location_id(location) -> str:
    return location.hsds_id or derived_id("location", location.pk)


def _drop_empty(record: dict) -> dict:
    """HSDS fields are strings or numbers, never null: leave out what we do not have."""
    return {key: value for key, value in record.items() if value not in (None, "", [])}


def _service_terms(service: Service) -> list[tuple[str, str]]:
    pairs = [("service_type", service.service_type)]
    pairs += [("situation", s.code) for s in service.situations.all()]
    pairs += [("group", code) for code in service.groups or []]
    pairs += [("referral_method", code) for code in service.referral_methods or []]
    pairs += [("stage", code) for code in service.stages or []]
    return pairs


def _application_process(service: Service) -> str:
    labels = {m.value: str(m.label) for m in ReferralMethod}
    with translation.override("en"):
        methods = [str(labels.get(code, code)) for code in service.referral_methods or []]
    return ("How to refer: " + ", ".join(methods) + ".") if methods else ""


def _language_name(code: str) -> str:
    from django.conf.locale import LANG_INFO

    return LANG_INFO.get(code, {}).get("name", "")


def _location_records(service: Service) -> list[dict]:
    records = []
    for location in service.locations.all():
        lid = location_id(location)
        address = None
        if location.address or location.admin_area:
            address = {
                "id": derived_id("address", lid), "location_id": lid, "address_1": location.address,
                "city": "", "state_province": location.admin_area, "postal_code": "",
                "country": service.area.iso2, "address_type": "physical",
            }  # fmt: skip
        accessibility = (
            {"id": derived_id("accessibility", lid), "location_id": lid, "description": service.accessibility}
            if service.accessibility
            else None
        )
        records.append({
            "location": _drop_empty({
                "id": lid, "location_type": "physical", "organization_id": organization_id(service.provider),
                "name": location.name or service.name, "latitude": location.latitude,
                "longitude": location.longitude,
            }),
            "address": address,
            "accessibility": accessibility,
        })  # fmt: skip
    return records


def _last_modified(service: Service) -> str:
    """ISO 8601 in UTC with milliseconds, as HSDS asks."""
    import datetime

    moment = (service.updated_at or timezone.now()).astimezone(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def service_record(service: Service) -> dict:
    """The service as a fully nested HSDS 3.0 service."""
    sid = service_id(service)
    organization = service.provider
    terms = {term["id"]: term for term in taxonomy_terms()}
    attributes = []
    for branch, code in _service_terms(service):
        tid = term_id(branch, code)
        if tid not in terms:
            continue
        attributes.append({
            "id": derived_id("attribute", f"{sid}/{branch}/{code}"), "link_id": sid, "link_type": branch,
            "link_entity": "service", "taxonomy_term_id": tid,
            "taxonomy_term": {**terms[tid], "taxonomy_detail": taxonomy_record()},
        })  # fmt: skip
    locations = []
    for row in _location_records(service):
        location = dict(row["location"])
        if row["address"]:
            location["addresses"] = [row["address"]]
        if row["accessibility"]:
            location["accessibility"] = [row["accessibility"]]
        locations.append({
            "id": derived_id("service_at_location", f"{sid}/{location['id']}"), "service_id": sid,
            "location_id": location["id"], "location": location,
        })  # fmt: skip
    record = {
        "id": sid,
        "organization_id": organization_id(organization),
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": STATUS_TO_HSDS[service.state],
        "application_process": _application_process(service),
        "fees_description": service.cost,
        "eligibility_description": service.eligibility,
        "assured_date": service.last_verified_on.isoformat() if service.last_verified_on else None,
        "last_modified": _last_modified(service),
        "organization": _drop_empty({
            "id": organization_id(organization), "name": organization.name,
            "description": organization.description or organization.name, "website": organization.website,
        }),
        "phones": [{"id": derived_id("phone", sid), "service_id": sid, "number": service.phone, "type": "voice"}]
        if service.phone else [],
        "schedules": [{"id": derived_id("schedule", sid), "service_id": sid, "description": service.hours}]
        if service.hours else [],
        "languages": [
            _drop_empty({"id": derived_id("language", f"{sid}/{code}"), "service_id": sid, "code": code,
                         "name": _language_name(code)})
            for code in service.languages or []
        ],
        "service_areas": [_drop_empty({
            "id": derived_id("service_area", sid), "service_id": sid, "name": service.area.name_en,
            "extent_type": "country",
        })],
        "service_at_locations": locations,
        "attributes": attributes,
    }  # fmt: skip
    return _drop_empty(record)


def for_export(services) -> Iterable[Service]:
    return (
        services.select_related("provider", "area")
        .prefetch_related("situations", "locations")
        .order_by("area__iso3", "name", "pk")
    )


def export_json(services) -> dict:
    """An HSDS API page holding every service (fully nested)."""
    contents = [service_record(service) for service in for_export(services)]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


# --- the tabular package -------------------------------------------------------------------------


def export_tabular(services) -> dict[str, list[dict]]:
    """file name -> rows, in HSDS's tabular layout."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLES}
    organizations = {}
    for service in for_export(services):
        record = service_record(service)
        organization = record.pop("organization")
        organizations.setdefault(organization["id"], organization)
        sid = record["id"]
        for saloc in record.pop("service_at_locations", []):
            location = saloc.pop("location")
            tables["addresses.csv"] += location.pop("addresses", [])
            tables["accessibility.csv"] += location.pop("accessibility", [])
            tables["locations.csv"].append(location)
            tables["service_at_location.csv"].append(saloc)
        tables["phones.csv"] += record.pop("phones", [])
        tables["schedules.csv"] += record.pop("schedules", [])
        tables["languages.csv"] += record.pop("languages", [])
        tables["service_areas.csv"] += record.pop("service_areas", [])
        for attribute in record.pop("attributes", []):
            attribute.pop("taxonomy_term", None)
            tables["attributes.csv"].append(attribute)
        record["id"] = sid
        tables["services.csv"].append(record)
    tables["organizations.csv"] = list(organizations.values())
    tables["taxonomy_terms.csv"] = taxonomy_terms()
    tables["taxonomies.csv"] = [taxonomy_record()]
    return tables


def datapackage() -> dict:
    """The ``datapackage.json`` describing the CSV files."""
    resources = []
    for path, (name, columns) in TABLES.items():
        schema = {"fields": [{"name": column, "type": kind} for column, kind in columns.items()], "primaryKey": "id"}
        if name in STRINGS_ONLY:
            # HSDS requires these columns even when we have no value (a city, a postal code): an empty
            # cell is an empty string here, not a missing value.
            schema["missingValues"] = []
        resources.append({
            "name": name, "path": path, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
        })  # fmt: skip
    return {
        "name": "gcmhub-service-directory",
        "title": "GCM Hub service directory (HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "created": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "resources": resources,
    }


def csv_text(path: str, rows: list[dict]) -> str:
    columns = list(TABLES[path][1])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: "" if row.get(column) is None else row.get(column) for column in columns})
    return buffer.getvalue()


def write_package(services, stream) -> int:
    """Write the tabular package as a zip (``datapackage.json`` + CSVs); returns the number of services."""
    tables = export_tabular(services)
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps(datapackage(), indent=2, ensure_ascii=False))
        for path, rows in tables.items():
            archive.writestr(path, csv_text(path, rows))
    return len(tables["services.csv"])
