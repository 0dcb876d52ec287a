"""The signed-in user's profile: who they are (name, organisation, type, country, declared interests),
their consultations and roles, and their API token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe
from rest_framework.authtoken.models import Token

from consultation.forms.accounts import ProfileForm
from consultation.models import Membership, Profile
from consultation.services import token_renew, token_revoke
from consultation.services.members import profile_update

from .common import focus_first_error


def _profile(
    request: HttpRequest, *, new_token: Token | None = None, form: ProfileForm | None = None, status: int = 200
) -> HttpResponse:
    memberships = (
        Membership.objects.of(request.user)
        .select_related("consultation")
        .order_by("-consultation__created_at", "consultation__slug")
    )
    profile = Profile.objects.filter(user=request.user).first()
    context = {
        "profile": profile,
        "profile_form": form or ProfileForm(initial=ProfileForm.initial_for(profile), auto_id="id_profile_%s"),
        "memberships": list(memberships),
        "token": new_token or Token.objects.filter(user=request.user).first(),
        "new_token": new_token,
    }
    response = render(request, "consultation/profile.html", context, status=status)
    # The page may carry a token's key: no cache (the browser's or a proxy's) may keep it.
    add_never_cache_headers(response)
    return response


@login_required
@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@login_required
@require_POST
def profile_details(request: HttpRequest) -> HttpResponse:
    """Save who the user is; the secretariat of each of their consultations sees it on its members page."""
    form = ProfileForm(request.POST, auto_id="id_profile_%s")
    if form.is_valid():
        try:
            profile_update(user=request.user, **form.profile_data())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Your profile was saved.")
            return redirect("consultation:profile")
    focus_first_error(form)
    return _profile(request, form=form, status=400)


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
