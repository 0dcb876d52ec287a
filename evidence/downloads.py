"""Serving an attachment: only through a view that checked permissions, never cached, never sniffed."""

from __future__ import annotations

from django.http import FileResponse, Http404

from evidence.models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """Stream ``attachment`` as a download under its safe name, with headers that keep browsers from running it."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file of this attachment is missing.") from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Should a browser render it anyway, nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
