"""Notifications: the status change with the response, deadline reminders, the secretariat's daily digest.

Every email is sent once (a retried or repeated task sends nothing twice) and names the consultation's
marking in its subject and first line.
"""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from consultation.models import Membership, Role
from evidence import notifications, tasks
from evidence.models import SentNotification, Submission
from evidence.services.triage import submission_triage
from tests.evidence.factories import draft_of, submitted_by
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run_queued_status_emails():
    """Run the tasks queued on commit in this process (the real worker is tested below)."""
    return mock.patch(
        "evidence.tasks.send_status_change.delay",
        side_effect=lambda submission_id, version: tasks.send_status_change(submission_id, version),
    )


@pytest.fixture
def submission(consultation, expert):
    return submitted_by(expert, consultation, title="Hashes miss new images")


def test_the_author_is_told_the_new_status_and_the_response_after_commit(
    submission, secretariat, expert, consultation, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with run_queued_status_emails(), django_capture_on_commit_callbacks(execute=True):
        submission_triage(
            submission=submission, user=secretariat, status="incorporated", response="Now in section 3.1."
        )

    [email] = mail.outbox
    assert email.to == [expert.email]
    assert email.subject.startswith(f"[LIMITE] {consultation.reference}:")
    assert "incorporated" in email.subject
    assert email.body.splitlines()[0] == f"LIMITE — {consultation.reference}"
    assert "Status: Incorporated" in email.body and "Now in section 3.1." in email.body


def test_a_repeated_status_task_sends_nothing_twice(submission, secretariat):
    updated = submission_triage(submission=submission, user=secretariat, status="noted", response="Thanks.")
    mail.outbox.clear()

    first = tasks.send_status_change(updated.pk, updated.version)
    again = tasks.send_status_change(updated.pk, updated.version)

    assert (first, again) == (True, False)
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(kind="status_change").count() == 1


def test_a_failed_send_can_be_retried(submission, secretariat):
    updated = submission_triage(submission=submission, user=secretariat, status="noted")
    mail.outbox.clear()

    with (
        mock.patch("evidence.notifications.send_mail", side_effect=ConnectionError("SMTP down")),
        pytest.raises(ConnectionError),
    ):
        tasks.send_status_change(updated.pk, updated.version)
    assert not SentNotification.objects.exists()
    assert tasks.send_status_change(updated.pk, updated.version) is True
    assert len(mail.outbox) == 1


def test_the_internal_notes_and_tags_never_reach_the_author(submission, secretariat, consultation):
    from evidence.services.triage import internal_note_add, tag_create

    internal_note_add(submission=submission, user=secretariat, body="Secret assessment of the author")
    tag = tag_create(consultation=consultation, user=secretariat, name="dubious")
    updated = submission_triage(submission=submission, user=secretariat, status="rejected", tags=[tag])
    mail.outbox.clear()

    tasks.send_status_change(updated.pk, updated.version)

    assert "Secret assessment" not in mail.outbox[0].body and "dubious" not in mail.outbox[0].body


# Reminders ---------------------------------------------------------------------------------------------


@pytest.fixture
def closing_soon(consultation):
    consultation.closes_at = timezone.now() + timedelta(days=2)
    consultation.reminder_days_before = 3
    consultation.save()
    return consultation


def test_reminders_go_only_to_experts_without_a_submission_and_only_once(
    closing_soon, secretariat, expert, other_expert, observer
):
    submitted_by(other_expert, closing_soon)
    draft_of(expert, closing_soon)  # a draft is not a submission
    mail.outbox.clear()

    first = tasks.send_deadline_reminders()
    again = tasks.send_deadline_reminders()

    assert (first, again) == (1, 0)
    [email] = mail.outbox
    assert email.to == [expert.email]
    assert email.subject.startswith("[LIMITE] ") and "closes on" in email.subject
    assert email.body.startswith("LIMITE — ")


def test_no_reminder_before_the_reminder_window_nor_after_the_deadline(closing_soon, expert):
    mail.outbox.clear()
    early = notifications.send_deadline_reminders(now=closing_soon.closes_at - timedelta(days=4))
    late = notifications.send_deadline_reminders(now=closing_soon.closes_at + timedelta(minutes=1))

    assert (early, late) == (0, 0)
    assert mail.outbox == []


def test_no_reminders_for_a_consultation_that_is_not_open_or_has_reminders_off(closing_soon, expert):
    closing_soon.reminder_days_before = 0
    closing_soon.save()
    assert notifications.send_deadline_reminders() == 0
    closing_soon.reminder_days_before = 3
    closing_soon.status = "closed"
    closing_soon.save()
    assert notifications.send_deadline_reminders() == 0


def test_an_expert_with_an_extension_is_reminded_before_their_own_deadline(closing_soon, expert):
    membership = Membership.objects.get(consultation=closing_soon, user=expert)
    membership.deadline_extended_until = closing_soon.closes_at + timedelta(days=10)
    membership.save()
    mail.outbox.clear()

    assert notifications.send_deadline_reminders() == 0
    assert notifications.send_deadline_reminders(now=closing_soon.closes_at + timedelta(days=8)) == 1
    assert [m.to for m in mail.outbox] == [[expert.email]]


# Digest ------------------------------------------------------------------------------------------------


def test_the_digest_lists_the_days_new_submissions_and_status_changes_once_per_day(
    consultation, secretariat, expert, other_expert
):
    second_secretary = UserFactory(username="sec2")
    Membership.objects.create(consultation=consultation, user=second_secretary, role=Role.SECRETARIAT)
    old = submitted_by(expert, consultation, title="Last week's input")
    Submission.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=6))
    submitted_by(other_expert, consultation, title="Fresh input")
    submission_triage(submission=Submission.objects.get(pk=old.pk), user=secretariat, status="accepted")
    mail.outbox.clear()

    sent = tasks.send_secretariat_digests()
    again = tasks.send_secretariat_digests()

    assert (sent, again) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([secretariat.email, second_secretary.email])
    body = mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("[LIMITE] ")
    assert "1 new submission(s), 1 status change(s)" in mail.outbox[0].subject
    assert body.startswith("LIMITE — ")
    new_part, changes_part = body.split("Status changes:")
    assert '"Fresh input" by Olga Other' in new_part and "Last week's input" not in new_part
    assert "“Last week's input”" not in changes_part and '"Last week\'s input": New → Accepted' in changes_part


