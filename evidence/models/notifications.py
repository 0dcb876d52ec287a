"""A log of the notifications sent, so that a retried task never sends the same one twice."""

from __future__ import annotations

from django.db import models


class SentNotification(models.Model):
    """One email that went out. ``key`` names it uniquely (e.g. "reminder:12:34:2026-11-30")."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key
