"""A consultation and who takes part in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.audit import tracked
from consultation.querysets import ConsultationQuerySet, MembershipQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Secretariat"
    EXPERT = "expert", "Expert"
    OBSERVER = "observer", "Observer"


@tracked
class Consultation(models.Model):
    """An expert consultation on one draft paper.

    The marking (e.g. LIMITE) is shown on every page and every export of the
    consultation, so it is required.
    """

    slug = models.SlugField(max_length=80, unique=True)
    reference = models.CharField(max_length=100, blank=True, help_text='Document reference, e.g. "WK 6697/2024".')
    title = models.CharField(max_length=300)
    marking = models.CharField(
        max_length=200,
        default="LIMITE",
        help_text="Handling marking shown on every page and export.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; the API's ETag.")

    # What the secretariat lets others read (issue: expert input).
    share_input_with_experts = models.BooleanField(
        default=False, help_text="Experts see each other's submitted input, pseudonymised (Expert 1, Expert 2 ...)."
    )
    observers_see_input = models.BooleanField(
        default=False, help_text="Observers read submitted input (pseudonymised, without internal notes)."
    )
    observers_may_export = models.BooleanField(default=False, help_text="Observers may export summaries.")
    experts_may_add_sources = models.BooleanField(
        default=False, help_text="Experts may add source documents to the evidence library."
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        default=3, help_text="Days before the closing date on which experts who have not submitted are reminded."
    )
    # The consensus rule of rating rounds (issue: ratings over time).
    consensus_min_share = models.PositiveSmallIntegerField(
        default=70, help_text="Consensus needs at least this share (%) of answers within one star of the median."
    )
    consensus_max_iqr = models.DecimalField(
        max_digits=3, decimal_places=1, default=1, help_text="... and an interquartile range of at most this."
    )
    consistency_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text='Text level to stars, e.g. {"high": 5}; levels not named keep the default mapping.',
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(opens_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
            ),
            models.CheckConstraint(condition=~Q(marking=""), name="consultation_marking_required"),
            models.CheckConstraint(
                condition=Q(consensus_min_share__gte=1, consensus_min_share__lte=100),
                name="consultation_consensus_share_percent",
            ),
            models.CheckConstraint(
                condition=Q(consensus_max_iqr__gte=0, consensus_max_iqr__lte=4), name="consultation_consensus_iqr_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    @property
    def etag(self) -> str:
        return f'"c{self.pk}-{self.version}"'


@tracked
class Membership(models.Model):
    """A user's role in one consultation. Roles are per consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    deadline_extended_until = models.DateTimeField(
        null=True, blank=True, help_text="This member may still submit until then, after the closing date."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="membership_one_role_per_consultation"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.consultation.slug}"
