"""Named versions of the draft (list, publish) and the comparison of any two versions or dates."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from consultation.adoption import visible_submission_ids
from consultation.diffs import diff
from consultation.exceptions import ConsultationError
from consultation.forms.versions import CompareForm, VersionPublishForm
from consultation.models import Consultation, DraftVersion
from consultation.rules import accepts_changes
from consultation.services.versions import version_publish
from consultation.versions import NOW, previous_version

from .common import (
    SECRETARIAT_ONLY,
    add_service_errors,
    consultation_page,
    focus_first_error,
    frozen_message,
    render_page,
)


def compare_url(consultation: Consultation, from_value: str, to_value: str) -> str:
    return (
        reverse("consultation:compare", args=[consultation.slug])
        + "?"
        + urlencode({"from": from_value, "to": to_value})
    )


@consultation_page()
@require_http_methods(["GET", "HEAD", "POST"])
def versions_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Every published version, newest first, each with links to see it and compare it with the one before.

    The secretariat publishes a new one with the form (POST); others only read.
    """
    may_publish = rules.has_perm("consultation.change_ratings", request.user, consultation)
    status = 200
    form = None
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied(SECRETARIAT_ONLY)
        form = VersionPublishForm(request.POST)
        if not accepts_changes(consultation):
            form.add_error(None, frozen_message(consultation))
            status = 409
        elif form.is_valid():
            try:
                version = version_publish(
                    consultation=consultation,
                    user=request.user,
                    label=form.cleaned_data["label"],
                    note=form.cleaned_data["note"],
                    published_at=form.cleaned_data["published_at"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            except ConsultationError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(request, f"Version “{version.label}” published.")
                return redirect("consultation:versions", slug=consultation.slug)
        else:
            status = 400
        if status != 200:
            focus_first_error(form)
    elif may_publish and accepts_changes(consultation):
        form = VersionPublishForm()

    versions = list(
        DraftVersion.objects.filter(consultation=consultation)
        .select_related("created_by", "draft_import")
        .order_by("-published_at", "-id")
    )
    rows = []
    for position, version in enumerate(versions):
        earlier = versions[position + 1] if position + 1 < len(versions) else None
        rows.append(
            {
                "version": version,
                "matrix_url": reverse("consultation:matrix", args=[consultation.slug])
                + "?"
                + urlencode({"version": version.label}),
                "compare_previous_url": compare_url(consultation, earlier.label, version.label) if earlier else "",
                "previous_label": earlier.label if earlier else "",
                "compare_now_url": compare_url(consultation, version.label, NOW),
            }
        )
    context = {"rows": rows, "form": form, "may_publish": may_publish, "frozen_message": frozen_message(consultation)}
    return render_page(request, consultation, "consultation/versions.html", context, active="versions", status=status)


def _default_points(consultation: Consultation) -> dict[str, str] | None:
    """With nothing chosen: the latest version against the one before (or against now when it is the only one)."""
    latest = DraftVersion.objects.filter(consultation=consultation).order_by("-published_at", "-id").first()
    if latest is None:
        return None
    earlier = previous_version(latest)
    if earlier is None:
        return {"from": latest.label, "to": NOW}
    return {"from": earlier.label, "to": latest.label}


@consultation_page()
@require_safe
def compare_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Two versions or dates compared cell by cell and for classifications, in a constant number of queries."""
    data = request.GET if ("from" in request.GET or "to" in request.GET) else _default_points(consultation)
    form = CompareForm(data, consultation=consultation)
    result = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            start, end = form.cleaned_data["from"], form.cleaned_data["to"]
            if start.when > end.when:  # read from the earlier to the later moment
                start, end = end, start
            result = {"from": start, "to": end, "diff": diff(consultation, start.when, end.when)}
        else:
            focus_first_error(form)
            status = 400
    labels = list(
        DraftVersion.objects.filter(consultation=consultation)
        .order_by("-published_at", "-id")
        .values_list("label", flat=True)
    )
    context = {
        "form": form,
        "result": result,
        "labels": labels,
        "visible_submissions": visible_submission_ids(request.user, consultation) if result else frozenset(),
    }
    return render_page(request, consultation, "consultation/compare.html", context, active="versions", status=status)
