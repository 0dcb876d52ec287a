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
