"""A solution: its classification and, per criterion, its rating with the full revision history."""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django import forms
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from consultation.consistency import describe_expected, disagrees
from consultation.extensions import linked_input
from consultation.forms import ClassificationChangeForm, RatingChangeForm
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Consultation,
    Criterion,
    Solution,
)
from consultation.rules import accepts_changes

from .common import consultation_page, frozen_message, render_page

STALE = "stale"
FROZEN = "frozen"


@dataclass(frozen=True)
class PendingChange:
    """A change form sent back to its author: with errors, refused, or overtaken by someone else's change.

    ``criterion`` is the key of the rating's criterion, or None for the classification;
    ``problem`` is STALE, FROZEN or "" (the form's own errors say what is wrong).
    """

    criterion: str | None
    form: forms.Form
    problem: str = ""


def rating_form_id(criterion_key: str) -> str:
    """Ids of a rating form's fields, unique on the page (one form per criterion)."""
    return f"id_rating-{criterion_key}_%s"


CLASSIFICATION_FORM_ID = "id_classification_%s"


@dataclass(frozen=True)
class CriterionRating:
    criterion: Criterion
    assessment: Assessment | None
    change_form: RatingChangeForm | None = None
    problem: str = ""

    @property
    def disagrees(self) -> bool:
        return self.assessment is not None and disagrees(self.assessment.level, self.assessment.stars)

    @property
    def expected(self) -> str:
        return describe_expected(self.assessment.level) if self.assessment else ""


@consultation_page()
@require_safe
def solution_page(request: HttpRequest, consultation: Consultation, code: str) -> HttpResponse:
    solution = get_object_or_404(
        Solution.objects.select_related("group", "section"), consultation=consultation, code=code
    )
    return solution_response(request, consultation, solution)


def solution_response(
    request: HttpRequest,
    consultation: Consultation,
    solution: Solution,
    *,
    pending: PendingChange | None = None,
    status: int = 200,
) -> HttpResponse:
    """The solution page; the secretariat gets a change form per rating and for the classification.

    ``pending`` is a form sent back to its author (kept as they typed it) in
    place of the blank one, even on a closed consultation, so nothing is lost.
    """
    assessment_revisions = AssessmentRevision.objects.select_related("created_by", "draft_import").order_by("number")
    assessments = {
        a.criterion_id: a
        for a in Assessment.objects.filter(solution=solution)
        .select_related("changed_by")
        .prefetch_related(Prefetch("revisions", queryset=assessment_revisions))
    }
    # Criteria in use, plus any retired one this solution still has a rating for.
    criteria = (
        Criterion.objects.filter(consultation=consultation)
        .filter(Q(retired_at__isnull=True) | Q(pk__in=list(assessments)))
        .order_by("order", "key")
    )
    classification = (
        Classification.objects.filter(solution=solution)
        .select_related("changed_by")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=ClassificationRevision.objects.select_related("created_by", "draft_import").order_by("number"),
            )
        )
        .first()
    )
    editable = rules.has_perm("consultation.change_ratings", request.user, consultation) and accepts_changes(
        consultation
    )

    def rating(criterion: Criterion) -> CriterionRating:
        assessment = assessments.get(criterion.pk)
        if pending is not None and pending.criterion == criterion.key:
            return CriterionRating(criterion, assessment, pending.form, pending.problem)
        if not editable:
            return CriterionRating(criterion, assessment)
        form = RatingChangeForm(initial=RatingChangeForm.initial_for(assessment), auto_id=rating_form_id(criterion.key))
        return CriterionRating(criterion, assessment, form)

    if pending is not None and pending.criterion is None:
        classification_form, classification_problem = pending.form, pending.problem
    elif editable:
        classification_form = ClassificationChangeForm(
            initial=ClassificationChangeForm.initial_for(classification), auto_id=CLASSIFICATION_FORM_ID
        )
        classification_problem = ""
    else:
        classification_form, classification_problem = None, ""
    context = {
        "solution": solution,
        "classification": classification,
        "classification_form": classification_form,
        "classification_problem": classification_problem,
        "ratings": [rating(c) for c in criteria],
        "references": solution.references.order_by("group_order", "number"),
        "levels": RatingChangeForm.levels if editable or pending is not None else [],
        "frozen_message": frozen_message(consultation),
        "linked_input": linked_input(request.user, consultation, solution=solution),
    }
    return render_page(request, consultation, "consultation/solution.html", context, active="matrix", status=status)
