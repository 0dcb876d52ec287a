"""The secretariat's members page: members with role, profile and deadline; invitations; every action, and who
may not do them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultation.models import Assessment, AssessmentRevision, Invitation, InvitationStatus, Membership, Role
from consultation.services import assessment_revise
from consultation.tasks import send_invitation_email
from tests.factories import (
    AssessmentFactory,
    InvitationFactory,
    ProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def members_url(consultation) -> str:
    return reverse("consultation:members", args=[consultation.slug])


def action_urls(consultation, membership_pk: int, invitation_pk: int) -> dict[str, tuple[str, dict]]:
    slug = consultation.slug
    return {
        "invite": (reverse("consultation:member_invite", args=[slug]), {"email": "new@example.org", "role": "expert"}),
        "add": (reverse("consultation:member_add", args=[slug]), {"email": "known@example.org", "role": "observer"}),
        "role": (reverse("consultation:member_role", args=[slug, membership_pk]), {"role": "observer"}),
        "deadline": (
            reverse("consultation:member_deadline", args=[slug, membership_pk]),
            {"until": (timezone.now() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")},
        ),
        "remove": (reverse("consultation:member_remove", args=[slug, membership_pk]), {}),
        "revoke": (reverse("consultation:invitation_revoke", args=[slug, invitation_pk]), {}),
    }


@pytest.fixture
def pending(consultation, secretariat):
    return InvitationFactory(consultation=consultation, email="pending@example.org", invited_by=secretariat)


@pytest.fixture
def mail_at_once(monkeypatch):
    """Run the invitation task in the test's process when the transaction commits (no worker needed)."""
    monkeypatch.setattr(send_invitation_email, "delay", lambda *args: send_invitation_email.apply(args=args))


# --- Who may open the page and do what ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client_for, consultation):
    response = client_for(None).get(members_url(consultation))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(
    ("role", "status"), [("secretariat", 200), ("expert", 403), ("observer", 403), ("outsider", 404)]
)
def test_only_the_secretariat_opens_the_members_page(request, client_for, consultation, role, status):
    response = client_for(request.getfixturevalue(role)).get(members_url(consultation))

    assert response.status_code == status


@pytest.mark.parametrize("action", ["invite", "add", "role", "deadline", "remove", "revoke"])
@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("expert", 403), ("observer", 403), ("outsider", 404)]
)
def test_no_one_but_the_secretariat_can_act(
    request, client_for, consultation, secretariat, expert, pending, action, role, status
):
    UserFactory(username="known", email="known@example.org")
    membership = Membership.objects.get(user=expert)
    user = None if role == "anonymous" else request.getfixturevalue(role)
    url, data = action_urls(consultation, membership.pk, pending.pk)[action]
    members_before = Membership.objects.filter(consultation=consultation).count()

    response = client_for(user).post(url, data)

    assert response.status_code == status
    membership.refresh_from_db()
    assert (membership.role, membership.deadline_extended_until) == (Role.EXPERT, None)
    assert Membership.objects.filter(consultation=consultation).count() == members_before
    assert list(Invitation.objects.values_list("email", "revoked_at")) == [("pending@example.org", None)]


def test_the_members_link_is_in_the_navigation_of_the_secretariat_only(client_for, consultation, secretariat, expert):
    home = reverse("consultation:home", args=[consultation.slug])

    assert client_for(secretariat).get(home).content.decode().count(f'href="{members_url(consultation)}"') == 1
    assert members_url(consultation) not in client_for(expert).get(home).content.decode()


# --- What the page shows -----------------------------------------------------------------------------------


