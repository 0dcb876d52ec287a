"""Which account holds an email address: a verified allauth address, or the account email of an account with no
allauth row for it. An unverified address someone added to their account holds nothing, for invitations and
for adding members alike."""

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from consultation.models import Invitation, Membership, Role
from consultation.services.members import (
    email_mark_verified,
    invitation_create,
    member_add,
    user_has_email,
    users_with_email,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def claim(user, email: str = "nadia@example.org", *, primary: bool = False) -> EmailAddress:
    return EmailAddress.objects.create(user=user, email=email, verified=False, primary=primary)


def test_a_verified_address_holds_the_email_whatever_its_case():
    nadia = UserFactory(username="nadia", email="Nadia@Example.org")

    assert list(users_with_email(" NADIA@example.org ")) == [nadia]
    assert user_has_email(nadia, "nadia@EXAMPLE.org")


def test_a_second_verified_address_holds_the_email_too():
    nadia = UserFactory(username="nadia")
    EmailAddress.objects.create(user=nadia, email="n.vdb@uni.example", verified=True, primary=False)

    assert list(users_with_email("n.vdb@uni.example")) == [nadia]
    assert user_has_email(nadia, "n.vdb@uni.example")


def test_an_unverified_address_added_to_an_account_holds_nothing():
    claimer = UserFactory(username="claimer")
    claim(claimer)

    assert not users_with_email("nadia@example.org").exists()
    assert not user_has_email(claimer, "nadia@example.org")
    assert user_has_email(claimer, "claimer@example.org")


def test_an_account_email_with_no_allauth_row_holds_the_email():
    made_in_admin = UserFactory(username="admin-made", email="nadia@example.org", verified_email=False)

    assert list(users_with_email("nadia@example.org")) == [made_in_admin]
    assert user_has_email(made_in_admin, "nadia@example.org")


def test_an_account_email_that_is_only_an_unverified_claim_holds_nothing():
    claimer = UserFactory(username="claimer", email="nadia@example.org", verified_email=False)
    claim(claimer, primary=True)

    assert not users_with_email("nadia@example.org").exists()
    assert not user_has_email(claimer, "nadia@example.org")


def test_the_holder_is_found_beside_other_accounts_unverified_claims():
    nadia = UserFactory(username="nadia", email="nadia@example.org")
    claim(UserFactory(username="claimer-1"))
    claim(UserFactory(username="claimer-2"))

    assert list(users_with_email("nadia@example.org")) == [nadia]


def test_a_member_claiming_an_address_unverified_does_not_stop_its_owner_being_invited(consultation, secretariat):
    claimer = UserFactory(username="claimer")
    Membership.objects.create(consultation=consultation, user=claimer, role=Role.EXPERT)
    claim(claimer)

    invitation = invitation_create(
        consultation=consultation, email="nadia@example.org", role=Role.EXPERT, invited_by=secretariat
    )

    assert Invitation.objects.get(pk=invitation.pk).email == "nadia@example.org"


def test_a_member_holding_the_address_still_cannot_be_invited_again(consultation, secretariat, expert):
    with pytest.raises(ValidationError, match="already a member"):
        invitation_create(consultation=consultation, email=expert.email, role=Role.OBSERVER, invited_by=secretariat)


def test_adding_a_member_by_an_address_someone_only_claimed_adds_no_one(consultation):
    claim(UserFactory(username="claimer"))

    with pytest.raises(ValidationError, match=r"No account uses nadia@example\.org"):
        member_add(consultation=consultation, email="nadia@example.org", role=Role.EXPERT)
    assert Membership.objects.filter(consultation=consultation).count() == 0


def test_adding_a_member_finds_the_holder_and_not_the_claimer(consultation):
    nadia = UserFactory(username="nadia", email="nadia@example.org")
    claim(UserFactory(username="claimer"))

    membership = member_add(consultation=consultation, email="nadia@example.org", role=Role.OBSERVER)

    assert membership.user == nadia


def test_proving_an_address_removes_other_accounts_unverified_claims_only():
    nadia = UserFactory(username="nadia", email="nadia@example.org", verified_email=False)
    claimer = UserFactory(username="claimer")
    claim(claimer)
    claim(claimer, "other@example.org")

    email_mark_verified(user=nadia, email="nadia@example.org")

    assert sorted(EmailAddress.objects.filter(user=claimer).values_list("email", flat=True)) == [
        "claimer@example.org",
        "other@example.org",
    ]
    assert EmailAddress.objects.get(email="nadia@example.org").user == nadia
    assert list(users_with_email("nadia@example.org")) == [nadia]


def test_a_claimer_whose_account_email_was_the_claim_falls_back_to_another_of_their_addresses():
    claimer = UserFactory(username="claimer", email="nadia@example.org", verified_email=False)
    claim(claimer, primary=True)
    EmailAddress.objects.create(user=claimer, email="claimer@example.org", verified=False, primary=False)
    nadia = UserFactory(username="nadia", email="nadia@example.org", verified_email=False)

    email_mark_verified(user=nadia, email="nadia@example.org")

    claimer.refresh_from_db()
    assert claimer.email == "claimer@example.org"
    assert EmailAddress.objects.get(user=claimer).primary
    assert list(users_with_email("nadia@example.org")) == [nadia]
