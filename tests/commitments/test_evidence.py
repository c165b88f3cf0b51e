"""Evidence files: type by content, size limit, storage outside the web root."""

import datetime
import io
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from gcmhub.commitments import evidence, services
from gcmhub.commitments.models import Evidence
from gcmhub.errors import InvalidInput

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 100 + b"\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf00000301010018dd8db00000000049454e44ae426082")


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("renamed.txt", PNG, "image/png"),  # the content decides, not the name
        ("table.csv", "country,value\nKenya,3\nCôte d'Ivoire,4\n".encode(), "text/csv"),
        ("letter.docx", _docx(), evidence.ACCEPTED["docx"]),
    ],
)
def test_accepted_by_content(name, content, content_type):
    stored = evidence.store(content, name)
    assert stored.content_type == content_type
    path = evidence.path_of(stored.stored_path)
    assert path.read_bytes() == content
    assert path.name == stored.sha256 and name not in str(path)
    assert str(path).startswith(str(django_settings.GCMHUB_PRIVATE_FILES_DIR))
    assert not str(path).startswith(str(django_settings.STATIC_ROOT))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html><body>not a pdf</body></html>"),
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("data.csv", b"a,b\x00c\n"),
        ("notes.txt", b"plain words"),
        ("empty.pdf", b""),
    ],
)
def test_refused_by_content(name, content):
    with pytest.raises(InvalidInput) as caught:
        evidence.store(content, name)
    assert caught.value.field == "files"
    leftovers = [p for p in (django_settings.GCMHUB_PRIVATE_FILES_DIR / "evidence").rglob("*") if p.is_file()]
    assert leftovers == []


def test_size_limit(settings):
    settings.GCMHUB_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(InvalidInput) as caught:
        evidence.store(PDF + b"0" * 1000, "big.pdf")
    assert "big.pdf" in caught.value.message
    assert evidence.store(PDF, "small.pdf").size == len(PDF)


def test_same_bytes_are_stored_once():
    first, second = evidence.store(PDF, "a.pdf"), evidence.store(SimpleUploadedFile("b.pdf", PDF), "b.pdf")
    assert first.stored_path == second.stored_path


def test_path_outside_the_private_directory_is_refused():
    with pytest.raises(ValueError):
        evidence.path_of("../../etc/passwd")


def test_upload_name_is_kept_only_as_a_label():
    stored = evidence.store(PDF, "../../evil/../name.pdf")
    assert stored.original_name == "name.pdf"


def test_post_update_with_files_and_all_or_nothing(people, make_commitment):
    commitment = make_commitment()
    with pytest.raises(InvalidInput):
        services.post_update(
            people.contributor_ken,
            commitment,
            reported_on=datetime.date(2025, 1, 1),
            status="in_progress",
            completion="limited",
            files=[("good.pdf", PDF), ("bad.pdf", b"nope")],
        )
    assert not commitment.updates.exists()
    update = services.post_update(
        people.contributor_ken,
        commitment,
        reported_on=datetime.date(2025, 1, 1),
        status="in_progress",
        completion="limited",
        files=[SimpleUploadedFile("good.pdf", PDF), ("chart.png", PNG)],
    )
    assert sorted(e.content_type for e in update.evidence.all()) == ["application/pdf", "image/png"]


def test_deleting_a_commitment_removes_files_nobody_else_uses(people, make_commitment, django_capture_on_commit_callbacks):
    commitment = make_commitment()
    services.post_update(
        people.contributor_ken, commitment, reported_on=datetime.date(2025, 1, 1), status="in_progress",
        completion="limited", files=[("a.pdf", PDF)],
    )
    path = evidence.path_of(Evidence.objects.get().stored_path)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_commitment(people.contributor_ken, commitment, commitment.version)
    assert not path.exists()


def test_evidence_cannot_be_added_to_a_published_update(people, make_commitment):
    commitment = make_commitment("published")
    update = services.post_update(
        people.contributor_ken, commitment, reported_on=datetime.date(2025, 1, 1), status="in_progress", completion="limited"
    )
    services.publish_update(people.reviewer, update, update.version)
    with pytest.raises(InvalidInput):
        services.add_evidence(people.contributor_ken, update, links=["https://example.org"])
