"""What the parser produces from a draft: plain frozen values, no database objects.

Keys between the values are the draft's own identifiers (section numbers such
as "3.1.b", solution codes such as "1b", criterion keys such as "privacy"), so
a ``ParsedDraft`` can be compared with what a consultation already holds
before anything is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


class DraftParseError(ValueError):
    """The draft could not be read: names the line, what was expected there and what was found.

    ``found`` is written as shown to the user, usually a quoted excerpt of the
    line (``'"Great stuff"'``) or a description (``"the end of the draft"``).
    """

    def __init__(self, line: int, expected: str, found: str):
        self.line = line
        self.expected = expected
        self.found = found
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"Line {self.line}: expected {self.expected}, found {self.found}."

    def __reduce__(self):
        return (self.__class__, (self.line, self.expected, self.found))


@dataclass(frozen=True)
class ParsedSection:
    number: str
    title: str
    parent: str | None
    order: int
    text: str
    line: int


@dataclass(frozen=True)
class ParsedFootnote:
    number: int
    text: str
    section: str | None
    line: int


@dataclass(frozen=True)
class ParsedSolutionGroup:
    number: int
    name: str
    section: str


@dataclass(frozen=True)
class ParsedSolution:
    code: str
    group: int
    title: str
    section: str
    order: int
    line: int


@dataclass(frozen=True)
class ParsedCriterion:
    key: str
    name: str
    question: str
    order: int
    line: int


@dataclass(frozen=True)
class ParsedAssessment:
    """One cell: the level and rationale from the text, the stars from the overview table (None is N/A)."""

    solution: str
    criterion: str
    level: str
    rationale: str
    stars: int | None
    line: int

    @property
    def cell(self) -> str:
        return f"{self.solution}/{self.criterion}"


@dataclass(frozen=True)
class ParsedClassification:
    solution: str
    value: str
    line: int


@dataclass(frozen=True)
class ParsedOpenItem:
    marker: int
    section: str
    place: str
    prompt: str
    line: int


@dataclass(frozen=True)
class ParsedReference:
    group: str
    group_order: int
    number: int
    authors: str
    title: str
    year: int | None
    venue: str
    url: str
    solutions: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class ParsedDraft:
    filename: str
    title: str
    notice: str
    sections: tuple[ParsedSection, ...]
    footnotes: tuple[ParsedFootnote, ...]
    solution_groups: tuple[ParsedSolutionGroup, ...]
    solutions: tuple[ParsedSolution, ...]
    criteria: tuple[ParsedCriterion, ...]
    assessments: tuple[ParsedAssessment, ...]
    classifications: tuple[ParsedClassification, ...]
    open_items: tuple[ParsedOpenItem, ...]
    references: tuple[ParsedReference, ...]

    def counts(self) -> dict:
        """How many of each thing the draft holds, as shown in a preview."""
        by_group: Counter[str] = Counter()
        group_order: dict[str, int] = {}
        for reference in self.references:
            by_group[reference.group] += 1
            group_order.setdefault(reference.group, reference.group_order)
        return {
            "sections": len(self.sections),
            "footnotes": len(self.footnotes),
            "solution_groups": len(self.solution_groups),
            "solutions": len(self.solutions),
            "criteria": len(self.criteria),
            "assessments": sum(1 for a in self.assessments if a.level),
            "ratings": len(self.assessments),
            "classifications": len(self.classifications),
            "open_items": len(self.open_items),
            "references": len(self.references),
            "references_by_group": {g: by_group[g] for g in sorted(by_group, key=group_order.__getitem__)},
        }
