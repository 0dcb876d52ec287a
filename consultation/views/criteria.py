"""A criterion: its guiding question, how each solution is rated against it, and the input linked to it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from consultation.extensions import linked_input
from consultation.models import Assessment, Consultation, Criterion

from .common import consultation_page, render_page


@consultation_page()
@require_safe
def criterion_page(request: HttpRequest, consultation: Consultation, key: str) -> HttpResponse:
    """Every member reads it; the input listed is only what the reader may see (the evidence app decides)."""
    criterion = get_object_or_404(Criterion, consultation=consultation, key=key)
    assessments = {a.solution_id: a for a in Assessment.objects.filter(consultation=consultation, criterion=criterion)}
    solutions = consultation.solutions.filter(retired_at__isnull=True).select_related("group").order_by("order", "code")
    context = {
        "criterion": criterion,
        "rows": [(solution, assessments.get(solution.pk)) for solution in solutions],
        "linked_input": linked_input(request.user, consultation, criterion=criterion),
    }
    return render_page(request, consultation, "consultation/criterion.html", context, active="matrix")
