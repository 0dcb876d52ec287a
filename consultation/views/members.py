"""The secretariat's members page: who takes part, with which role and deadline, and the invitations sent."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import formats, timezone
from django.views.decorators.http import require_POST, require_safe

from consultation.exceptions import ConsultationError
from consultation.forms.fields import OUT_OF_RANGE
from consultation.forms.members import DeadlineForm, InviteForm, MemberAddForm, MemberRoleForm
from consultation.models import Consultation, Invitation, InvitationStatus, Membership, Role
from consultation.services.members import (
    ROLE_ORDER,
    invitation_create,
    invitation_revoke,
    member_add,
    member_change_role,
    member_extend_deadline,
    member_remove,
)

from .common import add_service_errors, consultation_page, focus_first_error, render_page

MANAGE = "consultation.manage_members"
# The newest invitations are listed; older ones stay in the database and the admin.
INVITATIONS_SHOWN = 200


def member_label(membership: Membership) -> str:
    profile = getattr(membership.user, "profile", None)
    name = (profile.name if profile else "") or membership.user.get_full_name()
    return name or membership.user.get_username()


def _error_text(error: ValidationError | ConsultationError) -> str:
    if isinstance(error, ConsultationError):
        return error.message
    return " ".join(error.messages)


def _render_members(
    request: HttpRequest, consultation: Consultation, *, invite_form=None, add_form=None, status: int = 200
) -> HttpResponse:
    memberships = list(
        Membership.objects.filter(consultation=consultation)
        .select_related("user", "user__profile")
        .annotate(role_order=ROLE_ORDER)
        .order_by("role_order", "user__username", "pk")
    )
    for membership in memberships:
        membership.label = member_label(membership)
        membership.profile = getattr(membership.user, "profile", None)
        until = membership.deadline_extended_until
        membership.until_value = timezone.localtime(until).strftime("%Y-%m-%dT%H:%M") if until else ""
    invitations = list(
        Invitation.objects.filter(consultation=consultation)
        .select_related("invited_by")
        .order_by("-created_at", "-id")[:INVITATIONS_SHOWN]
    )
    context = {
        "memberships": memberships,
        "invitations": invitations,
        "open_statuses": (InvitationStatus.PENDING, InvitationStatus.EXPIRED),
        "roles": Role.choices,
        "invite_form": invite_form or InviteForm(auto_id="id_invite_%s"),
        "add_form": add_form or MemberAddForm(auto_id="id_add_%s"),
        "invitation_days": settings.INVITATION_VALID_DAYS,
    }
    return render_page(request, consultation, "consultation/members.html", context, active="members", status=status)


@consultation_page(permission=MANAGE)
@require_safe
def members_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Members with their role, profile and deadline extension; invitations and their status."""
    return _render_members(request, consultation)


@consultation_page(permission=MANAGE)
@require_POST
def member_invite(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Send an invitation by email; an earlier open invitation of the same address is replaced."""
    form = InviteForm(request.POST, auto_id="id_invite_%s")
    if form.is_valid():
        try:
            invitation = invitation_create(
                consultation=consultation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            expires = formats.date_format(timezone.localtime(invitation.expires_at), "j F Y")
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as {invitation.get_role_display().lower()}. "
                f"The link works once, until {expires}.",
            )
            return redirect("consultation:members", slug=consultation.slug)
    focus_first_error(form)
    return _render_members(request, consultation, invite_form=form, status=400)


@consultation_page(permission=MANAGE)
@require_POST
def member_add_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Add someone who already has an account, by their email address."""
    form = MemberAddForm(request.POST, auto_id="id_add_%s")
    if form.is_valid():
        try:
            membership = member_add(
                consultation=consultation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                added_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{member_label(membership)} was added as {membership.get_role_display().lower()}."
            )
            return redirect("consultation:members", slug=consultation.slug)
    focus_first_error(form)
    return _render_members(request, consultation, add_form=form, status=400)


def _membership(consultation: Consultation, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "user__profile"), consultation=consultation, pk=pk
    )


@consultation_page(permission=MANAGE)
@require_POST
def member_role(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    membership = _membership(consultation, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The role of {member_label(membership)} was not changed: choose one of the roles.")
        return redirect("consultation:members", slug=consultation.slug)
    try:
        updated = member_change_role(membership=membership, role=form.cleaned_data["role"])
    except (ValidationError, ConsultationError) as error:
        messages.error(request, f"The role of {member_label(membership)} was not changed. {_error_text(error)}")
    else:
        if updated.role == membership.role:
            messages.info(request, f"{member_label(membership)} already has that role; nothing changed.")
        else:
            messages.success(request, f"{member_label(membership)} is now {updated.get_role_display().lower()}.")
    return redirect("consultation:members", slug=consultation.slug)


@consultation_page(permission=MANAGE)
@require_POST
def member_deadline(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    membership = _membership(consultation, pk)
    form = DeadlineForm(request.POST)
    label = member_label(membership)
    if not form.is_valid():
        typed = request.POST.get("until", "")
        if form.has_error("until", "out_of_range"):
            messages.error(request, f"The deadline of {label} was not changed: {OUT_OF_RANGE}")
        else:
            messages.error(request, f"The deadline of {label} was not changed: “{typed}” is not a date and time.")
        return redirect("consultation:members", slug=consultation.slug)
    until = form.cleaned_data["until"]
    try:
        member_extend_deadline(membership=membership, until=until)
    except (ValidationError, ConsultationError) as error:
        messages.error(request, f"The deadline of {label} was not changed. {_error_text(error)}")
    else:
        if until:
            when = formats.date_format(timezone.localtime(until), "j F Y, H:i")
            messages.success(request, f"{label} may submit until {when}.")
        else:
            messages.success(request, f"{label} has no deadline extension now.")
    return redirect("consultation:members", slug=consultation.slug)


@consultation_page(permission=MANAGE)
@require_POST
def member_remove_page(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    membership = _membership(consultation, pk)
    label = member_label(membership)
    try:
        member_remove(membership=membership)
    except ConsultationError as error:
        messages.error(request, f"{label} was not removed. {error.message}")
    else:
        messages.success(request, f"{label} was removed from the consultation. Their input stays.")
    if membership.user_id == request.user.pk:
        return redirect("consultation:list")
    return redirect("consultation:members", slug=consultation.slug)


@consultation_page(permission=MANAGE)
@require_POST
def invitation_revoke_page(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, consultation=consultation, pk=pk)
    try:
        invitation_revoke(invitation=invitation)
    except ConsultationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation of {invitation.email} was revoked: its link no longer works.")
    return redirect("consultation:members", slug=consultation.slug)
