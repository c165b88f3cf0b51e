"""HSDS 3.0 import: the shared examples (JSON and tabular), round trips of
our own export, all-or-nothing with located problems."""

import csv
import io
import json
import shutil
import zipfile

import pytest

from gcmhub.actors.models import Organization
from gcmhub.protection import hsds
from gcmhub.protection.hsds_import import ImportRefused, import_services
from gcmhub.protection.models import Service

from .test_hsds_export import HSDS_DIR, reference

EXAMPLES = HSDS_DIR / "examples"


@pytest.fixture
def examples():
    if not EXAMPLES.exists():
        pytest.skip("the HSDS examples are not there")
    return EXAMPLES


@pytest.mark.parametrize("example", ["service_full.json", "service_list.json", "organization_full.json"])
def test_shared_json_examples_import(example, examples, db):
    if example == "service_list.json":
        # The list form has no addresses: without the country the import is refused, naming the record.
        with pytest.raises(ImportRefused, match="service_list.json:record 1: country: no address gives the country"):
            import_services(None, examples / example)
    area = "USA" if example == "service_list.json" else None
    report = import_services(None, examples / example, area=area)
    assert report.created and not report.problems
    service = Service.objects.get(pk=report.created[0])
    assert service.is_published  # the system operator's import is published, as their edits are
    if example != "service_list.json":
        assert service.name == "Community Counselling"
        assert service.area.iso3 == "USA"  # from the address's country "US"
        assert service.provider.name == "Example Organization Inc."
        assert service.last_verified_on.isoformat() == "2005-01-01"
        assert service.phone == "+44 1234 234567"
        assert "ur" in service.languages
        location = service.locations.get()
        assert location.name == "MyCity Civic Center" and location.admin_area == "MyState"
        # The example's coordinates (100, 101) are out of range: kept out, with a warning.
        assert location.latitude is None
        assert any("out of range" in str(w) for w in report.warnings)
        # Contacts carry people's names: never imported.
        assert any("contacts" in str(w) for w in report.warnings)
    assert service.service_type == "other"


def test_shared_tabular_example_imports_from_a_directory(examples, tmp_path, db):
    tables = json.loads((examples / "tabular.json").read_text(encoding="utf-8"))
    for path, rows in tables.items():
        columns = list(dict.fromkeys(key for row in rows for key in row))
        with open(tmp_path / path, "w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    report = import_services(None, tmp_path)
    assert len(report.created) == len(tables["services.csv"])
    service = Service.objects.get(pk=report.created[0])
    assert service.name == "Community Counselling" and service.provider.name == "Example Organization Inc."
    assert service.hours.startswith("The service is available from 10 am")


def test_round_trip_keeps_types_situations_and_ids(make_service, tmp_path, kenya):
    original = make_service(verified_on=__import__("datetime").date(2026, 10, 1))
    document = hsds.export_json(Service.objects.all())
    (tmp_path / "directory.json").write_text(json.dumps(document), encoding="utf-8")
    buffer = io.BytesIO()
    hsds.write_package(Service.objects.all(), buffer)
    (tmp_path / "directory.zip").write_bytes(buffer.getvalue())
    sid = hsds.service_id(original)
    original.delete()
    report = import_services(None, tmp_path / "directory.json")
    copy = Service.objects.get(pk=report.created[0])
    assert copy.hsds_id == sid and copy.service_type == "shelter" and copy.area == kenya
    assert {s.code for s in copy.situations.all()} == {"unaccompanied_child", "survivor_of_violence"}
    assert copy.groups == ["women", "children"] and copy.referral_methods == ["phone", "walk_in"]
    assert copy.locations.get().latitude == pytest.approx(-1.2741)
    assert copy.last_verified_on.isoformat() == "2026-10-01"
    # The zip of the same directory updates the same service (matched by its HSDS id), no duplicate.
    Service.objects.filter(pk=copy.pk).update(last_verified_on=None)
    again = import_services(None, tmp_path / "directory.zip")
    assert again.updated == [copy.pk] and not again.created
    # The file's newer verification date is taken over (the operator may verify).
    assert Service.objects.get().last_verified_on.isoformat() == "2026-10-01"
    assert Service.objects.count() == 1
    assert {s.code for s in Service.objects.get().situations.all()} == {"unaccompanied_child", "survivor_of_violence"}


def test_problems_are_located_and_nothing_is_written(examples, tmp_path, db):
    good = json.loads((examples / "service_full.json").read_text(encoding="utf-8"))
    bad_email = {**good, "id": "11111111-1111-4111-8111-111111111111", "email": "not-an-address"}
    no_name = {**good, "id": "22222222-2222-4222-8222-222222222222", "name": ""}
    (tmp_path / "three.json").write_text(json.dumps([good, bad_email, no_name]), encoding="utf-8")
    organizations = Organization.objects.count()
    with pytest.raises(ImportRefused) as refused:
        import_services(None, tmp_path / "three.json")
    lines = [str(p) for p in refused.value.report.problems]
    assert any(line.startswith("three.json:record 2: email:") for line in lines), lines
    assert any(line.startswith("three.json:record 3: name:") for line in lines), lines
    assert Service.objects.count() == 0 and Organization.objects.count() == organizations


def test_csv_problem_names_file_line_and_field(make_service, tmp_path):
    make_service()
    buffer = io.BytesIO()
    hsds.write_package(Service.objects.all(), buffer)
    Service.objects.all().delete()
    folder = tmp_path / "package"
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        archive.extractall(folder)
    text = (folder / "phones.csv").read_text(encoding="utf-8").replace("+254 20 000 0000", "call us!")
    (folder / "phones.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_services(None, folder)
    assert [str(p) for p in refused.value.report.problems][0].startswith("package/phones.csv:line 2: number:")
    assert not Service.objects.exists()


def test_dry_run_writes_nothing_and_provider_imports_drafts(examples, people, tmp_path, orgs):
    report = import_services(None, examples / "service_full.json", dry_run=True)
    assert report.created and not Service.objects.exists()
    # A provider imports for their own organisation only, as drafts.
    record = json.loads((examples / "service_full.json").read_text(encoding="utf-8"))
    record["organization"] = {"id": record["organization"]["id"], "name": orgs.shelter.name, "description": "x"}
    (tmp_path / "own.json").write_text(json.dumps(record), encoding="utf-8")
    report = import_services(people.provider, tmp_path / "own.json", area="KEN")
    service = Service.objects.get(pk=report.created[0])
    assert not service.is_published and service.provider == orgs.shelter
    assert service.last_verified_on is None  # a provider's file does not verify its own service
    with pytest.raises(ImportRefused) as refused:
        import_services(people.focal_mex, tmp_path / "own.json", area="KEN")
    assert "permission" in str(refused.value.report.problems[0])


def test_malformed_files_are_refused_with_a_reason(tmp_path, db):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ImportRefused, match="bad.json: not valid UTF-8 JSON"):
        import_services(None, tmp_path / "bad.json")
    deep = "[" * 100 + "]" * 100
    (tmp_path / "deep.json").write_text(deep, encoding="utf-8")
    with pytest.raises(ImportRefused, match="nested deeper"):
        import_services(None, tmp_path / "deep.json")
    (tmp_path / "nan.json").write_text('{"name": "x", "status": "active", "minimum_age": NaN}', encoding="utf-8")
    with pytest.raises(ImportRefused, match="not valid"):
        import_services(None, tmp_path / "nan.json")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportRefused, match="no services.csv"):
        import_services(None, empty)
    shutil.rmtree(empty)
