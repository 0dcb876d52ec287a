"""The expert's submission pages: write (autosaved), submit with a receipt, read, edit into versions, withdraw.

Permissions are the rules of ``evidence/rules.py`` (the API uses the same):
a submission the user may not read is a 404, as if it did not exist; only its
author changes it; observers never write input. Every write goes through
``evidence.services.submissions`` (files: ``evidence.services.attachments``).
A refused save re-renders the form with everything the user typed and says why.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consultation.exceptions import ConsultationError, StaleObjectError, StateConflictError
from consultation.models import Consultation
from consultation.views.common import add_service_errors, consultation_page, render_page
from evidence.attachments import AttachmentRefused, check_upload
from evidence.downloads import attachment_response
from evidence.forms.submissions import (
    RatingFormSet,
    ReferenceFormSet,
    SubmissionForm,
    rating_initial,
    reference_initial,
)
from evidence.models import Attachment, Submission
from evidence.reading import author_labels, display_author, for_display
from evidence.rules import can_author, can_list_input
from evidence.services import submissions as services
from evidence.services.attachments import attachment_add, attachment_files_delete, attachments_size

NOT_AN_AUTHOR = "Only the experts and the secretariat of this consultation write input; observers read."


def visible_submission(request: HttpRequest, consultation: Consultation, pk: int) -> Submission:
    """The submission if the user may read it; otherwise 404 (by id, list or file URL alike)."""
    submission = for_display(Submission.objects.visible_to(request.user, consultation)).filter(pk=pk).first()
    if submission is None:
        raise Http404("No such submission.")
    return submission


def own_submission(request: HttpRequest, consultation: Consultation, pk: int) -> Submission:
    submission = visible_submission(request, consultation, pk)
    if not rules.has_perm("evidence.change_submission", request.user, submission):
        raise PermissionDenied("Only its author can change a submission.")
    return submission


# --- Writing -----------------------------------------------------------------------------------------------


def _forms(request: HttpRequest, consultation: Consultation, submission: Submission | None, *, bound: bool):
    data = request.POST if bound else None
    files = request.FILES if bound else None
    prefill = {}
    if not bound and submission is None:
        # "Answer this open item" and "comment on this solution" links start a draft already linked.
        # Links can be edited by hand: only plausible codes and ids reach the database (no NUL, digits only).
        codes = [v for v in request.GET.getlist("solution") if "\x00" not in v]
        ids = [int(v) for v in request.GET.getlist("open_item") if v.isascii() and v.isdigit() and len(v) < 10]
        prefill = {
            "solutions": consultation.solutions.filter(code__in=codes),
            "open_items": consultation.open_items.filter(pk__in=ids),
        }
    form = SubmissionForm(
        data, files, consultation=consultation, initial=SubmissionForm.initial_for(submission, prefill=prefill)
    )
    ratings = RatingFormSet(
        data, prefix="rating", consultation=consultation, initial=None if bound else rating_initial(submission)
    )
    references = ReferenceFormSet(
        data, prefix="reference", consultation=consultation, initial=None if bound else reference_initial(submission)
    )
    return form, ratings, references


def _form_page(
    request: HttpRequest,
    consultation: Consultation,
    submission: Submission | None,
    forms_,
    *,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    form, ratings, references = forms_
    refusal = services.input_refusal(consultation, request.user)
    context = {
        "submission": submission,
        "form": form,
        "ratings": ratings,
        "references": references,
        "problem": problem,
        "refusal": refusal,
        "autosave": submission is None or submission.is_draft,
        "attachments": list(submission.attachments.all()) if submission else [],
        "saved_at": submission.updated_at if submission and submission.is_draft and submission.pk else None,
    }
    return render_page(request, consultation, "evidence/submission_form.html", context, active="input", status=status)


def _content(form, ratings, references) -> dict:
    content = form.content()
    content["proposed_ratings"] = [r for r in (f.rating() for f in ratings.forms) if r]
    content["proposed_references"] = [r for r in (f.reference() for f in references.forms) if r]
    return content


def _save(request: HttpRequest, consultation: Consultation, submission: Submission | None) -> HttpResponse:
    """The form's POST: save the draft (and submit it), or save a submitted one's changes as a new version."""
    forms_ = form, ratings, references = _forms(request, consultation, submission, bound=True)
    if not (form.is_valid() and ratings.is_valid() and references.is_valid()):
        return _form_page(request, consultation, submission, forms_, status=400)
    if submission is None and form.cleaned_data.get("submission"):
        # The page's draft was autosaved already: save into it rather than start a second one.
        submission = own_submission(request, consultation, form.cleaned_data["submission"])
    submit = request.POST.get("action") == "submit"
    files = form.cleaned_data["attachments"]
    try:
        # Files are checked before anything is saved: a refused file stores nothing and saves nothing else.
        already = attachments_size(submission) if submission else 0
        for upload in files:
            already += check_upload(upload, already=already).size
        added: list[Attachment] = []
        try:
            with transaction.atomic():
                expected = form.cleaned_data.get("version")
                if submission is not None:
                    locked = Submission.objects.select_for_update().get(pk=submission.pk)
                    if expected is not None and expected != locked.version:
                        raise StaleObjectError(
                            "Your input was changed in another window or tab since you opened this page, so this "
                            "page's changes were not saved. Copy what you need, reload the page, then apply it again."
                        )
                if submission is None or submission.is_draft:
                    submission = services.submission_save_draft(
                        consultation=consultation, author=request.user, submission=submission, **_content(*forms_)
                    )
                    for upload in files:
                        added.append(
                            attachment_add(submission=submission, user=request.user, file=upload, record_version=False)
                        )
                    version = services.submission_submit(submission=submission, user=request.user) if submit else None
                else:
                    for upload in files:
                        added.append(
                            attachment_add(submission=submission, user=request.user, file=upload, record_version=False)
                        )
                    submission, version = services.submission_edit(
                        submission=submission, user=request.user, **_content(*forms_)
                    )
        except Exception:
            # The refused save rolled the attachments' rows back; their files were stored already and must go too.
            attachment_files_delete(added)
            raise
    except AttachmentRefused as error:
        form.add_error("attachments", error.message)
        return _form_page(request, consultation, submission, forms_, status=error.status)
    except ValidationError as error:
        add_service_errors(form, error)
        return _form_page(request, consultation, submission, forms_, status=400)
    except StaleObjectError as error:
        return _form_page(request, consultation, submission, forms_, problem=error.message, status=412)
    except StateConflictError as error:
        return _form_page(request, consultation, submission, forms_, problem=error.message, status=409)
    if version is not None:
        messages.success(request, f"Received. Version {version.number}: keep the receipt below.")
        return redirect("evidence:version", consultation.slug, submission.pk, version.number)
    if submission.is_draft:
        messages.success(request, "Draft saved. It stays here until you submit it.")
        return redirect("evidence:edit", consultation.slug, submission.pk)
    messages.info(request, "Nothing changed, so no new version was made.")
    return redirect("evidence:detail", consultation.slug, submission.pk)


@consultation_page()
@require_http_methods(["GET", "HEAD", "POST"])
def submission_new(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    if not can_author(request.user, consultation):
        raise PermissionDenied(NOT_AN_AUTHOR)
    if request.method == "POST":
        return _save(request, consultation, None)
    return _form_page(request, consultation, None, _forms(request, consultation, None, bound=False))


@consultation_page()
@require_http_methods(["GET", "HEAD", "POST"])
def submission_edit(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    submission = own_submission(request, consultation, pk)
    if submission.is_withdrawn:
        messages.warning(request, "You withdrew this submission: it can no longer be changed.")
        return redirect("evidence:detail", consultation.slug, submission.pk)
    if request.method == "POST":
        return _save(request, consultation, submission)
    return _form_page(request, consultation, submission, _forms(request, consultation, submission, bound=False))


@consultation_page()
@require_POST
def submission_autosave(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Save the draft as the expert types (htmx); answers the "Saved at HH:MM" line and the draft's id and version.

    Answers 200 even when it could not save, with the reason in the line, so the page shows it in place.
    """
    if not can_author(request.user, consultation):
        raise PermissionDenied(NOT_AN_AUTHOR)
    form, ratings, references = _forms(request, consultation, None, bound=True)
    form.fields["attachments"].required = False
    submission = None
    context = {"consultation": consultation}
    if not form.is_valid():
        context["error"] = "Not saved: " + " ".join(e for errors in form.errors.values() for e in errors)
        return render(request, "evidence/_autosave_status.html", context)
    if form.cleaned_data.get("submission"):
        submission = own_submission(request, consultation, form.cleaned_data["submission"])
        if not submission.is_draft:
            context["error"] = "Submitted input is not autosaved: use “Save changes” to make a new version."
            return render(request, "evidence/_autosave_status.html", context)
    content = form.content()
    # Half-filled rating or reference rows are not saved yet (the rest is); the page says so.
    if ratings.is_valid():
        content["proposed_ratings"] = [r for r in (f.rating() for f in ratings.forms) if r]
    else:
        context["partial"] = "the proposed ratings are incomplete and were not saved yet"
    if references.is_valid():
        content["proposed_references"] = [r for r in (f.reference() for f in references.forms) if r]
    else:
        context["partial"] = "the new references are incomplete and were not saved yet"
    try:
        submission = services.submission_save_draft(
            consultation=consultation,
            author=request.user,
            submission=submission,
            expected_version=form.cleaned_data.get("version"),
            **content,
        )
    except ValidationError as error:
        context["error"] = "Not saved: " + " ".join(error.messages)
    except ConsultationError as error:
        context["error"] = "Not saved: " + error.message
    else:
        context.update(submission=submission, saved_at=timezone.localtime(submission.updated_at))
    return render(request, "evidence/_autosave_status.html", context)


