"""What a summary export holds, read once from the database as of ``ExportContext.as_of``.

``summary_content(context)`` returns plain dataclasses that every writer renders
(PDF, DOCX; the tables of XLSX/CSV may reuse them). It reads in a bounded number
of queries whatever the size of the consultation: the matrix (consultation.matrix),
the changes since ``compare_to`` (consultation.diffs), all revisions up to the
moment, the input the recipient may read, its links, notes, open items, rounds,
their answers and the references, each in one or two queries.

What the recipient may read is the app's one rule (``Submission.objects.visible_to``),
so an observer's export holds only the input the secretariat lets observers read;
authors are named by ``context.author_label`` (names, or "Expert N" when pseudonymised).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from consultation.charts import ChartPoint, star_history_svg
from consultation.consensus import ConsensusRule, figures
from consultation.diffs import diff
from consultation.matrix import build_matrix
from consultation.models import (
    AssessmentRevision,
    ClassificationChoice,
    ClassificationRevision,
    OpenItem,
    OpenItemStatus,
    Reference,
    RevisionSource,
    Round,
    RoundAnswer,
)
from evidence.exports import ExportContext
from evidence.exports.summary import (
    CellContent,
    Chart,
    InputEntry,
    MatrixRow,
    OpenItemContent,
    ReferenceGroupContent,
    RevisionEntry,
    RoundCellContent,
    RoundContent,
    SolutionContent,
    Summary,
    stars_text,
    when_text,
)
from evidence.models import InternalNote, ProposedRating, Submission


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _cells_changed(context: ExportContext) -> tuple[dict, dict]:
    if context.compare_to is None:
        return {}, {}
    changes = diff(context.consultation, context.compare_to.published_at, context.as_of)
    cells = {(c.solution.pk, c.criterion.pk): c for c in changes.cells}
    classes = {c.solution.pk: c for c in changes.classifications}
    return cells, classes


def _visible_input(context: ExportContext) -> list[Submission]:
    """The input the recipient may read that had been submitted by the moment, and was not withdrawn by then."""
    when = context.as_of
    return list(
        Submission.objects.visible_to(context.recipient, context.consultation)
        .filter(submitted_at__isnull=False, submitted_at__lte=when)
        .filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=when))
        .select_related("author")
        .order_by("submitted_at", "pk")
    )


def _input_entries(context: ExportContext, submissions: list[Submission], codes: dict[int, str]) -> list[InputEntry]:
    ids = [s.pk for s in submissions]
    linked: dict[int, set[int]] = defaultdict(set)
    for submission_id, solution_id in Submission.solutions.through.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "solution_id"
    ):
        linked[submission_id].add(solution_id)
    for submission_id, solution_id in ProposedRating.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "solution_id"
    ):
        linked[submission_id].add(solution_id)
    notes: dict[int, list[str]] = defaultdict(list)
    if context.include_internal_notes:
        for note in InternalNote.objects.filter(submission_id__in=ids, created_at__lte=context.as_of).order_by(
            "created_at", "pk"
        ):
            notes[note.submission_id].append(note.body)
    return [
        InputEntry(
            id=s.pk,
            title=str(s),
            author=context.author_label(s.author),
            submitted_at=s.submitted_at,
            status=s.get_status_display(),
            response=s.response,
            withdrawn=s.withdrawn_at is not None and s.withdrawn_at <= context.as_of,
            solutions=sorted(codes[x] for x in linked[s.pk] if x in codes),
            notes=notes[s.pk],
        )
        for s in submissions
    ]


def _revisions(context: ExportContext, readable: set[int]):
    """Every revision up to the moment, by solution id: cells' and classifications', oldest first (6 queries)."""
    by_solution: dict[int, list[RevisionEntry]] = defaultdict(list)
    by_cell: dict[tuple[int, int], list[AssessmentRevision]] = defaultdict(list)
    cell_revisions = (
        AssessmentRevision.objects.filter(consultation=context.consultation, created_at__lte=context.as_of)
        .select_related("assessment__criterion", "created_by", "round")
        .prefetch_related("evidence")
        .order_by("created_at", "number")
    )
    for r in cell_revisions:
        a = r.assessment
        by_cell[(a.solution_id, a.criterion_id)].append(r)
        by_solution[a.solution_id].append(_entry(r, a.criterion.name, f"{stars_text(r.stars)} {r.level}", readable))
    class_revisions = (
        ClassificationRevision.objects.filter(consultation=context.consultation, created_at__lte=context.as_of)
        .select_related("classification", "created_by", "round")
        .prefetch_related("evidence")
        .order_by("created_at", "number")
    )
    for r in class_revisions:
        label = ClassificationChoice(r.value).label if r.value in ClassificationChoice.values else r.value
        by_solution[r.classification.solution_id].append(_entry(r, "", label, readable))
    return by_solution, by_cell


def _entry(revision, criterion: str, value: str, readable: set[int]) -> RevisionEntry:
    source = revision.source
    return RevisionEntry(
        criterion=criterion,
        number=revision.number,
        at=revision.created_at,
        by=_person(revision.created_by),
        value=value.strip(),
        reason=revision.reason,
        source=RevisionSource(source).label if source in RevisionSource.values else source,
        round_number=revision.round.number if revision.round_id else None,
        # Only input the recipient may read is named (an observer may not know of unshared input).
        evidence=[str(s) for s in revision.evidence.all() if s.pk in readable],
    )


def _open_items(context: ExportContext, titles: dict[int, str]) -> list[OpenItemContent]:
    """Open items as they stood at the moment: their status and resolution from the change history."""
    items = list(
        OpenItem.objects.filter(consultation=context.consultation, created_at__lte=context.as_of)
        .select_related("section")
        .order_by("created_at", "pk")
    )
    event_model = apps.get_model("consultation", "OpenItemEvent")
    then = {
        e["pgh_obj_id"]: e
        for e in event_model.objects.filter(pgh_obj_id__in=[i.pk for i in items], pgh_created_at__lte=context.as_of)
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
        .values("pgh_obj_id", "status", "resolution", "prompt")
    }
    answering: dict[int, list[int]] = defaultdict(list)
    for item_id, submission_id in Submission.answers_open_items.through.objects.filter(
        openitem_id__in=[i.pk for i in items]
    ).values_list("openitem_id", "submission_id"):
        answering[item_id].append(submission_id)
    result = []
    for item in items:
        state = then.get(item.pk, {"status": item.status, "resolution": item.resolution, "prompt": item.prompt})
        status = state["status"]
        result.append(
            OpenItemContent(
                id=item.pk,
                prompt=state["prompt"],
                section=str(item.section) if item.section_id else "",
                place=item.place,
                status=OpenItemStatus(status).label if status in OpenItemStatus.values else status,
                resolution=state["resolution"],
                inputs=[titles[s] for s in sorted(answering[item.pk]) if s in titles],
            )
        )
    return result


def _rounds(context: ExportContext) -> list[RoundContent]:
    """Rounds opened by the moment, with each cell's figures (three queries whatever the number of rounds)."""
    consultation = context.consultation
    rule = ConsensusRule.of(consultation)
    rounds = list(Round.objects.filter(consultation=consultation, opens_at__lte=context.as_of).order_by("number"))
    cells: dict[int, list] = defaultdict(list)
    for link in (
        Round.cells.through.objects.filter(round_id__in=[r.pk for r in rounds])
        .select_related("assessment__solution", "assessment__criterion")
        .order_by(
            "assessment__solution__order",
            "assessment__solution__code",
            "assessment__criterion__order",
            "assessment__criterion__key",
        )
    ):
        cells[link.round_id].append(link.assessment)
    answers: dict[tuple[int, int], list] = defaultdict(list)
    for round_id, assessment_id, stars, cannot_judge in RoundAnswer.objects.filter(
        round_id__in=[r.pk for r in rounds], updated_at__lte=context.as_of
    ).values_list("round_id", "assessment_id", "stars", "cannot_judge"):
        answers[(round_id, assessment_id)].append(None if cannot_judge else stars)
    return [
        RoundContent(
            number=r.number,
            title=r.title,
            status="Closed" if r.closed_at and r.closed_at <= context.as_of else "Open",
            opens_at=r.opens_at,
            closes_at=r.closes_at,
            rule=str(rule),
            cells=[
                RoundCellContent(a.solution.code, a.criterion.name, figures(answers.get((r.pk, a.pk), []), rule))
                for a in cells[r.pk]
            ],
        )
        for r in rounds
    ]


