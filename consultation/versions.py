"""Reading named versions: a version label or a date, turned into the moment the matrix is read at.

Pages and the API accept either a version's label (``?version=v1``) or a date
(``?as_of=2024-05-08``); the comparison page accepts both in one field
(``?from=v1&to=2024-05-08``). All of them end up as a ``ViewPoint``: a time,
and the version it came from when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.http import urlencode

from consultation.matrix import parse_as_of
from consultation.models import Consultation, DraftVersion


@dataclass(frozen=True)
class ViewPoint:
    """A moment of the draft's history: ``when``, and the named version it was given as (if any)."""

    when: datetime
    version: DraftVersion | None = None
    name: str = ""  # what the user typed when it was neither a version nor a date ("now")

    @property
    def label(self) -> str:
        """How the moment is named to the user: the version's label, else the time."""
        if self.version is not None:
            return self.version.label
        if self.name:
            return self.name
        return timezone.localtime(self.when).strftime("%-d %b %Y, %H:%M")

    @property
    def query_value(self) -> str:
        """The value that names this moment again in a URL (``from=``/``to=``)."""
        if self.version is not None:
            return self.version.label
        if self.name:
            return self.name
        return timezone.localtime(self.when).strftime("%Y-%m-%dT%H:%M:%S")

    @property
    def page_query(self) -> str:
        """``?version=…`` or ``?as_of=…``: the query that shows a page (matrix, solution) at this moment."""
        if self.version is not None:
            return "?" + urlencode({"version": self.version.label})
        return "?" + urlencode({"as_of": timezone.localtime(self.when).isoformat()})


NOW = "now"


class UnknownPoint(ValueError):
    """Neither a version label of the consultation nor a readable date; the message says so."""


def version_by_label(consultation: Consultation, label: str) -> DraftVersion | None:
    return DraftVersion.objects.filter(consultation=consultation, label=label.strip()).first()


def resolve_version(consultation: Consultation, label: str) -> ViewPoint:
    """The moment of the version ``label``; UnknownPoint when the consultation has no such version."""
    version = version_by_label(consultation, label)
    if version is None:
        raise UnknownPoint(f'This consultation has no version "{label.strip()}".')
    return ViewPoint(version.published_at, version)


def resolve_point(consultation: Consultation, value: str) -> ViewPoint:
    """A version label, a date (see ``parse_as_of``) or "now"; a label wins when a label looks like a date.

    Raises UnknownPoint with a message fit to show the user.
    """
    value = (value or "").strip()
    if not value:
        raise UnknownPoint("Give a version's label or a date (2024-05-08).")
    version = version_by_label(consultation, value)
    if version is not None:
        return ViewPoint(version.published_at, version)
    if value.lower() == NOW:
        return ViewPoint(timezone.now(), name=NOW)
    try:
        when = parse_as_of(value)
        when.astimezone(UTC)  # the database compares in UTC: refuse times that cannot be expressed there
        return ViewPoint(when)
    except (ValueError, OverflowError):
        raise UnknownPoint(
            f'"{value}" is neither a version of this consultation nor a date (2024-05-08) '
            "or a date and time (2024-05-08T14:30)."
        ) from None


def previous_version(version: DraftVersion) -> DraftVersion | None:
    """The version published just before ``version`` (the natural thing to compare it with)."""
    return (
        DraftVersion.objects.filter(consultation_id=version.consultation_id)
        .filter(published_at__lt=version.published_at)
        .order_by("-published_at", "-id")
        .first()
    )
