"""The secretariat's "Needs re-attaching" page: links a re-imported draft could not carry forward by itself."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST, require_safe

from consultation.exceptions import ConsultationError
from consultation.links import holder_url
from consultation.models import Consultation, Reattachment, ReattachmentStatus, TargetKind
from consultation.rules import accepts_changes
from consultation.services.reattachments import reattachment_resolve, target_choices

from .common import consultation_page, frozen_message, render_page

RECENTLY_SETTLED = 50


@consultation_page(permission="consultation.change_draft")
@require_safe
def reattach_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Each pending link with what happened to its old place, a choice of new place (the suggestion first),
    and Re-attach / Dismiss; below, the links settled lately (by the import itself or by hand)."""
    rows = Reattachment.objects.filter(consultation=consultation)
    pending = list(rows.filter(status=ReattachmentStatus.PENDING).select_related("draft_import").order_by("id"))
    choices = {kind: target_choices(consultation, kind) for kind in {row.target_kind for row in pending}}
    for row in pending:
        row.url = holder_url(consultation, row.holder_kind, row.holder_id)
        row.choices = choices[row.target_kind]
        row.kind_label = TargetKind(row.target_kind).label.lower()
    settled = list(
        rows.exclude(status=ReattachmentStatus.PENDING)
        .select_related("resolved_by")
        .order_by("-resolved_at", "-id")[:RECENTLY_SETTLED]
    )
    context = {"pending": pending, "settled": settled, "frozen": not accepts_changes(consultation)}
    return render_page(request, consultation, "consultation/reattach.html", context, active="import")


@consultation_page(permission="consultation.change_draft")
@require_POST
def reattach_resolve(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Re-attach one link to the chosen place, or dismiss it; the outcome is said at the top of the page."""
    row = get_object_or_404(Reattachment.objects.select_related("consultation"), consultation=consultation, pk=pk)
    if not accepts_changes(consultation):
        messages.error(request, frozen_message(consultation))
        return redirect("consultation:reattach", slug=consultation.slug)
    dismiss = request.POST.get("action") == "dismiss"
    target = request.POST.get("target", "").strip()
    try:
        target_id = int(target) if target.isascii() and target.isdigit() else None
        row = reattachment_resolve(reattachment=row, user=request.user, target_id=target_id, dismiss=dismiss)
    except ValidationError as error:
        messages.error(request, "Not re-attached: " + " ".join(error.messages))
    except ConsultationError as error:
        messages.error(request, error.message)
    else:
        if dismiss:
            messages.success(request, f"Dismissed: {row.holder_label} keeps pointing at {row.old_target_label}.")
        else:
            messages.success(request, f"Re-attached: {row.holder_label} now points at {row.new_target_label}.")
    return redirect("consultation:reattach", slug=consultation.slug)
