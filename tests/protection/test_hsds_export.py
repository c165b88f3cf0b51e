"""HSDS 3.0 export: JSON and the tabular CSV package validate against the
shared schemas (../shared/reference/hsds-3.0)."""

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from gcmhub.protection import hsds
from gcmhub.protection.models import Service

from .conftest import situation

HSDS_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "hsds-3.0"
if not HSDS_DIR.exists():
    HSDS_DIR = Path("/work/shared/reference/hsds-3.0")

jsonschema = pytest.importorskip("jsonschema")


def reference(name: str) -> dict:
    path = HSDS_DIR / name
    if not path.exists():
        pytest.skip(f"the HSDS reference copy is not at {HSDS_DIR}")
    return json.loads(path.read_text(encoding="utf-8"))


def validator(schema: dict):
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(schema: dict, instance) -> None:
    errors = sorted(validator(schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def page_schema() -> dict:
    """The HSDA page of services, from openapi.json, with its service items the compiled full service."""
    openapi = reference("openapi.json")
    page = dict(openapi["components"]["schemas"]["Page"])
    page["required"] = ["total_items", "contents"]
    page["properties"] = {**page["properties"], "contents": {"type": "array"}}
    return page


@pytest.fixture
def directory(make_service, orgs, mexico):
    full = make_service(verified_on=__import__("datetime").date(2026, 9, 1), stages=["transit", "destination"])
    make_service(name="Hotline", service_type="emergency_hotline", locations=[], hours="", phone="", email="",
                 url="", situations=[situation("trafficking_victim")], groups=[], referral_methods=["phone"],
                 languages=["es"], area=mexico, provider=orgs.mex_ngo, state="suspended")  # fmt: skip
    make_service(name="Draft", published=False)
    return full


def test_json_export_validates_against_the_hsds_schemas(directory):
    service_schema = reference("compiled/service_with_definitions.json")
    document = hsds.export_json(Service.objects.all())
    assert_valid(page_schema(), document)
    assert document["total_items"] == 3
    for record in document["contents"]:
        assert_valid(service_schema, record)
    shelter = next(r for r in document["contents"] if r["name"] == directory.name)
    assert shelter["assured_date"] == "2026-09-01"
    assert shelter["status"] == "active"
    location = shelter["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (-1.2741, 36.8516)
    assert location["addresses"][0]["country"] == "KE" and location["addresses"][0]["state_province"] == "Nairobi County"
    codes = {a["taxonomy_term"]["code"] for a in shelter["attributes"]}
    assert {"service_type/shelter", "situation/unaccompanied_child", "group/women", "referral_method/walk_in"} <= codes
    assert {lang["code"] for lang in shelter["languages"]} == {"en", "sw"}
    hotline = next(r for r in document["contents"] if r["name"] == "Hotline")
    assert hotline["status"] == "temporarily closed" and "service_at_locations" not in hotline
    # No people: no contacts anywhere.
    assert '"contacts"' not in json.dumps(document)


def test_taxonomy_terms_validate_and_ids_are_stable(directory):
    term_schema = reference("compiled/service_with_definitions.json")
    definitions = {"definitions": term_schema["definitions"]}
    terms = hsds.taxonomy_terms()
    for term in terms:
        assert_valid({**definitions, "$ref": "#/definitions/taxonomy_term"}, term)
    assert len({t["id"] for t in terms}) == len(terms)
    assert hsds.term_id("situation", "trafficking_victim") == hsds.term_id("situation", "trafficking_victim")
    assert hsds.known_terms()[hsds.term_id("service_type", "legal_aid")] == ("service_type", "legal_aid")


def _typed(value: str, kind: str, missing=("",)):
    if value in missing:
        return None
    if kind in ("number", "integer"):
        return float(value)
    return value


def test_tabular_package_validates_against_the_tabular_schema(directory):
    tabular = reference("compiled/tabular.json")
    buffer = io.BytesIO()
    count = hsds.write_package(Service.objects.all(), buffer)
    assert count == 3
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    package = json.loads(archive.read("datapackage.json"))
    by_path = {item["items"]["path"]: (entity, item["items"]) for entity, item in tabular["properties"].items()}
    document = {}
    for resource in package["resources"]:
        entity, spec = by_path[resource["path"]]
        assert resource["name"] == entity
        for column in resource["schema"]["fields"]:
            declared = spec["properties"][column["name"]]
            assert column["type"] == declared.get("datapackage_type", declared["type"]), column
        types = {column["name"]: column["type"] for column in resource["schema"]["fields"]}
        missing = tuple(resource["schema"].get("missingValues", [""]))
        rows = list(csv.DictReader(io.StringIO(archive.read(resource["path"]).decode("utf-8"))))
        assert rows or resource["path"] in ("accessibility.csv",), resource["path"]
        document[entity] = [
            {name: _typed(value, types[name], missing) for name, value in row.items()
             if _typed(value, types[name], missing) is not None}
            for row in rows
        ]
    assert_valid(tabular, document)
    assert len(document["service"]) == 3
    assert {row["code"] for row in document["taxonomy_term"]} >= {"situation/stranded_migrant", "service_type"}
