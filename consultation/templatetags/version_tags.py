"""Template helpers of versions, diffs and cell timelines."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

register = template.Library()

# The evidence app names its submission page; consultation only links to it by name (it never imports evidence).
SUBMISSION_URL_NAMES = ("evidence:detail", "evidence:submission")


def submission_url(consultation, submission_id: int) -> str:
    """The page of a submission, or "" while the evidence app offers none."""
    for name in SUBMISSION_URL_NAMES:
        for args in ([consultation.slug, submission_id], [submission_id]):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
    return ""


@register.simple_tag
def submission_link(consultation, submission_id: int, title: str, visible=None):
    """``#12 Title`` linked to the submission's page; only the number for input the reader may not read.

    ``visible``: the ids the reader may read (``adoption.visible_submission_ids``); None means all of them.
    """
    if visible is not None and submission_id not in visible:
        return f"#{submission_id} (input not shared with you)"
    text = f"#{submission_id} {title or 'Untitled'}"
    url = submission_url(consultation, submission_id)
    return format_html('<a href="{}">{}</a>', url, text) if url else text
