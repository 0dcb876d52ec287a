"""The timeline of one rating cell: every revision with who, when, why and on what basis, and a chart of its stars."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from consultation.adoption import visible_submission_ids
from consultation.charts import ChartPoint, star_history_svg
from consultation.forms.versions import ViewPointForm
from consultation.models import Assessment, AssessmentRevision, Consultation, Criterion, Solution

from .common import consultation_page, render_page


def cell_chart(solution: Solution, criterion: Criterion, revisions: list[AssessmentRevision], *, until=None) -> str:
    """The chart of a cell's stars, as the page and (later) the PDF export show it."""
    points = [ChartPoint(timezone.localtime(r.created_at), r.stars, f"Revision {r.number}") for r in revisions]
    return star_history_svg(
        points,
        title=f"Stars of {solution.code} for {criterion.name} over time",
        until=timezone.localtime(until) if until else None,
        id_prefix=f"chart-{solution.code}-{criterion.key}",
    )


@consultation_page()
@require_safe
def cell_history_page(request: HttpRequest, consultation: Consultation, code: str, key: str) -> HttpResponse:
    """Every revision of the cell, oldest first, in a constant number of queries however long its history.

    With ``?version=``/``?as_of=`` (the links from a past matrix or solution page
    carry it) the revision in force at that moment is marked, and the later ones.
    """
    solution = get_object_or_404(
        Solution.objects.select_related("group", "section"), consultation=consultation, code=code
    )
    criterion = get_object_or_404(Criterion, consultation=consultation, key=key)
    evidence_model = AssessmentRevision.evidence.field.related_model
    assessment = Assessment.objects.filter(solution=solution, criterion=criterion).first()
    revisions = (
        list(
            AssessmentRevision.objects.filter(assessment=assessment)
            .select_related("created_by", "round", "draft_import")
            .prefetch_related(
                Prefetch("evidence", queryset=evidence_model._default_manager.order_by("pk").only("pk", "title")),
                # The excerpts it rests on (evidence.Excerpt, reached through the M2M: no import of that app).
                Prefetch(
                    "excerpts",
                    queryset=AssessmentRevision.excerpts.field.related_model._default_manager.order_by("pk").only(
                        "pk", "quote", "submission_id"
                    ),
                ),
            )
            .order_by("number")
        )
        if assessment
        else []
    )
    # Reached from the matrix or a solution page shown as of a version or a date: that moment is marked in the list.
    # The form (and its one query for the versions) is only made when such a moment is asked for.
    form = ViewPointForm(request.GET, consultation=consultation) if {"version", "as_of"} & set(request.GET) else None
    point = form.point() if form is not None else None
    current_at_point = None
    if point is not None:
        current_at_point = next((r.number for r in reversed(revisions) if r.created_at <= point.when), None)
    previous = None
    rows = []
    for revision in revisions:
        direction = ""
        if previous is not None and previous.stars != revision.stars:
            if previous.stars is None or revision.stars is None:
                direction = "changed"
            else:
                direction = "up" if revision.stars > previous.stars else "down"
        rows.append(
            {
                "revision": revision,
                "direction": direction,
                "previous": previous,
                "at_point": point is not None and revision.number == current_at_point,
                "after_point": point is not None and revision.created_at > point.when,
            }
        )
        previous = revision
    chart = cell_chart(solution, criterion, revisions, until=timezone.now()) if revisions else ""
    context = {
        "solution": solution,
        "criterion": criterion,
        "assessment": assessment,
        "rows": rows,
        "point": point,
        "point_query": point.page_query if point else "",
        "current_at_point": current_at_point,
        "visible_submissions": visible_submission_ids(request.user, consultation),
        "chart": mark_safe(chart),  # noqa: S308 - built by charts.star_history_svg, which escapes every text
    }
    return render_page(request, consultation, "consultation/cell_history.html", context, active="matrix")
