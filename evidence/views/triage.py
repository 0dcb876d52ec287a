"""The secretariat's page for one submission: what it says, its versions, and the triage forms.

Each form posts to its own URL and calls one service of ``evidence.services.triage``.
A form that cannot be saved (bad input, someone else's change in the meantime,
a closed consultation) comes back as typed, with the reason above it; a saved
one redirects back to the page (post/redirect/get).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from consultation.exceptions import ConsultationError, StaleObjectError
from consultation.models import Consultation, Criterion, OpenItem, Section, Solution
from consultation.rules import accepts_changes
from consultation.views.common import consultation_page, frozen_message, render_page
from evidence.forms.triage import NoteForm, TagsForm, TriageForm
from evidence.linked_input import display_name
from evidence.models import InternalNote, ProposedRating, Submission, SubmissionVersion, Tag
from evidence.services.triage import internal_note_add, submission_triage, tag_create

STALE = "Someone else changed this submission since you opened the page: your change was not saved. It is still in the form below; check the current values, then save again."  # noqa: E501


def _submission(request: HttpRequest, consultation: Consultation, pk: int) -> Submission:
    submission = (
        Submission.objects.visible_to(request.user, consultation)
        .submitted()
        .select_related("author", "author__profile", "consultation")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            Prefetch("solutions", queryset=Solution.objects.order_by("order", "code")),
            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "key")),
            Prefetch("sections", queryset=Section.objects.order_by("order")),
            Prefetch("open_items", queryset=OpenItem.objects.order_by("pk")),
            Prefetch("answers_open_items", queryset=OpenItem.objects.order_by("pk")),
            Prefetch("proposed_ratings", queryset=ProposedRating.objects.select_related("solution", "criterion")),
            "proposed_references",
            "references",
            "attachments",
            Prefetch("versions", queryset=SubmissionVersion.objects.order_by("-number").select_related("created_by")),
            Prefetch("internal_notes", queryset=InternalNote.objects.select_related("author").order_by("created_at")),
        )
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission


def attachment_url(consultation: Consultation, submission: Submission, attachment) -> str:
    """The download link: the permission-checking view that serves it with ``Cache-Control: no-store``."""
    return reverse("evidence:download", args=[consultation.slug, submission.pk, attachment.pk])


def triage_response(
    request: HttpRequest,
    consultation: Consultation,
    submission: Submission,
    *,
    triage_form: TriageForm | None = None,
    note_form: NoteForm | None = None,
    tags_form: TagsForm | None = None,
    problem: str = "",
    problem_form: str = "",
    status: int = 200,
) -> HttpResponse:
    editable = accepts_changes(consultation)
    version = submission.version
    triage_form = triage_form or TriageForm(
        initial={"status": submission.status, "response": submission.response, "version": version}
    )
    tags_form = tags_form or TagsForm(
        consultation=consultation, initial={"tags": list(submission.tags.all()), "version": version}
    )
    for attachment in submission.attachments.all():
        attachment.download_url = attachment_url(consultation, submission, attachment)
    context = {
        "submission": submission,
        "author_name": display_name(submission.author),
        "profile": getattr(submission.author, "profile", None) if _has_profile(submission.author) else None,
        "triage_form": triage_form,
        "note_form": note_form or NoteForm(),
        "tags_form": tags_form,
        "editable": editable,
        "frozen_message": frozen_message(consultation),
        "problem": problem,
        "problem_form": problem_form,
    }
    return render_page(request, consultation, "evidence/triage.html", context, active="inbox", status=status)


def _has_profile(user) -> bool:
    try:
        user.profile  # noqa: B018
    except Exception:
        return False
    return True


@consultation_page(permission="evidence.triage")
@require_safe
def triage_page(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    return triage_response(request, consultation, _submission(request, consultation, pk))


def _back(consultation: Consultation, submission: Submission, anchor: str) -> HttpResponse:
    return redirect(reverse("evidence:triage", args=[consultation.slug, submission.pk]) + f"#{anchor}")


def _errors(error: ValidationError) -> str:
    return "; ".join(error.messages)


@consultation_page(permission="evidence.triage")
@require_POST
def triage_status(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Set the status and the response the expert sees."""
    submission = _submission(request, consultation, pk)
    form = TriageForm(request.POST)
    if not accepts_changes(consultation):
        return triage_response(
            request, consultation, submission, triage_form=form, problem=frozen_message(consultation),
            problem_form="status", status=409,
        )  # fmt: skip
    if not form.is_valid():
        return triage_response(request, consultation, submission, triage_form=form, status=400)
    data = form.cleaned_data
    try:
        updated = submission_triage(
            submission=submission,
            user=request.user,
            status=data["status"],
            response=data["response"].strip(),
            expected_version=data["version"],
        )
    except StaleObjectError:
        return triage_response(
            request, consultation, submission, triage_form=form, problem=STALE, problem_form="status", status=409
        )
    except ConsultationError as error:
        return triage_response(
            request, consultation, submission, triage_form=form, problem=error.message, problem_form="status",
            status=409,
        )  # fmt: skip
    except ValidationError as error:
        return triage_response(
            request, consultation, submission, triage_form=form, problem=_errors(error), problem_form="status",
            status=400,
        )  # fmt: skip
    if updated.version != submission.version:
        messages.success(
            request, f"Saved: the status is now “{updated.get_status_display()}”. The expert is told by email."
        )
    else:
        messages.info(request, "Nothing changed.")
    return _back(consultation, submission, "triage")


