"""What every consultation page does first: sign-in, membership, role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from consultation.models import Consultation, Role
from consultation.rules import can_change, can_import_draft, get_visible_consultation, role_of

SECRETARIAT_ONLY = "Only the secretariat of this consultation can do this."


def consultation_page(*, permission: str | None = None) -> Callable:
    """Decorate a view ``view(request, consultation, ...)`` taking the consultation's ``slug`` from the URL.

    Anonymous users go to the sign-in page; non-members get a 404 (as if the
    consultation did not exist, superusers included); members without the
    ``permission`` (a rule of ``consultation/rules.py``, the same the API
    checks) get a 403.
    """

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            consultation = get_visible_consultation(request.user, slug)
            if permission and not rules.has_perm(permission, request.user, consultation):
                raise PermissionDenied(SECRETARIAT_ONLY)
            return view(request, consultation, *args, **kwargs)

        return wrapper

    return decorator


def render_page(
    request: HttpRequest,
    consultation: Consultation,
    template: str,
    context: dict | None = None,
    *,
    active: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render a page inside a consultation, with what its layout needs (marking, role, navigation)."""
    role = role_of(request.user, consultation)
    page_context = {
        "consultation": consultation,
        "role": role,
        "role_label": Role(role).label if role else "",
        "can_change": can_change(request.user, consultation),
        "can_import": can_import_draft(request.user, consultation),
        "active": active,
        **(context or {}),
    }
    return render(request, template, page_context, status=status)


def frozen_message(consultation: Consultation) -> str:
    """Why a change to a closed or archived consultation is refused, and what to do about it."""
    return (
        f"The consultation is {consultation.get_status_display().lower()}: it can be read but not changed, "
        "so nothing was saved. The secretariat can reopen it first (by changing its status)."
    )


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: each message on its field, or above the form when the field
    is not one of the form's (or the error names no field), so that no refusal is lost or ends in a 500."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)


def focus_first_error(form) -> None:
    """Put the keyboard focus (and so the browser's scroll) on the first field the user has to fix."""
    for name, field in form.fields.items():
        if name in form.errors and not field.widget.is_hidden and not field.disabled:
            field.widget.attrs["autofocus"] = True
            return
