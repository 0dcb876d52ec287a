"""Carrying links forward when a later draft is imported: nothing that pointed into the old draft is dropped.

The import updates sections, solutions and criteria in place by number, code
and key, so most links simply stay right. What it cannot keep right:

- a section whose number now holds another title, or that the draft no longer
  has: when a section of the new draft has the old title, the links move there
  (a renumbered section); otherwise they are listed;
- a solution or criterion the draft dropped (retired): when the new draft has
  one of the same title (or name) under a new code (or key), the links move
  there; otherwise they are listed, with a suggestion where there is an
  obvious one (a criterion renamed in place: the new criterion at its position);
- rating cells of those solutions and criteria, followed in the same way.

Every move the import makes is recorded as a ``Reattachment`` re-attached
automatically; every link it could not move is recorded as pending, for the
secretariat's "Needs re-attaching" page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from consultation.bibliography import title_key
from consultation.links import HeldLink, links_to, move_link
from consultation.models import (
    Assessment,
    Criterion,
    DraftImport,
    Reattachment,
    ReattachmentStatus,
    Section,
    Solution,
    TargetKind,
)

from .plan import ImportPlan


@dataclass(frozen=True)
class Snapshot:
    """The draft's places as they stood before the import wrote anything (its rows are changed in place)."""

    sections: dict[int, tuple[str, str]]  # pk -> (number, title)
    solution_order: dict[str, int]
    criterion_order: dict[str, int]

    @classmethod
    def take(cls, plan: ImportPlan) -> Snapshot:
        return cls(
            sections={s.pk: (s.number, s.title) for s in plan.existing.sections.values()},
            solution_order={code: s.order for code, s in plan.existing.solutions.items()},
            criterion_order={key: c.order for key, c in plan.existing.criteria.items()},
        )


@dataclass
class _Plan:
    """Per target kind: old id -> new id (moved for certain), and old id -> (why, suggested id or None)."""

    moves: dict[int, int]
    listed: dict[int, tuple[str, int | None]]


def label(kind: str, obj) -> str:
    if kind == TargetKind.SECTION:
        return f"Section {obj.number} {obj.title}"
    if kind == TargetKind.SOLUTION:
        return f"Solution {obj.code} {obj.title}"
    if kind == TargetKind.CRITERION:
        return f"Criterion {obj.name}"
    return f"Cell {obj.solution.code} × {obj.criterion.name}"


def _section_plan(plan: ImportPlan, snapshot: Snapshot, sections: dict[str, Section]) -> _Plan:
    parsed = {p.number: p.title for p in plan.parsed.sections}
    by_title: dict[str, list[str]] = {}
    for number, title in parsed.items():
        by_title.setdefault(title_key(title), []).append(number)
    result = _Plan({}, {})
    for pk, (number, title) in snapshot.sections.items():
        if number in parsed and title_key(parsed[number]) == title_key(title):
            continue
        numbers = by_title.get(title_key(title), [])
        if len(numbers) == 1 and sections[numbers[0]].pk != pk:
            result.moves[pk] = sections[numbers[0]].pk
        elif number in parsed:
            result.listed[pk] = (f"Section {number} is now titled “{parsed[number]}” (it was “{title}”).", pk)
        else:
            result.listed[pk] = (f"The new draft has no section {number} “{title}”.", None)
    return result


def _retired_plan(plan: ImportPlan, snapshot: Snapshot, kind: str, rows: dict) -> _Plan:
    """Moves and listings for the solutions (or criteria) the import retired."""
    result = _Plan({}, {})
    if kind == TargetKind.SOLUTION:
        retired, parsed, old_order = plan.retired["solutions"], plan.parsed.solutions, snapshot.solution_order
        key_of, name_of, what = (lambda p: p.code), (lambda p: p.title), "solution"
        existing = plan.existing.solutions
    else:
        retired, parsed, old_order = plan.retired["criteria"], plan.parsed.criteria, snapshot.criterion_order
        key_of, name_of, what = (lambda p: p.key), (lambda p: p.name), "criterion"
        existing = plan.existing.criteria
    new_ones = [p for p in parsed if key_of(p) not in existing]
    for key in retired:
        old = rows[key]
        old_name = old.title if kind == TargetKind.SOLUTION else old.name
        same_name = [p for p in parsed if title_key(name_of(p)) == title_key(old_name) and key_of(p) != key]
        if len(same_name) == 1:
            result.moves[old.pk] = rows[key_of(same_name[0])].pk
            continue
        # Renamed in place: a new one at the old one's position (or the only new one) is the likely successor.
        at_position = [p for p in new_ones if p.order == old_order.get(key)]
        suggestion = at_position[0] if len(at_position) == 1 else (new_ones[0] if len(new_ones) == 1 else None)
        why = f"The new draft has no {what} {key} “{old_name}”"
        if suggestion is not None:
            why += f"; it has a new {what} {key_of(suggestion)} “{name_of(suggestion)}” in its place"
        result.listed[old.pk] = (why + ".", rows[key_of(suggestion)].pk if suggestion is not None else None)
    return result


