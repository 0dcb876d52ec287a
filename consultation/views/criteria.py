"""A criterion: its guiding question, how each solution is rated against it, and the input linked to it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from consultation.extensions import linked_input
from consultation.forms.versions import ViewPointForm
from consultation.matrix import build_matrix
from consultation.models import Assessment, Consultation, Criterion

from .common import consultation_page, render_page


@consultation_page()
@require_safe
def criterion_page(request: HttpRequest, consultation: Consultation, key: str) -> HttpResponse:
    """Every member reads it; the input listed is only what the reader may see (the evidence app decides).

    ``?version=``/``?as_of=`` show the ratings and the input as they stood then (read-only, as the matrix and the
    solution page do); a value that cannot be read is reported and the criterion is shown as it is now.
    """
    criterion = get_object_or_404(Criterion, consultation=consultation, key=key)
    form = ViewPointForm(request.GET or None, consultation=consultation)
    point = form.point()
    if point is None:
        assessments = {
            a.solution_id: a for a in Assessment.objects.filter(consultation=consultation, criterion=criterion)
        }
        solutions = (
            consultation.solutions.filter(retired_at__isnull=True).select_related("group").order_by("order", "code")
        )
        rows = [(solution, assessments.get(solution.pk)) for solution in solutions]
    else:
        # The matrix of that moment: the solutions in it then and each one's rating then (a constant few queries).
        matrix = build_matrix(consultation, point.when)
        rows = [(solution, matrix.cell(solution, criterion)) for solution in matrix.solutions]
    context = {
        "criterion": criterion,
        "rows": rows,
        "form": form,
        "point": point,
        "linked_input": linked_input(
            request.user, consultation, criterion=criterion, until=point.when if point is not None else None
        ),
    }
    return render_page(request, consultation, "consultation/criterion.html", context, active="matrix")
