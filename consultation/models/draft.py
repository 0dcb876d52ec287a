"""The structure of the draft paper: sections, footnotes, solutions, criteria, open items, references."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from consultation.audit import tracked
from consultation.querysets import ScopedQuerySet

from .consultation import Consultation


@tracked
class Section(models.Model):
    """A numbered part of the draft. ``number`` is unique within the consultation ("1", "3.1.b", "A2")."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    order = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "order"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="section_number_unique"),
            models.UniqueConstraint(fields=["consultation", "order"], name="section_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def depth(self) -> int:
        return self.number.count(".")


@tracked
class Footnote(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="footnotes")
    number = models.PositiveIntegerField()
    text = models.TextField()
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="footnotes")
    # The annex entries this footnote cites (matched on import; the secretariat corrects them).
    references = models.ManyToManyField("consultation.Reference", blank=True, related_name="footnotes")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="footnote_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="footnote_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Footnote {self.number}"


@tracked
class SolutionGroup(models.Model):
    """A family of solutions ("1) Device related")."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="solution_groups")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="solution_group_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}) {self.name}"


@tracked
class Solution(models.Model):
    """A technical solution the draft assesses, addressed by its code ("1b")."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="solutions")
    group = models.ForeignKey(SolutionGroup, on_delete=models.RESTRICT, related_name="solutions")
    code = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="solutions")
    order = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True, help_text="Set when a later draft dropped it.")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["consultation", "code"], name="solution_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


@tracked
class Criterion(models.Model):
    """An assessment criterion ("privacy") with the guiding question the draft gives it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    question = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "order", "key"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["consultation", "key"], name="criterion_key_unique")]

    def __str__(self) -> str:
        return self.name


class OpenItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"


@tracked
class OpenItem(models.Model):
    """A point of the draft left "to be further completed with the experts' input"."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="open_items")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="open_items")
    place = models.CharField(max_length=300, blank=True, help_text="Where in the section the item stands.")
    prompt = models.TextField()
    status = models.CharField(max_length=20, choices=OpenItemStatus.choices, default=OpenItemStatus.OPEN)
    resolution = models.TextField(blank=True)
    import_marker = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Ordinal of the draft's marker this item was imported from."
    )
    # The rating cell the item was raised about (the consistency check's "turn into open item").
    assessment = models.ForeignKey(
        "consultation.Assessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="open_items"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "import_marker"],
                condition=Q(import_marker__isnull=False),
                name="open_item_import_marker_unique",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution=""),
                name="open_item_resolved_has_resolution",
            ),
            models.CheckConstraint(condition=Q(status__in=OpenItemStatus.values), name="open_item_status_valid"),
            # One unresolved item per cell: a second click on "turn into open item" must not duplicate it.
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(assessment__isnull=False) & ~Q(status="resolved"),
                name="open_item_one_unresolved_per_cell",
            ),
        ]

    def __str__(self) -> str:
        return self.prompt[:80]

    @property
    def etag(self) -> str:
        return f'"o{self.pk}-{self.version}"'


@tracked
class Reference(models.Model):
    """An entry of the draft's reference annex, linked to the solutions it informs."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="references")
    group = models.CharField(max_length=200)
    group_order = models.PositiveSmallIntegerField(default=0)
    number = models.PositiveSmallIntegerField()
    authors = models.TextField(blank=True)
    title = models.TextField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    venue = models.TextField(blank=True, help_text="Publisher, journal, event or institution.")
    url = models.URLField(max_length=1000, blank=True)
    doi = models.CharField(max_length=200, blank=True, help_text='Digital Object Identifier, e.g. "10.1145/3133956".')
    solutions = models.ManyToManyField(Solution, blank=True, related_name="references")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; the API's ETag.")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["consultation", "group_order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "group_order", "number"], name="reference_number_unique"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2200), name="reference_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authors} — {self.title}"

    @property
    def etag(self) -> str:
        return f'"r{self.pk}-{self.version}"'