def test_the_page_lists_members_with_their_profile_and_the_invitations(
    client_for, consultation, secretariat, expert, observer, pending
):
    ProfileFactory(
        user=expert,
        name="Eva Expert-Example",
        organisation="Ghent University",
        expert_type="academia",
        country="BE",
        declared_interests="Advises a messaging provider.",
    )
    revoked = InvitationFactory(consultation=consultation, email="gone@example.org", revoked_at=timezone.now())

    html = client_for(secretariat).get(members_url(consultation)).content.decode()

    for text in (
        "Eva Expert-Example",
        "Ghent University",
        "Academia",
        "Belgium",
        "Advises a messaging provider.",
        "Otto Observer",
        "Sam Secretary",
        "pending@example.org",
        "gone@example.org",
    ):
        assert text in html, text
    assert 'invitation-status--pending">Pending' in html
    assert 'invitation-status--revoked">Revoked' in html
    assert reverse("consultation:invitation_revoke", args=[consultation.slug, pending.pk]) in html
    assert reverse("consultation:invitation_revoke", args=[consultation.slug, revoked.pk]) not in html
    assert html.index("Sam Secretary") < html.index("Eva Expert-Example") < html.index("Otto Observer")


def test_the_page_keeps_its_query_count_whatever_the_number_of_members(
    client_for, consultation, secretariat, django_assert_num_queries
):
    client = client_for(secretariat)

    def add(n: int) -> None:
        for _ in range(n):
            user = UserFactory()
            ProfileFactory(user=user)
            Membership.objects.create(consultation=consultation, user=user, role=Role.EXPERT)
            InvitationFactory(consultation=consultation, invited_by=secretariat)

    add(2)
    client.get(members_url(consultation))  # warm up (session, caches)
    with CaptureQueriesContext(connection) as small:
        client.get(members_url(consultation))
    add(20)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(members_url(consultation))
    assert response.content.decode().count('class="invitation-status') == 22


# --- Invitations --------------------------------------------------------------------------------------------


