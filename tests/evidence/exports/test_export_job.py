"""The export job: the file written whole or not at all, its SHA-256 recorded, failures explained, files expiring."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

import evidence.exports
import evidence.exports.pdf
from consultation.models import AccessEvent, AccessKind, DraftVersion
from evidence.models import Export
from evidence.services.exports import export_file_path, export_request, export_run, exports_expire
from tests.factories import ConsultationFactory

from .conftest import run_export

pytestmark = pytest.mark.django_db


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_finished_export_is_one_complete_file_whose_sha256_is_in_the_access_trail_and_change_history(
    consultation, secretariat, exports_folder
):
    export, data = run_export(consultation, secretariat, "pdf", pseudonymise=True)

    assert export.status == "done" and export.progress == 100 and data.startswith(b"%PDF")
    assert export.sha256 == hashlib.sha256(data).hexdigest() and export.size == len(data)
    assert files_in(exports_folder) == [export_file_path(export)]
    assert export.download_name.endswith(".pdf") and consultation.slug in export.download_name
    hours = (export.expires_at - export.finished_at).total_seconds() / 3600
    assert hours == pytest.approx(72)
    event = AccessEvent.objects.get(kind=AccessKind.EXPORT, consultation=consultation)
    assert event.user == secretariat and event.details["sha256"] == export.sha256
    assert event.details["format"] == "pdf" and event.details["options"]["pseudonymise"] is True
    history = apps.get_model("evidence", "ExportEvent").objects.filter(pgh_obj_id=export.pk).order_by("pgh_id")
    assert [e.status for e in history] == ["queued", "running", "done"]
    assert history.last().sha256 == export.sha256


def test_running_a_finished_export_again_changes_nothing(consultation, secretariat, exports_folder):
    export, _ = run_export(consultation, secretariat, "docx")

    again = export_run(export_id=export.pk)

    assert again.status == "done" and again.sha256 == export.sha256 and again.attempts == 1
    assert AccessEvent.objects.filter(kind=AccessKind.EXPORT).count() == 1
    assert len(files_in(exports_folder)) == 1


def test_a_writer_that_fails_half_way_marks_the_export_failed_and_leaves_no_file(
    consultation, secretariat, exports_folder, monkeypatch
):
    def broken(context, out, progress):
        out.write(b"%PDF-1.7 half a document")
        progress(40, "Half way")
        raise RuntimeError("the layout engine ran out of memory")

    monkeypatch.setattr(evidence.exports.pdf, "write", broken)

    export, data = run_export(consultation, secretariat, "pdf")

    assert export.status == "failed" and data == b""
    assert export.error == "The export failed: the layout engine ran out of memory"
    assert not export.sha256 and not export.file_name
    assert files_in(exports_folder) == []
    assert not AccessEvent.objects.filter(kind=AccessKind.EXPORT).exists()


def test_a_format_whose_writer_is_not_installed_fails_with_a_clear_message(
    consultation, secretariat, exports_folder, monkeypatch
):
    monkeypatch.setitem(evidence.exports.WRITERS, "xlsx", "evidence.exports.not_written_yet")

    export, _ = run_export(consultation, secretariat, "xlsx")

    assert export.status == "failed"
    assert export.error == "The export failed: Exports as Excel (XLSX) are not available in this installation yet."
    assert files_in(exports_folder) == []


def test_a_database_outage_while_writing_leaves_no_file_and_a_retry_writes_it_from_scratch(
    consultation, secretariat, exports_folder, monkeypatch
):
    export = export_request(consultation=consultation, user=secretariat, format="pdf")
    real_write = evidence.exports.pdf.write

    def outage(context, out, progress):
        out.write(b"%PDF-1.7 a first attempt")
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(evidence.exports.pdf, "write", outage)
    with pytest.raises(OperationalError):
        export_run(export_id=export.pk)
    assert Export.objects.get(pk=export.pk).status == "running" and files_in(exports_folder) == []

    monkeypatch.setattr(evidence.exports.pdf, "write", real_write)
    export = export_run(export_id=export.pk)

    assert export.status == "done" and export.attempts == 2
    data = export_file_path(export).read_bytes()
    assert data.startswith(b"%PDF") and b"a first attempt" not in data
    assert files_in(exports_folder) == [export_file_path(export)]


def test_expired_exports_lose_their_file_and_can_no_longer_be_downloaded(consultation, secretariat, exports_folder):
    export, _ = run_export(consultation, secretariat, "pdf")
    fresh, _ = run_export(consultation, secretariat, "docx")
    Export.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() + timedelta(hours=80))

    assert exports_expire(now=timezone.now() + timedelta(hours=73)) == 1

    export.refresh_from_db()
    assert export.status == "expired" and export_file_path(export) is None and export.sha256
    assert files_in(exports_folder) == [export_file_path(Export.objects.get(pk=fresh.pk))]


def test_observers_exports_are_always_pseudonymised_and_without_internal_notes(consultation, observer):
    export = export_request(
        consultation=consultation, user=observer, format="pdf", pseudonymise=False, include_internal_notes=True
    )

    assert export.options["pseudonymise"] is True and export.options["include_internal_notes"] is False


def test_a_version_of_another_consultation_or_a_comparison_with_a_later_version_is_refused(consultation, secretariat):
    now = timezone.now()
    early = DraftVersion.objects.create(consultation=consultation, label="v1", published_at=now - timedelta(days=2))
    late = DraftVersion.objects.create(consultation=consultation, label="v2", published_at=now - timedelta(days=1))
    foreign = DraftVersion.objects.create(consultation=ConsultationFactory(), label="v1", published_at=now)

    with pytest.raises(ValidationError) as refused:
        export_request(consultation=consultation, user=secretariat, format="pdf", version=foreign)
    assert "version" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        export_request(consultation=consultation, user=secretariat, format="pdf", version=early, compare_to=late)
    assert refused.value.message_dict["compare_to"] == ["Choose a version published before the one exported."]
    with pytest.raises(ValidationError) as refused:
        export_request(consultation=consultation, user=secretariat, format="tiff")
    assert "format" in refused.value.message_dict
    assert not Export.objects.exists()


def test_a_partial_file_left_by_a_killed_worker_is_removed_when_the_task_is_delivered_again(
    consultation, secretariat, exports_folder
):
    export = export_request(consultation=consultation, user=secretariat, format="docx")
    Export.objects.filter(pk=export.pk).update(status="running", attempts=1)  # a worker died while writing
    partial = exports_folder / consultation.slug / f".export-{export.pk}-killed.part"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(b"PK half an archive")

    export = export_run(export_id=export.pk)

    assert export.status == "done" and export.attempts == 2
    assert files_in(exports_folder) == [export_file_path(export)]


def test_expiry_also_sweeps_old_partial_files_of_exports_never_run_again(consultation, exports_folder):
    old = exports_folder / consultation.slug / ".export-999-lost.part"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF half")

    exports_expire(now=timezone.now() + timedelta(hours=73))

    assert files_in(exports_folder) == []