# --- Reading -----------------------------------------------------------------------------------------------


@consultation_page()
@require_safe
def submission_detail(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    submission = visible_submission(request, consultation, pk)
    labels = author_labels(request.user, consultation, [submission])
    may = lambda permission: rules.has_perm(permission, request.user, submission)  # noqa: E731
    context = {
        "submission": submission,
        "author": display_author(request.user, submission, labels),
        "sees_author": not labels,
        "is_author": submission.author_id == request.user.pk,
        "versions": list(submission.versions.order_by("number")) if may("evidence.view_submission_history") else [],
        "attachments": list(submission.attachments.all()) if may("evidence.view_attachments") else [],
        "may_edit": may("evidence.change_submission") and not submission.is_withdrawn,
        "may_withdraw": may("evidence.withdraw_submission") and not submission.is_draft and not submission.is_withdrawn,
        "refusal": services.input_refusal(consultation, request.user)
        if submission.author_id == request.user.pk
        else "",
    }
    return render_page(request, consultation, "evidence/submission_detail.html", context, active="input")


@consultation_page()
@require_safe
def submission_version(request: HttpRequest, consultation: Consultation, pk: int, number: int) -> HttpResponse:
    """One version as it was submitted, with its receipt (time and SHA-256): the author and the secretariat."""
    submission = visible_submission(request, consultation, pk)
    if not rules.has_perm("evidence.view_submission_history", request.user, submission):
        raise PermissionDenied("Only the author and the secretariat read a submission's versions.")
    version = get_object_or_404(submission.versions.select_related("created_by"), number=number)
    context = {
        "submission": submission,
        "version": version,
        "latest": number == submission.current_version,
        "content": version.content,
        "canonical": services.canonical_json(version.content).decode(),
    }
    return render_page(request, consultation, "evidence/submission_version.html", context, active="input")


@consultation_page()
@require_http_methods(["GET", "HEAD", "POST"])
def submission_withdraw(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    submission = visible_submission(request, consultation, pk)
    if not rules.has_perm("evidence.withdraw_submission", request.user, submission):
        raise PermissionDenied("Only its author can withdraw a submission.")
    problem, status = "", 200
    if request.method == "POST":
        try:
            services.submission_withdraw(
                submission=submission,
                user=request.user,
                expected_version=_int(request.POST.get("version")),
            )
        except StaleObjectError as error:
            problem, status = error.message, 412
        except StateConflictError as error:
            problem, status = error.message, 409
        else:
            messages.success(request, "Withdrawn. It is kept, marked withdrawn, with every version.")
            return redirect("evidence:detail", consultation.slug, submission.pk)
    context = {"submission": submission, "problem": problem}
    return render_page(
        request, consultation, "evidence/submission_withdraw.html", context, active="input", status=status
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@consultation_page()
@require_safe
def attachment_download(request: HttpRequest, consultation: Consultation, pk: int, attachment_pk: int):
    submission = visible_submission(request, consultation, pk)
    if not rules.has_perm("evidence.view_attachments", request.user, submission):
        raise Http404("No such attachment.")  # a file of input shown pseudonymised is not offered at all
    attachment = get_object_or_404(Attachment, submission=submission, pk=attachment_pk)
    return attachment_response(attachment, request=request, consultation=consultation)


# --- Lists -------------------------------------------------------------------------------------------------


@consultation_page()
@require_safe
def submissions_mine(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Everything the user wrote in this consultation: drafts, submitted and withdrawn, with the response."""
    if not can_author(request.user, consultation):
        raise PermissionDenied(NOT_AN_AUTHOR)
    submissions = list(
        for_display(Submission.objects.filter(consultation=consultation, author=request.user)).order_by(
            "-created_at", "-id"
        )
    )
    context = {"submissions": submissions, "may_write": not services.input_refusal(consultation, request.user)}
    return render_page(request, consultation, "evidence/submissions_mine.html", context, active="input")


@consultation_page()
@require_safe
def submissions_shared(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Other experts' submitted input, pseudonymised, when the secretariat shares it with this reader."""
    if not can_list_input(request.user, consultation):
        raise PermissionDenied("The secretariat has not shared the experts' input with observers.")
    submissions = list(
        for_display(
            Submission.objects.visible_to(request.user, consultation)
            .filter(submitted_at__isnull=False, withdrawn_at__isnull=True)
            .exclude(author=request.user)
        ).order_by("-submitted_at", "-id")
    )
    labels = author_labels(request.user, consultation, submissions)
    rows = [(s, display_author(request.user, s, labels)) for s in submissions]
    context = {"rows": rows}
    return render_page(request, consultation, "evidence/submissions_shared.html", context, active="shared")
