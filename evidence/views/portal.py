"""The expert portal: my consultations and deadlines, the draft's ratings, open items needing input, my input."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from consultation.matrix import build_matrix
from consultation.models import Consultation, Membership, OpenItem, OpenItemStatus, Role
from consultation.views.common import consultation_page, render_page
from evidence.models import Submission
from evidence.rules import can_author
from evidence.services.submissions import input_deadline, input_refusal

from .submissions import NOT_AN_AUTHOR


@consultation_page()
@require_safe
def portal_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Everything an expert needs to contribute, in a fixed number of queries whatever the amount of input."""
    if not can_author(request.user, consultation):
        raise PermissionDenied(NOT_AN_AUTHOR)
    user = request.user
    memberships = list(
        Membership.objects.filter(user=user, role__in=[Role.EXPERT, Role.SECRETARIAT])
        .select_related("consultation")
        .order_by("consultation__closes_at", "consultation__slug")
    )
    extension = next((m.deadline_extended_until for m in memberships if m.consultation_id == consultation.pk), None)
    consultations = [
        {
            "consultation": m.consultation,
            "role": m.get_role_display(),
            "extension": m.deadline_extended_until,
            "deadline": input_deadline(m.consultation, m.deadline_extended_until),
            "refusal": input_refusal(m.consultation, user, extension=m.deadline_extended_until),
        }
        for m in memberships
    ]
    mine = list(Submission.objects.filter(consultation=consultation, author=user).order_by("-created_at", "-id"))
    open_items = list(
        OpenItem.objects.filter(consultation=consultation)
        .exclude(status=OpenItemStatus.RESOLVED)
        .select_related("section")
        .annotate(
            my_input=Count("submissions", filter=Q(submissions__author=user, submissions__withdrawn_at__isnull=True))
        )
        .order_by("created_at", "pk")
    )
    context = {
        "consultations": consultations,
        "refusal": input_refusal(consultation, user, extension=extension),
        "deadline": input_deadline(consultation, extension),
        "extension": extension,
        "submissions": mine,
        "drafts": sum(1 for s in mine if s.is_draft),
        "open_items": open_items,
        "matrix": build_matrix(consultation),
    }
    return render_page(request, consultation, "evidence/portal.html", context, active="input")
