"""Links that a re-imported draft left pointing at a place that moved, changed or was dropped.

When a later version of the draft is imported, everything that pointed into the
old version (excerpts, input, open items) is either re-attached by the import
itself (same code, key or number; a renumbered section found by its title) or
listed here for the secretariat to re-attach by hand. Each row says what holds
the link (``holder_kind``/``holder_id``, kept as plain ids since the holders may
belong to the evidence app), what it pointed at, and what became of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.querysets import ScopedQuerySet

from .consultation import Consultation
from .imports import DraftImport


class ReattachmentStatus(models.TextChoices):
    PENDING = "pending", "Needs re-attaching"
    REATTACHED = "reattached", "Re-attached"
    DISMISSED = "dismissed", "Dismissed"


class TargetKind(models.TextChoices):
    SECTION = "section", "Section"
    SOLUTION = "solution", "Solution"
    CRITERION = "criterion", "Criterion"
    CELL = "cell", "Rating cell"


class Reattachment(models.Model):
    """One link from a holder (an excerpt, a submission, an open item ...) to a place of the draft that changed."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="reattachments")
    draft_import = models.ForeignKey(
        DraftImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="reattachments"
    )
    holder_kind = models.CharField(max_length=30, help_text='What holds the link: "excerpt", "submission", ...')
    holder_id = models.PositiveBigIntegerField()
    holder_label = models.CharField(max_length=300, blank=True)
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    old_target_id = models.PositiveBigIntegerField()
    old_target_label = models.CharField(max_length=400)
    why = models.CharField(max_length=300, blank=True, help_text="What happened to the old place.")
    suggested_target_id = models.PositiveBigIntegerField(null=True, blank=True)
    new_target_id = models.PositiveBigIntegerField(null=True, blank=True)
    new_target_label = models.CharField(max_length=400, blank=True)
    status = models.CharField(max_length=20, choices=ReattachmentStatus.choices, default=ReattachmentStatus.PENDING)
    automatic = models.BooleanField(default=False, help_text="Re-attached by the import itself.")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReattachmentStatus.values), name="reattachment_status_valid"),
            models.CheckConstraint(condition=Q(target_kind__in=TargetKind.values), name="reattachment_target_valid"),
            models.CheckConstraint(
                condition=~Q(status="reattached") | Q(new_target_id__isnull=False),
                name="reattachment_reattached_has_target",
            ),
            # A link waits once for the secretariat, however often the draft is imported meanwhile.
            models.UniqueConstraint(
                fields=["consultation", "holder_kind", "holder_id", "target_kind", "old_target_id"],
                condition=Q(status="pending"),
                name="reattachment_pending_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder_label} → {self.old_target_label} ({self.status})"
