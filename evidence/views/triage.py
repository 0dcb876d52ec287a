"""The secretariat's page for one submission: what it says, its versions, and the triage forms.

Each form posts to its own URL and calls one service of ``evidence.services.triage``.
A form that cannot be saved (bad input, someone else's change in the meantime,
a closed consultation) comes back as typed, with the reason above it; a saved
one redirects back to the page (post/redirect/get). With htmx (``HX-Request``),
only the form's section comes back, saved or refused, with the same status
codes, and the submission's new version goes to the other forms out of band.
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

STALE = (
    "Someone else changed this submission since you opened the page: your change was not saved. "
    "It is still in the form below; check the current values, then save again."
)
# Ids of the forms' fields, unique on the page (both forms have a "version").
TRIAGE_ID, TAGS_ID, NOTE_ID = "id_triage_%s", "id_tags_%s", "id_note_%s"


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
    partial: str = "",
    saved_message: str = "",
) -> HttpResponse:
    """The whole page, or (``partial``: "status", "tags" or "note") one section of it for htmx."""
    editable = accepts_changes(consultation)
    version = submission.version
    triage_form = triage_form or TriageForm(
        initial={"status": submission.status, "response": submission.response, "version": version}, auto_id=TRIAGE_ID
    )
    tags_form = tags_form or TagsForm(
        consultation=consultation,
        initial={"tags": list(submission.tags.all()), "version": version},
        auto_id=TAGS_ID,
    )
    for attachment in submission.attachments.all():
        attachment.download_url = attachment_url(consultation, submission, attachment)
    context = {
        "submission": submission,
        "author_name": display_name(submission.author),
        "profile": getattr(submission.author, "profile", None),  # None for a user without a profile yet
        "triage_form": triage_form,
        "note_form": note_form or NoteForm(auto_id=NOTE_ID),
        "tags_form": tags_form,
        "editable": editable,
        "frozen_message": frozen_message(consultation),
        "problem": problem,
        "problem_form": problem_form,
        "partial": partial,
        "saved": partial if saved_message else "",
        "saved_message": saved_message,
    }
    template = "evidence/_triage_partial.html" if partial else "evidence/triage.html"
    return render_page(request, consultation, template, context, active="inbox", status=status)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@consultation_page(permission="evidence.triage")
@require_safe
def triage_page(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    return triage_response(request, consultation, _submission(request, consultation, pk))


ANCHORS = {"status": "triage", "tags": "tags", "note": "notes"}


def _handle(request, consultation, pk, *, section: str, form, save) -> HttpResponse:
    """Validate ``form``, call ``save(cleaned_data)`` (a service) and answer: the page, or the section for htmx.

    Refusals keep the form as typed: 400 for bad input, 409 for a stale form, a
    closed consultation or a state the submission does not allow.
    """
    submission = _submission(request, consultation, pk)
    forms = {"status": "triage_form", "tags": "tags_form", "note": "note_form"}
    partial = section if _is_htmx(request) else ""

    def refused(problem: str, status: int) -> HttpResponse:
        return triage_response(
            request, consultation, submission, **{forms[section]: form}, problem=problem, problem_form=section,
            status=status, partial=partial,
        )  # fmt: skip

    if not accepts_changes(consultation):
        return refused(frozen_message(consultation), 409)
    if not form.is_valid():
        return refused("", 400)
    try:
        message = save(submission, form.cleaned_data)
    except StaleObjectError:
        return refused(STALE, 409)
    except ConsultationError as error:
        return refused(error.message, 409)
    except ValidationError as error:
        return refused(_errors(error), 400)
    if partial:
        fresh = _submission(request, consultation, pk)
        return triage_response(request, consultation, fresh, partial=partial, saved_message=message)
    messages.success(request, message)
    return redirect(reverse("evidence:triage", args=[consultation.slug, submission.pk]) + f"#{ANCHORS[section]}")


def _errors(error: ValidationError) -> str:
    return "; ".join(error.messages)


@consultation_page(permission="evidence.triage")
@require_POST
def triage_status(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Set the status and the response the expert sees."""

    def save(submission: Submission, data: dict) -> str:
        updated = submission_triage(
            submission=submission,
            user=request.user,
            status=data["status"],
            response=data["response"].strip(),
            expected_version=data["version"],
        )
        if updated.version == submission.version:
            return "Nothing changed."
        return f"Saved: the status is now “{updated.get_status_display()}”. The expert is told by email."

    form = TriageForm(request.POST, auto_id=TRIAGE_ID)
    return _handle(request, consultation, pk, section="status", form=form, save=save)


@consultation_page(permission="evidence.triage")
@require_POST
def triage_note(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Add an internal note (never shown to experts or observers)."""

    def save(submission: Submission, data: dict) -> str:
        internal_note_add(submission=submission, user=request.user, body=data["body"])
        return "Note added."

    form = NoteForm(request.POST, auto_id=NOTE_ID)
    return _handle(request, consultation, pk, section="note", form=form, save=save)


@consultation_page(permission="evidence.triage")
@require_POST
def triage_tags(request: HttpRequest, consultation: Consultation, pk: int) -> HttpResponse:
    """Replace the submission's tags by those ticked, plus a new one when named."""

    def save(submission: Submission, data: dict) -> str:
        tags = list(data["tags"])
        # One transaction: a new tag is not left behind when the submission changed in the meantime.
        with transaction.atomic():
            if data["new_tag"].strip():
                tags.append(tag_create(consultation=consultation, user=request.user, name=data["new_tag"]))
            submission_triage(submission=submission, user=request.user, tags=tags, expected_version=data["version"])
        return "Tags saved."

    form = TagsForm(request.POST, consultation=consultation, auto_id=TAGS_ID)
    return _handle(request, consultation, pk, section="tags", form=form, save=save)
