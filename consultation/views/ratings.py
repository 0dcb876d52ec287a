"""The secretariat changes a rating cell or a solution's classification from the solution page.

Each change is a new revision with its reason (``services.rating_change`` and
``services.classification_change``, the same the API calls). A form that cannot
be applied (bad input, a closed consultation, a change made meanwhile by someone
else) is sent back on the solution page with the user's input kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from consultation.adoption import candidate_submissions, closed_rounds
from consultation.exceptions import ConsultationError, StaleObjectError
from consultation.extensions import adoption_evidence
from consultation.forms import ClassificationChangeForm, RatingChangeForm
from consultation.models import Assessment, Classification, Consultation, Criterion, Solution
from consultation.rules import accepts_changes
from consultation.services import classification_change, rating_change

from .common import consultation_page, focus_first_error, frozen_message
from .solutions import CLASSIFICATION_FORM_ID, FROZEN, STALE, PendingChange, rating_form_id, solution_response

NOTHING_CHANGED = "Nothing changed; no revision recorded."


def _solution(consultation: Consultation, code: str) -> Solution:
    return get_object_or_404(Solution.objects.select_related("group", "section"), consultation=consultation, code=code)


def _solution_url(solution: Solution, anchor: str) -> str:
    return reverse("consultation:solution", args=[solution.consultation.slug, solution.code]) + f"#{anchor}"


def _basis(request: HttpRequest, consultation: Consultation, solution: Solution, criterion_id: int | None) -> dict:
    """What a change of the solution may rest on: its submitted input, the closed rounds, and the cell's (or for
    None the classification's) own evidence list: input proposing a rating of it and excerpts on it."""
    return {
        "submissions": candidate_submissions(solution),
        "rounds": closed_rounds(consultation),
        "evidence": adoption_evidence(request.user, consultation, solution).of(criterion_id),
    }


def _with_revision(data: QueryDict, revision: int) -> QueryDict:
    """The user's input, now based on the current revision: saving it again applies it on top of that one."""
    data = data.copy()
    data["revision"] = str(revision)
    return data


@consultation_page(permission="consultation.change_ratings")
@require_http_methods(["GET", "HEAD", "POST"])
def rating_change_page(request: HttpRequest, consultation: Consultation, code: str, key: str) -> HttpResponse:
    """POST a cell's new stars, level and rationale with a reason; GET leads back to the cell on the solution page."""
    solution = _solution(consultation, code)
    criterion = get_object_or_404(Criterion, consultation=consultation, key=key)
    anchor = f"criterion-{criterion.key}"
    if request.method != "POST":
        return redirect(_solution_url(solution, anchor))
    basis = _basis(request, consultation, solution, criterion.pk)
    form = RatingChangeForm(request.POST, auto_id=rating_form_id(criterion.key), **basis)
    if not accepts_changes(consultation):
        form.add_error(None, frozen_message(consultation))
        return solution_response(request, consultation, solution, pending=PendingChange(key, form, FROZEN), status=409)
    if not form.is_valid():
        focus_first_error(form)
        return solution_response(request, consultation, solution, pending=PendingChange(key, form), status=400)
    try:
        assessment, changed = rating_change(
            consultation=consultation, solution=solution, criterion=criterion, user=request.user, **form.changes()
        )
    except StaleObjectError:
        current = Assessment.objects.filter(solution=solution, criterion=criterion).first()
        form = RatingChangeForm(
            _with_revision(request.POST, current.revision if current else 0),
            auto_id=rating_form_id(criterion.key),
            **basis,
        )
        return solution_response(request, consultation, solution, pending=PendingChange(key, form, STALE), status=409)
    except ConsultationError as error:
        form.add_error(None, error.message)
        return solution_response(request, consultation, solution, pending=PendingChange(key, form), status=409)
    if changed:
        messages.success(
            request,
            f"Revision {assessment.revision} recorded: {criterion.name} of {solution.code}.",
            extra_tags=anchor,
        )
    else:
        messages.info(request, NOTHING_CHANGED, extra_tags=anchor)
    return redirect(_solution_url(solution, anchor))


@consultation_page(permission="consultation.change_ratings")
@require_http_methods(["GET", "HEAD", "POST"])
def classification_change_page(request: HttpRequest, consultation: Consultation, code: str) -> HttpResponse:
    """POST a solution's new overall classification with a reason; GET leads back to it on the solution page."""
    solution = _solution(consultation, code)
    anchor = "classification"
    if request.method != "POST":
        return redirect(_solution_url(solution, anchor))
    basis = _basis(request, consultation, solution, None)
    form = ClassificationChangeForm(request.POST, auto_id=CLASSIFICATION_FORM_ID, **basis)
    if not accepts_changes(consultation):
        form.add_error(None, frozen_message(consultation))
        return solution_response(request, consultation, solution, pending=PendingChange(None, form, FROZEN), status=409)
    if not form.is_valid():
        focus_first_error(form)
        return solution_response(request, consultation, solution, pending=PendingChange(None, form), status=400)
    try:
        classification, changed = classification_change(
            consultation=consultation, solution=solution, user=request.user, **form.changes()
        )
    except StaleObjectError:
        current = Classification.objects.filter(solution=solution).first()
        form = ClassificationChangeForm(
            _with_revision(request.POST, current.revision if current else 0), auto_id=CLASSIFICATION_FORM_ID, **basis
        )
        return solution_response(request, consultation, solution, pending=PendingChange(None, form, STALE), status=409)
    except ConsultationError as error:
        form.add_error(None, error.message)
        return solution_response(request, consultation, solution, pending=PendingChange(None, form), status=409)
    if changed:
        messages.success(
            request,
            f"Revision {classification.revision} recorded: classification of {solution.code}, "
            f"now {classification.get_value_display()}.",
            extra_tags=anchor,
        )
    else:
        messages.info(request, NOTHING_CHANGED, extra_tags=anchor)
    return redirect(_solution_url(solution, anchor))
