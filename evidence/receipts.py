"""The receipt of a submitted version: shown on screen after submitting and sent by email, once."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from evidence.models import SubmissionVersion
from evidence.notifications import _display_name, absolute_url, send_once, subject_line


def send_submission_receipt(*, version_id: int) -> bool:
    """Email the author the receipt of one version (time and SHA-256). Sent at most once per version."""
    version = (
        SubmissionVersion.objects.select_related(
            "submission", "submission__consultation", "submission__author", "submission__author__profile"
        )
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        return False
    submission = version.submission
    consultation = submission.consultation
    context = {
        "consultation": consultation,
        "submission": submission,
        "version": version,
        "name": _display_name(submission.author),
        "url": absolute_url(reverse("evidence:version", args=[consultation.slug, submission.pk, version.number])),
    }
    what = "received" if version.number == 1 else f"version {version.number} received"
    return send_once(
        key=f"receipt:{version.pk}",
        kind="receipt",
        recipient=submission.author.email,
        subject=subject_line(consultation, f"your input “{submission}” was {what}"),
        body=render_to_string("emails/receipt.txt", context),
    )
