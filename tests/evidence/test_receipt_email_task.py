"""The receipt email: sent by a real Celery worker after the submission commits, once per version."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from evidence.models import SentNotification
from evidence.receipts import send_submission_receipt
from evidence.services.submissions import submission_edit, submission_submit

from .factories import draft_of, submitted_by

pytestmark = pytest.mark.django_db


def wait_for_mail(count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(mail.outbox) >= count:
            return
        time.sleep(0.1)
    pytest.fail(f"{len(mail.outbox)} email(s) after {timeout}s, expected {count}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("celery")
def test_a_real_celery_worker_sends_the_receipt_with_the_time_and_the_sha256(celery_worker, consultation, expert):
    mail.outbox.clear()

    submission = submitted_by(expert, consultation, title="Receipt please")
    wait_for_mail(1)

    version = submission.versions.get()
    message = mail.outbox[0]
    assert message.to == [expert.email]
    assert message.subject.startswith(f"[{consultation.marking}]") and "Receipt please" in message.subject
    assert version.sha256 in message.body
    assert f"/c/{consultation.slug}/submissions/{submission.pk}/versions/1/" in message.body
    assert SentNotification.objects.filter(key=f"receipt:{version.pk}", kind="receipt").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("celery")
def test_each_new_version_gets_its_own_receipt(celery_worker, consultation, expert):
    mail.outbox.clear()
    submission = submitted_by(expert, consultation)
    wait_for_mail(1)

    submission_edit(submission=submission, user=expert, body="Changed.")
    wait_for_mail(2)

    assert submission.versions.get(number=2).sha256 in mail.outbox[1].body
    assert "version 2" in mail.outbox[1].subject


def test_sending_the_same_receipt_twice_sends_one_email(consultation, expert):
    mail.outbox.clear()
    # In a test that never commits, the on-commit queueing does not run: the sends below are the only ones.
    version = submission_submit(submission=draft_of(expert, consultation), user=expert)

    assert send_submission_receipt(version_id=version.pk) is True
    assert send_submission_receipt(version_id=version.pk) is False
    assert len(mail.outbox) == 1


def test_a_receipt_for_a_version_that_does_not_exist_sends_nothing():
    assert send_submission_receipt(version_id=987654) is False
    assert mail.outbox == []
