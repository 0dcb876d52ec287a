"""Staff create a consultation; its secretariat changes its details and status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods

from consultation.exceptions import StaleObjectError, StateConflictError
from consultation.forms import ConsultationChangeForm, ConsultationCreateForm
from consultation.models import Consultation, Status
from consultation.rules import accepts_changes
from consultation.services import consultation_create, consultation_update

from .common import add_service_errors, consultation_page, focus_first_error, frozen_message, render_page

STAFF_ONLY = "Only staff can create a consultation."


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_new(request: HttpRequest) -> HttpResponse:
    """The form of a new consultation; its creator becomes its first secretariat member."""
    if not rules.has_perm("consultation.create_consultation", request.user):
        raise PermissionDenied(STAFF_ONLY)
    form = ConsultationCreateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        slug = form.cleaned_data["slug"]
        try:
            consultation = consultation_create(user=request.user, slug=slug, **form.changes())
        except IntegrityError:
            # The form checked the slug; only a consultation created with it in the meantime gets here.
            form.add_error("slug", f"The slug “{slug}” was taken a moment ago by another consultation; choose another.")
        else:
            messages.success(request, f"Consultation “{consultation.title}” created. You are its secretariat.")
            return redirect("consultation:home", slug=consultation.slug)
    if form.errors:
        focus_first_error(form)
    return render(request, "consultation/consultation_new.html", {"form": form}, status=400 if form.errors else 200)


@dataclass(frozen=True)
class Difference:
    """A field whose current value differs from what the user typed (shown after a stale save)."""

    label: str
    current: str
    yours: str


def _display(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if name == "status":
        return Status(value).label
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _differences(form: ConsultationChangeForm, current: Consultation) -> list[Difference]:
    yours = form.changes()
    shown = [
        (str(form.fields[name].label), _display(name, getattr(current, name)), _display(name, yours[name]))
        for name in form.CHANGEABLE
    ]
    return [Difference(label, now, typed) for label, now, typed in shown if now != typed]


def _initial(consultation: Consultation) -> dict:
    return {
        "slug": consultation.slug,
        "version": consultation.version,
        **{name: getattr(consultation, name) for name in ConsultationChangeForm.CHANGEABLE},
    }


@consultation_page(permission="consultation.change_consultation")
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_edit(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Change the consultation's details or status, checked against the version the form was rendered with.

    A change made by someone else meanwhile is not overwritten: the form comes
    back with the user's input, the current values beside it, and the current
    version, so that saving again is a deliberate choice.
    """
    frozen = not accepts_changes(consultation)
    context = {"frozen": frozen, "frozen_message": frozen_message(consultation), "differences": []}
    if request.method != "POST":
        context["form"] = ConsultationChangeForm(initial=_initial(consultation))
        return render_page(request, consultation, "consultation/consultation_edit.html", context, active="home")
    form = ConsultationChangeForm(request.POST, initial=_initial(consultation))
    status = 400
    if form.is_valid():
        try:
            updated = consultation_update(
                consultation=consultation,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except StaleObjectError:
            current = Consultation.objects.get(pk=consultation.pk)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = ConsultationChangeForm(data, initial=_initial(current))
            form.is_valid()
            context["differences"] = _differences(form, current)
            context["stale"] = True
            consultation, status = current, 409
        except StateConflictError as error:
            form.add_error(None, error.message)
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if updated.version == consultation.version:
                messages.info(request, "Nothing changed.")
            else:
                messages.success(request, "The consultation's details were saved.")
            return redirect("consultation:home", slug=consultation.slug)
    focus_first_error(form)
    context["form"] = form
    return render_page(
        request, consultation, "consultation/consultation_edit.html", context, active="home", status=status
    )
