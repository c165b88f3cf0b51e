"""Uploads: the type is recognised by content, the size is limited, the file
is stored privately by its SHA-256, pages are kept, and reading runs in the
background with its progress and failures recorded."""

import hashlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gcmhub.errors import Forbidden, InvalidInput
from gcmhub.practices import library
from gcmhub.practices.models import Document

from . import files
from .conftest import REPORT_TEXT, upload


def read(document_id):
    library.run_extraction(document_id)
    return Document.objects.get(pk=document_id)


@pytest.mark.parametrize(
    ("name", "content", "kind", "pages"),
    [
        ("report.pdf", files.pdf(["Kenya desk", "Mexico cards"]), "pdf", ["Kenya desk", "Mexico cards"]),
        ("report.docx", files.docx(["Kenya desk", "Mexico cards"]), "docx", ["Kenya desk", "Mexico cards"]),
        ("report.html", b"<!doctype html><html><head><style>p{}</style></head><body><p>Kenya desk</p>"
         b"<p style='page-break-before: always'>Mexico cards</p></body></html>", "html", ["Kenya desk", "Mexico cards"]),
        ("report.txt", b"Kenya desk\fMexico cards", "text", ["Kenya desk", "Mexico cards"]),
        # The name does not decide: a PDF called .txt is a PDF.
        ("misnamed.txt", files.pdf(["Only page"]), "pdf", ["Only page"]),
    ],
)
def test_each_format_is_recognised_by_content_and_read_page_by_page(people, fake_extractor, name, content, kind, pages):
    document = read(upload(people.contributor, content, name).pk)
    assert document.format == kind
    assert document.extraction_state == "done" and document.extraction_progress == 100
    assert list(document.pages.values_list("text", flat=True)) == pages
    offsets = list(document.pages.values_list("offset", flat=True))
    assert offsets == [0, len(pages[0]) + 1][: len(pages)]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("picture.pdf", files.PNG, "is not a PDF, DOCX, HTML or plain-text"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100, "not a Word document"),
        ("latin1.txt", "Informe de México".encode("latin-1"), "is not a PDF, DOCX, HTML or plain-text"),
        ("empty.txt", b"", "is empty"),
    ],
)
def test_other_content_is_refused_naming_the_file(people, name, content, reason):
    with pytest.raises(InvalidInput) as error:
        upload(people.contributor, content, name)
    assert name in error.value.message and reason in error.value.message
    assert error.value.field == "file"
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(people, settings):
    settings.GCMHUB_DOCUMENT_MAX_BYTES = 1000
    with pytest.raises(InvalidInput) as error:
        upload(people.contributor, b"a" * 1001, "long.txt")
    assert "larger than the limit of 1000 bytes" in error.value.message
    stored = settings.GCMHUB_PRIVATE_FILES_DIR / "documents"
    assert [path.name for path in stored.iterdir()] == []


def test_the_file_is_stored_privately_by_its_hash(people, settings):
    content = REPORT_TEXT.encode()
    document = upload(people.contributor, content, "../../etc/report.txt")
    digest = hashlib.sha256(content).hexdigest()
    assert document.sha256 == digest and document.original_name == "report.txt"
    assert (settings.GCMHUB_PRIVATE_FILES_DIR / "documents" / digest).read_bytes() == content
    assert document.size == len(content) and document.uploaded_by == people.contributor


def test_a_damaged_pdf_fails_in_the_background_with_the_reason(people, fake_extractor):
    document = read(upload(people.contributor, b"%PDF-1.4\nnot really a pdf", "broken.pdf").pk)
    assert document.extraction_state == "failed"
    assert "broken.pdf could not be read as PDF" in document.extraction_error


def test_upload_queues_the_extraction_which_stores_candidates(extracted):
    assert extracted.extraction_state == "done" and extracted.page_count == 2
    candidates = list(extracted.candidates.order_by("position"))
    assert [(c.area.iso3, c.page, c.objectives) for c in candidates] == [("KEN", 1, [6]), ("MEX", 2, [4, 20])]
    assert library.passage(extracted, candidates[1].span_start, candidates[1].span_end).startswith("Mexico presented")


