"""The import confirmed on the web page runs in a real Celery worker, on the real broker."""

import time
from pathlib import Path

import pytest

from consultation.importing.services import draft_import_confirm, draft_import_preview
from consultation.models import Assessment, DraftImportStatus

DRAFTS = Path(__file__).parent / "drafts"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]


def _wait_until_finished(draft_import, timeout=60):
    deadline = time.monotonic() + timeout
    seen_progress = set()
    while time.monotonic() < deadline:
        draft_import.refresh_from_db()
        seen_progress.add(draft_import.progress)
        if draft_import.status in (DraftImportStatus.DONE, DraftImportStatus.FAILED):
            return seen_progress
        time.sleep(0.1)
    pytest.fail(f"The import was still {draft_import.status} after {timeout}s")


def test_confirmed_import_is_applied_by_a_celery_worker(celery_worker, consultation, secretariat):
    content = (DRAFTS / "small_draft.txt").read_text(encoding="utf-8")
    draft_import = draft_import_preview(
        consultation=consultation, filename="small_draft.txt", content=content, user=secretariat
    )
    assert Assessment.objects.filter(consultation=consultation).count() == 0

    draft_import_confirm(draft_import=draft_import, user=secretariat)
    _wait_until_finished(draft_import)

    assert draft_import.status == DraftImportStatus.DONE, draft_import.error
    assert draft_import.progress == 100
    assert Assessment.objects.filter(consultation=consultation).count() == draft_import.preview["counts"]["assessments"]
