"""Who takes part in a consultation: members, invitations, profiles and verified email addresses.

Called by the members page, the invitation page, the API, the demo command and the invitation task alike.
An invitation's link carries a random token; only its SHA-256 is stored, so the database alone cannot be
used to accept an invitation. The clear token exists in memory when the invitation is created, in the task
message that mails it, and in the mail.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone

from consultation.exceptions import ConsultationError, StaleObjectError, StateConflictError
from consultation.models import Consultation, ExpertType, Invitation, InvitationStatus, Membership, Profile, Role
from consultation.rules import forget_roles

_UNSET: Any = object()

# Members listed secretariat first, then experts, then observers.
ROLE_ORDER = Case(
    When(role=Role.SECRETARIAT, then=Value(0)),
    When(role=Role.EXPERT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)

# "... invites you to take part in a consultation as <phrase>"
ROLE_PHRASES = {
    Role.SECRETARIAT: "a member of its secretariat",
    Role.EXPERT: "an expert",
    Role.OBSERVER: "an observer",
}

PROFILE_FIELDS = ("name", "organisation", "expert_type", "country", "declared_interests")


class InvitationError(ConsultationError):
    """The invitation cannot be accepted (used, expired, revoked, or meant for another address)."""


# --- Tokens and look-ups ------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, or None."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("consultation", "invited_by").filter(token_sha256=hash_token(token)).first()
    )


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _held_addresses(email: str):
    """The EmailAddress rows that make ``email`` someone's own address: verified ones only.

    allauth lets a signed-in person add any address to their account before it is
    verified, so an unverified row proves nothing: counting it would let anyone
    block an invitee's sign-up (their link would say "sign in first") or accept an
    invitation sent to an address they do not receive mail at.
    """
    return EmailAddress.objects.filter(email__iexact=normalise_email(email), verified=True)


def users_with_email(email: str) -> QuerySet:
    """Accounts that hold ``email``: as one of their verified (allauth) addresses, or as their account email when
    they have no allauth row for it at all (accounts made in the admin or before allauth)."""
    email = normalise_email(email)
    any_row = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=email)
    return (
        get_user_model()
        .objects.filter(
            Exists(_held_addresses(email).filter(user=OuterRef("pk"))) | (Q(email__iexact=email) & ~Exists(any_row))
        )
        .order_by("pk")
    )


def user_has_email(user: AbstractBaseUser, email: str) -> bool:
    """Whether ``user`` holds ``email`` (see ``users_with_email``); an unverified claim on it does not count."""
    email = normalise_email(email)
    if _held_addresses(email).filter(user=user).exists():
        return True
    return (
        normalise_email(user.email) == email
        and not EmailAddress.objects.filter(user=user, email__iexact=email).exists()
    )


def membership_etag(membership: Membership) -> str:
    """The ETag of a membership: memberships have no version counter, so it is derived from what can change."""
    until = membership.deadline_extended_until.isoformat() if membership.deadline_extended_until else ""
    digest = hashlib.sha256(f"{membership.role}|{until}".encode()).hexdigest()[:16]
    return f'"m{membership.pk}-{digest}"'


def invitation_status_message(invitation: Invitation) -> str:
    """Why an invitation that is no longer pending cannot be accepted, and what to do instead."""
    status = invitation.status
    if status == InvitationStatus.ACCEPTED:
        return "This invitation has already been used. Sign in to open the consultation."
    if status == InvitationStatus.REVOKED:
        return (
            "This invitation was withdrawn by the secretariat (or replaced by a newer one). "
            "Use the link in the latest invitation you received, or ask the secretariat for a new one."
        )
    if status == InvitationStatus.EXPIRED:
        when = formats.date_format(timezone.localtime(invitation.expires_at), "j F Y, H:i")
        return f"This invitation expired on {when}. Ask the secretariat of the consultation for a new one."
    return ""


# --- Email addresses and profiles ---------------------------------------------------------------------------


@transaction.atomic
def email_mark_verified(*, user: AbstractBaseUser, email: str) -> EmailAddress:
    """Record ``email`` as a verified address of ``user`` (primary if they have none), as allauth needs to sign in.

    Used when the address is proven outside allauth's own verification: by an
    invitation link that reached it, or for accounts set up by an administrator.
    Unverified claims on the address by other accounts are removed: they can
    never be verified now (allauth keeps a verified address unique), and left in
    place they would still name the address on the claimer's account.
    """
    email = normalise_email(email)
    _release_unverified_claims(email=email, owner=user)
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=email, verified=True, primary=not has_primary)
    elif not address.verified or not (address.primary or has_primary):
        address.verified = True
        address.primary = address.primary or not has_primary
        address.save(update_fields=["verified", "primary"])
    if not user.email:
        user.email = email
        user.save(update_fields=["email"])
    return address


def _release_unverified_claims(*, email: str, owner: AbstractBaseUser) -> None:
    claims = list(
        EmailAddress.objects.select_related("user")
        .filter(email__iexact=email, verified=False)
        .exclude(user=owner)
        .order_by("pk")
    )
    for claim in claims:
        claimer = claim.user
        claim.delete()
        if normalise_email(claimer.email) == email:
            # The claimer had made the address their primary one; without this their account email would still
            # be it, and an account email with no allauth row counts as held (see users_with_email).
            fallback = EmailAddress.objects.filter(user=claimer).order_by("-primary", "-verified", "pk").first()
            if fallback is not None and not fallback.primary:
                fallback.primary = True
                fallback.save(update_fields=["primary"])
            claimer.email = fallback.email if fallback is not None else ""
            claimer.save(update_fields=["email"])


@transaction.atomic
def profile_update(
    *,
    user: AbstractBaseUser,
    name: str = _UNSET,
    organisation: str = _UNSET,
    expert_type: str = _UNSET,
    country: str = _UNSET,
    declared_interests: str = _UNSET,
) -> Profile:
    """Set the fields given of the user's profile (created on first use).

    The name is also split into the account's first and last name (at the first
    space), so the name shown beside changes and in the top bar reads the same.
    """
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
    given = {
        "name": name,
        "organisation": organisation,
        "expert_type": expert_type,
        "country": country,
        "declared_interests": declared_interests,
    }
    for field, value in given.items():
        if value is not _UNSET:
            setattr(profile, field, (value or "").strip() if field != "country" else (value or ""))
    if profile.expert_type and profile.expert_type not in ExpertType.values:
        raise ValidationError({"expert_type": ["Choose academia, industry, public authority or civil society."]})
    profile.full_clean(exclude=["user"])
    profile.save()
    if name is not _UNSET and profile.name:
        first, _, last = profile.name.partition(" ")
        user.first_name, user.last_name = first[:150], last.strip()[:150]
        user.save(update_fields=["first_name", "last_name"])
    return profile


# --- Invitations --------------------------------------------------------------------------------------------


def _refuse_member(consultation: Consultation, email: str) -> None:
    member = Membership.objects.filter(consultation=consultation, user__in=users_with_email(email)).first()
    if member is not None:
        raise ValidationError(
            {"email": [f"{email} is already a member of this consultation ({member.get_role_display().lower()})."]}
        )


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": ["Choose secretariat, expert or observer."]})


@transaction.atomic
def invitation_create(*, consultation: Consultation, email: str, role: str, invited_by: AbstractBaseUser) -> Invitation:
    """Invite ``email`` to join ``consultation`` as ``role``; the invitation email is sent after commit.

    An invitation still open for the same address (pending or expired) is
    revoked and replaced, so only the newest link works. The clear token is on
    the returned object (``invitation.token``) and in the task that mails it,
    never in the database.
    """
    email = normalise_email(email)
    if not email:
        raise ValidationError({"email": ["Give the email address of the person to invite."]})
    _check_role(role)
    _refuse_member(consultation, email)
    now = timezone.now()
    Invitation.objects.select_for_update().filter(
        consultation=consultation, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        consultation=consultation,
        email=email,
        role=role,
        token_sha256=hash_token(token),
        invited_by=invited_by if invited_by and invited_by.is_authenticated else None,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.token = token

    from consultation.tasks import send_invitation_email  # the tasks module imports the services

    transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk, token))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw an invitation: its link stops working. An accepted one cannot be revoked (remove the member)."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at:
        raise StateConflictError(
            f"The invitation of {locked.email} was already accepted; remove the member instead if they should leave."
        )
    if not locked.revoked_at:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser, profile: dict | None = None) -> Membership:
    """Accept ``invitation`` as ``user``: works once, and only before it expires or is revoked.

    The user must hold the invited address (see ``users_with_email``: an
    unverified address added to one's account is not enough; a new account is
    created with it, an existing one signs in first); since the link reached
    that address, it is recorded as verified. ``profile`` (name, organisation, expert_type, country,
    declared_interests) is saved to the user's profile. A person who is a member
    already keeps their role.
    """
    locked = Invitation.objects.select_for_update().select_related("consultation").get(pk=invitation.pk)
    if locked.status != InvitationStatus.PENDING:
        raise InvitationError(invitation_status_message(locked))
    if not user_has_email(user, locked.email):
        raise InvitationError(
            f"This invitation was sent to {locked.email}, but you are signed in as {user.get_username()} "
            f"({user.email or 'no email address'}). Sign out, then open the link again."
        )
    email_mark_verified(user=user, email=locked.email)
    if profile:
        profile_update(user=user, **{k: v for k, v in profile.items() if k in PROFILE_FIELDS})
    membership, _ = Membership.objects.get_or_create(
        consultation=locked.consultation, user=user, defaults={"role": locked.role}
    )
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    forget_roles(user)
    invitation.accepted_at, invitation.accepted_by = locked.accepted_at, user
    return membership


def invitation_email_send(*, invitation_id: int, token: str) -> bool:
    """Mail the invitation link; False (nothing sent) when it is gone, replaced, accepted, revoked or expired.

    Safe to run again: a retried task sends the same, still valid link, and a
    task for an invitation that was replaced or answered in the meantime sends
    nothing.
    """
    invitation = Invitation.objects.select_related("consultation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.token_sha256 != hash_token(token):
        return False
    if invitation.status != InvitationStatus.PENDING:
        return False
    consultation = invitation.consultation
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "consultation": consultation,
        "role": invitation.get_role_display(),
        "role_phrase": ROLE_PHRASES.get(invitation.role, invitation.get_role_display().lower()),
        "link": settings.SITE_URL + reverse("consultation:invitation", args=[token]),
        "expires": formats.date_format(timezone.localtime(invitation.expires_at), "j F Y, H:i T"),
        "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "The secretariat",
    }
    subject = render_to_string("consultation/email/invitation_subject.txt", context).strip()
    body = render_to_string("consultation/email/invitation_message.txt", context)
    send_mail(
        f"[{consultation.marking}] {subject}",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
        fail_silently=False,
    )
    return True


# --- Members ------------------------------------------------------------------------------------------------


def _refuse_losing_last_secretariat(membership: Membership, new_role: str | None) -> None:
    if membership.role != Role.SECRETARIAT or new_role == Role.SECRETARIAT:
        return
    others = (
        Membership.objects.filter(consultation_id=membership.consultation_id, role=Role.SECRETARIAT)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise StateConflictError(
            "This is the consultation's only secretariat member: make someone else secretariat first, "
            "so that the consultation is never left without one."
        )


@transaction.atomic
def member_add(
    *, consultation: Consultation, email: str, role: str, added_by: AbstractBaseUser | None = None
) -> Membership:
    """Add the person who has an account with ``email`` as ``role`` (no invitation needed; one still open for
    the address is revoked)."""
    email = normalise_email(email)
    _check_role(role)
    users = list(users_with_email(email)[:2])
    if not users:
        raise ValidationError(
            {
                "email": [
                    f"No account uses {email or 'this address'}. Send an invitation instead: it lets them create one."
                ]
            }
        )
    if len(users) > 1:
        raise ValidationError({"email": [f"Several accounts use {email}; ask an administrator to sort them out."]})
    _refuse_member(consultation, email)
    membership = Membership.objects.create(consultation=consultation, user=users[0], role=role)
    # An invitation still open for the address has no purpose any more: its link stops working.
    Invitation.objects.filter(
        consultation=consultation, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return membership


@transaction.atomic
def member_update(
    *,
    membership: Membership,
    role: str = _UNSET,
    deadline_extended_until: datetime | None = _UNSET,
    expected_etag: str | None = None,
) -> Membership:
    """Change a member's role and/or personal deadline extension, checked against ``expected_etag`` (If-Match)."""
    locked = Membership.objects.select_for_update().select_related("consultation", "user").get(pk=membership.pk)
    if expected_etag is not None and expected_etag != membership_etag(locked):
        raise StaleObjectError(
            "This membership was changed by someone else since you read it. Read it again, then apply your change."
        )
    fields = []
    if role is not _UNSET and role != locked.role:
        _check_role(role)
        _refuse_losing_last_secretariat(locked, role)
        locked.role = role
        fields.append("role")
    if deadline_extended_until is not _UNSET and deadline_extended_until != locked.deadline_extended_until:
        closes_at = locked.consultation.closes_at
        if deadline_extended_until is not None and closes_at and deadline_extended_until <= closes_at:
            when = formats.date_format(timezone.localtime(closes_at), "j F Y, H:i")
            raise ValidationError(
                {"deadline_extended_until": [f"An extension must end after the closing date ({when})."]}
            )
        locked.deadline_extended_until = deadline_extended_until
        fields.append("deadline_extended_until")
    if fields:
        locked.save(update_fields=fields)
    return locked


def member_change_role(*, membership: Membership, role: str, expected_etag: str | None = None) -> Membership:
    """Give a member another role; the last secretariat member cannot stop being one (409)."""
    return member_update(membership=membership, role=role, expected_etag=expected_etag)


def member_extend_deadline(
    *, membership: Membership, until: datetime | None, expected_etag: str | None = None
) -> Membership:
    """Let one member submit until ``until``, after the consultation's closing date; None removes the extension."""
    return member_update(membership=membership, deadline_extended_until=until, expected_etag=expected_etag)


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    """Remove a member from the consultation. Their input (submissions, answers, revisions) stays."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    _refuse_losing_last_secretariat(locked, None)
    locked.delete()