def test_only_signed_in_roles_upload(people):
    for user in (people.nobody, AnonymousUser()):
        with pytest.raises(Forbidden):
            upload(user)


def test_the_file_is_served_only_to_those_who_may_read_it(client, people, extracted):
    url = reverse("practices:document-file", args=[extracted.pk])
    assert client.get(url).status_code == 404
    client.force_login(people.other_contributor)
    assert client.get(url).status_code == 404
    client.force_login(people.contributor)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == REPORT_TEXT.encode()
    assert response["Content-Type"].startswith("text/plain") and response["X-Content-Type-Options"] == "nosniff"


def test_api_upload_answers_202_and_lists_candidates(api, bearer, people, fake_extractor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/documents",
            data={"title": "Workshop report", "area": "KEN"},
            FILES={"file": SimpleUploadedFile("report.txt", REPORT_TEXT.encode())},
            headers=bearer(people.contributor),
        )
    assert response.status_code == 202, response.json()
    document_id = response.json()["id"]
    state = api.get(f"/documents/{document_id}", headers=bearer(people.contributor)).json()
    assert (state["extraction_state"], state["extraction_progress"], state["area"]) == ("done", 100, "KEN")
    candidates = api.get(f"/documents/{document_id}/candidates", headers=bearer(people.contributor)).json()
    first = candidates["items"][0]
    assert (first["area"], first["page"], first["objectives"]) == ("KEN", 1, [6])
    assert first["passage"].startswith("Kenya described") and first["span"]["start"] < first["span"]["end"]
    others = api.get(f"/documents/{document_id}/candidates", headers=bearer(people.other_contributor))
    assert others.status_code == 404


def test_api_upload_refuses_other_types(api, bearer, people):
    response = api.post(
        "/documents", data={}, FILES={"file": SimpleUploadedFile("x.pdf", files.PNG)}, headers=bearer(people.contributor)
    )
    assert response.status_code == 422 and response.json()["field"] == "file"


def test_the_real_extractor_reads_an_upload_with_progress(people, settings):
    text = (
        "1 Workshop report\n\n2 The representative of Kenya said that her Government had established a one-stop "
        "centre that registers recruitment agencies and checks the contracts of migrant workers before departure.\n\n"
        "3 Closing remarks.\n"
    )
    document = read(upload(people.contributor, text.encode(), "report.txt").pk)
    assert (document.extraction_state, document.extraction_progress, document.extraction_error) == ("done", 100, "")
    for candidate in document.candidates.all():
        assert library.passage(document, candidate.span_start, candidate.span_end)


def test_the_web_upload_form_checks_type_and_size_starts_reading_and_shows_progress(
    client, people, settings, fake_extractor, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    url = reverse("practices:document-upload")
    assert client.get(url).status_code == 302  # signed-in roles only
    client.force_login(people.nobody)
    assert client.get(url).status_code == 403
    client.force_login(people.contributor)
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="file"' in form

    fake_pdf = SimpleUploadedFile("report.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="application/pdf")
    refused = client.post(url, {"file": fake_pdf, "title": "Not a report"})
    assert refused.status_code == 422 and "report.pdf" in refused.content.decode()
    settings.GCMHUB_DOCUMENT_MAX_BYTES = 100
    too_big = client.post(url, {"file": SimpleUploadedFile("big.txt", b"word " * 100), "title": "Too big"})
    assert too_big.status_code == 422
    assert not Document.objects.filter(title__in=["Not a report", "Too big"]).exists()

    settings.GCMHUB_DOCUMENT_MAX_BYTES = 200_000
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": SimpleUploadedFile("workshop.txt", REPORT_TEXT.encode()), "title": "Workshop"})
    document = Document.objects.get(title="Workshop")
    assert response.status_code == 302 and response["Location"] == reverse("practices:document", args=[document.pk])
    assert document.extraction_state == "done" and document.candidates.count() == 2  # the task ran
    page = client.get(response["Location"]).content.decode()
    assert "Workshop" in page and reverse("practices:curate", args=[document.pk]) in page
    progress = client.get(reverse("practices:document-progress", args=[document.pk]))
    assert progress.status_code == 200 and "Read: 2 pages." in progress.content.decode()
