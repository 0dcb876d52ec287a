"""The reference annex: read by every member; the secretariat adds, edits, imports (BibTeX, RIS); all export BibTeX."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from consultation.access import access_record
from consultation.bibliography import BibliographyError, duplicate_map, export_bibtex
from consultation.exceptions import ConsultationError
from consultation.forms.references import ReferenceForm, ReferenceImportForm
from consultation.models import AccessKind, Consultation, Footnote, Reference, Solution
from consultation.rules import accepts_changes, can_change
from consultation.services.references import (
    DuplicateReferenceError,
    reference_create,
    reference_update,
    references_import,
)

from .common import add_service_errors, consultation_page, focus_first_error, frozen_message, render_page


def reference_anchor(reference: Reference) -> str:
    return f"ref-{reference.group_order}-{reference.number}"


def references_url(consultation: Consultation, reference: Reference | None = None) -> str:
    url = reverse("consultation:references", args=[consultation.slug])
    return f"{url}#{reference_anchor(reference)}" if reference is not None else url


def annex(consultation: Consultation):
    """The annex in its order, with linked solutions and citing footnotes (three queries whatever its size)."""
    return consultation.references.order_by("group_order", "group", "number").prefetch_related(
        Prefetch("solutions", queryset=Solution.objects.order_by("order", "code").only("pk", "code", "title")),
        Prefetch("footnotes", queryset=Footnote.objects.order_by("number").only("pk", "number")),
    )


@consultation_page()
@require_safe
def references_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The reference annex, by group, with DOIs and links, the solutions and footnotes of each entry, and the
    entries that look like duplicates of one another."""
    references = list(annex(consultation))
    duplicates = duplicate_map(references)
    for reference in references:
        reference.duplicates = duplicates.get(reference.pk, [])
    editable = can_change(request.user, consultation) and accepts_changes(consultation)
    context = {
        "references": references,
        "duplicate_count": len(duplicates),
        "editable": editable,
    }
    return render_page(request, consultation, "consultation/references.html", context, active="references")


def _duplicate_context(form: ReferenceForm, error: DuplicateReferenceError, consultation: Consultation) -> list:
    form.offer_duplicate()
    form.add_error(None, error.message)
    return [(d, references_url(consultation, d)) for d in error.duplicates]


def _reference_form_page(request, consultation, form, save, *, reference, done: str) -> HttpResponse:
    """The add and edit pages alike: ``save(cleaned_data)`` calls the service; a likely duplicate is shown for
    confirmation, service errors land on the form, and what was typed is kept."""
    duplicates = []
    if request.method == "POST" and not accepts_changes(consultation):
        form.add_error(None, frozen_message(consultation))
    elif request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DuplicateReferenceError as error:
            duplicates = _duplicate_context(form, error, consultation)
        except ValidationError as error:
            add_service_errors(form, error)
        except ConsultationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Reference {saved.group} [{saved.number}] {done}.")
            return redirect(references_url(consultation, saved))
    focus_first_error(form)
    context = {"form": form, "duplicates": duplicates, "reference": reference}
    status = 400 if form.errors else 200
    return render_page(
        request, consultation, "consultation/reference_form.html", context, active="references", status=status
    )


@consultation_page(permission="consultation.change_draft")
@require_http_methods(["GET", "HEAD", "POST"])
def reference_new(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Add an entry; a likely duplicate is shown and must be confirmed before it is added."""
    form = ReferenceForm(request.POST or None, consultation=consultation, initial={"group": request.GET.get("group")})

    def save(data):
        return reference_create(
            consultation=consultation, allow_duplicate=data["allow_duplicate"], **form.service_fields()
        )

    return _reference_form_page(request, consultation, form, save, reference=None, done="added")


@consultation_page(permission="consultation.change_draft")
@require_http_methods(["GET", "HEAD", "POST"])
def reference_edit(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Edit an entry; someone else's change in the meantime is reported and what was typed is kept."""
    reference = get_object_or_404(Reference.objects.prefetch_related("solutions"), consultation=consultation, pk=pk)
    form = ReferenceForm(request.POST or None, consultation=consultation, initial=ReferenceForm.initial_for(reference))

    def save(data):
        return reference_update(
            reference=reference,
            expected_version=data["version"],
            allow_duplicate=data["allow_duplicate"],
            **form.service_fields(),
        )

    return _reference_form_page(request, consultation, form, save, reference=reference, done="saved")


@consultation_page(permission="consultation.change_draft")
@require_http_methods(["GET", "HEAD", "POST"])
def references_import_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Upload or paste BibTeX or RIS; the preview lists what would be added and the duplicates skipped; the
    secretariat confirms (the text travels with the confirmation, nothing is stored before)."""
    form = ReferenceImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and not accepts_changes(consultation):
        form.add_error(None, frozen_message(consultation))
    elif request.method == "POST" and form.is_valid():
        confirm = "confirm" in request.POST
        try:
            report = references_import(
                consultation=consultation,
                text=form.cleaned_data["content"],
                fmt=form.cleaned_data["format"],
                group=form.cleaned_data["group"],
                allow_duplicates=form.cleaned_data["allow_duplicates"],
                commit=confirm,
            )
        except BibliographyError as error:
            form.add_error("file" if form.cleaned_data.get("file") else "text", str(error))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except ConsultationError as error:
            form.add_error(None, error.message)
        else:
            if report.committed:
                skipped = len(report.duplicates)
                messages.success(
                    request,
                    f"{len(report.created)} reference{'s' if len(report.created) != 1 else ''} imported"
                    + (f"; {skipped} duplicate{'s' if skipped != 1 else ''} skipped." if skipped else "."),
                )
                return redirect(references_url(consultation))
            # The preview: the text goes back in the form, for the confirmation.
            form = ReferenceImportForm(
                initial={
                    "text": form.cleaned_data["content"],
                    "format": form.cleaned_data["format"],
                    "group": form.cleaned_data["group"],
                    "allow_duplicates": form.cleaned_data["allow_duplicates"],
                }
            )
    focus_first_error(form)
    duplicates = []
    if report is not None:
        for entry, match in report.duplicates:
            if isinstance(match, Reference):
                duplicates.append(
                    (entry, f"{match.group} [{match.number}] {match.title}", references_url(consultation, match))
                )
            else:
                duplicates.append((entry, f"entry {match.label()} of this file", ""))
    context = {"form": form, "report": report, "duplicates": duplicates}
    status = 400 if form.errors else 200
    return render_page(
        request, consultation, "consultation/references_import.html", context, active="references", status=status
    )


@consultation_page()
@require_safe
def references_export(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """The whole annex as a BibTeX file, for every member (it holds nothing a member cannot read on the page)."""
    references = list(consultation.references.order_by("group_order", "number"))
    response = HttpResponse(export_bibtex(references), content_type="application/x-bibtex; charset=utf-8")
    filename = f"{consultation.slug}-references-{timezone.localdate():%Y-%m-%d}.bib"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    access_record(
        kind=AccessKind.DOWNLOAD,
        consultation=consultation,
        request=request,
        what=f"References as BibTeX ({len(references)} entries)",
    )
    return response
