"""The Celery task of an export: retried on a transient database error (the file started afresh), then failed."""

from __future__ import annotations

import pytest
from django.db import OperationalError

import evidence.exports.pdf
from evidence.models import Export
from evidence.services.exports import export_file_path, export_request
from evidence.tasks import run_export

pytestmark = pytest.mark.django_db


def flaky_writer(monkeypatch, failures: int):
    """The PDF writer fails with a database outage ``failures`` times, then works."""
    real = evidence.exports.pdf.write
    calls = {"n": 0}

    def write(context, out, progress):
        calls["n"] += 1
        if calls["n"] <= failures:
            out.write(b"%PDF partial")
            raise OperationalError("could not connect to server")
        return real(context, out, progress)

    monkeypatch.setattr(evidence.exports.pdf, "write", write)
    return calls


def test_the_task_retries_a_transient_database_error_and_then_writes_the_whole_file(
    consultation, secretariat, monkeypatch, exports_folder
):
    calls = flaky_writer(monkeypatch, failures=1)
    export = export_request(consultation=consultation, user=secretariat, format="pdf")

    run_export.apply(args=[export.pk])  # eager: a retry runs again at once

    export.refresh_from_db()
    assert calls["n"] == 2 and export.status == "done" and export.attempts == 2
    assert export_file_path(export).read_bytes().startswith(b"%PDF-")
    assert [p for p in exports_folder.rglob("*") if p.is_file()] == [export_file_path(export)]


def test_when_the_retries_are_spent_the_export_is_marked_failed_and_no_file_remains(
    consultation, secretariat, monkeypatch, exports_folder
):
    calls = flaky_writer(monkeypatch, failures=99)
    export = export_request(consultation=consultation, user=secretariat, format="pdf")

    result = run_export.apply(args=[export.pk])

    export = Export.objects.get(pk=export.pk)
    assert calls["n"] == 1 + run_export.max_retries and isinstance(result.result, OperationalError)
    assert export.status == "failed" and "database could not be reached" in export.error
    assert [p for p in exports_folder.rglob("*") if p.is_file()] == []
