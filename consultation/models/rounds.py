"""Delphi-style rating rounds: experts rate cells; the group's figures inform the next round."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.audit import tracked

from .consultation import Consultation
from .ratings import Assessment


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


@tracked
class Round(models.Model):
    """A round of rating over all cells of the matrix or a chosen subset (``cells``)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When the secretariat closed it.")
    cells = models.ManyToManyField(Assessment, related_name="rounds", help_text="The cells rated in this round.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="round_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="round_number_positive"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening"),
            models.CheckConstraint(condition=Q(status__in=RoundStatus.values), name="round_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Round {self.number} of {self.consultation.slug}"


@tracked
class RoundAnswer(models.Model):
    """One expert's answer for one cell in one round: 1 to 5 stars, or "cannot judge"."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="answers")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="round_answers")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="round_answers")
    stars = models.PositiveSmallIntegerField(null=True, blank=True)
    cannot_judge = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "assessment", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["round", "assessment", "expert"], name="round_answer_one_per_expert_cell"),
            models.CheckConstraint(
                condition=Q(cannot_judge=False, stars__gte=1, stars__lte=5) | Q(cannot_judge=True, stars__isnull=True),
                name="round_answer_stars_or_cannot_judge",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} on {self.assessment} in round {self.round.number}"
