"""Named versions of the draft: the matrix as published at a moment ("v1 as circulated")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.audit import tracked

from .consultation import Consultation


@tracked
class DraftVersion(models.Model):
    """A label for the state of the draft at ``published_at``; reads as of that time show it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(max_length=100)
    published_at = models.DateTimeField()
    note = models.TextField(blank=True)
    draft_import = models.ForeignKey(
        "consultation.DraftImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation", "published_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "label"], name="draft_version_label_unique"),
            models.CheckConstraint(condition=~Q(label=""), name="draft_version_label_required"),
            # The label is part of API paths (versions/{label}/diff/).
            models.CheckConstraint(condition=~Q(label__contains="/"), name="draft_version_label_no_slash"),
        ]

    def __str__(self) -> str:
        return self.label
