"""The user's consultations, and a consultation's home page."""

from __future__ import annotations

import rules
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from consultation.matrix import build_matrix
from consultation.models import Consultation, Membership, OpenItemStatus, Role

from .common import consultation_page, render_page


@login_required
@require_safe
def consultation_list(request: HttpRequest) -> HttpResponse:
    """The consultations the user is a member of, with the user's role in each."""
    my_role = Membership.objects.filter(user=request.user, consultation=OuterRef("pk")).values("role")[:1]
    consultations = Consultation.objects.visible_to(request.user).annotate(my_role=Subquery(my_role))
    rows = [(c, Role(c.my_role).label) for c in consultations]
    can_create = rules.has_perm("consultation.create_consultation", request.user)
    return render(request, "consultation/consultation_list.html", {"rows": rows, "can_create": can_create})


@consultation_page()
@require_safe
def consultation_home(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    open_items = consultation.open_items.aggregate(
        open=Count("pk", filter=Q(status=OpenItemStatus.OPEN)),
        in_progress=Count("pk", filter=Q(status=OpenItemStatus.IN_PROGRESS)),
        resolved=Count("pk", filter=Q(status=OpenItemStatus.RESOLVED)),
    )
    matrix = build_matrix(consultation)
    counts = {
        "solutions": len(matrix.solutions),
        "criteria": len(matrix.criteria),
        "disagreements": len(matrix.disagreements),
        "open_items": open_items,
        "open_items_unresolved": open_items["open"] + open_items["in_progress"],
        "references": consultation.references.count(),
        "sections": consultation.sections.count(),
        "footnotes": consultation.footnotes.count(),
    }
    can_edit = rules.has_perm("consultation.change_consultation", request.user, consultation)
    context = {"counts": counts, "can_edit": can_edit}
    return render_page(request, consultation, "consultation/home.html", context, active="home")
