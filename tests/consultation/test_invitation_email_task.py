"""The invitation email: sent by a real Celery worker after the invitation is committed; what it says; and what
a retried or late task does (nothing for an invitation that was answered, revoked or replaced)."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from consultation.services.members import hash_token, invitation_accept, invitation_create, invitation_revoke
from consultation.tasks import send_invitation_email
from tests.factories import UserFactory

LINK = re.compile(r"http://\S+/invitations/(?P<token>[A-Za-z0-9_-]+)/")


def _wait_for_mail(count: int = 1, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(mail.outbox) >= count:
            return
        time.sleep(0.1)
    pytest.fail(f"{len(mail.outbox)} email(s) after {timeout}s, expected {count}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("celery")
def test_a_celery_worker_mails_the_invitation_link_with_title_role_expiry_and_marking(
    celery_worker, consultation, secretariat
):
    mail.outbox.clear()

    invitation = invitation_create(
        consultation=consultation, email="nadia@example.org", role="expert", invited_by=secretariat
    )
    _wait_for_mail()

    message = mail.outbox[0]
    assert message.to == ["nadia@example.org"]
    assert message.subject == f"[LIMITE] Invitation: {consultation.title} (expert)"
    body = message.body
    token = LINK.search(body)["token"]
    assert hash_token(token) == invitation.token_sha256
    assert f"http://127.0.0.1:8000{reverse('consultation:invitation', args=[token])}" in body
    assert consultation.title in body
    assert consultation.reference in body
    assert "as an expert" in body
    assert "Sam Secretary invites you" in body
    assert invitation.expires_at.astimezone().strftime("%Y") in body
    assert "Marking: LIMITE" in body and "marked LIMITE" in body


@pytest.fixture
def invitation(consultation, secretariat):
    return invitation_create(
        consultation=consultation, email="nadia@example.org", role="expert", invited_by=secretariat
    )


@pytest.mark.django_db
def test_a_retried_task_sends_the_same_valid_link_again(invitation):
    assert send_invitation_email.apply(args=[invitation.pk, invitation.token]).get() is True
    assert send_invitation_email.apply(args=[invitation.pk, invitation.token]).get() is True

    tokens = {LINK.search(m.body)["token"] for m in mail.outbox}
    assert tokens == {invitation.token}


@pytest.mark.django_db
def test_nothing_is_sent_for_a_revoked_invitation(invitation):
    invitation_revoke(invitation=invitation)

    assert send_invitation_email.apply(args=[invitation.pk, invitation.token]).get() is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_nothing_is_sent_for_an_accepted_invitation(invitation):
    invitation_accept(invitation=invitation, user=UserFactory(username="nadia", email="nadia@example.org"))

    assert send_invitation_email.apply(args=[invitation.pk, invitation.token]).get() is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_nothing_is_sent_for_a_replaced_invitation_or_a_wrong_token(consultation, secretariat, invitation):
    invitation_create(consultation=consultation, email="nadia@example.org", role="observer", invited_by=secretariat)

    assert send_invitation_email.apply(args=[invitation.pk, invitation.token]).get() is False
    assert send_invitation_email.apply(args=[invitation.pk, "forged"]).get() is False
    assert send_invitation_email.apply(args=[10**9, invitation.token]).get() is False
    assert mail.outbox == []