def test_the_secretariat_invites_by_email_and_the_invitation_is_mailed(
    client_for, consultation, secretariat, mail_at_once, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(secretariat).post(
            reverse("consultation:member_invite", args=[consultation.slug]),
            {"email": "Nadia@Example.org", "role": "expert"},
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status) == ("nadia@example.org", "expert", "pending")
    assert invitation.invited_by == secretariat
    expected_expiry = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    assert abs(invitation.expires_at - expected_expiry) < timedelta(minutes=1)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nadia@example.org"]


def test_inviting_again_replaces_the_open_invitation(client_for, consultation, secretariat, pending):
    client_for(secretariat).post(
        reverse("consultation:member_invite", args=[consultation.slug]),
        {"email": "pending@example.org", "role": "observer"},
    )

    pending.refresh_from_db()
    assert pending.status == InvitationStatus.REVOKED
    newest = Invitation.objects.exclude(pk=pending.pk).get()
    assert (newest.email, newest.role, newest.status) == ("pending@example.org", "observer", "pending")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an address", "role": "expert"}, "Enter a valid email address."),
        ({"email": "x@example.org", "role": "chair"}, "Select a valid choice."),
        ({"email": "EXP@example.org", "role": "expert"}, "is already a member of this consultation (expert)"),
    ],
)
def test_a_bad_invitation_is_refused_with_a_message_and_keeps_the_input(
    client_for, consultation, secretariat, expert, data, message
):
    response = client_for(secretariat).post(reverse("consultation:member_invite", args=[consultation.slug]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'value="{data["email"]}"' in html
    assert not Invitation.objects.exists()


def test_the_secretariat_revokes_a_pending_invitation(client_for, consultation, secretariat, pending):
    response = client_for(secretariat).post(
        reverse("consultation:invitation_revoke", args=[consultation.slug, pending.pk]), follow=True
    )

    pending.refresh_from_db()
    assert pending.status == InvitationStatus.REVOKED
    assert "its link no longer works" in response.content.decode()


def test_an_invitation_of_another_consultation_cannot_be_revoked_from_here(client_for, consultation, secretariat):
    elsewhere = InvitationFactory()

    response = client_for(secretariat).post(
        reverse("consultation:invitation_revoke", args=[consultation.slug, elsewhere.pk])
    )

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == InvitationStatus.PENDING


# --- Members ------------------------------------------------------------------------------------------------


def test_the_secretariat_adds_someone_who_has_an_account(client_for, consultation, secretariat):
    known = UserFactory(username="known", email="known@example.org")

    response = client_for(secretariat).post(
        reverse("consultation:member_add", args=[consultation.slug]), {"email": "Known@example.org", "role": "observer"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(consultation=consultation, user=known).role == Role.OBSERVER


def test_adding_an_address_without_an_account_says_to_invite_instead(client_for, consultation, secretariat):
    response = client_for(secretariat).post(
        reverse("consultation:member_add", args=[consultation.slug]), {"email": "nobody@example.org", "role": "expert"}
    )

    assert response.status_code == 400
    assert "No account uses nobody@example.org" in response.content.decode()
    assert Membership.objects.filter(consultation=consultation).count() == 1


def test_the_secretariat_changes_a_role(client_for, consultation, secretariat, expert):
    membership = Membership.objects.get(user=expert)

    client_for(secretariat).post(
        reverse("consultation:member_role", args=[consultation.slug, membership.pk]), {"role": "observer"}
    )

    membership.refresh_from_db()
    assert membership.role == Role.OBSERVER


def test_the_only_secretariat_member_keeps_the_role(client_for, consultation, secretariat):
    membership = Membership.objects.get(user=secretariat)
    client = client_for(secretariat)

    demoted = client.post(
        reverse("consultation:member_role", args=[consultation.slug, membership.pk]), {"role": "expert"}, follow=True
    )
    removed = client.post(reverse("consultation:member_remove", args=[consultation.slug, membership.pk]), follow=True)

    assert "only secretariat member" in demoted.content.decode()
    assert "only secretariat member" in removed.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.SECRETARIAT


def test_the_secretariat_extends_and_clears_an_experts_deadline(client_for, consultation, secretariat, expert):
    consultation.closes_at = timezone.now() + timedelta(days=1)
    consultation.save()
    membership = Membership.objects.get(user=expert)
    url = reverse("consultation:member_deadline", args=[consultation.slug, membership.pk])
    client = client_for(secretariat)
    later = timezone.localtime(timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)

    client.post(url, {"until": later.strftime("%Y-%m-%dT%H:%M")})
    membership.refresh_from_db()
    assert membership.deadline_extended_until == later
    assert f'value="{later.strftime("%Y-%m-%dT%H:%M")}"' in client.get(members_url(consultation)).content.decode()

    client.post(url, {"until": ""})
    membership.refresh_from_db()
    assert membership.deadline_extended_until is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [("yesterday-ish", "is not a date and time"), ("2020-01-01T10:00", "must end after the closing date")],
)
def test_a_deadline_before_the_closing_date_or_unreadable_is_refused(
    client_for, consultation, secretariat, expert, typed, message
):
    consultation.closes_at = timezone.now() + timedelta(days=1)
    consultation.save()
    membership = Membership.objects.get(user=expert)

    response = client_for(secretariat).post(
        reverse("consultation:member_deadline", args=[consultation.slug, membership.pk]), {"until": typed}, follow=True
    )

    assert message in response.content.decode()
    membership.refresh_from_db()
    assert membership.deadline_extended_until is None


def test_removing_a_member_keeps_their_input(client_for, consultation, secretariat, expert):
    cell = AssessmentFactory(consultation=consultation)
    assessment_revise(assessment=cell, stars=3, level="Medium", rationale="r", reason="Expert's point", user=expert)
    membership = Membership.objects.get(user=expert)

    response = client_for(secretariat).post(
        reverse("consultation:member_remove", args=[consultation.slug, membership.pk]), follow=True
    )

    assert "Their input stays" in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AssessmentRevision.objects.get(assessment=cell).created_by == expert
    assert Assessment.objects.get(pk=cell.pk).stars == 3
    assert client_for(expert).get(reverse("consultation:home", args=[consultation.slug])).status_code == 404
