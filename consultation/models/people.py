"""The people of a consultation beyond their role: profiles and invitations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_countries.fields import CountryField

from consultation.audit import tracked

from .consultation import Consultation, Role


class ExpertType(models.TextChoices):
    ACADEMIA = "academia", "Academia"
    INDUSTRY = "industry", "Industry"
    PUBLIC_AUTHORITY = "public_authority", "Public authority"
    CIVIL_SOCIETY = "civil_society", "Civil society"


@tracked
class Profile(models.Model):
    """Who a user is, as the secretariat needs to know it: the same in every consultation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    name = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=300, blank=True)
    expert_type = models.CharField(max_length=30, choices=ExpertType.choices, blank=True)
    country = CountryField(blank=True)
    declared_interests = models.TextField(
        blank=True, help_text="Interests that could bear on your input (funding, employment, affiliations)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expert_type="") | Q(expert_type__in=ExpertType.values), name="profile_expert_type_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.user)

    @property
    def is_complete(self) -> bool:
        return bool(self.name and self.organisation and self.expert_type and self.country)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


@tracked
class Invitation(models.Model):
    """An invitation by email to join a consultation with a role.

    The link carries a random token of which only the SHA-256 is stored; it
    works once (``accepted_at``) and until ``expires_at``.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_sha256 = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_accepted"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["consultation", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_later"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
            models.UniqueConstraint(
                fields=["consultation", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} of {self.consultation.slug}"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING
