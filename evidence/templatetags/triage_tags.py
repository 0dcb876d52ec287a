"""Presentation helpers of the secretariat's triage pages."""

from __future__ import annotations

from django import template

from evidence.models import SubmissionStatus
from evidence.templatetags.evidence_tags import _STATUS_CSS

register = template.Library()


@register.inclusion_tag("evidence/includes/submission_state.html")
def triage_status(submission) -> dict:
    """The triage status as a badge, also for withdrawn input (the secretariat still triages it)."""
    return {"label": SubmissionStatus(submission.status).label, "css": _STATUS_CSS.get(submission.status, "")}