def test_no_digest_when_nothing_happened_in_the_last_day(consultation, secretariat, expert):
    submitted_by(expert, consultation, title="Yesterday's news")
    mail.outbox.clear()

    assert notifications.send_secretariat_digests(now=timezone.now() + timedelta(days=2)) == 0
    assert mail.outbox == []


def test_the_digest_of_one_consultation_never_mentions_another(consultation, secretariat, expert):
    from tests.factories import ConsultationFactory

    other = ConsultationFactory(marking="RESTRICTED")
    stranger = UserFactory(username="stranger")
    Membership.objects.create(consultation=other, user=stranger, role=Role.EXPERT)
    submitted_by(stranger, other, title="Other consultation's input")
    submitted_by(expert, consultation, title="Ours")
    mail.outbox.clear()

    notifications.send_secretariat_digests()

    [email] = mail.outbox
    assert "Ours" in email.body and "Other consultation's input" not in email.body


def test_the_beat_schedule_runs_reminders_and_the_digest(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"evidence.tasks.send_deadline_reminders", "evidence.tasks.send_secretariat_digests"} <= tasks_scheduled


# A real worker -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("celery")
def test_a_real_celery_worker_sends_the_status_change_email(celery_worker, consultation, secretariat, expert):
    submission = submitted_by(expert, consultation, title="Worker-sent")
    mail.outbox.clear()

    with transaction.atomic():
        updated = submission_triage(submission=submission, user=secretariat, status="accepted", response="Yes.")

    key = f"status:{updated.pk}:{updated.version}"
    deadline = time.monotonic() + 60
    while not SentNotification.objects.filter(key=key).exists():
        if time.monotonic() > deadline:
            pytest.fail("The worker did not send the status email within 60 s")
        time.sleep(0.2)
    [email] = [m for m in mail.outbox if "accepted" in m.subject]
    assert email.to == [expert.email] and "Yes." in email.body
