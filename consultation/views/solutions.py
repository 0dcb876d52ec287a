"""A solution: its classification and, per criterion, its rating with the full revision history."""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django import forms
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from consultation.adoption import candidate_submissions, closed_rounds, round_figures_by_cell
from consultation.consistency import describe_expected, disagrees, mapping_for
from consultation.extensions import AdoptionEvidence, adoption_evidence, linked_input
from consultation.forms import ClassificationChangeForm, RatingChangeForm
from consultation.forms.versions import ViewPointForm
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
from consultation.versions import ViewPoint

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
    mapping: dict | None = None
    rounds: list = ()

    @property
    def disagrees(self) -> bool:
        return self.assessment is not None and disagrees(self.assessment.level, self.assessment.stars, self.mapping)

    @property
    def expected(self) -> str:
        return describe_expected(self.assessment.level, self.mapping) if self.assessment else ""


@consultation_page()
@require_safe
def solution_page(request: HttpRequest, consultation: Consultation, code: str) -> HttpResponse:
    """The solution now, or as it stood at a version or date (``?version=``, ``?as_of=``; read-only then)."""
    solution = get_object_or_404(
        Solution.objects.select_related("group", "section"), consultation=consultation, code=code
    )
    form = ViewPointForm(request.GET or None, consultation=consultation)
    return solution_response(request, consultation, solution, view_point_form=form)


def _as_it_stood(owner, revisions: list, fields: tuple[str, ...]) -> None:
    """Show ``owner`` (a cell or classification, never saved) with the values of the last of ``revisions``.

    ``revisions`` are those up to the moment shown; the page then reads the owner as usual.
    """
    last = revisions[-1] if revisions else None
    for name in fields:
        setattr(owner, name, getattr(last, name) if last else owner._meta.get_field(name).get_default())
    owner.revision = last.number if last else 0
    owner.changed_at = last.created_at if last else None
    owner.changed_by = last.created_by if last else None


def solution_response(
    request: HttpRequest,
    consultation: Consultation,
    solution: Solution,
    *,
    pending: PendingChange | None = None,
    status: int = 200,
    view_point_form: ViewPointForm | None = None,
) -> HttpResponse:
    """The solution page; the secretariat gets a change form per rating and for the classification.

    ``pending`` is a form sent back to its author (kept as they typed it) in
    place of the blank one, even on a closed consultation, so nothing is lost.
    With a version or date chosen in ``view_point_form``, the page shows the
    values and history as they stood then, without change forms.
    """
    if view_point_form is None:
        view_point_form = ViewPointForm(consultation=consultation)
    point: ViewPoint | None = view_point_form.point()
    assessment_revisions = AssessmentRevision.objects.select_related("created_by", "draft_import", "round").order_by(
        "number"
    )
    class_revisions = ClassificationRevision.objects.select_related("created_by", "draft_import", "round").order_by(
        "number"
    )
    if point is not None:
        assessment_revisions = assessment_revisions.filter(created_at__lte=point.when)
        class_revisions = class_revisions.filter(created_at__lte=point.when)
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
        .prefetch_related(Prefetch("revisions", queryset=class_revisions))
        .first()
    )
    if point is not None:
        for assessment in assessments.values():
            _as_it_stood(assessment, list(assessment.revisions.all()), ("stars", "level", "rationale"))
        if classification is not None:
            _as_it_stood(classification, list(classification.revisions.all()), ("value",))
    may_change = rules.has_perm("consultation.change_ratings", request.user, consultation)
    editable = may_change and accepts_changes(consultation) and point is None
    mapping = mapping_for(consultation)
    submissions, rounds, figures, evidence = [], [], {}, AdoptionEvidence()
    if editable or pending is not None:
        submissions, rounds = candidate_submissions(solution), closed_rounds(consultation)
        figures = round_figures_by_cell(consultation, rounds, list(assessments.values()))
        # Each cell's own evidence (input proposing a rating of it, excerpts on it), as its evidence page lists it.
        evidence = adoption_evidence(request.user, consultation, solution)

    def rating(criterion: Criterion) -> CriterionRating:
        assessment = assessments.get(criterion.pk)
        cell_rounds = figures.get(assessment.pk, []) if assessment else []
        if pending is not None and pending.criterion == criterion.key:
            return CriterionRating(criterion, assessment, pending.form, pending.problem, mapping, cell_rounds)
        if not editable:
            return CriterionRating(criterion, assessment, mapping=mapping)
        form = RatingChangeForm(
            initial=RatingChangeForm.initial_for(assessment),
            auto_id=rating_form_id(criterion.key),
            submissions=submissions,
            rounds=rounds,
            evidence=evidence.of(criterion.pk),
        )
        return CriterionRating(criterion, assessment, form, mapping=mapping, rounds=cell_rounds)

    if pending is not None and pending.criterion is None:
        classification_form, classification_problem = pending.form, pending.problem
    elif editable:
        classification_form = ClassificationChangeForm(
            initial=ClassificationChangeForm.initial_for(classification),
            auto_id=CLASSIFICATION_FORM_ID,
            submissions=submissions,
            rounds=rounds,
            evidence=evidence.of(None),
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
        "form": view_point_form,
        "point": point,
        # As of the moment shown, like the matrix's counts: no input beside a version that came after it.
        "linked_input": linked_input(
            request.user, consultation, solution=solution, until=point.when if point is not None else None
        ),
    }
    return render_page(request, consultation, "consultation/solution.html", context, active="matrix", status=status)
