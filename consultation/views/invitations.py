"""The page an invitation link opens: accept it with a new account or with the account one already has.

It works signed out. A new person gets allauth's sign-up form (open only here,
see ``consultation.accounts``) with the invited address fixed and the profile
fields; someone who has an account with that address signs in first and then
accepts; a signed-in person with that address accepts in one click.
"""

from __future__ import annotations

from allauth.account.internal import flows
from allauth.account.views import SignupView
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from consultation.forms.accounts import InvitationSignupForm, ProfileForm
from consultation.models import Invitation, InvitationStatus, Membership, Profile
from consultation.services.members import (
    InvitationError,
    email_mark_verified,
    invitation_accept,
    invitation_by_token,
    invitation_status_message,
    user_has_email,
    users_with_email,
)

NOT_VALID = (
    "This invitation link is not valid. Check that you opened the whole link from the email; "
    "if it still does not work, ask the secretariat for a new invitation."
)


def _welcome(request: HttpRequest, invitation: Invitation, membership: Membership) -> HttpResponse:
    role = membership.get_role_display().lower()
    title = invitation.consultation.title
    if membership.role == invitation.role:
        messages.success(request, f"Welcome: you are now {role} of “{title}”.")
    else:
        messages.info(request, f"You were already {role} of “{title}”; your role stays as it was.")
    return redirect("consultation:home", slug=invitation.consultation.slug)


class InvitationSignupView(SignupView):
    """allauth's sign-up, for the person an invitation was sent to; accepting happens in the same transaction."""

    template_name = "account/signup.html"
    invitation: Invitation

    def dispatch(self, request, *args, **kwargs):
        self.invitation = kwargs["invitation"]
        request.invitation = self.invitation  # what opens sign-up (AccountAdapter.is_open_for_signup)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return InvitationSignupForm

    def get_initial(self) -> dict:
        return {"email": self.invitation.email}

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["invitation"] = self.invitation
        return context

    def get_success_url(self) -> str:
        return reverse("consultation:home", args=[self.invitation.consultation.slug])

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form) -> HttpResponse:
        try:
            with transaction.atomic():
                user, response = form.try_save(self.request)
                if response is not None:  # allauth found an account with this address after all
                    return response
                # allauth stored the new account's (invited) address as unverified; opening this link proved it.
                email_mark_verified(user=user, email=self.invitation.email)
                invitation_accept(invitation=self.invitation, user=user, profile=form.profile_data())
        except InvitationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Welcome: your account was created and you are now {self.invitation.get_role_display().lower()} "
            f"of “{self.invitation.consultation.title}”.",
        )
        return flows.signup.complete_signup(self.request, user=user, redirect_url=self.get_success_url())


invitation_signup = InvitationSignupView.as_view()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(request, "consultation/invitation_invalid.html", {"message": NOT_VALID}, status=404)
    if invitation.status != InvitationStatus.PENDING:
        context = {"invitation": invitation, "message": invitation_status_message(invitation)}
        return render(request, "consultation/invitation_invalid.html", context, status=410)
    if request.user.is_authenticated:
        return _accept_signed_in(request, invitation)
    if users_with_email(invitation.email).exists():
        sign_in = reverse("login") + "?next=" + request.path
        return render(request, "consultation/invitation_sign_in.html", {"invitation": invitation, "sign_in": sign_in})
    return invitation_signup(request, invitation=invitation)


def _accept_signed_in(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """A signed-in person with the invited address confirms (and completes their profile); others are told why not."""
    context = {"invitation": invitation, "mismatch": not user_has_email(request.user, invitation.email)}
    profile = Profile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=ProfileForm.initial_for(profile))
    status = 200
    if request.method == "POST" and not context["mismatch"]:
        if form.is_valid():
            try:
                membership = invitation_accept(invitation=invitation, user=request.user, profile=form.profile_data())
            except InvitationError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return _welcome(request, invitation, membership)
        status = 400
    elif request.method == "POST":
        status = 403
    context["form"] = form
    return render(request, "consultation/invitation_accept.html", context, status=status)
