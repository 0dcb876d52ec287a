"""Exports: summaries and tables of a consultation, made in the background and kept privately for a while."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.models import Consultation, DraftVersion


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    CSV = "csv", "CSV tables (zip)"
    JSON = "json", "JSON (everything)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


# In the change history: its creation and each change of status (not every move of the progress bar).
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(condition=pghistory.AnyChange("status")))
class Export(models.Model):
    """One export job and, once done, its file in the private "exports" storage.

    The options are those the requester chose (pseudonymise, include_internal_notes,
    watermark, compare_to); ``version`` is the draft version exported (empty: the
    current state). The file is written under a temporary name and moved into place
    only when complete, so a dead task never leaves a half-written file behind.
    Being tracked, every export (who, when, format, options, SHA-256) is in
    the change history as well as the access trail.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exports")
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    version = models.ForeignKey(DraftVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0-100.")
    step = models.CharField(max_length=200, blank=True, help_text="What the task is doing now, for the progress bar.")
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file_name = models.CharField(max_length=300, blank=True, help_text="Name in the exports storage.")
    download_name = models.CharField(max_length=300, blank=True, help_text="Name the file is downloaded under.")
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=ExportFormat.values), name="export_format_valid"),
            models.CheckConstraint(condition=Q(status__in=ExportStatus.values), name="export_status_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_percent"),
            models.CheckConstraint(
                condition=~Q(status="done") | (~Q(file_name="") & ~Q(sha256="")),
                name="export_done_has_file",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "requested_by", "-created_at"], name="export_requester")]

    def __str__(self) -> str:
        return f"{self.get_format_display()} export of {self.consultation.slug} ({self.get_status_display()})"
