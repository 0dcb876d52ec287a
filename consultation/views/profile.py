"""The signed-in user's profile: who they are, their consultations and roles, and their API token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe
from rest_framework.authtoken.models import Token

from consultation.models import Membership
from consultation.services import token_renew, token_revoke


def _profile(request: HttpRequest, *, new_token: Token | None = None) -> HttpResponse:
    memberships = (
        Membership.objects.of(request.user)
        .select_related("consultation")
        .order_by("-consultation__created_at", "consultation__slug")
    )
    context = {
        "memberships": list(memberships),
        "token": new_token or Token.objects.filter(user=request.user).first(),
        "new_token": new_token,
    }
    response = render(request, "consultation/profile.html", context)
    # The page may carry a token's key: no cache (the browser's or a proxy's) may keep it.
    add_never_cache_headers(response)
    return response


@login_required
@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """A new API token replacing the previous one; its key is on this response and nowhere else, ever."""
    return _profile(request, new_token=token_renew(user=request.user))


@login_required
@require_POST
def token_delete(request: HttpRequest) -> HttpResponse:
    if token_revoke(user=request.user):
        messages.success(request, "Your API token was revoked: it no longer works.")
    else:
        messages.info(request, "You had no API token; nothing to revoke.")
    return redirect("consultation:profile")
