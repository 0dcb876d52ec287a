"""Presentation helpers for the expert input pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from evidence.markdown import render_markdown
from evidence.models import SubmissionStatus

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Markdown to HTML that nh3 cleaned of everything but formatting (so it is safe to mark safe)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - cleaned by nh3 just before


_STATUS_CSS = {
    SubmissionStatus.NEW: "status--open",
    SubmissionStatus.UNDER_REVIEW: "status--progress",
    SubmissionStatus.ACCEPTED: "status--resolved",
    SubmissionStatus.INCORPORATED: "status--resolved",
    SubmissionStatus.NOTED: "status--progress",
    SubmissionStatus.REJECTED: "status--open",
}


@register.inclusion_tag("evidence/includes/submission_state.html")
def submission_state(submission) -> dict:
    """Draft, withdrawn, or the triage status, as a badge whose text says it all."""
    if submission.submitted_at is None:
        return {"label": "Draft (not submitted)", "css": "status--draft"}
    if submission.withdrawn_at is not None:
        return {"label": "Withdrawn", "css": "status--withdrawn"}
    return {"label": SubmissionStatus(submission.status).label, "css": _STATUS_CSS.get(submission.status, "")}
