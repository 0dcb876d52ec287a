"""Expert submissions: the input itself, its versions, links, proposed ratings, references and files."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q

from consultation.audit import tracked
from consultation.models import Consultation, Criterion, OpenItem, Reference, Section, Solution
from evidence.querysets import SubmissionQuerySet

# The text-search expression of a submission. The GIN index below is on exactly this expression,
# so filters that use ``SUBMISSION_SEARCH_VECTOR`` are answered from the index.
SUBMISSION_SEARCH_CONFIG = "english"
SUBMISSION_SEARCH_VECTOR = SearchVector("title", "body", config=SUBMISSION_SEARCH_CONFIG)


class SubmissionStatus(models.TextChoices):
    """Where the secretariat's triage stands. The expert sees it with the response."""

    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    ACCEPTED = "accepted", "Accepted"
    INCORPORATED = "incorporated", "Incorporated"
    NOTED = "noted", "Noted"
    REJECTED = "rejected", "Rejected"


@tracked
class Tag(models.Model):
    """A label the secretariat puts on submissions while triaging."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["consultation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "name"], name="tag_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="tag_name_required"),
        ]

    def __str__(self) -> str:
        return self.name


@tracked
class Submission(models.Model):
    """An expert's input to a consultation.

    It stays a draft (``submitted_at`` empty) while the expert writes it and is
    autosaved. Submitting stamps it and records version 1; every later edit by
    the author records a new ``SubmissionVersion``. It is never deleted, only
    withdrawn (``withdrawn_at``).
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="submissions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions")
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="Markdown.")
    solutions = models.ManyToManyField(Solution, blank=True, related_name="submissions")
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="submissions")
    sections = models.ManyToManyField(Section, blank=True, related_name="submissions")
    open_items = models.ManyToManyField(OpenItem, blank=True, related_name="submissions")
    references = models.ManyToManyField(Reference, blank=True, related_name="citing_submissions")
    # Triage: chosen by the secretariat.
    status = models.CharField(max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.NEW)
    response = models.TextField(blank=True, help_text="The secretariat's answer; the author sees it.")
    responded_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="submissions")
    answers_open_items = models.ManyToManyField(
        OpenItem, blank=True, related_name="answering_submissions", help_text="Open items this input resolves."
    )
    # Life cycle.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="First submitted; empty while a draft.")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    current_version = models.PositiveIntegerField(default=0, help_text="Number of the latest SubmissionVersion.")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; the API's ETag.")

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SubmissionStatus.values), name="submission_status_valid"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(submitted_at__isnull=False),
                name="submission_withdrawn_after_submitting",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True, current_version=0)
                | Q(submitted_at__isnull=False, current_version__gte=1),
                name="submission_submitted_has_version",
            ),
        ]
        indexes = [
            models.Index(fields=["consultation", "status"], name="submission_triage"),
            models.Index(fields=["consultation", "author"], name="submission_author"),
            GinIndex(SUBMISSION_SEARCH_VECTOR, name="submission_search"),
        ]

    def __str__(self) -> str:
        return self.title or f"Submission {self.pk}"

    @property
    def etag(self) -> str:
        return f'"s{self.pk}-{self.version}"'

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class SubmissionVersion(models.Model):
    """What a submission said when it was submitted or re-submitted. Append-only.

    ``content`` is the canonical JSON of everything the author wrote (title,
    body, links, proposed ratings, references, attachments' hashes);
    ``sha256`` is its hash, given to the author as the receipt.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="submission_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="submission_version_number_positive"),
        ]
        triggers = [pgtrigger.Protect(name="submission_version_append_only", operation=pgtrigger.Update)]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"


@tracked
class ProposedRating(models.Model):
    """A rating the expert proposes for one cell, with the reasons."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="proposed_ratings")
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 5; empty means N/A.")
    justification = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "solution__order", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "solution", "criterion"], name="proposed_rating_one_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5), name="proposed_rating_stars_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.solution.code} × {self.criterion.key}: {self.stars or 'N/A'}"


@tracked
class ProposedReference(models.Model):
    """A reference the expert cites that is not (yet) in the draft's annex."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="proposed_references")
    authors = models.TextField(blank=True)
    title = models.TextField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    venue = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["submission", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="proposed_reference_title_required"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2200),
                name="proposed_reference_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]


def attachment_storage():
    """Attachments live outside the web root and are served only through a view that checks permissions."""
    from django.core.files.storage import storages

    return storages["attachments"]


@tracked
class Attachment(models.Model):
    """A file attached to a submission, stored under a generated name.

    ``name`` is the sanitised original name, used only as the download name.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=attachment_storage, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


@tracked
class InternalNote(models.Model):
    """A note of the secretariat on a submission. Never shown to experts or observers."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="internal_note_body_required")]

    def __str__(self) -> str:
        return f"Note on {self.submission_id}"


class Pseudonym(models.Model):
    """The stable "Expert N" under which an expert's input is shown to others in one consultation."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="pseudonyms")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pseudonyms")
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="pseudonym_one_per_user"),
            models.UniqueConstraint(fields=["consultation", "number"], name="pseudonym_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Expert {self.number}"
