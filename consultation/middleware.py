"""The access trail's middleware: every page of a consultation a member opened, every API read of one.

What is recorded (one ``AccessEvent``, one INSERT, per request):

- a ``GET`` answered 2xx by a view of the ``consultation`` or ``evidence`` pages with a ``slug`` in its URL:
  a page view;
- a ``GET`` answered 2xx under ``/api/v1/consultations/<slug>/`` (the ``api`` and ``evidence-api``
  namespaces): an API read;

by a signed-in member of that consultation. Not recorded: anything else (sign-in, static files, the list of
one's consultations, writes, refusals and errors, ``HEAD``), views marked ``access_trail_exempt`` (fragments
polled by htmx), and requests whose view already recorded what it served itself (downloads and exports call
``access_record`` with the file's name).

htmx requests are recorded like any other: the ``HX-Request`` header is the client's to send, so skipping by it
would let anyone read pages unrecorded. Polled fragments are skipped by their view instead.

The consultation and the reader's role are those the view looked up (``get_visible_consultation`` keeps the
consultation, ``role_of`` the role, on the user object), so recording costs the INSERT alone. A view that looks
the consultation up some other way costs up to two more queries here. Should the INSERT fail, the exception
propagates: a read that cannot be recorded is not served.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from consultation.access import RECORDED_ATTR, access_record
from consultation.models import AccessKind, Consultation
from consultation.rules import consultation_seen, role_of

PAGE_NAMESPACES = frozenset({"consultation", "evidence"})
API_NAMESPACES = frozenset({"api", "evidence-api"})
API_PREFIX = "/api/v1/consultations/"


def _exempt(match) -> bool:
    view = match.func
    return bool(
        getattr(view, "access_trail_exempt", False)
        or getattr(getattr(view, "view_class", None), "access_trail_exempt", False)
    )


def access_kind(request: HttpRequest, response: HttpResponse) -> str | None:
    """The kind of event ``request`` makes in the trail, or None when it is not recorded (see the module)."""
    if request.method != "GET" or not 200 <= response.status_code < 300:
        return None
    match = getattr(request, "resolver_match", None)
    if match is None or "slug" not in match.kwargs or _exempt(match) or getattr(request, RECORDED_ATTR, False):
        return None
    namespace = match.namespaces[0] if match.namespaces else ""
    if namespace in PAGE_NAMESPACES:
        return AccessKind.PAGE_VIEW
    if namespace in API_NAMESPACES and request.path_info.startswith(API_PREFIX):
        return AccessKind.API_READ
    return None


class AccessTrailMiddleware:
    """Append a page view or an API read to the access trail after a member's successful read (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        kind = access_kind(request, response)
        if kind is None:
            return response
        # After the view: for the API, DRF has put the user it authenticated (a token's, say) on the request.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        slug = request.resolver_match.kwargs["slug"]
        consultation = consultation_seen(user, slug) or Consultation.objects.filter(slug=slug).first()
        if consultation is None or role_of(user, consultation) is None:
            return response
        access_record(
            kind=kind,
            consultation=consultation,
            user=user,
            request=request,
            what=request.resolver_match.view_name,
        )
        return response
