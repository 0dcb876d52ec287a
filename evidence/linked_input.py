"""The expert input shown on the consultation's solution, criterion and matrix pages.

Registered with ``consultation.extensions`` by ``EvidenceConfig.ready``, so the
consultation app shows input without importing this app. Visibility is
``Submission.objects.visible_to`` (the one rule, also used by the API), and
authors are named as the viewer may know them: by name for the secretariat and
the author, as "Expert N" for everyone else.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from consultation.extensions import InputCounts, LinkedInput
from consultation.models import Consultation, Criterion, Role, Solution
from consultation.rules import role_of
from evidence.models import ProposedRating, Pseudonym, Submission


def author_label(submission: Submission, *, viewer, role: str | None, pseudonyms: dict[int, int]) -> str:
    """The author's name for the secretariat (and "You" for the author); a pseudonym for everyone else."""
    if submission.author_id == getattr(viewer, "pk", None):
        return "You"
    if role == Role.SECRETARIAT:
        return display_name(submission.author)
    number = pseudonyms.get(submission.author_id)
    return f"Expert {number}" if number else "An expert"


def display_name(user) -> str:
    """Profile name, else full name, else username (``user.profile`` raises an AttributeError when missing)."""
    profile = getattr(user, "profile", None)
    return (profile.name if profile is not None else "") or user.get_full_name() or user.get_username()


def pseudonyms_of(consultation: Consultation) -> dict[int, int]:
    return dict(Pseudonym.objects.filter(consultation=consultation).values_list("user_id", "number"))


def submission_url(submission: Submission, *, role: str | None, slug: str) -> str:
    """Where a listed submission leads: the triage page for the secretariat, the submission's page for others."""
    name = "evidence:triage" if role == Role.SECRETARIAT else "evidence:detail"
    return reverse(name, args=[slug, submission.pk])


class EvidenceInputProvider:
    """Implements ``consultation.extensions.InputProvider``."""

    def _visible(self, user, consultation: Consultation):
        return Submission.objects.visible_to(user, consultation).submitted()

    def _by(self, submissions, until: datetime):
        """Only what had been submitted by ``until`` and not yet withdrawn then (the one as-of rule of both reads)."""
        return submissions.filter(submitted_at__lte=until).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=until)
        )

    def linked_input(
        self,
        user,
        consultation: Consultation,
        *,
        solution: Solution | None = None,
        criterion: Criterion | None = None,
        until: datetime | None = None,
    ) -> list[LinkedInput]:
        """Newest first; with ``until``, the input as ``input_counts(until=)`` counts it (none withdrawn then).

        Without ``until`` the secretariat also sees withdrawn input, marked so.
        """
        submissions = self._visible(user, consultation)
        if until is not None:
            submissions = self._by(submissions, until)
        if solution is not None:
            rated = ProposedRating.objects.filter(solution=solution).values("submission")
            submissions = submissions.filter(
                Q(pk__in=Submission.solutions.through.objects.filter(solution=solution).values("submission"))
                | Q(pk__in=rated)
            )
        if criterion is not None:
            rated = ProposedRating.objects.filter(criterion=criterion).values("submission")
            submissions = submissions.filter(
                Q(pk__in=Submission.criteria.through.objects.filter(criterion=criterion).values("submission"))
                | Q(pk__in=rated)
            )
        submissions = submissions.select_related("author", "author__profile").order_by("-submitted_at", "-pk")
        role = role_of(user, consultation)
        rows = list(submissions)
        pseudonyms = pseudonyms_of(consultation) if rows and role != Role.SECRETARIAT else {}
        return [
            LinkedInput(
                pk=s.pk,
                title=str(s),
                author=author_label(s, viewer=user, role=role, pseudonyms=pseudonyms),
                status=s.status,
                status_label=s.get_status_display(),
                submitted_at=s.submitted_at,
                # At a past moment the listed input was not withdrawn yet, whatever happened to it later.
                withdrawn=s.is_withdrawn and until is None,
                url=submission_url(s, role=role, slug=consultation.slug),
            )
            for s in rows
        ]

    def readable_input_ids(self, user, consultation: Consultation) -> set[int]:
        return set(self._visible(user, consultation).values_list("pk", flat=True))

    def input_counts(self, user, consultation: Consultation, *, until: datetime | None = None) -> InputCounts:
        """Three queries whatever the size: the solution links, the criterion links and the proposed ratings.

        A submission counts for a cell when it links both the cell's solution and
        its criterion, or proposes a rating for the cell; for a row or column when
        it links the solution or criterion or proposes a rating in it. With
        ``until``, only what was submitted by then and not yet withdrawn counts
        (its links are today's: a later version of it may have changed them).
        """
        visible = self._visible(user, consultation)
        visible = visible.filter(withdrawn_at__isnull=True) if until is None else self._by(visible, until)
        visible = visible.values("pk")
        linked_solutions: dict[int, set[int]] = {}
        for submission_id, solution_id in Submission.solutions.through.objects.filter(
            submission__in=visible
        ).values_list("submission_id", "solution_id"):
            linked_solutions.setdefault(submission_id, set()).add(solution_id)
        linked_criteria: dict[int, set[int]] = {}
        for submission_id, criterion_id in Submission.criteria.through.objects.filter(
            submission__in=visible
        ).values_list("submission_id", "criterion_id"):
            linked_criteria.setdefault(submission_id, set()).add(criterion_id)
        proposed: dict[int, set[tuple[int, int]]] = {}
        for submission_id, solution_id, criterion_id in ProposedRating.objects.filter(
            submission__in=visible
        ).values_list("submission_id", "solution_id", "criterion_id"):
            proposed.setdefault(submission_id, set()).add((solution_id, criterion_id))
        counts = InputCounts()
        for submission_id in linked_solutions.keys() | linked_criteria.keys() | proposed.keys():
            its_proposed = proposed.get(submission_id, set())
            its_solutions = linked_solutions.get(submission_id, set())
            its_criteria = linked_criteria.get(submission_id, set())
            cells = its_proposed | {(s, c) for s in its_solutions for c in its_criteria}
            for solution_id in its_solutions | {s for s, _ in its_proposed}:
                counts.by_solution[solution_id] = counts.by_solution.get(solution_id, 0) + 1
            for criterion_id in its_criteria | {c for _, c in its_proposed}:
                counts.by_criterion[criterion_id] = counts.by_criterion.get(criterion_id, 0) + 1
            for cell in cells:
                counts.by_cell[cell] = counts.by_cell.get(cell, 0) + 1
        return counts
