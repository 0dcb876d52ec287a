"""Pages of the evidence library: the sources list, adding a source, a source's structured text and versions.

Every member reads the library (observers too). The secretariat adds sources, changes them and uploads
new versions; experts add sources where the consultation allows it. Quoting a passage (the excerpt form on
a source's page) is in ``evidence.views.excerpts``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods, require_safe

from consultation.access import access_record
from consultation.exceptions import ConsultationError, StaleObjectError
from consultation.models import AccessKind, Consultation
from consultation.rules import accepts_changes
from consultation.views.common import add_service_errors, consultation_page, frozen_message, render_page
from evidence.attachments import AttachmentRefused
from evidence.forms.library import ExcerptForm, SourceForm, SourceMetadataForm, SourceVersionForm
from evidence.library.render import render_blocks
from evidence.models import Excerpt, SourceDocument, SourceVersion
from evidence.rules import can_add_excerpt, can_add_source, can_change_source
from evidence.services import library as services
from evidence.services.library import excerpt_locate

STALE = "Someone else changed this source since you opened the page: nothing was saved. Reload it and try again."


def visible_source(consultation: Consultation, pk: int) -> SourceDocument:
    return get_object_or_404(SourceDocument, consultation=consultation, pk=pk)


@consultation_page(permission="evidence.view_sources")
@require_safe
def source_list(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Every source of the consultation, newest document first, with its versions and excerpts counted."""
    sources = (
        SourceDocument.objects.filter(consultation=consultation)
        .annotate(version_count=Count("versions", distinct=True), last_version=Max("versions__number"))
        .annotate(excerpt_count=Count("excerpts", distinct=True))
        .order_by("-date", "title", "pk")
    )
    context = {"sources": sources, "may_add": can_add_source(request.user, consultation)}
    return render_page(request, consultation, "evidence/library/source_list.html", context, active="sources")


def _save_error(form, error: Exception) -> tuple[str, int]:
    """A refusal of the service as a message on the form and the page's status."""
    if isinstance(error, AttachmentRefused):
        form.add_error("file", error.message)
        return "", error.status
    if isinstance(error, ValidationError):
        add_service_errors(form, error)
        return "", 400
    if isinstance(error, StaleObjectError):
        return STALE, 412
    return error.message, 409  # ConsultationError: a closed consultation


