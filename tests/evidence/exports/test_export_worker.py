"""A real Celery worker runs an export while the page polls its progress: the bar moves, then the file is there."""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse

import evidence.services.exports as export_services
from evidence.models import Export
from tests.factories import AssessmentFactory, CriterionFactory, SolutionFactory, SolutionGroupFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]

STATE = re.compile(r'class="export-progress export-progress--(\w+)".*?data-progress="(\d+)"', re.S)


@pytest.fixture
def slow_progress(monkeypatch):
    """Each step of the writer takes a moment, so that a poll every half second sees the bar between 0 and 100."""
    real = export_services._progress_recorder

    def recorder(export_id):
        record = real(export_id)

        def progress(percent, step):
            record(percent, step)
            time.sleep(0.6)

        return progress

    monkeypatch.setattr(export_services, "_progress_recorder", recorder)


def test_a_real_worker_runs_the_export_while_the_page_polls_the_progress(
    celery_worker, slow_progress, consultation, secretariat, page_client
):
    group = SolutionGroupFactory(consultation=consultation, number=1)
    solution = SolutionFactory(consultation=consultation, group=group, code="1a")
    AssessmentFactory(
        consultation=consultation, solution=solution, criterion=CriterionFactory(consultation=consultation)
    )
    client = page_client(secretariat)

    response = client.post(reverse("evidence:exports", args=[consultation.slug]), {"format": "pdf", "watermark": "on"})
    export = Export.objects.get()
    assert response.status_code == 302
    progress_url = reverse("evidence:export_progress", args=[consultation.slug, export.pk])

    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        fragment = client.get(progress_url).content.decode()
        status, percent = STATE.search(fragment).groups()
        seen.append((status, int(percent)))
        if status in ("done", "failed"):
            break
        assert 'hx-trigger="every 1s"' in fragment  # still polling
        time.sleep(0.5)

    assert seen[-1] == ("done", 100), seen
    assert any(status == "running" and 0 < percent < 100 for status, percent in seen), seen
    percents = [percent for _, percent in seen]
    assert percents == sorted(percents), "the bar never moves backwards"
    assert "hx-trigger" not in fragment and "The export is ready to download." in fragment
    download = client.get(reverse("evidence:export_download", args=[consultation.slug, export.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
