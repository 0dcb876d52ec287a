"""What importing a parsed draft would change in a consultation: the basis of both the preview and the apply.

Objects are matched by the draft's own identifiers (section number, footnote
number, group number, solution code, criterion key, open-item marker,
reference group and number), so a later draft updates what an earlier one
created instead of duplicating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from consultation.consistency import describe_expected, disagrees, mapping_for
from consultation.models import (
    Assessment,
    Classification,
    Consultation,
    Criterion,
    Footnote,
    OpenItem,
    Reference,
    Section,
    Solution,
    SolutionGroup,
)

from .types import ParsedDraft

KINDS = (
    "sections",
    "footnotes",
    "solution_groups",
    "solutions",
    "criteria",
    "assessments",
    "classifications",
    "open_items",
    "references",
)


@dataclass
class Existing:
    """What the consultation holds now, keyed as the draft keys it."""

    sections: dict[str, Section]
    footnotes: dict[int, Footnote]
    groups: dict[int, SolutionGroup]
    solutions: dict[str, Solution]
    criteria: dict[str, Criterion]
    assessments: dict[tuple[str, str], Assessment]
    classifications: dict[str, Classification]
    open_items: dict[int, OpenItem]
    references: dict[tuple[int, int], Reference]

    @classmethod
    def load(cls, consultation: Consultation) -> Existing:
        """Everything in a fixed number of queries, whatever the size of the draft."""
        sections = {s.number: s for s in Section.objects.filter(consultation=consultation).select_related("parent")}
        return cls(
            sections=sections,
            footnotes={
                f.number: f for f in Footnote.objects.filter(consultation=consultation).select_related("section")
            },
            groups={g.number: g for g in SolutionGroup.objects.filter(consultation=consultation)},
            solutions={
                s.code: s for s in Solution.objects.filter(consultation=consultation).select_related("group", "section")
            },
            criteria={c.key: c for c in Criterion.objects.filter(consultation=consultation)},
            assessments={
                (a.solution.code, a.criterion.key): a
                for a in Assessment.objects.filter(consultation=consultation).select_related("solution", "criterion")
            },
            classifications={
                k.solution.code: k
                for k in Classification.objects.filter(consultation=consultation).select_related("solution")
            },
            open_items={
                o.import_marker: o
                for o in OpenItem.objects.filter(consultation=consultation, import_marker__isnull=False).select_related(
                    "section"
                )
            },
            references={
                (r.group_order, r.number): r
                for r in Reference.objects.filter(consultation=consultation).prefetch_related("solutions")
            },
        )


@dataclass
class ImportPlan:
    """The parsed draft, the consultation's current state and the differences between them."""

    consultation: Consultation
    parsed: ParsedDraft
    existing: Existing
    created: dict[str, int] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    retired: dict[str, list[str]] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not any(self.created.values()) and not self.changes

    def preview(self) -> dict[str, Any]:
        """The JSON shown before the import is confirmed."""
        mapping = mapping_for(self.consultation)
        return {
            "title": self.parsed.title,
            "notice": self.parsed.notice,
            "counts": self.parsed.counts(),
            "created": dict(self.created),
            "changed": list(self.changes),
            "retired": {kind: list(keys) for kind, keys in self.retired.items()},
            "unchanged": self.unchanged,
            "disagreements": [
                {"cell": a.cell, "level": a.level, "stars": a.stars, "expected": describe_expected(a.level, mapping)}
                for a in self.parsed.assessments
                if disagrees(a.level, a.stars, mapping)
            ],
        }

    def change(self, kind: str, key: object, field_name: str, old: Any, new: Any) -> None:
        if old != new:
            self.changes.append({"kind": kind, "key": str(key), "field": field_name, "from": old, "to": new})


