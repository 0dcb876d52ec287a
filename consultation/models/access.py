"""The access trail: who read what. Append-only, beside the change history (consultation/audit.py)."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from .consultation import Consultation


class AccessKind(models.TextChoices):
    PAGE_VIEW = "page_view", "Page viewed"
    API_READ = "api_read", "API read"
    DOWNLOAD = "download", "File downloaded"
    EXPORT = "export", "Export made"
    EXPORT_DOWNLOAD = "export_download", "Export downloaded"


class AccessEvent(models.Model):
    """One read of confidential material: a page, an API read, a download, an export.

    Rows are only ever inserted. The database refuses UPDATE and DELETE (the
    triggers below), so neither the app, the admin nor a shell can rewrite the
    trail. Users and consultations with events cannot be deleted (PROTECT):
    deactivate or archive them instead.
    """

    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )
    username = models.CharField(max_length=150, blank=True, help_text="Kept as written at the time.")
    at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=1000, blank=True)
    what = models.CharField(max_length=500, blank=True, help_text="What was read, in words (e.g. the file's name).")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["consultation", "-at"], name="access_event_consultation_at"),
            models.Index(fields=["user", "-at"], name="access_event_user_at"),
        ]
        constraints = [models.CheckConstraint(condition=Q(kind__in=AccessKind.values), name="access_event_kind_valid")]
        triggers = [
            pgtrigger.Protect(name="access_event_append_only_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name="access_event_append_only_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()} {self.what or self.path}"