@consultation_page(permission="evidence.add_source")
@require_http_methods(["GET", "HEAD", "POST"])
def source_new(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    problem, status = "", 200
    form = SourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not accepts_changes(consultation):
            problem, status = frozen_message(consultation), 409
        elif not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                source = services.source_create(
                    consultation=consultation,
                    user=request.user,
                    file=data["file"],
                    **{name: data[name] for name in ("title", "author", "date", "reference", "marking", "url")},
                )
            except (AttachmentRefused, ValidationError, ConsultationError) as error:
                problem, status = _save_error(form, error)
            else:
                messages.success(request, "Source added.")
                return redirect("evidence:source", consultation.slug, source.pk)
    context = {"form": form, "problem": problem}
    return render_page(
        request, consultation, "evidence/library/source_new.html", context, active="sources", status=status
    )


def _version_param(request: HttpRequest, source: SourceDocument) -> SourceVersion | None:
    versions = source.versions.order_by("-number")
    raw = request.GET.get("version", "")
    if raw:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            raise Http404("No such version.")
        return get_object_or_404(versions, number=int(raw))
    return versions.first()


@consultation_page(permission="evidence.view_sources")
@require_safe
def source_detail(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """The source's structured text (one version, the latest by default), its versions, and its excerpts."""
    source = visible_source(consultation, pk)
    shown = _version_param(request, source)
    versions = list(source.versions.order_by("-number").select_related("created_by"))
    latest = versions[0] if versions else None
    excerpts = list(
        Excerpt.objects.visible_to(request.user, consultation)
        .filter(source=source)
        .select_related("source_version")
        .prefetch_related("cells__solution", "cells__criterion", "solutions", "criteria")
    )
    for excerpt in excerpts:
        excerpt.located = excerpt_locate(excerpt, shown) if shown else None
    may_quote = bool(shown) and can_add_excerpt(request.user, consultation) and accepts_changes(consultation)
    context = {
        "source": source,
        "shown": shown,
        "latest": latest,
        "versions": versions,
        "content": render_blocks(shown.text, shown.blocks) if shown else "",
        "excerpts": excerpts,
        "may_quote": may_quote,
        "may_change": can_change_source(request.user, consultation) and accepts_changes(consultation),
        "excerpt_form": ExcerptForm(
            consultation=consultation,
            initial={"source": source.pk, "source_version": shown.pk if shown else None},
            auto_id="excerpt_%s",
        )
        if may_quote
        else None,
    }
    return render_page(request, consultation, "evidence/library/source_detail.html", context, active="sources")


@consultation_page(permission="evidence.change_source")
@require_http_methods(["GET", "HEAD", "POST"])
def source_edit(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Change the description of a source (title, author, date, reference, marking, link)."""
    source = visible_source(consultation, pk)
    problem, status = "", 200
    if request.method == "POST":
        form = SourceMetadataForm(request.POST)
        if not accepts_changes(consultation):
            problem, status = frozen_message(consultation), 409
        elif not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                services.source_update(
                    source=source,
                    user=request.user,
                    expected_version=data["version"],
                    **{name: data[name] for name in services.SOURCE_FIELDS},
                )
            except (ValidationError, ConsultationError) as error:
                problem, status = _save_error(form, error)
            else:
                messages.success(request, "Source changed.")
                return redirect("evidence:source", consultation.slug, source.pk)
    else:
        form = SourceMetadataForm(
            initial={name: getattr(source, name) for name in services.SOURCE_FIELDS} | {"version": source.version}
        )
    context = {"source": source, "form": form, "problem": problem}
    return render_page(
        request, consultation, "evidence/library/source_edit.html", context, active="sources", status=status
    )


@consultation_page(permission="evidence.change_source")
@require_http_methods(["GET", "HEAD", "POST"])
def source_version_new(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Upload a new version: excerpts stay on the version they quoted and are looked up in the new one."""
    source = visible_source(consultation, pk)
    problem, status = "", 200
    form = SourceVersionForm(request.POST or None, request.FILES or None, initial={"version": source.version})
    if request.method == "POST":
        if not accepts_changes(consultation):
            problem, status = frozen_message(consultation), 409
        elif not form.is_valid():
            status = 400
        else:
            try:
                version = services.source_add_version(
                    source=source,
                    user=request.user,
                    file=form.cleaned_data["file"],
                    expected_version=form.cleaned_data["version"],
                )
            except (AttachmentRefused, ValidationError, ConsultationError) as error:
                problem, status = _save_error(form, error)
            else:
                messages.success(request, f"Version {version.number} uploaded.")
                return redirect("evidence:source", consultation.slug, source.pk)
    context = {"source": source, "form": form, "problem": problem}
    return render_page(
        request, consultation, "evidence/library/source_version_new.html", context, active="sources", status=status
    )


@consultation_page(permission="evidence.view_sources")
@require_safe
def source_download(request: HttpRequest, consultation: Consultation, pk: int, number: int) -> FileResponse:
    """The file of one version as it was uploaded; recorded in the access trail."""
    source = visible_source(consultation, pk)
    version = get_object_or_404(source.versions, number=number)
    if not version.file_name:
        raise Http404("This version has no file.")
    try:
        handle = services.storages["attachments"].open(version.file_name, "rb")
    except FileNotFoundError:
        raise Http404("The file of this version is missing.") from None
    access_record(
        kind=AccessKind.DOWNLOAD,
        consultation=consultation,
        request=request,
        what=version.original_name,
        details={"source": source.pk, "version": version.number, "sha256": version.sha256},
    )
    response = FileResponse(
        handle, as_attachment=True, filename=version.original_name or "source", content_type=version.content_type
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
