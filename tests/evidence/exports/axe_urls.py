"""The export pages for the accessibility check (tests/consultation/pages/test_browser_accessibility.py):
the request form with the list of one's exports, and a finished export with its progress bar and download link."""

from __future__ import annotations

from django.urls import reverse

from evidence.services.exports import export_request, export_run


def export_urls(consultation, secretariat) -> dict[str, str]:
    export = export_request(consultation=consultation, user=secretariat, format="docx")
    export_run(export_id=export.pk)
    slug = consultation.slug
    return {
        "exports": reverse("evidence:exports", args=[slug]),
        "export": reverse("evidence:export", args=[slug, export.pk]),
    }
