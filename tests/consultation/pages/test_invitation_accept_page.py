"""The invitation link: a new person creates their account, someone with an account signs in and accepts;
the link works once, expires, and is refused after it was revoked or replaced."""

import hashlib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consultation.models import Invitation, InvitationStatus, Membership, Profile, Role
from consultation.services.members import (
    InvitationError,
    hash_token,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from tests.factories import PASSWORD, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

TOKEN = "a-token-known-to-the-test-0123456789abcdef"
NEW_PASSWORD = "a long passphrase nobody guesses"


def link(token: str = TOKEN) -> str:
    return reverse("consultation:invitation", args=[token])


def signup_data(**changes) -> dict:
    return {
        "username": "nadia",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "name": "Nadia Van den Berg",
        "organisation": "KU Leuven",
        "expert_type": "academia",
        "country": "BE",
        "declared_interests": "None.",
        **changes,
    }


@pytest.fixture
def invitation(consultation, secretariat):
    return InvitationFactory(
        consultation=consultation, email="nadia@example.org", role=Role.EXPERT, invited_by=secretariat, token=TOKEN
    )


def test_a_new_person_sees_the_invitation_and_the_account_form_signed_out(client_for, consultation, invitation):
    response = client_for(None).get(link())

    html = response.content.decode()
    assert response.status_code == 200
    assert consultation.title in html
    assert consultation.marking in html
    assert "nadia@example.org" in html
    for field in ("id_email", "id_username", "id_password1", "id_password2", "id_name", "id_organisation"):
        assert f'id="{field}"' in html
    assert 'id="id_expert_type"' in html and 'id="id_country"' in html and 'id="id_declared_interests"' in html


def test_a_new_person_creates_an_account_with_a_verified_address_and_becomes_a_member(
    client_for, consultation, invitation
):
    client = client_for(None)

    response = client.post(link(), signup_data())

    assert response.status_code == 302
    assert response.url == reverse("consultation:home", args=[consultation.slug])
    user = User.objects.get(username="nadia")
    assert user.email == "nadia@example.org"
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.filter(user=user, email="nadia@example.org", verified=True, primary=True).exists()
    assert Membership.objects.get(consultation=consultation, user=user).role == Role.EXPERT
    profile = Profile.objects.get(user=user)
    assert (profile.name, profile.organisation, profile.expert_type, profile.country.code) == (
        "Nadia Van den Berg",
        "KU Leuven",
        "academia",
        "BE",
    )
    assert user.get_full_name() == "Nadia Van den Berg"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by == user
    # Signed in at once, with no verification mail: the link proved the address.
    assert client.get(reverse("consultation:home", args=[consultation.slug])).status_code == 200
    assert mail.outbox == []


def test_the_new_account_signs_in_later_with_its_username_or_its_email(client_for, invitation):
    client_for(None).post(link(), signup_data())

    for login in ("nadia", "nadia@example.org"):
        response = client_for(None).post(reverse("login"), {"login": login, "password": NEW_PASSWORD})
        assert response.status_code == 302, login
        assert response.url == reverse("consultation:list")


def test_the_link_works_only_once(client_for, invitation):
    client_for(None).post(link(), signup_data())

    response = client_for(None).get(link())
    again = client_for(None).post(link(), signup_data(username="someone-else"))

    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert again.status_code == 410
    assert not User.objects.filter(username="someone-else").exists()


def test_an_expired_link_is_refused_and_creates_nothing(client_for, consultation):
    created = timezone.now() - timedelta(days=20)
    InvitationFactory(
        consultation=consultation,
        email="late@example.org",
        token=TOKEN,
        created_at=created,
        expires_at=created + timedelta(days=14),
    )

    page = client_for(None).get(link())
    post = client_for(None).post(link(), signup_data())

    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert "Ask the secretariat" in page.content.decode()
    assert post.status_code == 410
    assert not User.objects.filter(username="nadia").exists()


def test_a_revoked_link_is_refused(client_for, invitation):
    invitation_revoke(invitation=invitation)

    response = client_for(None).post(link(), signup_data())

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(username="nadia").exists()


def test_a_replaced_invitation_link_no_longer_works(client_for, consultation, secretariat):
    first = invitation_create(
        consultation=consultation, email="nadia@example.org", role="expert", invited_by=secretariat
    )
    second = invitation_create(
        consultation=consultation, email="nadia@example.org", role="observer", invited_by=secretariat
    )

    assert client_for(None).get(link(first.token)).status_code == 410
    assert client_for(None).get(link(second.token)).status_code == 200
    first.refresh_from_db()
    assert first.status == InvitationStatus.REVOKED


def test_an_unknown_link_is_not_found(client_for, invitation):
    response = client_for(None).get(link("not-a-token"))

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_the_token_is_never_stored_in_clear(consultation, secretariat):
    invitation = invitation_create(
        consultation=consultation, email="nadia@example.org", role="expert", invited_by=secretariat
    )
    token = invitation.token

    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in {str(value) for value in stored.values()}
    assert stored["token_sha256"] == hashlib.sha256(token.encode()).hexdigest() == hash_token(token)
    assert len(token) >= 40  # 32 random bytes


def test_bad_input_is_reported_and_keeps_what_was_typed(client_for, invitation):
    response = client_for(None).post(link(), signup_data(password2="something else entirely", organisation=""))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Nadia Van den Berg"' in html
    assert "was not saved" in html
    assert not User.objects.filter(username="nadia").exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_the_invited_address_cannot_be_changed_in_the_form(client_for, invitation):
    client_for(None).post(link(), signup_data(email="someone@elsewhere.example"))

    assert User.objects.get(username="nadia").email == "nadia@example.org"


def test_someone_with_an_account_signs_in_then_accepts(client_for, consultation, invitation):
    user = UserFactory(username="nadia-old", email="nadia@example.org")
    client = client_for(None)

    page = client.get(link())
    assert page.status_code == 200
    sign_in = reverse("login") + "?next=" + link()
    assert sign_in in page.content.decode()
    assert "id_password1" not in page.content.decode()

    signed_in = client.post(sign_in, {"login": "nadia@example.org", "password": PASSWORD, "next": link()})
    assert signed_in.status_code == 302 and signed_in.url == link()
    form = client.get(link())
    assert form.status_code == 200 and "Accept the invitation" in form.content.decode()

    accepted = client.post(link(), signup_data())

    assert accepted.status_code == 302
    assert Membership.objects.get(consultation=consultation, user=user).role == Role.EXPERT
    assert Profile.objects.get(user=user).organisation == "KU Leuven"
    assert not User.objects.filter(username="nadia").exists()


def test_someone_signed_in_with_another_address_cannot_accept(client_for, consultation, invitation, expert):
    client = client_for(expert)

    page = client.get(link())
    post = client.post(link(), signup_data())

    assert page.status_code == 200
    assert "sent to nadia@example.org" in page.content.decode()
    assert post.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert Membership.objects.get(consultation=consultation, user=expert).role == Role.EXPERT


def test_signing_up_without_an_invitation_is_closed(client_for):
    page = client_for(None).get(reverse("account_signup"))
    post = client_for(None).post(
        reverse("account_signup"),
        {"email": "x@example.org", "username": "x", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert "Access is by invitation" in page.content.decode()
    assert "Access is by invitation" in post.content.decode()
    assert not User.objects.filter(username="x").exists()


def test_signing_out_from_the_mismatch_page_comes_back_to_the_invitation(client_for, invitation, expert):
    client = client_for(expert)

    response = client.post(reverse("logout"), {"next": link()})

    assert response.status_code == 302 and response.url == link()
    assert 'id="id_username"' in client.get(link()).content.decode()


def test_a_member_invited_again_keeps_their_role(client_for, consultation, secretariat):
    InvitationFactory(consultation=consultation, email=secretariat.email, role=Role.OBSERVER, token=TOKEN)

    response = client_for(secretariat).post(link(), signup_data(), follow=True)

    assert "your role stays as it was" in response.content.decode()
    assert Membership.objects.get(consultation=consultation, user=secretariat).role == Role.SECRETARIAT


# --- Whose address it is: an unverified address someone added to their account proves nothing -------------


def claim(user, email: str = "nadia@example.org", *, primary: bool = False) -> EmailAddress:
    """What allauth's email page lets a signed-in person do with any address: add it, unverified."""
    return EmailAddress.objects.create(user=user, email=email, verified=False, primary=primary)


def test_an_address_someone_else_added_unverified_does_not_stop_the_invitee_creating_their_account(
    client_for, consultation, invitation
):
    claimer = UserFactory(username="claimer")
    claim(claimer)
    client = client_for(None)

    page = client.get(link())
    response = client.post(link(), signup_data())

    assert page.status_code == 200
    assert 'id="id_password1"' in page.content.decode()
    assert "You already have an account" not in page.content.decode()
    assert response.status_code == 302
    assert response.url == reverse("consultation:home", args=[consultation.slug])
    user = User.objects.get(username="nadia")
    assert EmailAddress.objects.filter(user=user, email="nadia@example.org", verified=True, primary=True).exists()
    assert Membership.objects.get(consultation=consultation, user=user).role == Role.EXPERT
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert mail.outbox == []  # allauth's "you already have an account" mail was not sent instead
    # The stale claim is gone; the claimer keeps their own address.
    assert list(EmailAddress.objects.filter(user=claimer).values_list("email", "verified")) == [
        ("claimer@example.org", True)
    ]
    claimer.refresh_from_db()
    assert claimer.email == "claimer@example.org"


def test_a_claimer_who_made_the_unverified_address_their_account_email_loses_it_when_the_invitee_accepts(
    client_for, invitation
):
    # An account made in the admin, with no verified address, may make an added address its primary one.
    claimer = UserFactory(username="claimer", email="nadia@example.org", verified_email=False)
    claim(claimer, primary=True)

    response = client_for(None).post(link(), signup_data())

    assert response.status_code == 302
    claimer.refresh_from_db()
    assert claimer.email == ""
    assert not EmailAddress.objects.filter(user=claimer).exists()
    # The invitee alone signs in with the address.
    signed_in = client_for(None).post(reverse("login"), {"login": "nadia@example.org", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url == reverse("consultation:list")


def test_an_unverified_address_on_ones_own_account_is_not_enough_to_accept(client_for, consultation, invitation):
    claimer = UserFactory(username="claimer")
    claim(claimer)
    client = client_for(claimer)

    page = client.get(link())
    post = client.post(link(), signup_data())

    assert page.status_code == 200
    assert "sent to nadia@example.org" in page.content.decode()
    assert post.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not Membership.objects.filter(consultation=consultation, user=claimer).exists()
    assert not EmailAddress.objects.get(user=claimer, email="nadia@example.org").verified
    with pytest.raises(InvitationError, match=r"sent to nadia@example\.org"):
        invitation_accept(invitation=invitation, user=claimer)


def test_an_account_made_in_the_admin_with_the_address_and_no_allauth_row_is_asked_to_sign_in(client_for, invitation):
    UserFactory(username="nadia-admin", email="nadia@example.org", verified_email=False)

    page = client_for(None).get(link())

    assert page.status_code == 200
    assert reverse("login") + "?next=" + link() in page.content.decode()
    assert 'id="id_password1"' not in page.content.decode()


def test_an_account_made_in_the_admin_accepts_signed_in_and_its_address_is_then_verified(
    client_for, consultation, invitation
):
    user = UserFactory(username="nadia-admin", email="nadia@example.org", verified_email=False)

    response = client_for(user).post(link(), signup_data())

    assert response.status_code == 302
    assert Membership.objects.get(consultation=consultation, user=user).role == Role.EXPERT
    assert EmailAddress.objects.filter(user=user, email="nadia@example.org", verified=True, primary=True).exists()


def test_the_invitee_with_a_verified_address_is_still_asked_to_sign_in_beside_someone_elses_claim(
    client_for, invitation
):
    UserFactory(username="nadia-old", email="nadia@example.org")
    claim(UserFactory(username="claimer"))

    page = client_for(None).get(link())

    assert reverse("login") + "?next=" + link() in page.content.decode()
    assert 'id="id_password1"' not in page.content.decode()
