"""The secretariat's triage services: status and response, notes, tags, open-item resolution."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from consultation.exceptions import StaleObjectError, StateConflictError
from consultation.models import OpenItemStatus
from evidence.models import InternalNote, Submission, SubmissionStatus, Tag
from evidence.services.submissions import submission_withdraw
from evidence.services.triage import (
    internal_note_add,
    open_item_answers_set,
    open_item_resolve,
    submission_triage,
    tag_create,
)
from tests.evidence.factories import draft_of, submitted_by
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(consultation, expert, draft_paper):
    return submitted_by(expert, consultation, solutions=draft_paper["solutions"][:1])


def test_triage_sets_status_and_response_bumps_the_version_and_stamps_the_response(submission, secretariat):
    before = submission.version

    updated = submission_triage(
        submission=submission, user=secretariat, status="accepted", response="Thank you, we use it in 3.1."
    )

    updated.refresh_from_db()
    assert (updated.status, updated.response) == ("accepted", "Thank you, we use it in 3.1.")
    assert updated.version == before + 1
    assert updated.responded_at is not None


def test_changing_only_the_status_leaves_responded_at_empty(submission, secretariat):
    updated = submission_triage(submission=submission, user=secretariat, status="under_review")

    assert updated.responded_at is None


def test_triage_without_a_change_keeps_the_version_and_queues_no_email(
    submission, secretariat, django_capture_on_commit_callbacks
):
    with (
        mock.patch("evidence.tasks.send_status_change.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        updated = submission_triage(submission=submission, user=secretariat, status=submission.status, response="")

    assert updated.version == submission.version
    queued.assert_not_called()


def test_the_status_change_email_is_queued_only_after_commit(
    submission, secretariat, django_capture_on_commit_callbacks
):
    with mock.patch("evidence.tasks.send_status_change.delay") as queued:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            updated = submission_triage(submission=submission, user=secretariat, status="noted")
        queued.assert_not_called()
        for callback in callbacks:
            callback()

    queued.assert_called_once_with(submission.pk, updated.version)


def test_a_stale_expected_version_is_refused_and_changes_nothing(submission, secretariat):
    with pytest.raises(StaleObjectError):
        submission_triage(
            submission=submission, user=secretariat, status="rejected", expected_version=submission.version + 5
        )

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.NEW


def test_an_unknown_status_is_a_validation_error(submission, secretariat):
    with pytest.raises(ValidationError):
        submission_triage(submission=submission, user=secretariat, status="binned")


def test_a_withdrawn_submission_can_be_noted_or_rejected_but_not_accepted(submission, secretariat, expert):
    submission_withdraw(submission=submission, user=expert)
    submission.refresh_from_db()

    with pytest.raises(StateConflictError):
        submission_triage(submission=submission, user=secretariat, status="accepted")
    noted = submission_triage(submission=submission, user=secretariat, status="noted", response="Withdrawn; noted.")

    assert noted.status == "noted"


def test_a_draft_cannot_be_triaged(consultation, expert, secretariat, draft_paper):
    draft = draft_of(expert, consultation)

    with pytest.raises(StateConflictError):
        submission_triage(submission=draft, user=secretariat, status="accepted")
    with pytest.raises(StateConflictError):
        internal_note_add(submission=draft, user=secretariat, body="Too early")


def test_a_closed_consultation_refuses_triage(submission, secretariat, consultation):
    consultation.status = "closed"
    consultation.save()
    submission.refresh_from_db()

    with pytest.raises(StateConflictError):
        submission_triage(submission=submission, user=secretariat, status="accepted")


def test_tags_are_created_once_per_name_and_set_on_the_submission(submission, secretariat, consultation):
    urgent = tag_create(consultation=consultation, user=secretariat, name="  Urgent   item ")
    again = tag_create(consultation=consultation, user=secretariat, name="urgent ITEM")
    legal = tag_create(consultation=consultation, user=secretariat, name="legal")

    updated = submission_triage(submission=submission, user=secretariat, tags=[urgent, legal])
    cleared = submission_triage(submission=updated, user=secretariat, tags=[legal])

    assert urgent == again and urgent.name == "Urgent item"
    assert list(cleared.tags.values_list("name", flat=True)) == ["legal"]
    assert cleared.version == submission.version + 2


def test_a_tag_of_another_consultation_is_refused(submission, secretariat):
    foreign = Tag.objects.create(consultation=ConsultationFactory(), name="elsewhere")

    with pytest.raises(ValidationError):
        submission_triage(submission=submission, user=secretariat, tags=[foreign])


def test_an_empty_tag_name_is_refused(consultation, secretariat):
    with pytest.raises(ValidationError):
        tag_create(consultation=consultation, user=secretariat, name="   ")


def test_internal_notes_are_kept_with_their_author_and_an_empty_one_is_refused(submission, secretariat):
    internal_note_add(submission=submission, user=secretariat, body=" Check the figures. ")

    with pytest.raises(ValidationError):
        internal_note_add(submission=submission, user=secretariat, body="  ")
    assert list(InternalNote.objects.values_list("body", "author")) == [("Check the figures.", secretariat.pk)]


def test_resolving_an_open_item_links_the_answering_input_and_writes_the_resolution(
    submission, secretariat, draft_paper, consultation, other_expert
):
    item = draft_paper["open_item"]
    other = submitted_by(other_expert, consultation, open_items=[item])

    resolved = open_item_resolve(
        item=item, user=secretariat, submissions=[submission, other], resolution="Device solutions first."
    )

    assert (resolved.status, resolved.resolution) == (OpenItemStatus.RESOLVED, "Device solutions first.")
    assert set(resolved.answering_submissions.all()) == {submission, other}
    assert resolved.version == item.version + 1
    submission_after = Submission.objects.get(pk=submission.pk)
    assert submission_after.version == submission.version + 1, "linking changes the submission's representation"


def test_resolving_without_a_resolution_changes_nothing(submission, secretariat, draft_paper):
    item = draft_paper["open_item"]

    with pytest.raises(ValidationError):
        open_item_resolve(item=item, user=secretariat, submissions=[submission], resolution="  ")

    item.refresh_from_db()
    assert item.status == OpenItemStatus.OPEN
    assert not item.answering_submissions.exists()


def test_a_stale_open_item_is_not_resolved(submission, secretariat, draft_paper):
    item = draft_paper["open_item"]

    with pytest.raises(StaleObjectError):
        open_item_resolve(item=item, user=secretariat, submissions=[submission], resolution="x", expected_version=9)

    assert not item.answering_submissions.exists()


def test_only_submitted_input_of_the_same_consultation_can_answer_an_item(
    consultation, secretariat, expert, draft_paper
):
    item = draft_paper["open_item"]
    draft = draft_of(expert, consultation)
    elsewhere = ConsultationFactory()
    from consultation.models import Membership

    stranger = UserFactory()
    Membership.objects.create(consultation=elsewhere, user=stranger, role="expert")
    foreign = submitted_by(stranger, elsewhere)

    for wrong in (draft, foreign):
        with pytest.raises(ValidationError):
            open_item_answers_set(item=item, user=secretariat, submissions=[wrong])
    assert not item.answering_submissions.exists()


def test_links_alone_can_be_saved_and_unlinked_without_resolving(submission, secretariat, draft_paper):
    item = draft_paper["open_item"]

    linked = open_item_answers_set(item=item, user=secretariat, submissions=[submission])
    unlinked = open_item_answers_set(item=linked, user=secretariat, submissions=[])

    assert linked.status == OpenItemStatus.OPEN
    assert not unlinked.answering_submissions.exists()
    assert unlinked.version == item.version + 2
