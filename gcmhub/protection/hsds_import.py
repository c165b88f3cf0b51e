"""Import a service directory in HSDS 3.0: JSON, or the tabular CSV package
(a ``.zip`` or a directory of CSV files, ``datapackage.json`` optional).

All or nothing: every service is read and checked, and written only if none
has a problem; otherwise nothing is written and each problem names its file,
its line (CSV) or record (JSON), the HSDS field and the reason
(``file:line 3: email: Enter a valid email address.``). Details we cannot
keep are listed as warnings (contacts: GCM Hub stores no personal names;
coordinates out of range; language codes that are not ISO 639-1).

JSON may be one service, a list of services, an HSDS API page
(``contents``) or an organisation with its ``services``. A service whose
HSDS id is already in the directory is updated (through the same rules: an
edit of a published service by a non-reviewer is held for review); others
are created. The provider organisation is matched by name, else created.
The country comes from ``area`` (ISO3), else from the first address.
Service types and situations come from our taxonomy's terms
(``hsds.known_terms``); a service without a type term gets ``default_type``.

Imports by the system operator (``actor`` None) or a reviewer are published
at once (``publish`` None), as their edits are; others' are drafts.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from gcmhub.errors import GcmHubError

from . import hsds, inputs, services
from .inputs import ServiceInput
from .models import NAME_MAX, Service, Situation

MAX_BYTES = 20 * 1024 * 1024
MAX_SERVICES = 5000
MAX_ROWS = 100_000
MAX_DEPTH = 32
REQUIRED_FILES = ("services.csv",)

# Our field -> the HSDS field a problem with it is about.
HSDS_FIELD = {
    "name": "name", "description": "description", "url": "url", "email": "email", "state": "status",
    "cost": "fees_description", "eligibility": "eligibility_description", "phone": "phones.number",
    "hours": "schedules.description", "languages": "languages.code", "locations": "location",
    "service_type": "attributes.taxonomy_term", "situations": "attributes.taxonomy_term", "groups": "attributes",
    "referral_methods": "attributes", "stages": "attributes.taxonomy_term", "provider": "organization", "area": "addresses.country",
    "accessibility": "accessibility.description", "verified_on": "assured_date", "__all__": "",
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    file: str
    where: str  # "line 3" (CSV) or "record 2" (JSON)
    field: str
    reason: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.where}" if self.where else self.file
        return f"{place}: {self.field}: {self.reason}" if self.field else f"{place}: {self.reason}"


@dataclass
class ImportReport:
    file: str
    dry_run: bool = False
    services: int = 0
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    organizations_created: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class ImportRefused(GcmHubError):
    status_code = 422

    def __init__(self, report: ImportReport):
        self.report = report
        first = report.problems[0] if report.problems else None
        super().__init__(str(first) if first else _("The import was refused."))


@dataclass
class Origin:
    """Where each part of one service came from, for naming problems."""

    file: str
    where: str
    places: dict = field(default_factory=dict)  # our field -> (file, where, hsds field)

    def of(self, our_field: str) -> tuple[str, str, str]:
        return self.places.get(our_field, (self.file, self.where, HSDS_FIELD.get(our_field, our_field)))


@dataclass
class Entry:
    record: dict  # a nested HSDS service
    origin: Origin


# --- reading -----------------------------------------------------------------------------------


def _refuse(name: str, where: str, field_name: str, reason: str) -> ImportRefused:
    report = ImportReport(file=name)
    report.problems.append(Problem(name, where, field_name, reason))
    return ImportRefused(report)


def _depth(value, limit: int = MAX_DEPTH, level: int = 0) -> int:
    if level > limit:
        return level
    if isinstance(value, dict):
        return max([_depth(v, limit, level + 1) for v in value.values()] or [level])
    if isinstance(value, list):
        return max([_depth(v, limit, level + 1) for v in value] or [level])
    return level


def _no_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def read_json(data: bytes, name: str) -> list[Entry]:
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise _refuse(name, "", "", _("not valid UTF-8 JSON (%(error)s).") % {"error": error}) from None
    if _depth(document) > MAX_DEPTH:
        raise _refuse(name, "", "", _("nested deeper than %(depth)d levels.") % {"depth": MAX_DEPTH})
    organization = None
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        records = document["contents"]
    elif isinstance(document, dict) and isinstance(document.get("services"), list) and "status" not in document:
        organization = {k: v for k, v in document.items() if k != "services"}
        records = document["services"]
    elif isinstance(document, dict) and "name" in document:
        records = [document]
    elif isinstance(document, list):
        records = document
    else:
        raise _refuse(name, "", "", _("not an HSDS service, a list or page of services, or an organisation."))
    if len(records) > MAX_SERVICES:
        raise _refuse(name, "", "", _("more than %(count)d services.") % {"count": MAX_SERVICES})
    entries = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise _refuse(name, f"record {index}", "", _("a service is a JSON object."))
        if organization is not None and not record.get("organization"):
            record = {**record, "organization": organization}
        entries.append(Entry(record, Origin(name, f"record {index}")))
    return entries


def _read_csv(files: dict[str, bytes], path: str, name: str) -> list[tuple[int, dict]]:
    if path not in files:
        return []
    try:
        text = files[path].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(f"{name}/{path}", "", "", _("not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS:
                raise _refuse(f"{name}/{path}", "", "", _("more than %(count)d rows.") % {"count": MAX_ROWS})
            if None in row:
                raise _refuse(f"{name}/{path}", f"line {reader.line_num}", "", _("more cells than columns."))
            rows.append((reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k}))
    except csv.Error as error:
        raise _refuse(f"{name}/{path}", f"line {reader.line_num}", "", str(error)) from None
    return rows


def _number(value: str):
    if value in ("", None):
        return None
    try:
        return float(value)
    except ValueError:
        return value  # kept as text: the check names it


def read_tabular(files: dict[str, bytes], name: str) -> list[Entry]:
    """The CSV package as nested services, each part remembering its file and line."""
    if "services.csv" not in files:
        raise _refuse(name, "", "", _("no services.csv: not an HSDS tabular package."))

    def table(path):
        return _read_csv(files, path, name)

    def by(rows, key):
        index: dict[str, list[tuple[int, dict]]] = {}
        for line, row in rows:
            if row.get(key):
                index.setdefault(row[key], []).append((line, row))
        return index

    organizations = {row["id"]: (line, row) for line, row in table("organizations.csv") if row.get("id")}
    locations = {row["id"]: (line, row) for line, row in table("locations.csv") if row.get("id")}
    terms = {row["id"]: row for _line, row in table("taxonomy_terms.csv") if row.get("id")}
    service_at = by(table("service_at_location.csv"), "service_id")
    addresses = by(table("addresses.csv"), "location_id")
    accessibility = by(table("accessibility.csv"), "location_id")
    phones = by(table("phones.csv"), "service_id")
    schedules = by(table("schedules.csv"), "service_id")
    languages = by(table("languages.csv"), "service_id")
    attributes = by(table("attributes.csv"), "link_id")
    contacts = table("contacts.csv")
    services_rows = table("services.csv")
    if len(services_rows) > MAX_SERVICES:
        raise _refuse(f"{name}/services.csv", "", "", _("more than %(count)d services.") % {"count": MAX_SERVICES})

    def at(path, line):
        return (f"{name}/{path}", f"line {line}")

    entries = []
    for line, row in services_rows:
        sid = row.get("id", "")
        origin = Origin(*at("services.csv", line))
        record = {k: v for k, v in row.items() if v != ""}
        org = organizations.get(row.get("organization_id", ""))
        if org:
            record["organization"] = org[1]
            origin.places["provider"] = (*at("organizations.csv", org[0]), "name")
        record["phones"] = [r for _l, r in phones.get(sid, [])]
        if phones.get(sid):
            origin.places["phone"] = (*at("phones.csv", phones[sid][0][0]), "number")
        record["schedules"] = [r for _l, r in schedules.get(sid, [])]
        if schedules.get(sid):
            origin.places["hours"] = (*at("schedules.csv", schedules[sid][0][0]), "description")
        record["languages"] = [r for _l, r in languages.get(sid, [])]
        if languages.get(sid):
            origin.places["languages"] = (*at("languages.csv", languages[sid][0][0]), "code")
        record["attributes"] = []
        for attribute_line, attribute in attributes.get(sid, []):
            term = terms.get(attribute.get("taxonomy_term_id", ""))
            record["attributes"].append({**attribute, "taxonomy_term": term} if term else attribute)
            origin.places.setdefault("service_type", (*at("attributes.csv", attribute_line), "taxonomy_term_id"))
        record["service_at_locations"] = []
        for _sal_line, link in service_at.get(sid, []):
            found = locations.get(link.get("location_id", ""))
            if not found:
                continue
            location_line, location = found
            location = {k: (_number(v) if k in ("latitude", "longitude") else v) for k, v in location.items() if v}
            location["addresses"] = [r for _l, r in addresses.get(location.get("id", ""), [])]
            location["accessibility"] = [r for _l, r in accessibility.get(location.get("id", ""), [])]
            origin.places.setdefault("locations", (*at("locations.csv", location_line), "latitude/longitude"))
            addr = addresses.get(location.get("id", ""))
            if addr:
                origin.places.setdefault("area", (*at("addresses.csv", addr[0][0]), "country"))
            record["service_at_locations"].append({**link, "location": location})
        if contacts:
            record["contacts"] = [r for _l, r in contacts if r.get("service_id") == sid]
        entries.append(Entry(record, origin))
    return entries


def read_source(path: Path, name: str | None = None) -> tuple[str, list[Entry]]:
    """Read a JSON file, a zipped CSV package or a directory of CSV files;
    problems name ``name`` (default: the file's own name; an upload's: the name it was sent with)."""
    path = Path(path)
    name = name or path.name
    if path.is_dir():
        files = {}
        total = 0
        for member in sorted(path.iterdir()):
            if member.suffix.lower() in (".csv", ".json") and member.is_file():
                total += member.stat().st_size
                if total > MAX_BYTES:
                    raise _refuse(name, "", "", _("larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20})
                files[member.name] = member.read_bytes()
        return name, read_tabular(files, name)
    if not path.exists():
        raise _refuse(name, "", "", _("no such file."))
    if path.stat().st_size > MAX_BYTES:
        raise _refuse(name, "", "", _("larger than %(mb)d MB.") % {"mb": MAX_BYTES // 2**20})
    data = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(data)):
        return name, read_tabular(_unzip(data, name), name)
    return name, read_json(data, name)


def _unzip(data: bytes, name: str) -> dict[str, bytes]:
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > 100 or sum(m.file_size for m in members) > 5 * MAX_BYTES:
            raise _refuse(name, "", "", _("the archive holds too many or too large files."))
        for member in members:
            base = member.filename.rsplit("/", 1)[-1]
            if base.lower().endswith((".csv", ".json")):
                files[base] = archive.read(member)
    return files


# --- turning an HSDS service into a ServiceInput -------------------------------------------------


@dataclass
class Converted:
    data: ServiceInput | None
    hsds_id: str
    organization: dict | None
    verified_on: datetime.date | None
    problems: list[Problem]
    warnings: list[Problem]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _phone(value) -> str:
    return re.sub(r"[\"']", "", _text(value)).strip()


def _hours(schedules: list) -> str:
    parts = []
    for schedule in schedules or []:
        if not isinstance(schedule, dict):
            continue
        text = _text(schedule.get("description"))
        if not text and (schedule.get("opens_at") or schedule.get("closes_at")):
            text = f"{_text(schedule.get('byday'))} {_text(schedule.get('opens_at'))}-{_text(schedule.get('closes_at'))}"
        if text.strip():
            parts.append(text.strip())
    return "; ".join(parts)[:500]


def convert(entry: Entry, *, area_code: str | None, default_type: str, terms: dict) -> Converted:
    record, origin = entry.record, entry.origin
    problems: list[Problem] = []
    warnings: list[Problem] = []

    def problem(our_field, reason, hsds_field=None):
        file, where, name = origin.of(our_field)
        problems.append(Problem(file, where, hsds_field or name, reason))

    def warn(our_field, reason, hsds_field=None):
        file, where, name = origin.of(our_field)
        warnings.append(Problem(file, where, hsds_field or name, reason))

    name = _text(record.get("name"))
    if not name:
        problem("name", _("a service needs a name."))
    elif len(name) > NAME_MAX:
        # Refused rather than cut: a shortened name could pass for another service.
        problem("name", _("at most %(limit)d characters (this one has %(count)d).") % {"limit": NAME_MAX, "count": len(name)})
    status = _text(record.get("status")) or "active"
    state = hsds.HSDS_TO_STATUS.get(status)
    if state is None:
        problem("state", _("unknown status “%(value)s” (active, inactive, defunct or temporarily closed).")
                % {"value": status})  # fmt: skip
    organization = record.get("organization") if isinstance(record.get("organization"), dict) else None
    if not organization or not _text(organization.get("name")):
        problem("provider", _("name the organisation that provides the service."))
    # Taxonomy terms: ours by id or code; other taxonomies are left aside.
    found: dict[str, list[str]] = {}
    foreign = 0
    for attribute in record.get("attributes") or []:
        if not isinstance(attribute, dict):
            continue
        term = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else {}
        key = terms.get(_text(attribute.get("taxonomy_term_id")) or _text(term.get("id"))) or terms.get(
            _text(term.get("code"))
        )
        if key:
            found.setdefault(key[0], []).append(key[1])
        else:
            foreign += 1
    if foreign:
        warn("service_type", _("%(count)d taxonomy term(s) from another taxonomy were not imported.")
             % {"count": foreign})  # fmt: skip
    types = found.get("service_type") or []
    service_type = types[0] if types else default_type
    if not types:
        warn("service_type", _("no service type from the GCM Hub taxonomy: imported as “%(type)s”.")
             % {"type": default_type})  # fmt: skip
    # Languages: ISO 639-1 codes kept; others noted.
    languages = []
    for language in record.get("languages") or []:
        code = _text(language.get("code") if isinstance(language, dict) else language).lower()
        if code in inputs.ISO_639_1:
            if code not in languages:
                languages.append(code)
        elif code:
            warn("languages", _("“%(code)s” is not an ISO 639-1 code; left out.") % {"code": code})
    # Locations.
    locations = []
    accessibility = []
    countries = []
    for link in record.get("service_at_locations") or []:
        location = link.get("location") if isinstance(link, dict) else None
        if not isinstance(location, dict):
            continue
        addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
        address = addresses[0] if addresses else {}
        if address.get("country"):
            countries.append(_text(address["country"]).upper())
        lat, lon = location.get("latitude"), location.get("longitude")
        if lat in ("", None) or lon in ("", None):
            lat = lon = None
        elif not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lat, lon)):
            problem("locations", _("latitude and longitude must be numbers."))
            lat = lon = None
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            warn("locations", _("coordinates %(lat)s, %(lon)s are out of range; the location is kept without them.")
                 % {"lat": lat, "lon": lon})  # fmt: skip
            lat = lon = None
        street = ", ".join(
            _text(address.get(k)) for k in ("address_1", "address_2", "city", "postal_code") if _text(address.get(k))
        )
        locations.append({
            "name": _text(location.get("name"))[:300], "address": street[:500],
            "admin_area": (_text(address.get("state_province")) or _text(address.get("region")))[:200],
            "latitude": float(lat) if lat is not None else None, "longitude": float(lon) if lon is not None else None,
        })  # fmt: skip
        for item in location.get("accessibility") or []:
            if isinstance(item, dict) and _text(item.get("description")):
                accessibility.append(_text(item.get("description")))
    if record.get("contacts") or any(
        isinstance(link, dict) and (link.get("contacts") or (link.get("location") or {}).get("contacts"))
        for link in record.get("service_at_locations") or []
    ):
        warn("__all__", _("contacts were not imported: GCM Hub stores no personal names."), "contacts")
    # Country.
    area = None
    if area_code:
        area = _area(area_code)
    elif countries:
        area = _area_by_iso2(countries[0])
        if area is None:
            problem("area", _("“%(code)s” is not a known ISO 3166 alpha-2 country code.") % {"code": countries[0]})
    else:
        problem("area", _("no address gives the country: give the country of the directory (gcmhub services import --area ISO3)."), "country")
    verified_on = None
    if record.get("assured_date"):
        try:
            verified_on = datetime.date.fromisoformat(_text(record["assured_date"])[:10])
        except ValueError:
            problem("verified_on", _("not a date (YYYY-MM-DD)."))
    phones = [p for p in record.get("phones") or [] if isinstance(p, dict) and _text(p.get("number"))]
    data = None
    if not problems:
        data = ServiceInput(
            provider=None, area=area, name=name, service_type=service_type,
            description=_text(record.get("description")), eligibility=_text(record.get("eligibility_description")),
            cost=(_text(record.get("fees_description")) or _text(record.get("fees")))[:500],
            languages=languages, accessibility=" ".join(accessibility), hours=_hours(record.get("schedules")),
            phone=_phone(phones[0].get("number")) if phones else "", email=_text(record.get("email")),
            url=_text(record.get("url")), state=state,
            situations=list(Situation.objects.filter(code__in=found.get("situation", []), is_current=True)),
            groups=found.get("group", []), referral_methods=found.get("referral_method", []), locations=locations,
            stages=list(dict.fromkeys(found.get("stage", []))),
        )  # fmt: skip
    return Converted(data, _text(record.get("id"))[:100], organization, verified_on, problems, warnings)


def _area(code: str):
    try:
        return inputs.resolve_area(code)
    except services.InvalidService:
        return None


def _area_by_iso2(code: str):
    from gcmhub.geo.models import Area

    return Area.objects.filter(kind=Area.Kind.COUNTRY, iso2=code).first() if len(code) == 2 else None


# --- writing ----------------------------------------------------------------------------------------


def _organization(actor, details: dict, area, publish: bool, report: ImportReport):
    """The provider: an organisation of that name the actor may read, else a new one."""
    from gcmhub.actors import services as actors
    from gcmhub.actors.models import Organization

    name = _text(details.get("name"))[:300]
    candidates = actors.visible_organizations(actor).filter(name__iexact=name)
    found = candidates.filter(area=area).first() or candidates.first()
    if found is not None:
        return found
    website = _text(details.get("website"))
    organization = actors.create_organization(actor, {
        "name": name, "kind": Organization.Kind.CIVIL_SOCIETY, "area": area.iso3,
        "description": _text(details.get("description"))[:2000], "website": website if website.startswith("http") else "",
    })  # fmt: skip
    if publish and (actor is None or actor.has_perm("actors.publish_organization", organization)):
        actors.publish_organization(actor, organization, True, organization.version)
    report.organizations_created.append(name)
    return organization


def import_services(
    actor,
    path: Path,
    *,
    area: str | None = None,
    dry_run: bool = False,
    publish: bool | None = None,
    default_type: str = "other",
    name: str | None = None,
) -> ImportReport:
    """Import the file or package at ``path``; ImportRefused (nothing written) if any service has a problem."""
    name, entries = read_source(path, name)
    return import_entries(actor, name, entries, area=area, dry_run=dry_run, publish=publish, default_type=default_type)


def import_entries(actor, name, entries, *, area=None, dry_run=False, publish=None, default_type="other"):
    from gcmhub.errors import Forbidden, InvalidInput

    report = ImportReport(file=name, dry_run=dry_run, services=len(entries))
    if area and _area(area) is None:
        report.problems.append(Problem(name, "", "area", _("There is no country with the ISO 3166 alpha-3 code “%(code)s”.")
                                       % {"code": area}))  # fmt: skip
        raise ImportRefused(report)
    try:
        inputs.check_service_type(default_type, "default_type")
    except services.InvalidService as error:
        report.problems.append(Problem(name, "", "default_type", error.message))
        raise ImportRefused(report) from None
    if publish is None:
        publish = actor is None or actor.has_perm(services.PUBLISH)
    terms = hsds.known_terms()
    ids = [e.record.get("id") for e in entries if e.record.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    with transaction.atomic():
        for entry in entries:
            converted = convert(entry, area_code=area, default_type=default_type, terms=terms)
            report.warnings += converted.warnings
            if converted.hsds_id in duplicates:
                converted.problems.append(Problem(entry.origin.file, entry.origin.where, "id",
                                                  _("this id is used by another service of the file.")))  # fmt: skip
            if converted.problems:
                report.problems += converted.problems
                continue
            try:
                with transaction.atomic():
                    _write(actor, converted, publish, report)
            except (InvalidInput, Forbidden) as error:
                field_name = getattr(error, "field", None) or "__all__"
                file, where, hsds_field = entry.origin.of(field_name)
                report.problems.append(Problem(file, where, hsds_field, error.message))
        if report.problems or dry_run:
            transaction.set_rollback(True)
    if report.problems:
        raise ImportRefused(report)
    if not dry_run and (report.created or report.updated):
        from gcmhub import dataversion

        transaction.on_commit(dataversion.bump)
    return report


def _write(actor, converted: Converted, publish: bool, report: ImportReport) -> None:
    data = converted.data
    data.provider = _organization(actor, converted.organization, data.area, publish, report)
    existing = Service.objects.filter(hsds_id=converted.hsds_id).first() if converted.hsds_id else None
    may_verify = actor is None or actor.has_perm(services.VERIFY)
    if existing is not None:
        live = services.update_service(actor, existing, data, existing.version)
        (report.updated if live else report.held).append(existing.pk)
        newer = converted.verified_on and (
            existing.last_verified_on is None or converted.verified_on > existing.last_verified_on
        )
        if live and may_verify and newer:
            existing.refresh_from_db()
            services.verify_service(actor, existing, existing.version, on=converted.verified_on)
        return
    service = services.create_service(
        actor, data, verified_on=converted.verified_on if may_verify else None, hsds_id=converted.hsds_id
    )
    if publish:
        services.publish_service(actor, service, service.version)
    report.created.append(service.pk)
