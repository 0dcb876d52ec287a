"""Importing a draft from the web pages: upload, preview, confirm, progress, result (secretariat only).

The importer's real services run here. Confirming queues the Celery task on
commit; these tests capture that callback instead of running a worker, then
apply the import by calling ``draft_import_apply`` directly, as the task would
(``tests/consultation/test_import_task.py`` covers the worker itself).
"""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultation.importing.services import draft_import_apply
from consultation.models import Assessment, DraftImport, DraftImportStatus, Solution

pytestmark = pytest.mark.django_db

SMALL_DRAFT = Path(__file__).resolve().parent.parent / "drafts" / "small_draft.txt"


@pytest.fixture
def draft_text():
    return SMALL_DRAFT.read_text(encoding="utf-8")


@pytest.fixture
def upload_url(consultation):
    return reverse("consultation:import", args=[consultation.slug])


def _upload(client, url, content: bytes, name="draft.txt"):
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type="text/plain")})


def _field_error(html: str) -> str:
    match = re.search(r'<div class="field-error" id="id_file_error">(.*?)</div>', html, re.S)
    assert match, "no error under the file field"
    return match.group(1)


def test_the_upload_form_says_what_file_it_takes(client_for, upload_url, secretariat, settings):
    settings.DRAFT_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    html = client_for(secretariat).get(upload_url).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert '<label class="form-label" for="id_file">Draft file</label>' in html
    assert 'aria-describedby="id_file_helptext"' in html
    help_text = re.search(r'<div class="form-text" id="id_file_helptext">(.*?)</div>', html, re.S).group(1)
    assert "plain-text form of the draft" in help_text and "UTF-8" in help_text and "5.0\xa0MB" in help_text


def test_a_readable_draft_is_previewed_with_its_counts_and_nothing_is_applied(
    client_for, consultation, upload_url, secretariat, draft_text
):
    response = _upload(client_for(secretariat), upload_url, draft_text.encode(), "small_draft.txt")

    draft_import = DraftImport.objects.get(consultation=consultation)
    assert response.status_code == 302
    assert response.url == reverse("consultation:import_detail", args=[consultation.slug, draft_import.pk])
    assert draft_import.status == DraftImportStatus.PREVIEWED
    assert Solution.objects.filter(consultation=consultation).count() == 0

    html = client_for(secretariat).get(response.url).content.decode()
    counts = draft_import.preview["counts"]
    for kind in ("sections", "solutions", "criteria", "assessments", "references"):
        assert f'data-count="{kind}">{counts[kind]}</td>' in html
    assert '<button type="submit" class="btn btn-primary">Confirm import</button>' in html
    assert "hx-trigger" not in html


def test_a_malformed_draft_shows_the_line_error_and_keeps_nothing(
    client_for, consultation, upload_url, secretariat, draft_text
):
    broken = draft_text.replace("- Effectiveness:\n - High: every link", "- Effectiveness:\n - Great: every link", 1)
    line = broken.splitlines().index(" - Great: every link is checked against the complete blocklist.") + 1

    response = _upload(client_for(secretariat), upload_url, broken.encode())

    assert response.status_code == 200
    error = _field_error(response.content.decode())
    assert f"Line {line}: expected a level such as" in error
    assert "nothing was saved" in response.content.decode()
    assert not DraftImport.objects.filter(consultation=consultation).exists()


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_error(client_for, consultation, upload_url, secretariat):
    response = _upload(client_for(secretariat), upload_url, "1. INTRODUCTION\nCaf\xe9 cr\xe8me\n".encode("latin-1"))

    assert response.status_code == 200
    assert "The file is not UTF-8 text" in _field_error(response.content.decode())
    assert 'aria-invalid="true"' in response.content.decode()
    assert not DraftImport.objects.exists()


def test_a_binary_file_is_refused(client_for, upload_url, secretariat):
    response = _upload(client_for(secretariat), upload_url, b"PK\x03\x04\x00\x00word/document.xml", "draft.docx")

    assert "binary document" in _field_error(response.content.decode())
    assert not DraftImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_for, upload_url, secretariat, settings, draft_text):
    settings.DRAFT_UPLOAD_MAX_BYTES = 100

    response = _upload(client_for(secretariat), upload_url, draft_text.encode())

    assert "drafts can be at most 100\xa0bytes" in _field_error(response.content.decode())
    assert not DraftImport.objects.exists()


