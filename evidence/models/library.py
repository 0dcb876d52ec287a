"""The evidence library: source documents, their versions, and excerpts quoted from them or from input."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.audit import tracked
from consultation.models import Assessment, Consultation, Criterion, OpenItem, Section, Solution

from .submissions import Submission, SubmissionVersion


class SourceKind(models.TextChoices):
    FILE = "file", "Uploaded file"
    LINK = "link", "Reference entry with a link"


@tracked
class SourceDocument(models.Model):
    """A document that bears on the paper's ratings: a later paper, a position document, a study.

    Its content lives in ``SourceVersion`` rows: a new upload adds a version, never
    overwrites one, so excerpts keep pointing at the text they quoted.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.FILE)
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=300, blank=True, help_text="Author or issuing body.")
    date = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text='Document reference, e.g. "WK 6697/2024".')
    marking = models.CharField(max_length=200, blank=True, help_text="The document's own handling marking.")
    url = models.URLField(max_length=1000, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; the API's ETag.")

    class Meta:
        ordering = ["consultation", "-date", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="source_title_required"),
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="source_kind_valid"),
            models.CheckConstraint(condition=~Q(kind="link") | ~Q(url=""), name="source_link_has_url"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}".strip()

    @property
    def etag(self) -> str:
        return f'"s{self.pk}-{self.version}"'


class SourceVersion(models.Model):
    """One upload of a source document, with its text extracted once.

    ``text`` is the plain text excerpts quote and point into (character offsets);
    ``blocks`` is the same text with its structure, a list of
    ``{"type": "heading"|"paragraph"|"list"|"table"|"quote", ...}`` objects
    whose ``start``/``end`` are offsets into ``text``.
    """

    source = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file_name = models.CharField(max_length=300, blank=True, help_text="Name in the private attachments storage.")
    original_name = models.CharField(max_length=300, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True)
    blocks = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="source_version_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="source_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.source} v{self.number}"


class ExcerptQuerySet(models.QuerySet):
    def visible_to(self, user, consultation: Consultation) -> ExcerptQuerySet:
        """The excerpts of ``consultation`` that ``user`` may read: every member reads those of source
        documents; an excerpt of a submission only whoever may read that submission."""
        from consultation.rules import role_of

        if role_of(user, consultation) is None:
            return self.none()
        readable = Submission.objects.visible_to(user, consultation).values("pk")
        return self.filter(consultation=consultation).filter(Q(submission__isnull=True) | Q(submission__in=readable))


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports the current rating"
    HIGHER = "higher", "Argues for higher"
    LOWER = "lower", "Argues for lower"
    CONTEXT = "context", "Context"


@tracked
class Excerpt(models.Model):
    """A passage quoted from a source document or a submission, linked to what it bears on, with a stance.

    The quote is kept word for word with its place (offsets into the text of the
    version it was taken from) and a little context on both sides, so it can be
    found again in a later version of the document, or reported missing there.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="excerpts")
    source = models.ForeignKey(SourceDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="excerpts")
    source_version = models.ForeignKey(
        SourceVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="excerpts"
    )
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="excerpts")
    submission_version = models.ForeignKey(
        SubmissionVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="excerpts"
    )
    quote = models.TextField()
    start = models.PositiveIntegerField(help_text="Offset of the quote in the quoted version's text.")
    end = models.PositiveIntegerField()
    prefix = models.CharField(max_length=200, blank=True, help_text="Text just before the quote.")
    suffix = models.CharField(max_length=200, blank=True, help_text="Text just after the quote.")
    stance = models.CharField(max_length=10, choices=Stance.choices)
    note = models.TextField(blank=True)
    solutions = models.ManyToManyField(Solution, blank=True, related_name="excerpts")
    criteria = models.ManyToManyField(Criterion, blank=True, related_name="excerpts")
    cells = models.ManyToManyField(Assessment, blank=True, related_name="excerpts")
    open_items = models.ManyToManyField(OpenItem, blank=True, related_name="excerpts")
    sections = models.ManyToManyField(Section, blank=True, related_name="excerpts")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; the API's ETag.")

    objects = ExcerptQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source__isnull=False) & Q(submission__isnull=True))
                | (Q(source__isnull=True) & Q(submission__isnull=False)),
                name="excerpt_from_source_or_submission",
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="excerpt_quote_required"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="excerpt_end_after_start"),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="excerpt_stance_valid"),
        ]

    def __str__(self) -> str:
        return f"“{self.quote[:60]}” ({self.get_stance_display()})"

    @property
    def etag(self) -> str:
        return f'"e{self.pk}-{self.version}"'
