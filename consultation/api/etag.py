"""Optimistic concurrency: ``ETag`` on every changeable object, ``If-Match`` on every change.

The ETag strings are the models' own (``Assessment.etag``, ``Consultation.etag``
...). A view compares the client's ``If-Match`` with the current ETag before it
writes; the service then re-checks the version under a row lock, so a change
that lands between the two checks still ends in a 412, never in a lost update.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from consultation.exceptions import StaleObjectError


def if_match_tags(request: Request) -> list[str] | None:
    """The ETags in ``If-Match`` (quoted, weakness ignored); None when the header is absent."""
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    tags = []
    for part in raw.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag and tag != "*" and not (len(tag) >= 2 and tag[0] == tag[-1] == '"'):
            tag = f'"{tag}"'  # clients that drop the quotes still mean this ETag
        if tag:
            tags.append(tag)
    return tags


def expected_version(request: Request, etag: str, version: int) -> int | None:
    """The version the client's change is based on, for the service's locked re-check.

    None without ``If-Match`` (or with ``*``): the client asked for no check.
    Raises StaleObjectError (412) when ``If-Match`` does not name the current ETag.
    """
    tags = if_match_tags(request)
    if tags is None or "*" in tags:
        return None
    if etag in tags:
        return version
    raise StaleObjectError(
        f"This object changed since you read it: its ETag is now {etag}, your If-Match was "
        f"{request.headers.get('If-Match')!r}. Read it again, then apply your change."
    )


def with_etag(response: Response, etag: str) -> Response:
    response["ETag"] = etag
    return response
