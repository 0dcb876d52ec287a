"""How much expert input a row, column or cell of the matrix has (``consultation.extensions.InputCounts``)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("includes/input_count.html")
def input_count(counts, solution=None, criterion=None) -> dict:
    """A small badge with the count; nothing when there is no input (or no provider of input)."""
    if counts is None:
        n = 0
    elif solution is not None and criterion is not None:
        n = counts.cell(solution, criterion)
    elif solution is not None:
        n = counts.solution(solution)
    else:
        n = counts.criterion(criterion)
    return {"n": n}


@register.inclusion_tag("consultation/_cell_evidence.html", takes_context=True)
def cell_evidence(context, counts, solution, criterion) -> dict:
    """A cell's link to its evidence page, with how much evidence it has and the "change argued" marker.

    ``counts`` is ``consultation.extensions.cell_evidence_counts``; None (no provider) shows nothing."""
    found = None if counts is None else counts.get((solution.pk, criterion.pk))
    return {
        "consultation": context.get("consultation"),
        "solution": solution,
        "criterion": criterion,
        "show": counts is not None,
        "count": found.count if found else 0,
        "argued": bool(found and found.argued),
    }
