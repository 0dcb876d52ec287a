"""A solution: its classification and, per criterion, its rating with the full revision history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from consultation.consistency import describe_expected, disagrees
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Consultation,
    Criterion,
    Solution,
)

from .common import consultation_page, render_page


@dataclass(frozen=True)
class CriterionRating:
    criterion: Criterion
    assessment: Assessment | None

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
    assessment_revisions = AssessmentRevision.objects.select_related("created_by", "draft_import").order_by("number")
    assessments = {
        a.criterion_id: a
        for a in Assessment.objects.filter(solution=solution).prefetch_related(
            Prefetch("revisions", queryset=assessment_revisions)
        )
    }
    # Criteria in use, plus any retired one this solution still has a rating for.
    criteria = (
        Criterion.objects.filter(consultation=consultation)
        .filter(Q(retired_at__isnull=True) | Q(pk__in=list(assessments)))
        .order_by("order", "key")
    )
    classification = (
        Classification.objects.filter(solution=solution)
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=ClassificationRevision.objects.select_related("created_by", "draft_import").order_by("number"),
            )
        )
        .first()
    )
    context = {
        "solution": solution,
        "classification": classification,
        "ratings": [CriterionRating(c, assessments.get(c.pk)) for c in criteria],
        "references": solution.references.order_by("group_order", "number"),
    }
    return render_page(request, consultation, "consultation/solution.html", context, active="matrix")
