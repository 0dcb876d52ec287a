"""Reads for adopting a rating: the input and the closed rounds a change of a solution's cells may rest on.

The submissions live in the evidence app; they are reached through the
solution's reverse relation (``solution.submissions``) and the revisions' M2M,
so this app never imports that one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from consultation.models import (
    Assessment,
    AssessmentRevision,
    Consultation,
    Round,
    RoundAnswer,
    RoundStatus,
    Solution,
)


def candidate_submissions(solution: Solution) -> list:
    """Submitted (not draft, not withdrawn) input linked to ``solution``, oldest first. One query."""
    return list(
        solution.submissions.filter(submitted_at__isnull=False, withdrawn_at__isnull=True)
        .order_by("submitted_at", "pk")
        .only("pk", "title", "submitted_at")
    )


def closed_rounds(consultation: Consultation) -> list[Round]:
    """The closed rounds of the consultation, oldest first. One query."""
    return list(Round.objects.filter(consultation=consultation, status=RoundStatus.CLOSED).order_by("number"))


@dataclass(frozen=True)
class CellRoundFigures:
    """A closed round that rated a cell, with the cell's figures in it (None when figures cannot be computed)."""

    round: Round
    figures: object | None


def round_figures_by_cell(
    consultation: Consultation, rounds: list[Round], assessments: list[Assessment]
) -> dict[int, list[CellRoundFigures]]:
    """Per cell (assessment id): the closed rounds that rated it, with its figures. Two queries for all cells."""
    if not rounds or not assessments:
        return {}
    through = Round.cells.through
    rated = defaultdict(set)
    for round_id, assessment_id in through.objects.filter(round__in=rounds, assessment__in=assessments).values_list(
        "round_id", "assessment_id"
    ):
        rated[assessment_id].add(round_id)
    answers = defaultdict(list)
    for round_id, assessment_id, stars, cannot_judge in RoundAnswer.objects.filter(
        round__in=rounds, assessment__in=assessments
    ).values_list("round_id", "assessment_id", "stars", "cannot_judge"):
        answers[(round_id, assessment_id)].append(None if cannot_judge else stars)
    compute = _figures_function(consultation)
    result: dict[int, list[CellRoundFigures]] = {}
    for assessment in assessments:
        result[assessment.pk] = [
            CellRoundFigures(r, compute(answers.get((r.pk, assessment.pk), [])) if compute else None)
            for r in rounds
            if r.pk in rated[assessment.pk]
        ]
    return result


def _figures_function(consultation: Consultation):
    """The consensus figures of the rounds' module, or None where it is not available."""
    try:
        from consultation.consensus import ConsensusRule, figures
    except ImportError:  # the rounds' figures come with the rating rounds; until then only round numbers show
        return None
    rule = ConsensusRule.of(consultation)
    return lambda values: figures(values, rule)


def visible_submission_ids(user, consultation: Consultation) -> frozenset[int]:
    """Ids of the submissions of ``consultation`` that ``user`` may read, by the evidence app's own rule.

    The rule (``SubmissionQuerySet.visible_to``) is reached through the revisions' M2M, not imported, so it is
    written once; pages and the API show a cited submission's title only to those who may read it. One query.
    """
    submission = AssessmentRevision.evidence.field.related_model
    return frozenset(submission._default_manager.visible_to(user, consultation).values_list("pk", flat=True))
