"""Turn what the draft reader collected into a ``ParsedDraft``, once the whole draft has been read.

Here the checks that need the whole draft are made: at least one solution,
each reference number once per reference group, and the overview table
read against the solutions and criteria found (``table.OverviewTable.read``).
Reference entries are split into their parts, and each reference group is
linked to the solution group of the same subject.
"""

from __future__ import annotations

from . import syntax
from .lines import quote
from .records import Cell, Criterion, Entry, Footnote, Group, Section, Solution
from .references import parse_reference
from .syntax import clean
from .table import OverviewTable
from .types import (
    DraftParseError,
    ParsedAssessment,
    ParsedCriterion,
    ParsedDraft,
    ParsedFootnote,
    ParsedOpenItem,
    ParsedReference,
    ParsedSection,
    ParsedSolution,
    ParsedSolutionGroup,
)


class DraftResultMixin:
    """The last step of the draft reader (``parser._DraftReader``): its records as immutable ``types``."""

    filename: str
    title: str
    notice: str
    sections: dict[str, Section]
    groups: dict[int, Group]
    solutions: dict[str, Solution]
    criteria: dict[str, Criterion]
    cells: dict[tuple[str, str], Cell]
    footnotes: dict[int, Footnote]
    table: OverviewTable
    open_items: list[ParsedOpenItem]
    references: list[Entry]

    def _result(self, end: int) -> ParsedDraft:
        if not self.solutions:
            raise DraftParseError(
                end, 'solution groups such as "0) Baseline solutions" with solutions "a. Title"', "none"
            )
        stars, classifications = self.table.read(
            solutions={s.code: clean(s.title) for s in self.solutions.values()},
            criteria=[(c.key, c.name) for c in self.criteria.values()],
            end=end,
        )
        criteria = sorted(self.criteria.values(), key=lambda c: (c.order, c.name))
        assessments = []
        for solution in self.solutions.values():
            for criterion in criteria:
                cell = self.cells[(solution.code, criterion.key)]
                assessments.append(
                    ParsedAssessment(
                        solution=solution.code,
                        criterion=criterion.key,
                        level=cell.level,
                        rationale=" ".join(part for part in cell.parts if part),
                        stars=stars[(solution.code, criterion.key)],
                        line=cell.line,
                    )
                )
        solutions_by_group: dict[str, list[str]] = {}
        for solution in self.solutions.values():
            name = self.groups[solution.group].name
            solutions_by_group.setdefault(syntax.group_key(name), []).append(solution.code)
        references = []
        seen: dict[tuple[int, int], int] = {}
        for entry in self.references:
            text = " ".join(entry.parts)
            if (entry.group_order, entry.number) in seen:
                raise DraftParseError(
                    entry.line,
                    f"each reference number once per group ({entry.group} {entry.number} "
                    f"is on line {seen[(entry.group_order, entry.number)]})",
                    quote(text),
                )
            seen[(entry.group_order, entry.number)] = entry.line
            parts = parse_reference(text)
            references.append(
                ParsedReference(
                    group=entry.group,
                    group_order=entry.group_order,
                    number=entry.number,
                    authors=parts.authors,
                    title=parts.title,
                    year=parts.year,
                    venue=parts.venue,
                    url=parts.url,
                    # A reference group informs the solution group of the same name; "General" informs none.
                    solutions=tuple(solutions_by_group.get(syntax.group_key(entry.group), ())),
                    line=entry.line,
                )
            )
        return ParsedDraft(
            filename=self.filename,
            title=self.title,
            notice=self.notice,
            sections=tuple(
                ParsedSection(s.number, clean(s.title), s.parent, s.order, s.text, s.line)
                for s in self.sections.values()
            ),
            footnotes=tuple(
                ParsedFootnote(f.number, "\n\n".join("\n".join(b.lines) for b in f.blocks), f.section, f.line)
                for f in sorted(self.footnotes.values(), key=lambda f: f.number)
            ),
            solution_groups=tuple(
                ParsedSolutionGroup(g.number, clean(g.name), g.section) for g in self.groups.values()
            ),
            solutions=tuple(
                ParsedSolution(s.code, s.group, clean(s.title), s.section, order, s.line)
                for order, s in enumerate(self.solutions.values(), start=1)
            ),
            criteria=tuple(ParsedCriterion(c.key, c.name, clean(c.question), c.order, c.line) for c in criteria),
            assessments=tuple(assessments),
            classifications=tuple(classifications[code] for code in self.solutions),
            open_items=tuple(self.open_items),
            references=tuple(references),
        )