def _cell_plan(consultation, solutions: _Plan, criteria: _Plan) -> _Plan:
    """Cells follow their solution and criterion: moved when both are certain, listed otherwise."""
    result = _Plan({}, {})
    touched_solutions = {**solutions.moves, **{pk: s for pk, (_, s) in solutions.listed.items()}}
    touched_criteria = {**criteria.moves, **{pk: c for pk, (_, c) in criteria.listed.items()}}
    if not touched_solutions and not touched_criteria:
        return result
    cells = {(a.solution_id, a.criterion_id): a.pk for a in Assessment.objects.filter(consultation=consultation)}
    for (solution_id, criterion_id), pk in cells.items():
        if solution_id not in touched_solutions and criterion_id not in touched_criteria:
            continue
        new_solution = touched_solutions.get(solution_id, solution_id)
        new_criterion = touched_criteria.get(criterion_id, criterion_id)
        target = cells.get((new_solution, new_criterion)) if new_solution and new_criterion else None
        certain = (solution_id not in solutions.listed) and (criterion_id not in criteria.listed)
        if certain and target is not None:
            result.moves[pk] = target
        else:
            result.listed[pk] = ("Its solution or criterion was dropped from the draft.", target)
    return result


def _labels(kind: str, ids: set[int]) -> dict[int, str]:
    model = {
        TargetKind.SECTION: Section,
        TargetKind.SOLUTION: Solution,
        TargetKind.CRITERION: Criterion,
        TargetKind.CELL: Assessment,
    }[kind]
    rows = model.objects.filter(pk__in=ids)
    if kind == TargetKind.CELL:
        rows = rows.select_related("solution", "criterion")
    return {row.pk: label(kind, row) for row in rows}


def carry_forward(
    *,
    plan: ImportPlan,
    snapshot: Snapshot,
    sections: dict[str, Section],
    solutions: dict[str, Solution],
    criteria: dict[str, Criterion],
    draft_import: DraftImport,
    now: datetime,
) -> dict[str, int]:
    """Re-attach or list every link into a place the import moved, changed or dropped; runs inside the import's
    transaction, after everything else was written. Returns ``{"reattached": n, "pending": m}``."""
    consultation = plan.consultation
    solution_plan = _retired_plan(plan, snapshot, TargetKind.SOLUTION, solutions)
    criterion_plan = _retired_plan(plan, snapshot, TargetKind.CRITERION, criteria)
    plans = {
        TargetKind.SECTION: _section_plan(plan, snapshot, sections),
        TargetKind.SOLUTION: solution_plan,
        TargetKind.CRITERION: criterion_plan,
        TargetKind.CELL: _cell_plan(consultation, solution_plan, criterion_plan),
    }
    # Links the secretariat already dismissed (kept pointing where they point) are not raised again.
    settled = set(
        Reattachment.objects.filter(consultation=consultation, status=ReattachmentStatus.DISMISSED).values_list(
            "holder_kind", "holder_id", "target_kind", "old_target_id"
        )
    )
    rows: list[Reattachment] = []
    for kind, places in plans.items():
        old_ids = set(places.moves) | set(places.listed)
        links = links_to(consultation, kind, old_ids)
        if not links:
            continue
        names = _labels(kind, old_ids | set(places.moves.values()) | {s for _, s in places.listed.values() if s})
        for link in links:
            key = (link.holder_kind, link.holder_id, kind, link.target_id)
            row = Reattachment(
                consultation=consultation,
                draft_import=draft_import,
                holder_kind=link.holder_kind,
                holder_id=link.holder_id,
                holder_label=link.holder_label[:300],
                target_kind=kind,
                old_target_id=link.target_id,
                old_target_label=names.get(link.target_id, "")[:400],
            )
            new_id = places.moves.get(link.target_id)
            if new_id is not None and move_link(consultation, link, new_id):
                row.status, row.automatic, row.resolved_at = ReattachmentStatus.REATTACHED, True, now
                row.new_target_id, row.new_target_label = new_id, names.get(new_id, "")[:400]
                row.why = "Moved by the import: the same place under its new number, code or key."
            elif key in settled:
                continue
            else:
                why, suggestion = places.listed.get(link.target_id, ("The import could not move it.", new_id))
                row.why, row.suggested_target_id = why[:300], suggestion
            rows.append(row)
    Reattachment.objects.bulk_create(rows, ignore_conflicts=True)  # a link already waiting is not listed twice
    return {
        "reattached": sum(r.status == ReattachmentStatus.REATTACHED for r in rows),
        "pending": sum(r.status == ReattachmentStatus.PENDING for r in rows),
    }


__all__ = ["HeldLink", "Snapshot", "carry_forward"]
