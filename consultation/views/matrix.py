"""The overview matrix, now or as it stood at a given time."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from consultation.extensions import cell_evidence_counts, input_counts
from consultation.forms.versions import ViewPointForm
from consultation.matrix import Cell, ClassificationValue, build_matrix
from consultation.models import Consultation, Criterion, Solution

from .common import consultation_page, render_page


@dataclass(frozen=True)
class MatrixRow:
    solution: Solution
    cells: list[tuple[Criterion, Cell | None]]
    classification: ClassificationValue | None


@dataclass(frozen=True)
class MatrixGroup:
    group: object
    rows: list[MatrixRow]


def _grouped_rows(matrix) -> list[MatrixGroup]:
    """Rows in display order, cut into runs of the same solution group (one table body per group)."""
    groups: list[MatrixGroup] = []
    for solution, cells, classification in matrix.rows():
        if not groups or groups[-1].group.pk != solution.group_id:
            groups.append(MatrixGroup(solution.group, []))
        groups[-1].rows.append(MatrixRow(solution, list(zip(matrix.criteria, cells, strict=True)), classification))
    return groups


@consultation_page()
@require_safe
def matrix_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The matrix in a constant number of queries, whatever its size; ``?version=``/``?as_of=`` show an earlier state.

    A version or as-of value that cannot be read is reported above the form,
    and the current matrix is shown instead.
    """
    form = ViewPointForm(request.GET or None, consultation=consultation)
    point = form.point()
    matrix = build_matrix(consultation, point.when if point else None)
    context = {
        "form": form,
        "point": point,
        "point_query": point.page_query if point else "",
        "matrix": matrix,
        "groups": _grouped_rows(matrix),
        "disagreements": matrix.disagreements,
        # Input per row, column and cell, as the reader may see it (three queries whatever the size), counted up to
        # the moment shown, so that an earlier version is not shown beside input that came after it.
        "input_counts": input_counts(request.user, consultation, until=point.when if point else None),
        # Evidence per cell (input and excerpts) and whether some argues for a change not decided yet: two queries.
        "evidence_counts": cell_evidence_counts(request.user, consultation, until=point.when if point else None),
    }
    return render_page(request, consultation, "consultation/matrix.html", context, active="matrix")