def test_confirming_queues_the_import_and_shows_a_polling_progress_bar(
    client_for, consultation, secretariat, draft_text, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    _upload(client, reverse("consultation:import", args=[consultation.slug]), draft_text.encode())
    draft_import = DraftImport.objects.get()
    detail_url = reverse("consultation:import_detail", args=[consultation.slug, draft_import.pk])
    progress_url = reverse("consultation:import_progress", args=[consultation.slug, draft_import.pk])

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(detail_url)

    assert response.status_code == 302 and response.url == detail_url
    assert len(queued) == 1  # the Celery task, sent once the confirmation is committed
    draft_import.refresh_from_db()
    assert draft_import.status == DraftImportStatus.QUEUED
    html = client.get(detail_url).content.decode()
    assert "Import confirmed." in html
    assert f'hx-get="{progress_url}" hx-trigger="every 1s" hx-swap="outerHTML"' in html
    assert '<progress class="import-progress__bar" max="100" value="0"' in html
    assert "Confirm import</button>" not in html
    partial = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert "marking-banner" not in partial and "<html" not in partial


def test_once_applied_the_progress_stops_polling_and_shows_the_result_and_the_matrix_link(
    client_for, consultation, secretariat, draft_text, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    _upload(client, reverse("consultation:import", args=[consultation.slug]), draft_text.encode())
    draft_import = DraftImport.objects.get()
    detail_url = reverse("consultation:import_detail", args=[consultation.slug, draft_import.pk])
    progress_url = reverse("consultation:import_progress", args=[consultation.slug, draft_import.pk])
    with django_capture_on_commit_callbacks(execute=False):
        client.post(detail_url)

    draft_import_apply(draft_import_id=draft_import.pk)  # what the queued task does

    partial = client.get(progress_url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert '<progress class="import-progress__bar" max="100" value="100"' in partial
    assert "Import done." in partial
    assert reverse("consultation:matrix", args=[consultation.slug]) in partial
    assert '<div id="import-announcer" hx-swap-oob="innerHTML">The import is done.</div>' in partial
    assert 'id="import-status-badge" class="import-status import-status--done" hx-swap-oob="outerHTML">Done<' in partial
    revisions = Assessment.objects.filter(consultation=consultation).count()
    assert f'<dd data-result="revisions">{revisions} ratings' in partial
    detail = client.get(detail_url).content.decode()
    assert "Open the matrix" in detail and "hx-trigger" not in detail
    matrix = client.get(reverse("consultation:matrix", args=[consultation.slug])).content.decode()
    assert "Server-side link scanning" in matrix


def test_an_import_cannot_be_confirmed_twice(client_for, consultation, secretariat, draft_import):
    client = client_for(secretariat)
    detail_url = reverse("consultation:import_detail", args=[consultation.slug, draft_import.pk])
    draft_import.status = DraftImportStatus.DONE
    draft_import.save()

    response = client.post(detail_url, follow=True)

    assert "only a previewed import can be confirmed" in response.content.decode()
    draft_import.refresh_from_db()
    assert draft_import.status == DraftImportStatus.DONE


def test_a_failed_import_shows_its_error_and_stops_polling(client_for, consultation, secretariat, draft_import):
    draft_import.status = DraftImportStatus.FAILED
    draft_import.error = "Line 12: expected a level, found nothing."
    draft_import.save()
    url = reverse("consultation:import_progress", args=[consultation.slug, draft_import.pk])

    partial = client_for(secretariat).get(url).content.decode()

    assert "hx-trigger" not in partial
    assert "Line 12: expected a level, found nothing." in partial


def test_the_preview_lists_changes_new_items_and_disagreements(client_for, consultation, secretariat, draft_import):
    url = reverse("consultation:import_detail", args=[consultation.slug, draft_import.pk])
    html = re.sub(r"\s+", " ", client_for(secretariat).get(url).content.decode())

    assert '<li data-created="solutions">Solutions: <strong>1</strong></li>' in html
    assert 'data-created="sections"' not in html
    assert '<th scope="row" class="fw-normal">1a/privacy</th>' in html
    assert "<strong>1a/effectiveness</strong>: 5★ in the table, the text says Medium-high (4★)" in html
    assert "References: General" not in html and "General</th>" in html


@pytest.mark.parametrize("role", ["expert", "observer"])
def test_only_the_secretariat_may_upload_or_confirm(request, client_for, consultation, draft_import, draft_text, role):
    client = client_for(request.getfixturevalue(role))

    upload = _upload(client, reverse("consultation:import", args=[consultation.slug]), draft_text.encode())
    confirm = client.post(reverse("consultation:import_detail", args=[consultation.slug, draft_import.pk]))

    assert (upload.status_code, confirm.status_code) == (403, 403)
    assert DraftImport.objects.get().status == DraftImportStatus.PREVIEWED


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_no_draft_is_imported_into_a_closed_consultation(
    client_for, consultation, upload_url, secretariat, draft_import, draft_text, status
):
    consultation.status = status
    consultation.save()
    client = client_for(secretariat)
    detail_url = reverse("consultation:import_detail", args=[consultation.slug, draft_import.pk])

    page = client.get(upload_url).content.decode()
    upload = _upload(client, upload_url, draft_text.encode()).content.decode()
    confirm = client.post(detail_url, follow=True).content.decode()

    assert f"The consultation is {status}: it can be read but not changed" in page
    assert 'enctype="multipart/form-data"' not in page
    assert f"The consultation is {status}" in upload
    assert f"The consultation is {status}" in confirm and "Confirm import</button>" not in confirm
    assert DraftImport.objects.get().status == DraftImportStatus.PREVIEWED
    assert DraftImport.objects.count() == 1
