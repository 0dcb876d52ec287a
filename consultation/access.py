"""Recording reads in the access trail (``AccessEvent``): pages, API reads, downloads, exports.

Pages and API reads of a consultation are recorded by a middleware; downloads
and exports call ``access_record`` themselves, with what was read in words.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from consultation.models import AccessEvent, AccessKind, Consultation


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address. Behind a reverse proxy, REMOTE_ADDR must be set from a trusted header by the proxy
    setup (see the README); X-Forwarded-For is not read here because any client can send it."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_record(
    *,
    kind: AccessKind | str,
    consultation: Consultation | None,
    user=None,
    request: HttpRequest | None = None,
    what: str = "",
    details: dict[str, Any] | None = None,
) -> AccessEvent:
    """Append one event to the access trail. ``user`` defaults to the request's user.

    Called outside a request (a Celery task making an export), pass ``user`` and no request.
    """
    if user is None and request is not None:
        user = request.user
    if user is not None and not user.is_authenticated:
        user = None
    return AccessEvent.objects.create(
        consultation=consultation,
        user=user,
        username=user.get_username() if user is not None else "",
        ip=client_ip(request),
        kind=kind,
        method=request.method if request is not None else "",
        path=request.get_full_path()[:1000] if request is not None else "",
        what=what[:500],
        details=details or {},
    )
