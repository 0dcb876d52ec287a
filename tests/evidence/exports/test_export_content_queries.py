"""The summary's content is read in the same number of queries whatever the size of the consultation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import DraftVersion, Membership, OpenItem, Reference, Role
from evidence.exports import ExportContext
from evidence.exports.content import summary_content
from evidence.services.triage import internal_note_add
from tests.consultation.pages.conftest import FIRST_DRAFT_AT, make_matrix
from tests.evidence.factories import submitted_by
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


def consultation_of_size(n: int, secretariat):
    consultation = ConsultationFactory()
    Membership.objects.create(consultation=consultation, user=secretariat, role=Role.SECRETARIAT)
    make_matrix(consultation, n, n - 1, revisions=2)
    DraftVersion.objects.create(consultation=consultation, label="v1", published_at=FIRST_DRAFT_AT)
    solutions = list(consultation.solutions.all())
    for i in range(n):
        expert = UserFactory()
        Membership.objects.create(consultation=consultation, user=expert, role=Role.EXPERT)
        submission = submitted_by(expert, consultation, title=f"Input {i}", solutions=solutions[: i + 1])
        internal_note_add(submission=submission, user=secretariat, body=f"Note {i}")
        item = OpenItem.objects.create(consultation=consultation, prompt=f"Item {i}")
        item.answering_submissions.add(submission)
        reference = Reference.objects.create(consultation=consultation, group=f"G{i % 2}", number=i + 1, title="R")
        reference.solutions.add(*solutions[:2])
    return consultation


def queries_for(consultation, secretariat) -> tuple[int, int]:
    context = ExportContext(
        consultation=consultation,
        recipient=secretariat,
        as_of=timezone.now() + timedelta(seconds=1),
        compare_to=DraftVersion.objects.get(consultation=consultation),
        pseudonymise=True,
        include_internal_notes=True,
        watermark="Prepared for a test",
    )
    with CaptureQueriesContext(connection) as queries:
        summary = summary_content(context)
    return len(queries), summary.cell_count


def test_the_summary_content_takes_the_same_number_of_queries_for_a_small_and_a_larger_consultation(db):
    secretariat = UserFactory()
    small, small_cells = queries_for(consultation_of_size(2, secretariat), secretariat)
    large, large_cells = queries_for(consultation_of_size(6, secretariat), secretariat)

    assert (small_cells, large_cells) == (2, 30)
    assert small == large, f"{small} queries for 2 cells, {large} for 30"
    assert large <= 30
