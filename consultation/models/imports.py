"""An upload of a draft, previewed before it is applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.querysets import ScopedQuerySet

from .consultation import Consultation


class DraftImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Previewed"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class DraftImport(models.Model):
    """A draft file uploaded into a consultation: its text, its preview and, once applied, its result."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="draft_imports")
    filename = models.CharField(max_length=255)
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=DraftImportStatus.choices, default=DraftImportStatus.PREVIEWED)
    progress = models.PositiveSmallIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="draft_import_progress_range"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} → {self.consultation.slug} ({self.status})"