def _references(context: ExportContext) -> list[ReferenceGroupContent]:
    groups: dict[str, list[dict]] = {}
    for ref in (
        Reference.objects.filter(consultation=context.consultation)
        .prefetch_related("solutions")
        .order_by("group_order", "number")
    ):
        groups.setdefault(ref.group, []).append(
            {
                "number": ref.number,
                "authors": ref.authors,
                "title": ref.title,
                "year": ref.year or "",
                "venue": ref.venue,
                "url": ref.url,
                "doi": ref.doi,
                "solutions": ", ".join(s.code for s in ref.solutions.all()),
            }
        )
    return [ReferenceGroupContent(name, entries) for name, entries in groups.items()]


def _charts(solution, criteria, by_cell, until: datetime) -> list[Chart]:
    charts = []
    for criterion in criteria:
        revisions = by_cell.get((solution.pk, criterion.pk), [])
        points = [ChartPoint(timezone.localtime(r.created_at), r.stars, f"Revision {r.number}") for r in revisions]
        svg = star_history_svg(
            points,
            title=f"Stars of {solution.code} for {criterion.name} over time",
            until=timezone.localtime(until),
            width=480,
            height=150,
            id_prefix=f"chart-{solution.code}-{criterion.key}",
        )
        charts.append(Chart(criterion.name, svg, [(when_text(p.when), stars_text(p.stars)) for p in points]))
    return charts


