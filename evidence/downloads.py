"""Serving an attachment: only through a view that checked permissions, never cached, never sniffed, and recorded
in the access trail."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from consultation.access import access_record
from consultation.models import AccessKind, Consultation
from evidence.models import Attachment


def attachment_response(attachment: Attachment, *, request: HttpRequest, consultation: Consultation) -> FileResponse:
    """Stream ``attachment`` as a download under its safe name, with headers that keep browsers from running it.

    The download is recorded in the access trail (its name, id and SHA-256), once the file could be opened.
    """
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this attachment is missing.") from None
    access_record(
        kind=AccessKind.DOWNLOAD,
        consultation=consultation,
        request=request,
        what=attachment.name,
        details={"attachment": attachment.pk, "submission": attachment.submission_id, "sha256": attachment.sha256},
    )
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
