"""Import of a draft (secretariat only): upload, preview, confirm, follow the progress."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_safe

from consultation.access import access_trail_exempt
from consultation.diffs import import_preview_changes
from consultation.exceptions import ConsultationError
from consultation.forms import DraftUploadForm
from consultation.models import Consultation, DraftImport, DraftImportStatus
from consultation.rules import accepts_changes

from .common import consultation_page, render_page

FINISHED = {DraftImportStatus.DONE, DraftImportStatus.FAILED}
RECENT_IMPORTS = 10


def _frozen_message(consultation: Consultation) -> str:
    return (
        f"The consultation is {consultation.get_status_display().lower()}: it can be read but not changed, "
        "so no draft can be imported into it until the secretariat reopens it."
    )


def _import_services():
    # Imported on use: the importer is its own package and the pages must load without it.
    from consultation.importing import parser, services

    return services, parser.DraftParseError


@consultation_page(permission="consultation.import_draft")
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Upload a draft; a readable one becomes a preview, an unreadable one an error naming the line."""
    form = DraftUploadForm(request.POST or None, request.FILES or None)
    frozen = not accepts_changes(consultation)
    if request.method == "POST" and frozen:
        form.add_error(None, _frozen_message(consultation))
    elif request.method == "POST" and form.is_valid():
        services, parse_error = _import_services()
        try:
            # Atomic: a draft that cannot be read leaves nothing behind.
            with transaction.atomic():
                draft_import = services.draft_import_preview(
                    consultation=consultation,
                    filename=form.cleaned_data["filename"],
                    content=form.cleaned_data["content"],
                    user=request.user,
                )
        except (parse_error, ConsultationError) as error:
            form.add_error("file", str(error))
        else:
            return redirect("consultation:import_detail", slug=consultation.slug, pk=draft_import.pk)
    recent = DraftImport.objects.filter(consultation=consultation).select_related("created_by")[:RECENT_IMPORTS]
    return render_page(
        request,
        consultation,
        "consultation/import/upload.html",
        {"form": form, "recent": recent, "frozen": frozen, "frozen_message": _frozen_message(consultation)},
        active="import",
    )


def _draft_import(consultation: Consultation, pk: int) -> DraftImport:
    return get_object_or_404(DraftImport.objects.select_related("created_by"), consultation=consultation, pk=pk)


@consultation_page(permission="consultation.import_draft")
@require_http_methods(["GET", "HEAD", "POST"])
def import_detail(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """The preview with a Confirm button; once confirmed, the progress and then the result.

    POST confirms (the task is queued by the service) and redirects back here.
    """
    draft_import = _draft_import(consultation, pk)
    frozen = not accepts_changes(consultation)
    if request.method == "POST" and frozen:
        messages.error(request, _frozen_message(consultation))
        return redirect("consultation:import_detail", slug=consultation.slug, pk=draft_import.pk)
    if request.method == "POST":
        services, _ = _import_services()
        try:
            services.draft_import_confirm(draft_import=draft_import, user=request.user)
        except ConsultationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Import confirmed. It runs in the background; this page follows its progress.")
        return redirect("consultation:import_detail", slug=consultation.slug, pk=draft_import.pk)
    return render_page(
        request,
        consultation,
        "consultation/import/detail.html",
        {
            "draft_import": draft_import,
            "finished": draft_import.status in FINISHED,
            "frozen": frozen,
            "frozen_message": _frozen_message(consultation),
            # The ratings the preview would change, shown as the comparison page shows changes.
            "preview_cells": import_preview_changes(consultation, draft_import.preview)
            if draft_import.status == DraftImportStatus.PREVIEWED
            else [],
        },
        active="import",
    )


@access_trail_exempt  # polled every second; the import's page that polls it is recorded
@consultation_page(permission="consultation.import_draft")
@require_safe
def import_progress(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """The progress fragment polled by htmx; it stops asking for more once the import is done or failed."""
    draft_import = _draft_import(consultation, pk)
    return render_page(
        request,
        consultation,
        "consultation/import/_progress.html",
        {"draft_import": draft_import, "finished": draft_import.status in FINISHED, "partial": True},
        active="import",
    )
