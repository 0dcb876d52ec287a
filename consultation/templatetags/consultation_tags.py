"""Presentation helpers for the consultation pages: stars, badges, anchors, safe links."""

from __future__ import annotations

import re
from datetime import datetime, time
from urllib.parse import urlsplit

from django import template
from django.utils import timezone

from consultation.models import ClassificationChoice, OpenItemStatus, RevisionSource

register = template.Library()

MAX_STARS = 5


@register.inclusion_tag("includes/stars.html")
def stars(value: int | None) -> dict:
    """Stars as glyphs for the eye and as words for screen readers ("4 of 5 stars"), or N/A."""
    if value is None:
        return {"value": None}
    value = max(0, min(int(value), MAX_STARS))
    return {"value": value, "max": MAX_STARS, "on": "★" * value, "off": "☆" * (MAX_STARS - value)}


_CLASSIFICATION_CSS = {
    ClassificationChoice.TOP_3: "classification--top3",
    ClassificationChoice.NEEDS_RESEARCH: "classification--research",
    ClassificationChoice.DISCARD: "classification--discard",
    ClassificationChoice.NOT_APPLICABLE: "classification--na",
}


@register.inclusion_tag("includes/classification_badge.html")
def classification_badge(value: str | None) -> dict:
    """The overall classification of a solution as a coloured badge whose text says it all."""
    if not value:
        return {"label": "Not classified", "css": "classification--none"}
    return {"label": ClassificationChoice(value).label, "css": _CLASSIFICATION_CSS.get(value, "classification--na")}


_OPEN_ITEM_CSS = {
    OpenItemStatus.OPEN: "status--open",
    OpenItemStatus.IN_PROGRESS: "status--progress",
    OpenItemStatus.RESOLVED: "status--resolved",
}


@register.inclusion_tag("includes/open_item_status.html")
def open_item_status(value: str) -> dict:
    return {"label": OpenItemStatus(value).label, "css": _OPEN_ITEM_CSS.get(value, "status--open")}


@register.filter
def source_label(value: str) -> str:
    try:
        return RevisionSource(value).label
    except ValueError:
        return value


@register.filter
def anchor(value) -> str:
    """A fragment id from a section number or key: "3.1.b" -> "3-1-b" (never empty)."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(value)).strip("-").lower()
    return slug or "x"


@register.filter
def heading_level(depth: int, base: int = 2) -> int:
    """The HTML heading level of a section of the given depth, starting at ``base`` and capped at 6."""
    return min(int(base) + int(depth or 0), 6)


@register.filter
def safe_url(value: str) -> str:
    """The URL if it is http(s); otherwise an empty string, so that no other scheme becomes a link."""
    if not value:
        return ""
    scheme = urlsplit(value.strip()).scheme.lower()
    return value.strip() if scheme in {"http", "https"} else ""


@register.filter
def with_class(field, css: str):
    """Render a bound form field with CSS classes, keeping Django's aria attributes."""
    return field.as_widget(attrs={"class": css})


@register.filter
def user_label(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def as_of_label(when: datetime | None) -> str:
    """ "the end of 8 May 2024" for a whole day, "8 May 2024, 14:30" for a moment."""
    if when is None:
        return ""
    local = timezone.localtime(when)
    day = f"{local.day} {local:%B %Y}"
    if local.time() == time.max:
        return f"the end of {day}"
    return f"{day}, {local:%H:%M}"


@register.filter
def as_of_value(when: datetime | None) -> str:
    """The value to put back in the as-of field: a date for a whole day, else a local date and time."""
    if when is None:
        return ""
    local = timezone.localtime(when)
    if local.time() == time.max:
        return local.date().isoformat()
    return local.strftime("%Y-%m-%dT%H:%M")


@register.filter
def humanize_key(value: str) -> str:
    """ "solution_groups" -> "Solution groups"."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def describe_value(value) -> str:
    """A JSON value of an import preview as short text: lists joined, objects as "key: value" pairs."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(describe_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{humanize_key(k)}: {describe_value(v)}" for k, v in value.items())
    return str(value)


# Import figures in the order a reader expects (jsonb does not keep the order the importer wrote).
COUNT_LABELS = {
    "sections": "Sections",
    "footnotes": "Footnotes",
    "solution_groups": "Solution groups",
    "solutions": "Solutions",
    "criteria": "Criteria",
    "assessments": "Assessments (levels in the text)",
    "ratings": "Ratings (stars in the overview table)",
    "classifications": "Classifications",
    "open_items": "Open items",
    "references": "References",
}


@register.filter
def ordered_counts(counts) -> list[tuple[str, str, object]]:
    """(key, label, value) of an import's figures, known ones first in reading order; nested dicts left out."""
    if not isinstance(counts, dict):
        return []
    keys = [k for k in COUNT_LABELS if k in counts] + sorted(k for k in counts if k not in COUNT_LABELS)
    return [(k, COUNT_LABELS.get(k) or humanize_key(k), counts[k]) for k in keys if not isinstance(counts[k], dict)]


@register.filter
def sentence(value: str) -> str:
    """The text ending in a full stop, unless it already ends in punctuation ("et al." stays as is)."""
    text = str(value or "").rstrip()
    return text if not text or text[-1] in ".!?" else f"{text}."


@register.filter
def nonzero_counts(counts) -> list[tuple[str, str, object]]:
    """Like ``ordered_counts``, without the kinds whose figure is zero or empty."""
    return [(key, label, value) for key, label, value in ordered_counts(counts) if value]


@register.filter
def star_text(stars) -> str:
    """ "4★" for a number of stars, "N/A" for none."""
    return "N/A" if stars in (None, "") else f"{stars}★"
