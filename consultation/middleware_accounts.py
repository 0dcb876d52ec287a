"""Account hardening applied to every request.

- ``SessionLifetimeMiddleware`` ends a session after ``SESSION_COOKIE_AGE`` seconds without activity and
  ``SESSION_ABSOLUTE_AGE`` seconds after sign-in, whatever the activity.
- ``RequireMfaMiddleware`` sends secretariat members (of any consultation) and staff who have no second factor
  to the page that sets one up, and refuses them the API until they have one.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

# Epoch seconds, kept in the session: when the user signed in, and the last activity recorded.
SESSION_STARTED_KEY = "_session_started"
SESSION_SEEN_KEY = "_session_seen"
# Activity is recorded (the session saved, its expiry pushed back) at most every SESSION_ACTIVITY_SECONDS
# (default one minute): saving the session on every request would add a write to every page and API call.
TOUCH_EVERY_SECONDS = 60


def touch_every() -> int:
    return getattr(settings, "SESSION_ACTIVITY_SECONDS", TOUCH_EVERY_SECONDS)


MFA_SETUP_MESSAGE = (
    "Secretariat members and administrators must protect their account with a second factor. "
    "Set up an authenticator app (or a security key) to continue."
)
MFA_API_MESSAGE = (
    "Secretariat members and administrators must set up two-factor authentication before using the API: "
    "sign in to the site and follow the instructions."
)


def mark_session_started(sender, request=None, user=None, **kwargs) -> None:
    """On sign-in (Django's ``user_logged_in``): remember when, for the absolute lifetime and the inactivity."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[SESSION_STARTED_KEY] = now
    session[SESSION_SEEN_KEY] = now


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class SessionLifetimeMiddleware:
    """Ends signed-in sessions that sat idle too long or have reached their absolute lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            ended = self._check(request, session)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _check(self, request: HttpRequest, session) -> HttpResponse | None:
        now = int(time.time())
        started = session.get(SESSION_STARTED_KEY)
        seen = session.get(SESSION_SEEN_KEY)
        if started is None:  # a session from before these limits: they apply from now on
            started = session[SESSION_STARTED_KEY] = now
        idle = now - seen if seen is not None else 0
        if now - started > settings.SESSION_ABSOLUTE_AGE:
            return self._end(request, "Your session reached its maximum length. Please sign in again.")
        if idle > settings.SESSION_COOKIE_AGE:
            return self._end(request, "You were signed out after a period without activity. Please sign in again.")
        if seen is None or idle >= touch_every():
            session[SESSION_SEEN_KEY] = now  # saved at the end of the request, which also pushes the expiry back
            self._record_activity(request, session)
        return None

    @staticmethod
    def _record_activity(request: HttpRequest, session) -> None:
        """Keep the "last seen" of the user's session list current, as often as the session is touched."""
        if not session.session_key:
            return
        from allauth.account.adapter import get_adapter
        from allauth.usersessions.models import UserSession

        UserSession.objects.filter(session_key=session.session_key).update(
            last_seen_at=timezone.now(), ip=get_adapter().get_client_ip(request)
        )

    @staticmethod
    def _end(request: HttpRequest, message: str) -> HttpResponse | None:
        logout(request)
        if _is_api(request):
            return None  # the API answers the now anonymous request itself (401)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path(), reverse("login"))


def mfa_required_for(user) -> bool:
    """Staff and secretariat members (of any consultation) must sign in with a second factor."""
    from consultation.models import Membership, Role

    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or Membership.objects.filter(user=user, role=Role.SECRETARIAT).exists()


def mfa_enabled_for(user) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


def mfa_missing(user) -> bool:
    """True for a user who must have a second factor and has none (always False when the rule is off)."""
    if not getattr(settings, "MFA_REQUIRED_FOR_SECRETARIAT", True):
        return False
    return mfa_required_for(user) and not mfa_enabled_for(user)


class RequireMfaMiddleware:
    """Until a secretariat member or a staff user has a second factor, every page leads to setting one up."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed_prefixes(self) -> tuple[str, ...]:
        if self._allowed is None:
            self._allowed = (
                reverse("mfa_index"),  # the 2FA pages themselves (/accounts/2fa/...)
                reverse("account_reauthenticate"),
                reverse("logout"),
                reverse("account_logout"),
                "/accounts/confirm-email/",
                "/" + settings.STATIC_URL.lstrip("/"),
            )
        return self._allowed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(settings, "MFA_REQUIRED_FOR_SECRETARIAT", True):
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        if _is_api(request):
            token_user = self._token_user(request)
            if token_user is not None and mfa_missing(token_user):
                return JsonResponse({"detail": MFA_API_MESSAGE}, status=403)
        session = getattr(request, "session", None)
        if session is None or not session.get(SESSION_KEY):
            return None
        if request.path_info.startswith(self.allowed_prefixes()):
            return None
        if not mfa_missing(request.user):
            return None
        if _is_api(request):
            return JsonResponse({"detail": MFA_API_MESSAGE}, status=403)
        messages.warning(request, MFA_SETUP_MESSAGE)
        return redirect("mfa_index")

    @staticmethod
    def _token_user(request: HttpRequest):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _, key = header.partition(" ")
        if keyword.lower() != "token" or not key.strip():
            return None
        from rest_framework.authtoken.models import Token

        token = Token.objects.select_related("user").filter(key=key.strip()).first()
        return token.user if token is not None else None
