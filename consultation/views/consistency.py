"""The consistency check: the cells whose text level and stars disagree, the mapping behind it, and open items."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_POST

from consultation.consistency import CANONICAL_LEVELS, MAPPED_LEVELS, mapping_for
from consultation.exceptions import ConsultationError, StaleObjectError
from consultation.forms.versions import ConsistencyMappingForm
from consultation.matrix import build_matrix
from consultation.models import Assessment, Consultation, OpenItem, OpenItemStatus
from consultation.rules import accepts_changes
from consultation.services.consistency import consistency_mapping_update, open_item_from_cell

from .common import SECRETARIAT_ONLY, consultation_page, focus_first_error, frozen_message, render_page


def _open_items_by_cell(consultation: Consultation) -> dict[tuple[int, int], OpenItem]:
    items = (
        OpenItem.objects.filter(consultation=consultation, assessment__isnull=False)
        .exclude(status=OpenItemStatus.RESOLVED)
        .select_related("assessment")
    )
    return {(item.assessment.solution_id, item.assessment.criterion_id): item for item in items}


@consultation_page()
@require_http_methods(["GET", "HEAD", "POST"])
def consistency_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The disagreeing cells (now) and the level-to-stars mapping; the secretariat adjusts the mapping (POST)."""
    may_change = rules.has_perm("consultation.change_ratings", request.user, consultation)
    editable = may_change and accepts_changes(consultation)
    status = 200
    form = None
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(SECRETARIAT_ONLY)
        form = ConsistencyMappingForm(request.POST, consultation=consultation)
        if not accepts_changes(consultation):
            form.add_error(None, frozen_message(consultation))
            status = 409
        elif form.is_valid():
            try:
                consistency_mapping_update(
                    consultation=consultation,
                    user=request.user,
                    mapping=form.mapping(),
                    expected_version=form.cleaned_data["version"],
                )
            except StaleObjectError:
                # The user's choices, now based on the current version: saving again applies them on top.
                data = request.POST.copy()
                data["version"] = str(Consultation.objects.get(pk=consultation.pk).version)
                form = ConsistencyMappingForm(data, consultation=consultation)
                form.is_valid()
                form.add_error(
                    None,
                    "The consultation was changed by someone else since you opened this page; your mapping was not "
                    "saved. Your choices are kept below: save them again to apply them.",
                )
                status = 409
            except (ValidationError, ConsultationError) as error:
                form.add_error(None, getattr(error, "message", None) or "; ".join(error.messages))
                status = 400
            else:
                messages.success(request, "Mapping saved; the check below uses it.")
                return redirect("consultation:consistency", slug=consultation.slug)
        else:
            focus_first_error(form)
            status = 400
    elif editable:
        form = ConsistencyMappingForm(consultation=consultation)

    matrix = build_matrix(consultation)
    open_items = _open_items_by_cell(consultation)
    cells = [
        {
            "solution": solution,
            "criterion": criterion,
            "cell": cell,
            "open_item": open_items.get((solution.pk, criterion.pk)),
        }
        for solution, criterion, cell in matrix.disagreements
    ]
    mapping = mapping_for(consultation)
    context = {
        "form": form,
        "editable": editable,
        "cells": cells,
        "mapping_rows": [
            (CANONICAL_LEVELS[level], "N/A" if mapping[level] is None else f"{mapping[level]}★")
            for level in MAPPED_LEVELS
        ],
        "frozen_message": frozen_message(consultation),
    }
    return render_page(
        request, consultation, "consultation/consistency.html", context, active="consistency", status=status
    )


@consultation_page(permission="consultation.change_open_items")
@require_POST
def cell_open_item(request: HttpRequest, consultation: Consultation, code: str, key: str) -> HttpResponse:
    """One click: the disagreeing cell becomes an open item in its solution's section."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("solution", "criterion", "consultation"),
        consultation=consultation,
        solution__code=code,
        criterion__key=key,
    )
    try:
        item = open_item_from_cell(assessment=assessment, user=request.user)
    except ConsultationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Open item {item.pk} raised on {code}/{key}: “{item.prompt}”")
    return redirect("consultation:consistency", slug=consultation.slug)
