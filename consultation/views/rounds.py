"""Rating rounds: the secretariat opens and closes them and sets the consensus rule; experts answer every cell of an
open round on one page, saved as they go; members read each round's figures (experts once it is closed).

Every write goes through ``consultation.services.rounds`` (or ``consultation_update`` for the rule), the same
functions the API calls. A refused write comes back on its page with the user's input kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from consultation.consensus import ConsensusRule, Figures
from consultation.exceptions import ConsultationError, StaleObjectError
from consultation.forms.rounds import AnswerForm, ConsensusRuleForm, RoundOpenForm, RoundRescheduleForm
from consultation.models import Assessment, Consultation, Criterion, Round, RoundAnswer, RoundStatus, Solution
from consultation.rounds import (
    PHASE_LABELS,
    Phase,
    accepts_answers,
    my_answers,
    previous_round,
    round_cells,
    round_phase,
    round_results,
    why_no_answers,
)
from consultation.rules import accepts_changes, can_view_round_results
from consultation.services import consultation_update
from consultation.services import rounds as services

from .common import add_service_errors, consultation_page, focus_first_error, frozen_message, render_page

MANAGE = "consultation.manage_rounds"
ANSWER = "consultation.answer_round"


def _round(consultation: Consultation, n: int) -> Round:
    round = get_object_or_404(Round, consultation=consultation, number=n)
    round.consultation = consultation  # already read, with the user's role cached on the user
    return round


def _rounds_url(consultation: Consultation) -> str:
    return reverse("consultation:rounds", args=[consultation.slug])


# --- The list of rounds, and the consensus rule ------------------------------------------------------------


@consultation_page()
@require_http_methods(["GET", "HEAD", "POST"])
def rounds_page(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Every round with its dates, state and (for an expert) how far they got; the secretariat sets the
    consensus rule here (POST)."""
    may_manage = rules.has_perm(MANAGE, request.user, consultation)
    rule_form = ConsensusRuleForm.for_consultation(consultation) if may_manage else None
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only the secretariat of this consultation sets the consensus rule.")
        rule_form = ConsensusRuleForm.for_consultation(consultation, request.POST)
        if not accepts_changes(consultation):
            rule_form.add_error(None, frozen_message(consultation))
            status = 409
        elif rule_form.is_valid():
            try:
                consultation_update(
                    consultation=consultation,
                    user=request.user,
                    expected_version=rule_form.cleaned_data["version"],
                    **rule_form.changes(),
                )
            except StaleObjectError:
                rule_form.add_error(
                    None,
                    "Someone changed the consultation while you were editing the rule; nothing was saved. "
                    "The current rule is shown on the page after reloading; your values are kept below.",
                )
                status = 409
            except (ConsultationError, ValidationError) as error:
                rule_form.add_error(None, getattr(error, "message", None) or "; ".join(error.messages))
                status = 409 if isinstance(error, ConsultationError) else 400
            else:
                messages.success(request, "Consensus rule saved: the figures of every round now follow it.")
                return redirect(_rounds_url(consultation))
        else:
            focus_first_error(rule_form)
            status = 400
    rounds = list(Round.objects.filter(consultation=consultation).order_by("-number"))
    # Counted apart (one grouped query each) rather than joined: cells × answers would multiply the rows.
    cell_counts = dict(
        Round.cells.through.objects.filter(round__consultation=consultation)
        .values("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    my_counts = dict(
        RoundAnswer.objects.filter(round__consultation=consultation, expert=request.user)
        .values("round_id")
        .annotate(n=Count("id"))
        .values_list("round_id", "n")
    )
    for round in rounds:
        round.consultation = consultation
        round.cell_count, round.my_count = cell_counts.get(round.pk, 0), my_counts.get(round.pk, 0)
        round.phase = round_phase(round)
        round.phase_label = PHASE_LABELS[round.phase]
        round.results_visible = can_view_round_results(request.user, round)
    context = {
        "rounds": rounds,
        "rule": ConsensusRule.of(consultation),
        "rule_form": rule_form,
        "may_manage": may_manage,
        "may_answer": rules.has_perm(ANSWER, request.user, consultation),
        "frozen": not accepts_changes(consultation),
        "open_round": next((r for r in rounds if r.status == RoundStatus.OPEN), None),
        "Phase": Phase,
    }
    return render_page(request, consultation, "consultation/rounds/list.html", context, active="rounds", status=status)


# --- Opening a round ---------------------------------------------------------------------------------------


def _grid(consultation: Consultation) -> tuple[list[Solution], list[Criterion]]:
    solutions = list(
        Solution.objects.filter(consultation=consultation, retired_at__isnull=True)
        .select_related("group")
        .order_by("order", "code")
    )
    criteria = list(
        Criterion.objects.filter(consultation=consultation, retired_at__isnull=True).order_by("order", "key")
    )
    return solutions, criteria


@consultation_page(permission=MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def round_new(request: HttpRequest, consultation: Consultation) -> HttpResponse:
    """Open the next round over every current cell or the cells ticked in a solution × criterion grid."""
    solutions, criteria = _grid(consultation)
    form = RoundOpenForm(request.POST or None, solutions=solutions, criteria=criteria)
    frozen = not accepts_changes(consultation)
    status = 200
    if request.method == "POST":
        if frozen:
            form.add_error(None, frozen_message(consultation))
            status = 409
        elif form.is_valid():
            try:
                round = services.round_open(
                    consultation=consultation,
                    user=request.user,
                    title=form.cleaned_data["title"],
                    opens_at=form.cleaned_data["opens_at"],
                    closes_at=form.cleaned_data["closes_at"],
                    cells=form.chosen_cells(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            except ConsultationError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                messages.success(
                    request, f"Round {round.number} opened over {round.cells.count()} cells. Experts can answer it."
                )
                return redirect("consultation:round", slug=consultation.slug, n=round.number)
        else:
            status = 400
        if status == 400:
            focus_first_error(form)
    still_open = Round.objects.filter(consultation=consultation, status=RoundStatus.OPEN).order_by("number").first()
    context = {"form": form, "frozen": frozen, "solutions": solutions, "criteria": criteria, "still_open": still_open}
    return render_page(request, consultation, "consultation/rounds/new.html", context, active="rounds", status=status)


# --- One round: its state; the secretariat closes it or moves its closing time ----------------------------


@consultation_page()
@require_http_methods(["GET", "HEAD", "POST"])
def round_page(request: HttpRequest, consultation: Consultation, n: int) -> HttpResponse:
    round = _round(consultation, n)
    may_manage = rules.has_perm(MANAGE, request.user, consultation)
    reschedule = RoundRescheduleForm(initial={"closes_at": round.closes_at}) if may_manage else None
    status, problem = 200, ""
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only the secretariat of this consultation closes or reschedules rounds.")
        action = request.POST.get("action")
        try:
            if action == "close":
                _, changed = services.round_close(round=round, user=request.user)
                messages.success(
                    request,
                    f"Round {round.number} closed: the experts now see its figures."
                    if changed
                    else f"Round {round.number} was closed already.",
                )
                return redirect("consultation:round", slug=consultation.slug, n=round.number)
            if action == "reschedule":
                reschedule = RoundRescheduleForm(request.POST)
                if reschedule.is_valid():
                    services.round_update(
                        round=round, user=request.user, closes_at=reschedule.cleaned_data["closes_at"]
                    )
                    messages.success(request, f"Round {round.number} now takes answers until the new closing time.")
                    return redirect("consultation:round", slug=consultation.slug, n=round.number)
                focus_first_error(reschedule)
                status = 400
            else:
                messages.error(request, "Unknown action: nothing was changed.")
                return redirect("consultation:round", slug=consultation.slug, n=round.number)
        except ValidationError as error:
            add_service_errors(reschedule, error)
            status = 400
        except ConsultationError as error:
            problem = error.message  # shown above everything: the form it came from may no longer be shown
            status = 409
    cells = round_cells(round)
    answered = RoundAnswer.objects.filter(round=round).values("assessment_id").distinct().count()
    context = {
        "round": round,
        "phase": round_phase(round),
        "phase_label": PHASE_LABELS[round_phase(round)],
        "cells": cells,
        "cells_answered": answered,
        "experts_answered": RoundAnswer.objects.filter(round=round).values("expert_id").distinct().count(),
        "reschedule": reschedule,
        "problem": problem,
        "may_manage": may_manage,
        "may_answer": rules.has_perm(ANSWER, request.user, consultation),
        "results_visible": can_view_round_results(request.user, round),
        "frozen": not accepts_changes(consultation),
        "Phase": Phase,
    }
    return render_page(
        request, consultation, "consultation/rounds/detail.html", context, active="rounds", status=status
    )


# --- An expert's answers -----------------------------------------------------------------------------------


@dataclass
class AnswerCell:
    """One cell on the answer page: its form, the expert's saved answer, and the previous round's figures."""

    cell: Assessment
    form: AnswerForm
    saved: RoundAnswer | None
    previous: Figures | None = None
    previous_answer: RoundAnswer | None = None
    message: str = ""
    problem: bool = False

    @property
    def preselected(self) -> bool:
        """The previous answer fills the form but is not saved for this round yet."""
        return self.saved is None and self.previous_answer is not None


@dataclass
class AnswerGroup:
    solution: Solution
    cells: list[AnswerCell]


def _answer_cells(round: Round, user, cells: list[Assessment], bound: dict[int, AnswerForm] | None = None):
    """The cells of the answer page grouped by solution, with the previous round's figures and answers."""
    mine = my_answers(round, user)
    before = previous_round(round)
    previous_figures, previous_mine = {}, {}
    if before is not None:
        previous_figures = {result.cell.pk: result.figures for result in round_results(before)}
        previous_mine = my_answers(before, user)
    groups: list[AnswerGroup] = []
    for cell in cells:
        saved, previous_answer = mine.get(cell.pk), previous_mine.get(cell.pk)
        form = (bound or {}).get(cell.pk) or AnswerForm(
            initial=AnswerForm.initial_from(saved or previous_answer), assessment=cell
        )
        item = AnswerCell(cell, form, saved, previous_figures.get(cell.pk), previous_answer)
        if not groups or groups[-1].solution.pk != cell.solution_id:
            groups.append(AnswerGroup(cell.solution, []))
        groups[-1].cells.append(item)
    return groups, len(mine), before


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _answer_url(consultation: Consultation, round: Round) -> str:
    return reverse("consultation:round_answer", args=[consultation.slug, round.number])


@consultation_page(permission=ANSWER)
@require_http_methods(["GET", "HEAD", "POST"])
def round_answer(request: HttpRequest, consultation: Consultation, n: int) -> HttpResponse:
    """Every cell of the round on one page, grouped by solution. Each cell is its own form, saved as the expert
    goes (htmx posts it on every change and swaps only its status line, so nothing else typed is touched);
    without JavaScript its Save button posts the page and comes back to the cell."""
    round = _round(consultation, n)
    cells = round_cells(round)
    if request.method == "POST" and request.POST.get("action") == "keep_previous":
        return _keep_previous(request, consultation, round)
    bound, status, saved_message, problem_cell = {}, 200, "", None
    if request.method == "POST":
        by_pk = {cell.pk: cell for cell in cells}
        try:
            cell = by_pk[int(request.POST.get("cell", ""))]
        except (KeyError, ValueError):
            raise Http404("No such cell in this round.") from None
        form = AnswerForm(request.POST, assessment=cell)
        if request.POST.get("clear"):
            form = AnswerForm({}, assessment=cell)
        status, saved_message = _save_answer(request, round, cell, form)
        if _is_htmx(request):
            return _answer_status(request, consultation, round, cell, form, status, saved_message)
        if status == 200:
            messages.success(request, saved_message, extra_tags=f"cell-{cell.pk}")
            return redirect(_answer_url(consultation, round) + f"#cell-{cell.pk}")
        bound[cell.pk], problem_cell = form, cell.pk
        focus_first_error(form)
    groups, answered, before = _answer_cells(round, request.user, cells, bound)
    if problem_cell is not None:
        for group in groups:
            for item in group.cells:
                if item.cell.pk == problem_cell:
                    item.problem = True
                    item.message = _form_problem(bound[problem_cell]) or saved_message
    context = {
        "round": round,
        "groups": groups,
        "answered": answered,
        "total": len(cells),
        "previous": before,
        "previous_caption": f"Round {before.number}" if before else "",
        "has_previous_answers": any(item.preselected for group in groups for item in group.cells),
        "accepting": accepts_answers(round) and accepts_changes(consultation),
        "why_not": why_no_answers(round) or (frozen_message(consultation) if not accepts_changes(consultation) else ""),
        "answer_url": _answer_url(consultation, round),
    }
    return render_page(
        request, consultation, "consultation/rounds/answer.html", context, active="rounds", status=status
    )


def _form_problem(form: AnswerForm) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


def _save_answer(request: HttpRequest, round: Round, cell: Assessment, form: AnswerForm) -> tuple[int, str]:
    """Validate and save one answer; (HTTP status, message for the cell)."""
    if not form.is_valid():
        return 400, _form_problem(form)
    try:
        saved = services.round_answer_save(round=round, expert=request.user, assessment=cell, **form.values())
    except ValidationError as error:
        return 400, " ".join(error.messages)
    except ConsultationError as error:
        return 409, error.message
    except PermissionDenied as error:
        return 403, str(error)
    label = f"{cell.solution.code} × {cell.criterion.name}"
    return 200, (f"Saved: {label}." if saved else f"Cleared: {label} has no answer now.")


def _answer_status(request, consultation, round, cell, form, status, message) -> HttpResponse:
    """The htmx answer: the cell's status line, and the progress line out of band."""
    answered = RoundAnswer.objects.filter(round=round, expert=request.user).count()
    context = {
        "round": round,
        "cell": cell,
        "message": message,
        "problem": status != 200,
        "answered": answered,
        "total": round.cells.count(),
        "cleared": status == 200 and request.POST.get("clear"),
    }
    response = render_page(
        request, consultation, "consultation/rounds/_answer_status.html", context, active="rounds", status=status
    )
    if context["cleared"]:
        response["HX-Trigger"] = "round-answer-cleared"
    return response


def _keep_previous(request: HttpRequest, consultation: Consultation, round: Round) -> HttpResponse:
    try:
        carried = services.round_answers_keep_previous(round=round, expert=request.user)
    except ConsultationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{carried} answer{'s' if carried != 1 else ''} of the previous round kept for this round."
            if carried
            else "No answer of the previous round was left to keep.",
        )
    return redirect(_answer_url(consultation, round))


# --- Results -----------------------------------------------------------------------------------------------


@consultation_page()
@require_safe
def round_results_page(request: HttpRequest, consultation: Consultation, n: int) -> HttpResponse:
    """Per cell: answers, median, quartiles, IQR, distribution, share within one star and the consensus flag;
    ``?by=expert_type`` adds the figures per expert type. Experts see them once the round is closed."""
    round = _round(consultation, n)
    if not can_view_round_results(request.user, round):
        raise PermissionDenied("Experts see a round's figures once the secretariat has closed the round.")
    by_type = request.GET.get("by") == "expert_type"
    results = round_results(round, by_expert_type=by_type)
    context = {
        "round": round,
        "results": results,
        "by_type": by_type,
        "rule": ConsensusRule.of(consultation),
        "phase": round_phase(round),
        "phase_label": PHASE_LABELS[round_phase(round)],
        "consensus_count": sum(1 for r in results if r.figures.consensus),
        "Phase": Phase,
    }
    return render_page(request, consultation, "consultation/rounds/results.html", context, active="rounds")
