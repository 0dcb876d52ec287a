"""Source pages: the list, adding (upload or link), the structured text, new versions; permissions by role."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultation.models import Status
from evidence.models import SourceDocument, SourceVersion

from .conftest import OWN_TEXT, upload


def url(name, consultation, *args):
    return reverse(f"evidence:{name}", args=[consultation.slug, *args])


@pytest.mark.parametrize("role", ["secretariat", "expert", "observer"])
def test_every_member_reads_the_sources_list_and_a_sources_structured_text(
    role, request, page_client, consultation, own_source
):
    client = page_client(request.getfixturevalue(role))
    listing = client.get(url("sources", consultation))
    assert listing.status_code == 200
    assert "Study of on-device matching" in listing.content.decode()
    page = client.get(url("source", consultation, own_source.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<table class="table table-bordered table-sm source-table">' in html
    assert "<li><div" in html and "source-heading" in html
    assert ("Quote selection" in html) == (role != "observer")


def test_anonymous_visitors_are_sent_to_sign_in_and_non_members_get_404(
    page_client, consultation, own_source, outsider
):
    for name, args in [("sources", ()), ("source", (own_source.pk,)), ("source_new", ()), ("excerpts", ())]:
        assert page_client(None).get(url(name, consultation, *args)).status_code == 302
        assert page_client(outsider).get(url(name, consultation, *args)).status_code == 404


def test_the_secretariat_uploads_a_source_and_reads_it_back(page_client, consultation, secretariat):
    response = page_client(secretariat).post(
        url("source_new", consultation),
        {"title": "Own study", "author": "Lab", "reference": "TL 2/2026", "file": upload(OWN_TEXT, "own.txt")},
    )
    source = SourceDocument.objects.get(title="Own study")
    assert response.status_code == 302
    assert source.versions.get().text.startswith("Study of on-device matching")
    assert source.kind == "file"


def test_a_reference_entry_with_a_link_has_no_file(page_client, consultation, secretariat):
    page_client(secretariat).post(
        url("source_new", consultation), {"title": "Linked study", "url": "https://example.org/study"}
    )
    source = SourceDocument.objects.get(title="Linked study")
    assert source.kind == "link" and not source.versions.exists()


def test_neither_file_nor_link_is_refused_with_a_message(page_client, consultation, secretariat):
    response = page_client(secretariat).post(url("source_new", consultation), {"title": "Nothing"})
    assert response.status_code == 400
    assert "Upload the document" in response.content.decode()
    assert not SourceDocument.objects.exists()


def test_a_program_named_txt_is_refused_and_nothing_is_stored(
    page_client, consultation, secretariat, attachment_folder
):
    response = page_client(secretariat).post(
        url("source_new", consultation), {"title": "Bad", "file": upload(b"MZ\x90\x00binary", "notes.txt")}
    )
    assert response.status_code == 415
    assert "Windows program" in response.content.decode()
    assert not SourceDocument.objects.exists()
    assert not any(attachment_folder.rglob("*.*")) if attachment_folder.exists() else True


@pytest.mark.parametrize("role", ["expert", "observer"])
def test_experts_and_observers_cannot_add_sources_by_default(role, request, page_client, consultation):
    client = page_client(request.getfixturevalue(role))
    assert client.get(url("source_new", consultation)).status_code == 403
    response = client.post(url("source_new", consultation), {"title": "X", "url": "https://example.org"})
    assert response.status_code == 403
    assert not SourceDocument.objects.exists()


def test_experts_add_sources_where_the_consultation_allows_it(page_client, consultation, expert):
    consultation.experts_may_add_sources = True
    consultation.save()
    response = page_client(expert).post(url("source_new", consultation), {"title": "X", "url": "https://example.org"})
    assert response.status_code == 302


def test_a_new_version_gets_the_next_number_and_the_old_one_stays(page_client, consultation, secretariat, own_source):
    response = page_client(secretariat).post(
        url("source_version_new", consultation, own_source.pk),
        {"version": own_source.version, "file": upload(OWN_TEXT + "\nA closing remark.\n", "study-v2.txt")},
    )
    assert response.status_code == 302
    assert list(SourceVersion.objects.filter(source=own_source).values_list("number", flat=True)) == [1, 2]
    old = page_client(secretariat).get(url("source", consultation, own_source.pk) + "?version=1")
    assert "You are reading version 1" in old.content.decode()


def test_a_stale_form_does_not_upload_a_version(page_client, consultation, secretariat, own_source):
    response = page_client(secretariat).post(
        url("source_version_new", consultation, own_source.pk),
        {"version": own_source.version - 1 or 99, "file": upload(OWN_TEXT, "study-v2.txt")},
    )
    assert response.status_code == 412
    assert own_source.versions.count() == 1


def test_the_secretariat_changes_the_description(page_client, consultation, secretariat, own_source):
    response = page_client(secretariat).post(
        url("source_edit", consultation, own_source.pk),
        {"version": own_source.version, "title": "Renamed study", "marking": "LIMITE"},
    )
    assert response.status_code == 302
    own_source.refresh_from_db()
    assert (own_source.title, own_source.marking, own_source.version) == ("Renamed study", "LIMITE", 2)


def test_a_closed_consultation_takes_no_new_source(page_client, consultation, secretariat):
    consultation.status = Status.CLOSED
    consultation.save()
    response = page_client(secretariat).post(url("source_new", consultation), {"title": "X", "url": "https://e.org"})
    assert response.status_code == 409
    assert not SourceDocument.objects.exists()


def test_members_download_the_uploaded_file(page_client, consultation, observer, own_source):
    response = page_client(observer).get(url("source_download", consultation, own_source.pk, 1))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == OWN_TEXT


def test_the_sources_list_takes_the_same_queries_at_two_sizes(
    page_client, consultation, secretariat, django_assert_num_queries
):
    from evidence.services.library import source_create

    client = page_client(secretariat)

    def add(n):
        for i in range(n):
            source_create(consultation=consultation, user=secretariat, title=f"S{i}", file=upload(OWN_TEXT, "a.txt"))

    add(2)
    client.get(url("sources", consultation))
    with CaptureQueriesContext(connection) as small:
        client.get(url("sources", consultation))
    add(8)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url("sources", consultation)).content.decode().count("<tr>") == 11


def test_a_zip_bomb_named_docx_is_refused_as_a_source_and_nothing_is_kept(page_client, consultation, secretariat):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (30 * 1024 * 1024))
    response = page_client(secretariat).post(
        url("source_new", consultation), {"title": "Bomb", "file": upload(buffer.getvalue(), "paper.docx")}
    )
    assert response.status_code == 400
    assert "zip bomb" in response.content.decode()
    assert not SourceDocument.objects.exists()


def test_a_spreadsheet_is_not_a_source_document(page_client, consultation, secretariat):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    out = io.BytesIO()
    book.save(out)
    response = page_client(secretariat).post(
        url("source_new", consultation), {"title": "Sheet", "file": upload(out.getvalue(), "sheet.xlsx")}
    )
    assert response.status_code == 415
    assert "plain text, Markdown, PDF or Word" in response.content.decode()


def test_ids_beyond_the_databases_integers_are_bad_input_not_errors(page_client, consultation, secretariat, own_source):
    client = page_client(secretariat)
    huge = "9" * 30
    assert client.get(url("excerpts", consultation) + f"?source={huge}").status_code == 200
    assert client.get(url("source", consultation, own_source.pk) + f"?version={huge}").status_code == 404
    response = client.post(
        url("excerpt_new", consultation), {"source": huge, "start": 0, "end": 5, "quote": "Study", "stance": "lower"}
    )
    assert response.status_code == 400
