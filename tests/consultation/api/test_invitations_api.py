"""Invitations API: the secretariat invites by email, lists invitations with their status and revokes them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from consultation.models import Invitation, InvitationStatus, Membership, Role
from consultation.services.members import invitation_accept
from tests.factories import ConsultationFactory, InvitationFactory, UserFactory

from .conftest import API

pytestmark = pytest.mark.django_db


def invitations_url(consultation, invitation=None) -> str:
    return f"{API}/consultations/{consultation.slug}/invitations/{f'{invitation.pk}/' if invitation else ''}"


@pytest.fixture
def pending(consultation, secretariat, expert, observer):
    return InvitationFactory(consultation=consultation, email="pending@example.org", invited_by=secretariat)


ACTIONS = {
    "list": ("get", False, None),
    "invite": ("post", False, {"email": "new@example.org", "role": "expert"}),
    "read": ("get", True, None),
    "revoke": ("delete", True, None),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("outsider", 404), ("expert", 403), ("observer", 403)]
)
def test_only_the_secretariat_manages_invitations(consultation, pending, as_role, action, role, status):
    method, detail, data = ACTIONS[action]
    client = as_role(role)
    url = invitations_url(consultation, pending if detail else None)

    response = getattr(client, method)(url, data, format="json") if data else getattr(client, method)(url)

    assert response.status_code == status
    assert list(Invitation.objects.values_list("email", "revoked_at")) == [("pending@example.org", None)]


def test_inviting_answers_the_expiry_and_the_status_and_queues_the_email(
    consultation, secretariat, as_role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = as_role("secretariat").post(
            invitations_url(consultation), {"email": "Nadia@Example.org", "role": "expert"}, format="json"
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["email"], body["role"], body["status"], body["invited_by"]) == (
        "nadia@example.org",
        "expert",
        "pending",
        "Sam Secretary",
    )
    expected = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    assert abs(parse_datetime(body["expires_at"]) - expected) < timedelta(minutes=1)
    assert "token" not in body and "token_sha256" not in body
    assert len(callbacks) == 1  # the email task, queued once the invitation is committed


def test_the_list_shows_every_status_newest_first_and_filters_by_status(consultation, secretariat, as_role):
    now = timezone.now()
    old = now - timedelta(days=30)
    expired = InvitationFactory(
        consultation=consultation, email="e@example.org", created_at=old, expires_at=old + timedelta(days=14)
    )
    revoked = InvitationFactory(
        consultation=consultation, email="r@example.org", revoked_at=now, created_at=now - timedelta(days=3)
    )
    accepted = InvitationFactory(consultation=consultation, email="sec@example.org", created_at=now - timedelta(days=2))
    invitation_accept(invitation=accepted, user=secretariat)
    pending = InvitationFactory(consultation=consultation, email="p@example.org", created_at=now - timedelta(days=1))
    client = as_role("secretariat")

    results = client.get(invitations_url(consultation)).json()["results"]

    assert [(i["id"], i["status"]) for i in results] == [
        (pending.pk, "pending"),
        (accepted.pk, "accepted"),
        (revoked.pk, "revoked"),
        (expired.pk, "expired"),
    ]
    for status, invitation in [
        ("pending", pending),
        ("accepted", accepted),
        ("revoked", revoked),
        ("expired", expired),
    ]:
        found = client.get(invitations_url(consultation), {"status": status}).json()["results"]
        assert [i["id"] for i in found] == [invitation.pk], status
    assert client.get(invitations_url(consultation), {"status": "lost"}).status_code == 400


def test_the_list_keeps_its_query_count_whatever_the_number_of_invitations(consultation, secretariat, as_role):
    client = as_role("secretariat")
    InvitationFactory.create_batch(2, consultation=consultation, invited_by=secretariat)
    with CaptureQueriesContext(connection) as small:
        client.get(invitations_url(consultation))
    InvitationFactory.create_batch(30, consultation=consultation, invited_by=UserFactory())
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(invitations_url(consultation)).json()["results"]) == 32
    assert len(large) == len(small)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "exp@example.org", "role": "observer"}, "email", "already a member"),
        ({"email": "nope", "role": "expert"}, "email", "valid email"),
        ({"email": "x@example.org", "role": "boss"}, "role", "not a valid choice"),
    ],
)
def test_a_bad_invitation_is_a_400_with_a_field_message(consultation, pending, as_role, data, field, message):
    response = as_role("secretariat").post(invitations_url(consultation), data, format="json")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert Invitation.objects.count() == 1


def test_inviting_an_address_again_revokes_the_open_invitation(consultation, pending, as_role):
    response = as_role("secretariat").post(
        invitations_url(consultation), {"email": "pending@example.org", "role": "observer"}, format="json"
    )

    assert response.status_code == 201
    pending.refresh_from_db()
    assert pending.status == InvitationStatus.REVOKED
    assert as_role("secretariat").get(invitations_url(consultation, pending)).json()["status"] == "revoked"


def test_revoking_is_a_204_and_an_accepted_invitation_cannot_be_revoked(consultation, pending, as_role, secretariat):
    client = as_role("secretariat")

    response = client.delete(invitations_url(consultation, pending))

    assert response.status_code == 204
    assert client.get(invitations_url(consultation, pending)).json()["status"] == "revoked"
    accepted = InvitationFactory(consultation=consultation, email="joiner@example.org")
    joiner = UserFactory(username="joiner", email="joiner@example.org")
    invitation_accept(invitation=accepted, user=joiner)
    refused = client.delete(invitations_url(consultation, accepted))
    assert refused.status_code == 409
    assert "already accepted" in refused.json()["detail"]
    assert Membership.objects.get(consultation=consultation, user=joiner).role == Role.EXPERT


def test_an_invitation_of_another_consultation_is_a_404(consultation, secretariat, as_role):
    elsewhere = InvitationFactory(consultation=ConsultationFactory())

    assert as_role("secretariat").get(invitations_url(consultation, elsewhere)).status_code == 404
    assert as_role("secretariat").delete(invitations_url(consultation, elsewhere)).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == InvitationStatus.PENDING