def plan_import(consultation: Consultation, parsed: ParsedDraft) -> ImportPlan:
    """Compare a parsed draft with the consultation; nothing is written."""
    existing = Existing.load(consultation)
    plan = ImportPlan(consultation=consultation, parsed=parsed, existing=existing)
    created = dict.fromkeys(KINDS, 0)

    for section in parsed.sections:
        current = existing.sections.get(section.number)
        if current is None:
            created["sections"] += 1
            continue
        plan.change("section", section.number, "title", current.title, section.title)
        plan.change(
            "section", section.number, "parent", current.parent.number if current.parent else None, section.parent
        )
        plan.change("section", section.number, "order", current.order, section.order)
        plan.change("section", section.number, "text", current.text, section.text)

    for footnote in parsed.footnotes:
        current = existing.footnotes.get(footnote.number)
        if current is None:
            created["footnotes"] += 1
            continue
        plan.change("footnote", footnote.number, "text", current.text, footnote.text)
        plan.change(
            "footnote",
            footnote.number,
            "section",
            current.section.number if current.section else None,
            footnote.section,
        )

    for group in parsed.solution_groups:
        current = existing.groups.get(group.number)
        if current is None:
            created["solution_groups"] += 1
        else:
            plan.change("solution_group", group.number, "name", current.name, group.name)

    for solution in parsed.solutions:
        current = existing.solutions.get(solution.code)
        if current is None:
            created["solutions"] += 1
            continue
        plan.change("solution", solution.code, "title", current.title, solution.title)
        plan.change("solution", solution.code, "group", current.group.number, solution.group)
        plan.change(
            "solution", solution.code, "section", current.section.number if current.section else None, solution.section
        )
        plan.change("solution", solution.code, "order", current.order, solution.order)
        plan.change("solution", solution.code, "retired", current.retired_at is not None, False)

    for criterion in parsed.criteria:
        current = existing.criteria.get(criterion.key)
        if current is None:
            created["criteria"] += 1
            continue
        plan.change("criterion", criterion.key, "name", current.name, criterion.name)
        plan.change("criterion", criterion.key, "question", current.question, criterion.question)
        plan.change("criterion", criterion.key, "order", current.order, criterion.order)
        plan.change("criterion", criterion.key, "retired", current.retired_at is not None, False)

    for assessment in parsed.assessments:
        current = existing.assessments.get((assessment.solution, assessment.criterion))
        # A cell row without a revision holds no rating yet: the import creates its first one.
        if current is None or not current.revision:
            created["assessments"] += 1
            continue
        plan.change("assessment", assessment.cell, "stars", current.stars, assessment.stars)
        plan.change("assessment", assessment.cell, "level", current.level, assessment.level)
        plan.change("assessment", assessment.cell, "rationale", current.rationale, assessment.rationale)

    for classification in parsed.classifications:
        current = existing.classifications.get(classification.solution)
        if current is None or not current.revision:
            created["classifications"] += 1
        else:
            plan.change("classification", classification.solution, "value", current.value, classification.value)

    for item in parsed.open_items:
        current = existing.open_items.get(item.marker)
        if current is None:
            created["open_items"] += 1
            continue
        # The prompt, status and resolution belong to the secretariat once the item exists.
        plan.change("open_item", item.marker, "place", current.place, item.place)
        plan.change(
            "open_item", item.marker, "section", current.section.number if current.section else None, item.section
        )

    for reference in parsed.references:
        key = f"{reference.group} {reference.number}"
        current = existing.references.get((reference.group_order, reference.number))
        if current is None:
            created["references"] += 1
            continue
        for name in ("group", "authors", "title", "year", "venue", "url"):
            plan.change("reference", key, name, getattr(current, name), getattr(reference, name))
        linked = sorted(s.code for s in current.solutions.all())
        plan.change("reference", key, "solutions", linked, sorted(reference.solutions))

    codes = {s.code for s in parsed.solutions}
    keys = {c.key for c in parsed.criteria}
    plan.retired = {
        "solutions": [c for c, s in existing.solutions.items() if c not in codes and s.retired_at is None],
        "criteria": [k for k, c in existing.criteria.items() if k not in keys and c.retired_at is None],
    }
    for code in plan.retired["solutions"]:
        plan.change("solution", code, "retired", False, True)
    for key in plan.retired["criteria"]:
        plan.change("criterion", key, "retired", False, True)
    plan.created = created
    return plan