def summary_content(context: ExportContext, progress=None) -> Summary:
    """Read everything the summary shows, as of ``context.as_of``; ``progress(percent, step)`` is told as it goes."""

    def tell(percent: int, step: str) -> None:
        if progress is not None:
            progress(percent, step)

    consultation = context.consultation
    tell(5, "Reading the matrix")
    matrix = build_matrix(consultation, context.as_of)
    changed_cells, changed_classes = _cells_changed(context)
    codes = {s.pk: s.code for s in matrix.solutions}

    tell(15, "Reading the input")
    submissions = _visible_input(context)
    inputs = _input_entries(context, submissions, codes)
    readable = {s.pk for s in submissions}
    titles = {entry.id: entry.title for entry in inputs}

    tell(25, "Reading the revisions")
    revisions, by_cell = _revisions(context, readable)

    rows, solutions = [], []
    for solution, cells, classification in matrix.rows():
        contents = []
        for criterion, cell in zip(matrix.criteria, cells, strict=True):
            if cell is None:
                contents.append(None)
                continue
            change = changed_cells.get((solution.pk, criterion.pk))
            contents.append(
                CellContent(
                    criterion_key=criterion.key,
                    criterion_name=criterion.name,
                    stars=cell.stars,
                    level=cell.level,
                    rationale=cell.rationale,
                    revision=cell.revision,
                    changed=change is not None,
                    before_stars=change.before.stars if change and change.before else None,
                    before_level=change.before.level if change and change.before else "",
                    direction=change.direction_text if change else "",
                )
            )
        class_change = changed_classes.get(solution.pk)
        class_label = classification.label if classification else ""
        rows.append(
            MatrixRow(
                code=solution.code,
                title=solution.title,
                group=str(solution.group),
                cells=contents,
                classification=class_label,
                classification_changed=class_change is not None,
                classification_before=class_change.before_label if class_change else "",
            )
        )
        solutions.append(
            SolutionContent(
                code=solution.code,
                title=solution.title,
                group=str(solution.group),
                section=str(solution.section) if solution.section_id else "",
                classification=class_label,
                cells=[c for c in contents if c is not None],
                revisions=revisions.get(solution.pk, []),
                inputs=[i for i in inputs if solution.code in i.solutions],
                charts=_charts(solution, matrix.criteria, by_cell, context.as_of),
            )
        )

    tell(35, "Reading open items, rounds and references")
    version = context.version
    return Summary(
        reference=consultation.reference,
        title=consultation.title,
        marking=consultation.marking,
        as_of=context.as_of,
        point_label=f"version {version.label}" if version else f"state of {when_text(context.as_of)}",
        compare_label=context.compare_to.label if context.compare_to else "",
        recipient=_person(context.recipient),
        made_at=context.made_at or timezone.now(),
        watermark=context.watermark,
        pseudonymised=context.pseudonymise,
        with_notes=context.include_internal_notes,
        criteria=[(c.key, c.name) for c in matrix.criteria],
        matrix=rows,
        changed_cells=len(changed_cells),
        solutions=solutions,
        open_items=_open_items(context, titles),
        rounds=_rounds(context),
        references=_references(context),
        submissions=inputs,
    )
