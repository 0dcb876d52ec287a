"""Recording reads in the access trail (``AccessEvent``): pages, API reads, downloads, exports.

Pages and API reads of a consultation are recorded by a middleware; downloads
and exports call ``access_record`` themselves, with what was read in words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from consultation.models import AccessEvent, AccessKind, Consultation

# Set on the request by ``access_record``: the middleware then adds no page view or API read of its own.
RECORDED_ATTR = "_access_recorded"


def access_trail_exempt(view: Callable) -> Callable:
    """Mark a view the middleware does not record: a fragment polled by htmx (an import's progress, say), which
    shows nothing the page that polls it did not show, and was recorded when that page was opened.

    Exemption is per view, never per request header: a header such as ``HX-Request`` is the client's to send,
    so honouring it would let anyone read pages unrecorded.
    """
    view.access_trail_exempt = True
    return view


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
    if request is not None:
        # On the Django request under a DRF one too, where the middleware looks.
        setattr(getattr(request, "_request", request), RECORDED_ATTR, True)
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


def access_events(
    consultation: Consultation,
    *,
    user_id: int | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    text: str = "",
) -> QuerySet[AccessEvent]:
    """The consultation's trail, newest first, filtered as the secretariat's page, its CSV and the API filter it.

    ``since`` is inclusive and ``until`` exclusive; ``text`` is looked for, ignoring case, in the path, in what
    was read and in the username (which also finds the reads of people no longer members).
    """
    events = AccessEvent.objects.filter(consultation=consultation)
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if kind:
        events = events.filter(kind=kind)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    if text := text.strip():
        events = events.filter(Q(path__icontains=text) | Q(what__icontains=text) | Q(username__icontains=text))
    return events.order_by("-at", "-id")
