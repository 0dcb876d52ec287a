"""Export pages: request an export, follow its progress, download the file.

Who may export is ``evidence.rules.can_export`` (the API checks the same): the
secretariat, and observers where the secretariat allows it. An export is seen and
downloaded only by its requester, and only while they still may export; anyone
else gets 404, as if it did not exist. The job itself is ``evidence.services.exports``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_safe

from consultation.access import access_record, access_trail_exempt
from consultation.models import AccessKind, Consultation, Role
from consultation.rules import role_of
from consultation.views.common import add_service_errors, consultation_page, render_page
from evidence.exports import CONTENT_TYPES
from evidence.forms.exports import ExportRequestForm
from evidence.models import Export, ExportStatus
from evidence.rules import can_export
from evidence.services.exports import expiry_hours, export_file_path, export_request

MAY_NOT_EXPORT = "Only the secretariat, and observers where the secretariat allows it, can export this consultation."
LIST_LIMIT = 50
FINISHED = (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)


def require_export_right(request: HttpRequest, consultation: Consultation) -> None:
    if not can_export(request.user, consultation):
        raise PermissionDenied(MAY_NOT_EXPORT)


def my_exports(user, consultation: Consultation):
    """The user's own exports of the consultation, newest first (one query)."""
    return Export.objects.filter(consultation=consultation, requested_by=user).select_related("version")


def own_export(request: HttpRequest, consultation: Consultation, pk: int) -> Export:
    """The export if the user requested it and may still export; otherwise 404 (others' exports do not exist)."""
    export = (
        my_exports(request.user, consultation).filter(pk=pk).first() if can_export(request.user, consultation) else None
    )
    if export is None:
        raise Http404("No such export.")
    return export


def export_response(export: Export) -> FileResponse:
    """Stream a finished export as a download that is never cached or sniffed."""
    path = export_file_path(export)
    if path is None:
        raise Http404("This export has no file (any more).")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=export.download_name,
        content_type=CONTENT_TYPES[export.format],
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def record_download(request: HttpRequest, export: Export) -> None:
    access_record(
        kind=AccessKind.EXPORT_DOWNLOAD,
        consultation=export.consultation,
        request=request,
        what=f"{export.get_format_display()} export {export.download_name}"[:500],
        details={"export": export.pk, "format": export.format, "sha256": export.sha256},
    )


@consultation_page()
@require_http_methods(["GET", "HEAD", "POST"])
def exports_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The request form and the list of the user's exports; POST queues an export and opens its page."""
    require_export_right(request, consultation)
    observer = role_of(request.user, consultation) == Role.OBSERVER
    data = request.POST if request.method == "POST" else None
    form = ExportRequestForm(data, consultation=consultation, observer=observer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            export = export_request(
                consultation=consultation,
                user=request.user,
                format=data["format"],
                version=data["version"],
                compare_to=data["compare_to"],
                pseudonymise=data["pseudonymise"],
                include_internal_notes=data.get("include_internal_notes", False),
                watermark=data["watermark"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("evidence:export", slug=consultation.slug, pk=export.pk)
    exports = list(my_exports(request.user, consultation)[:LIST_LIMIT])
    return render_page(
        request,
        consultation,
        "evidence/exports/exports.html",
        {"form": form, "exports": exports, "observer": observer, "expiry_hours": expiry_hours()},
        active="exports",
        status=400 if form.errors else 200,
    )


@consultation_page()
@require_safe
def export_page(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """One export: its options, a progress bar htmx polls while it runs, and the download link once done."""
    export = own_export(request, consultation, pk)
    return render_page(
        request,
        consultation,
        "evidence/exports/export.html",
        {"export": export, "finished": export.status in FINISHED},
        active="exports",
    )


@access_trail_exempt  # polled every second; the export's page that polls it is recorded
@consultation_page()
@require_safe
def export_progress(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """The progress fragment polled by htmx; it stops polling once the export is done, failed or expired."""
    export = own_export(request, consultation, pk)
    return render_page(
        request,
        consultation,
        "evidence/exports/_progress.html",
        {"export": export, "finished": export.status in FINISHED, "partial": True},
        active="exports",
    )


@consultation_page()
@require_safe
def export_download(request: HttpRequest, consultation: Consultation, pk: int) -> FileResponse:
    """The file, to its requester only; every download is recorded in the access trail."""
    export = own_export(request, consultation, pk)
    response = export_response(export)
    record_download(request, export)
    return response
