"""The evidence pages: everything that bears on a rating cell, a solution or an open item, newest first, filtered.

Every member reads them; what each sees is what the evidence app lets them read (``evidence.evidence_map``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from consultation.models import Assessment, Consultation, Criterion, OpenItem, Solution
from consultation.views.common import consultation_page, render_page
from evidence.evidence_map import cell_evidence, open_item_evidence, solution_evidence
from evidence.forms.evidence_map import EvidenceFilterForm


def _form(request: HttpRequest) -> EvidenceFilterForm:
    return EvidenceFilterForm(request.GET if request.GET else None)


def _solution(consultation: Consultation, code: str) -> Solution:
    return get_object_or_404(Solution.objects.select_related("group"), consultation=consultation, code=code)


@consultation_page()
@require_safe
def cell_evidence_page(request: HttpRequest, consultation: Consultation, code: str, key: str) -> HttpResponse:
    """The evidence of one cell of the matrix, with the rating it bears on."""
    solution = _solution(consultation, code)
    criterion = get_object_or_404(Criterion, consultation=consultation, key=key)
    form = _form(request)
    evidence = cell_evidence(request.user, consultation, solution, criterion, form.filters())
    context = {
        "form": form,
        "evidence": evidence,
        "solution": solution,
        "criterion": criterion,
        "assessment": Assessment.objects.filter(solution=solution, criterion=criterion).first(),
        "what": "cell",
    }
    return render_page(request, consultation, "evidence/evidence_map/cell.html", context, active="matrix")


@consultation_page()
@require_safe
def solution_evidence_page(request: HttpRequest, consultation: Consultation, code: str) -> HttpResponse:
    """The evidence of a solution: its input, excerpts and references."""
    solution = _solution(consultation, code)
    form = _form(request)
    evidence = solution_evidence(request.user, consultation, solution, form.filters())
    context = {"form": form, "evidence": evidence, "solution": solution, "what": "solution"}
    return render_page(request, consultation, "evidence/evidence_map/solution.html", context, active="matrix")


@consultation_page()
@require_safe
def open_item_evidence_page(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """The evidence of an open item: the input linked to it or answering it, and its excerpts."""
    item = get_object_or_404(
        OpenItem.objects.select_related("section", "assessment__solution", "assessment__criterion"),
        consultation=consultation,
        pk=pk,
    )
    form = _form(request)
    evidence = open_item_evidence(request.user, consultation, item, form.filters())
    context = {"form": form, "evidence": evidence, "item": item, "what": "open item"}
    return render_page(request, consultation, "evidence/evidence_map/open_item.html", context, active="open_items")
