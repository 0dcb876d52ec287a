"""Reads of the evidence app that recur, as QuerySet methods with domain names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from consultation.models import Consultation, Role
from consultation.rules import role_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# The many-to-many relations of a submission that ``linked_to`` matches through.
LINKS = ("solutions", "criteria", "sections", "open_items", "answers_open_items")


class SubmissionQuerySet(models.QuerySet):
    def submitted(self) -> SubmissionQuerySet:
        """Submitted at least once (drafts are the author's alone)."""
        return self.filter(submitted_at__isnull=False)

    def linked_to(self, *, solution=None, criterion=None, section=None, open_item=None) -> SubmissionQuerySet:
        """The input linked to every object given: a solution or a criterion also through a proposed rating of it,
        an open item also as input the secretariat linked as answering it.

        Matched through subqueries, so that a submission never appears twice. The inbox and the API filter alike.
        """
        from evidence.models import ProposedRating  # the models module imports this one

        through = {name: getattr(self.model, name).through.objects for name in LINKS}
        result = self
        if solution is not None:
            linked = through["solutions"].filter(solution=solution).values("submission")
            rated = ProposedRating.objects.filter(solution=solution).values("submission")
            result = result.filter(Q(pk__in=linked) | Q(pk__in=rated))
        if criterion is not None:
            linked = through["criteria"].filter(criterion=criterion).values("submission")
            rated = ProposedRating.objects.filter(criterion=criterion).values("submission")
            result = result.filter(Q(pk__in=linked) | Q(pk__in=rated))
        if section is not None:
            result = result.filter(pk__in=through["sections"].filter(section=section).values("submission"))
        if open_item is not None:
            linked = through["open_items"].filter(openitem=open_item).values("submission")
            answering = through["answers_open_items"].filter(openitem=open_item).values("submission")
            result = result.filter(Q(pk__in=linked) | Q(pk__in=answering))
        return result

    def visible_to(self, user: AbstractBaseUser, consultation: Consultation) -> SubmissionQuerySet:
        """The submissions of ``consultation`` that ``user`` may read.

        The secretariat reads every submitted one; an author reads their own,
        drafts included; other experts read submitted input only when the
        secretariat shares it, and observers only when it lets them (both see
        it pseudonymised, which is the caller's job to show, and neither sees
        input its author withdrew).
        """
        mine = Q(author=user) if user.is_authenticated else Q(pk__in=[])
        scoped = self.filter(consultation=consultation)
        role = role_of(user, consultation)
        # What others read of input shared with them: submitted and not taken back by its author.
        shared = Q(submitted_at__isnull=False, withdrawn_at__isnull=True)
        if role == Role.SECRETARIAT:
            return scoped.filter(mine | Q(submitted_at__isnull=False))
        if role == Role.EXPERT:
            if consultation.share_input_with_experts:
                return scoped.filter(mine | shared)
            return scoped.filter(mine)
        if role == Role.OBSERVER and consultation.observers_see_input:
            return scoped.filter(shared)
        return scoped.none()


# --- The evidence map (evidence/evidence_map.py): input and excerpts of one cell, as the viewer may read them. ---


def cell_submissions(submissions: SubmissionQuerySet, solution, criterion) -> SubmissionQuerySet:
    """The input linked to both ``solution`` and ``criterion``, or proposing a rating of that cell (subqueries,
    so none appears twice)."""
    from evidence.models import ProposedRating, Submission

    linked_solution = Submission.solutions.through.objects.filter(solution=solution).values("submission")
    linked_criterion = Submission.criteria.through.objects.filter(criterion=criterion).values("submission")
    proposing = ProposedRating.objects.filter(solution=solution, criterion=criterion).values("submission")
    return submissions.filter((Q(pk__in=linked_solution) & Q(pk__in=linked_criterion)) | Q(pk__in=proposing))


def visible_excerpts(user: AbstractBaseUser, consultation: Consultation) -> models.QuerySet:
    """The excerpts of ``consultation`` ``user`` may read: every excerpt of a source document (members read the
    library), and an excerpt of input only when the user may read that input (``visible_to``)."""
    from evidence.models import Excerpt, Submission

    readable = Submission.objects.visible_to(user, consultation).values("pk")
    return Excerpt.objects.filter(consultation=consultation).filter(
        Q(submission__isnull=True) | Q(submission__in=readable)
    )


def cell_excerpts(excerpts: models.QuerySet, solution, criterion, assessment=None) -> models.QuerySet:
    """The excerpts linked to the cell itself, or to both its solution and its criterion (each once)."""
    from evidence.models import Excerpt

    both = Excerpt.solutions.through.objects.filter(solution=solution).values("excerpt")
    also = Excerpt.criteria.through.objects.filter(criterion=criterion).values("excerpt")
    linked = Q(pk__in=both) & Q(pk__in=also)
    if assessment is not None:
        linked |= Q(pk__in=Excerpt.cells.through.objects.filter(assessment=assessment).values("excerpt"))
    return excerpts.filter(linked)
