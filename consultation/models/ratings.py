"""Ratings of solutions against criteria, and the classification of each solution, versioned.

The current value lives on ``Assessment`` / ``Classification`` for cheap reads;
every change also appends a revision. Revisions are append-only: a database
trigger refuses to update or delete them, so the history cannot be rewritten.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.audit import tracked
from consultation.querysets import AssessmentRevisionQuerySet, ClassificationRevisionQuerySet, ScopedQuerySet

from .consultation import Consultation
from .draft import Criterion, Solution


class RevisionSource(models.TextChoices):
    IMPORT = "import", "Import"
    MANUAL = "manual", "Manual"
    ROUND = "round", "Rating round"


class ClassificationChoice(models.TextChoices):
    TOP_3 = "top3", "Top 3"
    NEEDS_RESEARCH = "needs_research", "Needs research"
    DISCARD = "discard", "Discard"
    NOT_APPLICABLE = "na", "N/A"


STARS_VALID = Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5)

# Revisions are never edited. Deleting one happens only with its whole consultation (a cascade),
# so deletes are left to the foreign keys; there is no page, endpoint or admin action for it.
append_only = [pgtrigger.Protect(name="revision_append_only_update", operation=pgtrigger.Update)]


@tracked
class Assessment(models.Model):
    """One cell of the matrix: a solution against a criterion, as it stands now."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="assessments")
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="assessments")
    stars = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 5; empty means N/A.")
    level = models.CharField(max_length=60, blank=True, help_text='The level in the text, e.g. "Medium-high".')
    rationale = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=0, help_text="Number of the current revision; the ETag.")
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "solution__order", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["solution", "criterion"], name="assessment_one_per_cell"),
            models.CheckConstraint(condition=STARS_VALID, name="assessment_stars_range"),
        ]

    def __str__(self) -> str:
        return f"{self.solution.code} × {self.criterion.key}"

    @property
    def etag(self) -> str:
        return f'"a{self.pk}-{self.revision}"'


class AssessmentRevision(models.Model):
    """What a cell said from ``created_at`` on, who set it, and why."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="assessment_revisions")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    stars = models.PositiveSmallIntegerField(null=True, blank=True)
    level = models.CharField(max_length=60, blank=True)
    rationale = models.TextField(blank=True)
    reason = models.TextField()
    source = models.CharField(max_length=20, choices=RevisionSource.choices)
    draft_import = models.ForeignKey(
        "consultation.DraftImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The round and the submissions an adopted change rests on. The submissions live in the evidence
    # app; the string reference keeps this app free of imports from it.
    round = models.ForeignKey(
        "consultation.Round", null=True, blank=True, on_delete=models.RESTRICT, related_name="%(class)s_set"
    )
    evidence = models.ManyToManyField("evidence.Submission", blank=True, related_name="%(class)s_set")
    excerpts = models.ManyToManyField("evidence.Excerpt", blank=True, related_name="%(class)s_set")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(db_index=False)

    objects = AssessmentRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="assessment_revision_number_unique"),
            models.CheckConstraint(condition=STARS_VALID, name="assessment_revision_stars_range"),
            models.CheckConstraint(condition=~Q(reason=""), name="assessment_revision_reason_required"),
        ]
        indexes = [models.Index(fields=["assessment", "-created_at", "-number"], name="assessment_rev_asof")]
        triggers = append_only

    def __str__(self) -> str:
        return f"{self.assessment} r{self.number}"


@tracked
class Classification(models.Model):
    """The overall classification of a solution, as it stands now."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="classifications")
    solution = models.OneToOneField(Solution, on_delete=models.CASCADE, related_name="classification")
    value = models.CharField(
        max_length=20, choices=ClassificationChoice.choices, default=ClassificationChoice.NOT_APPLICABLE
    )
    revision = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "solution__order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__in=ClassificationChoice.values), name="classification_value_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.solution.code}: {self.get_value_display()}"

    @property
    def etag(self) -> str:
        return f'"k{self.pk}-{self.revision}"'


class ClassificationRevision(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="classification_revisions")
    classification = models.ForeignKey(Classification, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    value = models.CharField(max_length=20, choices=ClassificationChoice.choices)
    reason = models.TextField()
    source = models.CharField(max_length=20, choices=RevisionSource.choices)
    draft_import = models.ForeignKey(
        "consultation.DraftImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The round and the submissions an adopted change rests on. The submissions live in the evidence
    # app; the string reference keeps this app free of imports from it.
    round = models.ForeignKey(
        "consultation.Round", null=True, blank=True, on_delete=models.RESTRICT, related_name="%(class)s_set"
    )
    evidence = models.ManyToManyField("evidence.Submission", blank=True, related_name="%(class)s_set")
    excerpts = models.ManyToManyField("evidence.Excerpt", blank=True, related_name="%(class)s_set")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField()

    objects = ClassificationRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["classification", "number"]
        constraints = [
            models.UniqueConstraint(fields=["classification", "number"], name="classification_revision_number_unique"),
            models.CheckConstraint(
                condition=Q(value__in=ClassificationChoice.values), name="classification_revision_value_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="classification_revision_reason_required"),
        ]
        indexes = [models.Index(fields=["classification", "-created_at", "-number"], name="classification_rev_asof")]
        triggers = append_only

    def __str__(self) -> str:
        return f"{self.classification} r{self.number}"
