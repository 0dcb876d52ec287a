"""Attachments: the type comes from the content, sizes and zip bombs are limited, refused files leave nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from evidence.attachments import (
    DOCX,
    ODT,
    PDF,
    PNG,
    XLSX,
    AttachmentRefused,
    AttachmentTooLarge,
    AttachmentTypeRefused,
    check_upload,
    safe_name,
)
from evidence.models import Attachment

from .factories import PDF_BYTES, attach, draft_of, named_file

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100 + b"This program cannot be run in DOS mode."
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100


def office_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_BYTES = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX_BYTES = office_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT_BYTES = office_zip({"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"})


def stored_files() -> list[Path]:
    root = Path(Attachment._meta.get_field("file").storage.location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("data", "name", "content_type", "download_name"),
    [
        (PDF_BYTES, "paper.pdf", PDF, "paper.pdf"),
        (DOCX_BYTES, "comments.docx", DOCX, "comments.docx"),
        (XLSX_BYTES, "figures.xlsx", XLSX, "figures.xlsx"),
        (ODT_BYTES, "notes.odt", ODT, "notes.odt"),
        (PNG_BYTES, "chart.png", PNG, "chart.png"),
        (JPEG_BYTES, "photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("Plain words, ünïcode.".encode(), "notes.txt", "text/plain", "notes.txt"),
        (b"a,b\n1,2\n", "table.csv", "text/csv", "table.csv"),
        # The content decides: a Word document named .pdf is a Word document, offered with the right extension.
        (DOCX_BYTES, "looks-like.pdf", DOCX, "looks-like.pdf.docx"),
        (PNG_BYTES, "no-extension", PNG, "no-extension.png"),
    ],
)
def test_allowed_types_are_recognised_by_their_content(data, name, content_type, download_name):
    checked = check_upload(named_file(data, name))

    assert (checked.content_type, checked.name, checked.size) == (content_type, download_name, len(data))


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (EXE_BYTES, "report.pdf", "Windows program"),
        (ELF_BYTES, "figures.xlsx", "Linux program"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "old.doc", "older Office file"),
        (office_zip({"a.txt": b"x"}), "archive.docx", "zip archive, not a document"),
        (office_zip({"[Content_Types].xml": b"<T/>", "ppt/slide1.xml": b"<p/>"}), "slides.docx", "only Word and Excel"),
        (b"\x00\x01\x02binary", "data.txt", "binary data"),
        (b"caf\xe9 latin-1", "latin.txt", "not UTF-8"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "cannot be opened"),
    ],
)
def test_files_of_other_types_are_refused_whatever_their_name(data, name, says):
    with pytest.raises(AttachmentTypeRefused, match=says):
        check_upload(named_file(data, name))


def test_an_empty_file_is_refused():
    with pytest.raises(AttachmentRefused, match="empty"):
        check_upload(named_file(b"", "empty.txt"))


def test_a_zip_bomb_disguised_as_a_word_document_is_refused_without_unpacking_it_to_disk(settings, tmp_path):
    bomb = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024  # 30 MB of zeros packs into a few dozen KB

    with pytest.raises(AttachmentRefused, match="zip bomb"):
        check_upload(named_file(bomb, "harmless.docx"))


def test_a_document_that_unpacks_beyond_the_limit_is_refused_even_at_a_plausible_ratio(settings):
    settings.ATTACHMENT_MAX_UNZIPPED_BYTES = 1000
    big = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(range(256)) * 8})

    with pytest.raises(AttachmentRefused, match="unpacks to more than"):
        check_upload(named_file(big, "long.docx"))


def test_a_file_over_the_per_file_limit_is_too_large(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000

    with pytest.raises(AttachmentTooLarge, match="larger than the limit"):
        check_upload(named_file(b"x" * 1001, "long.txt"))


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\windows\\system.ini", "/etc/cron.d/job", "C:evil.pdf"])
def test_a_name_with_folder_parts_is_refused(name):
    with pytest.raises(AttachmentRefused, match="folder parts"):
        check_upload(named_file(PDF_BYTES, name))


@pytest.mark.parametrize(
    ("original", "safe"),
    [
        ("Report (final) v2.pdf", "Report (final) v2.pdf"),
        ("<b>alert(1)<i>.pdf", "b_alert(1)_i.pdf"),
        ('quote"s;and\r\nheaders.pdf', "quote_s_and_headers.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("", "attachment.pdf"),
        ("a" * 300 + ".pdf", "a" * 150 + ".pdf"),
    ],
)
def test_download_names_keep_only_safe_characters(original, safe):
    assert safe_name(original, PDF) == safe


def test_an_accepted_file_is_stored_under_a_generated_name_with_its_hash(consultation, expert):
    submission = draft_of(expert, consultation)

    attachment = attach(submission, expert, PDF_BYTES, "My Paper.pdf")

    assert attachment.name == "My Paper.pdf"
    assert "My Paper" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    assert attachment.sha256 == __import__("hashlib").sha256(PDF_BYTES).hexdigest()
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (EXE_BYTES, "renamed.pdf"),
        (office_zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"\x00" * (30 * 1024 * 1024)}), "b.docx"),
        (PDF_BYTES, "../../outside.pdf"),
    ],
)
def test_a_refused_file_leaves_no_row_and_no_file(consultation, expert, data, name):
    submission = draft_of(expert, consultation)
    before = stored_files()

    with pytest.raises(AttachmentRefused):
        attach(submission, expert, data, name)

    assert not Attachment.objects.exists()
    assert stored_files() == before


def test_the_attachments_of_one_submission_are_limited_in_total(consultation, expert, settings):
    settings.SUBMISSION_ATTACHMENTS_MAX_BYTES = len(PDF_BYTES) * 2
    submission = draft_of(expert, consultation)
    attach(submission, expert)
    attach(submission, expert)
    before = stored_files()

    with pytest.raises(AttachmentTooLarge, match="in all"):
        attach(submission, expert)

    assert submission.attachments.count() == 2 and stored_files() == before
