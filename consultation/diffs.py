"""What changed in the draft's ratings between two moments, cell by cell and for classifications.

For each cell that differs: the value before and after (stars, level, rationale),
whether the stars went up or down, and every revision in between with who made
it, why, from which source and round, and with which submissions. Read in a
constant number of queries (about a dozen) whatever the size of the matrix or
the length of its history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationChoice,
    ClassificationRevision,
    Consultation,
    Criterion,
    RevisionSource,
    Solution,
)

UP, DOWN, SAME, CHANGED, NEW = "up", "down", "same", "changed", "new"

DIRECTION_TEXT = {
    UP: "up",
    DOWN: "down",
    SAME: "same stars",
    CHANGED: "to or from N/A",
    NEW: "newly rated",
}


@dataclass(frozen=True)
class EvidenceLink:
    """A submission an adopted change rests on (read through the revision's M2M; this app never imports it)."""

    id: int
    title: str


@dataclass(frozen=True)
class Step:
    """One revision between the two moments: the value it set, who set it, when and why."""

    number: int
    created_at: datetime
    created_by: str
    reason: str
    source: str
    round_number: int | None
    evidence: tuple[EvidenceLink, ...]
    import_filename: str = ""
    stars: int | None = None
    level: str = ""
    value: str = ""

    @property
    def source_label(self) -> str:
        return RevisionSource(self.source).label if self.source in RevisionSource.values else self.source

    @property
    def value_label(self) -> str:
        return ClassificationChoice(self.value).label if self.value in ClassificationChoice.values else self.value


@dataclass(frozen=True)
class CellValue:
    stars: int | None
    level: str
    rationale: str
    revision: int


@dataclass
class CellChange:
    solution: Solution
    criterion: Criterion
    before: CellValue | None
    after: CellValue
    steps: list[Step] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        """What differs: "stars", "level", "rationale" (all three for a cell rated for the first time)."""
        if self.before is None:
            return ["stars", "level", "rationale"]
        return [n for n in ("stars", "level", "rationale") if getattr(self.before, n) != getattr(self.after, n)]

    @property
    def direction(self) -> str:
        if self.before is None:
            return NEW
        before, after = self.before.stars, self.after.stars
        if before == after:
            return SAME
        if before is None or after is None:
            return CHANGED
        return UP if after > before else DOWN

    @property
    def direction_text(self) -> str:
        return DIRECTION_TEXT[self.direction]

    @property
    def key(self) -> str:
        return f"{self.solution.code}/{self.criterion.key}"


@dataclass
class ClassificationChange:
    solution: Solution
    before: str | None
    after: str
    steps: list[Step] = field(default_factory=list)

    @property
    def before_label(self) -> str:
        return ClassificationChoice(self.before).label if self.before else ""

    @property
    def after_label(self) -> str:
        return ClassificationChoice(self.after).label


@dataclass
class Diff:
    consultation: Consultation
    from_time: datetime
    to_time: datetime
    cells: list[CellChange]
    classifications: list[ClassificationChange]
    retired_solutions: list[Solution]
    retired_criteria: list[Criterion]

    @property
    def empty(self) -> bool:
        return not (self.cells or self.classifications or self.retired_solutions or self.retired_criteria)

    def counts(self) -> dict[str, int]:
        directions = defaultdict(int)
        for change in self.cells:
            directions[change.direction] += 1
        return {"cells": len(self.cells), "classifications": len(self.classifications), **directions}


def _evidence_prefetch() -> Prefetch:
    related = AssessmentRevision.evidence.field.related_model
    return Prefetch("evidence", queryset=related._default_manager.order_by("pk").only("pk", "title"))


def _step(revision, **values) -> Step:
    user = revision.created_by
    return Step(
        number=revision.number,
        created_at=revision.created_at,
        created_by=(user.get_full_name() or user.get_username()) if user else "",
        reason=revision.reason,
        source=revision.source,
        round_number=revision.round.number if revision.round_id else None,
        evidence=tuple(EvidenceLink(s.pk, str(s)) for s in revision.evidence.all()),
        import_filename=revision.draft_import.filename if revision.draft_import_id else "",
        **values,
    )


def _between(queryset, start: datetime, end: datetime):
    return (
        queryset.filter(created_at__gt=start, created_at__lte=end)
        .select_related("created_by", "round", "draft_import")
        .prefetch_related(_evidence_prefetch())
    )


def diff(consultation: Consultation, from_time: datetime, to_time: datetime) -> Diff:
    """The cells and classifications that differ between ``from_time`` and ``to_time``.

    The two moments may come in either order; the diff always reads from the
    earlier to the later one. Solutions and criteria dropped by a later draft
    stay in the diff (their history stays readable) and are listed as retired.
    """
    start, end = sorted((from_time, to_time))
    solutions = {s.pk: s for s in Solution.objects.filter(consultation=consultation).select_related("group")}
    criteria = {c.pk: c for c in Criterion.objects.filter(consultation=consultation)}
    cells = Assessment.objects.filter(consultation=consultation)
    before = {r.assessment_id: r for r in AssessmentRevision.objects.as_of(cells, start)}
    after = {r.assessment_id: r for r in AssessmentRevision.objects.as_of(cells, end).select_related("assessment")}
    steps: dict[int, list[Step]] = defaultdict(list)
    for r in _between(AssessmentRevision.objects.filter(consultation=consultation), start, end).order_by(
        "created_at", "number"
    ):
        steps[r.assessment_id].append(_step(r, stars=r.stars, level=r.level))

    changes = []
    for assessment_id, new in after.items():
        old = before.get(assessment_id)
        if old is not None and old.number == new.number:
            continue
        change = CellChange(
            solution=solutions[new.assessment.solution_id],
            criterion=criteria[new.assessment.criterion_id],
            before=CellValue(old.stars, old.level, old.rationale, old.number) if old else None,
            after=CellValue(new.stars, new.level, new.rationale, new.number),
            steps=steps[assessment_id],
        )
        if change.fields:  # revisions that went back and forth end where they started: no change to show
            changes.append(change)
    changes.sort(key=lambda c: (c.solution.order, c.solution.code, c.criterion.order, c.criterion.key))

    owners = Classification.objects.filter(consultation=consultation)
    class_before = {r.classification_id: r for r in ClassificationRevision.objects.as_of(owners, start)}
    class_after = {
        r.classification_id: r
        for r in ClassificationRevision.objects.as_of(owners, end).select_related("classification")
    }
    class_steps: dict[int, list[Step]] = defaultdict(list)
    for r in _between(ClassificationRevision.objects.filter(consultation=consultation), start, end).order_by(
        "created_at", "number"
    ):
        class_steps[r.classification_id].append(_step(r, value=r.value))
    class_changes = []
    for classification_id, new in class_after.items():
        old = class_before.get(classification_id)
        if old is not None and old.value == new.value:
            continue
        class_changes.append(
            ClassificationChange(
                solution=solutions[new.classification.solution_id],
                before=old.value if old else None,
                after=new.value,
                steps=class_steps[classification_id],
            )
        )
    class_changes.sort(key=lambda c: (c.solution.order, c.solution.code))

    def retired_between(rows):
        return sorted(
            (x for x in rows if x.retired_at is not None and start < x.retired_at <= end),
            key=lambda x: (x.order, x.pk),
        )

    return Diff(
        consultation=consultation,
        from_time=start,
        to_time=end,
        cells=changes,
        classifications=class_changes,
        retired_solutions=retired_between(solutions.values()),
        retired_criteria=retired_between(criteria.values()),
    )


def import_preview_changes(consultation: Consultation, preview: dict) -> list[CellChange]:
    """The cells an import preview would change, as ``CellChange`` rows against the cells as they stand now.

    The preview lists changed fields one by one ("1a/privacy", "stars", from, to); the
    rows group them per cell and read the other fields from the current cell, so that
    the preview and the comparison page show a change the same way. Two queries.
    """
    wanted: dict[str, dict] = defaultdict(dict)
    for change in (preview or {}).get("changed", []):
        if change.get("kind") == "assessment" and change.get("field") in ("stars", "level", "rationale"):
            wanted[str(change.get("key"))][change["field"]] = change.get("to")
    if not wanted:
        return []
    cells = {
        f"{a.solution.code}/{a.criterion.key}": a
        for a in Assessment.objects.filter(consultation=consultation, revision__gt=0).select_related(
            "solution", "criterion"
        )
    }
    rows = []
    for key, values in wanted.items():
        cell = cells.get(key)
        if cell is None:
            continue
        after = {"stars": cell.stars, "level": cell.level, "rationale": cell.rationale, **values}
        stars = after["stars"]
        change = CellChange(
            solution=cell.solution,
            criterion=cell.criterion,
            before=CellValue(cell.stars, cell.level, cell.rationale, cell.revision),
            after=CellValue(
                stars if stars is None or isinstance(stars, int) else None,
                str(after["level"] or ""),
                str(after["rationale"] or ""),
                cell.revision + 1,
            ),
        )
        if change.fields:
            rows.append(change)
    rows.sort(key=lambda c: (c.solution.order, c.solution.code, c.criterion.order, c.criterion.key))
    return rows