@consultation_page(permission="evidence.triage")
@require_POST
def triage_note(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Add an internal note (never shown to experts or observers)."""
    submission = _submission(request, consultation, pk)
    form = NoteForm(request.POST)
    if not accepts_changes(consultation):
        return triage_response(
            request, consultation, submission, note_form=form, problem=frozen_message(consultation),
            problem_form="note", status=409,
        )  # fmt: skip
    if not form.is_valid():
        return triage_response(request, consultation, submission, note_form=form, status=400)
    try:
        internal_note_add(submission=submission, user=request.user, body=form.cleaned_data["body"])
    except ConsultationError as error:
        return triage_response(
            request, consultation, submission, note_form=form, problem=error.message, problem_form="note", status=409
        )
    except ValidationError as error:
        return triage_response(
            request, consultation, submission, note_form=form, problem=_errors(error), problem_form="note", status=400
        )
    messages.success(request, "Note added.")
    return _back(consultation, submission, "notes")


@consultation_page(permission="evidence.triage")
@require_POST
def triage_tags(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Replace the submission's tags by those ticked, plus a new one when named."""
    submission = _submission(request, consultation, pk)
    form = TagsForm(request.POST, consultation=consultation)
    if not accepts_changes(consultation):
        return triage_response(
            request, consultation, submission, tags_form=form, problem=frozen_message(consultation),
            problem_form="tags", status=409,
        )  # fmt: skip
    if not form.is_valid():
        return triage_response(request, consultation, submission, tags_form=form, status=400)
    data = form.cleaned_data
    tags = list(data["tags"])
    try:
        # One transaction: a new tag is not left behind when the submission changed in the meantime.
        with transaction.atomic():
            if data["new_tag"].strip():
                tags.append(tag_create(consultation=consultation, user=request.user, name=data["new_tag"]))
            submission_triage(submission=submission, user=request.user, tags=tags, expected_version=data["version"])
    except StaleObjectError:
        return triage_response(
            request, consultation, submission, tags_form=form, problem=STALE, problem_form="tags", status=409
        )
    except ConsultationError as error:
        return triage_response(
            request, consultation, submission, tags_form=form, problem=error.message, problem_form="tags", status=409
        )
    except ValidationError as error:
        return triage_response(
            request, consultation, submission, tags_form=form, problem=_errors(error), problem_form="tags", status=400
        )
    messages.success(request, "Tags saved.")
    return _back(consultation, submission, "tags")
