"""Read the criteria of a draft and the assessment block under each solution.

The criteria come as a numbered list before the solutions
("1. **Effectiveness**: question?"). Under each solution an "Assessment:"
block gives, for every criterion, its name and a level with a rationale:

    Assessment:
    - Effectiveness:
      - Medium-high: rationale ...

A solution without an assessment block is an error, named at the line where
the next solution, group or top-level section begins (or at the end of the
draft); so is a block that leaves out a criterion, named at the paragraph
that follows it.
"""

from __future__ import annotations

from consultation.consistency import is_known_level, normalise_level

from . import syntax
from .lines import Line, Paragraph, quote, strip_superscripts
from .records import Assessment, Block, Cell, Criterion, Solution
from .syntax import clean
from .types import DraftParseError


class AssessmentReaderMixin:
    """The criteria and assessment part of the draft reader (``parser._DraftReader``).

    Relies on the reader's ``_add_block`` to keep an assessment paragraph out
    of its section's text while still letting a continuation extend it.
    """

    solution: Solution | None
    criteria: dict[str, Criterion]
    assessment: Assessment | None
    cells: dict[tuple[str, str], Cell]

    def _check_solution_assessed(self, line: int, found: str) -> None:
        solution = self.solution
        if solution is not None and solution.assessment_line is None:
            raise DraftParseError(
                line,
                f'"Assessment:" with a level for each criterion under solution {solution.code} '
                f"({quote(solution.heading)}, line {solution.line})",
                found,
            )

    def _criteria(self, paragraph: Paragraph) -> None:
        last = None
        for line in paragraph.lines:
            match = syntax.CRITERION_DEFINITION.match(syntax.with_bold(line.text))
            if match is None:
                if last is not None and not syntax.LIST_ITEM.match(line.stripped):
                    last.question = f"{last.question} {clean(line.text)}".strip()
                continue
            name = match.group("name").strip()
            key = syntax.slug(name)
            if key in self.criteria:
                raise DraftParseError(
                    line.number,
                    f"each criterion once ({name} is already listed on line {self.criteria[key].line})",
                    quote(line.text),
                )
            last = self.criteria[key] = Criterion(
                key, name, match.group("question").strip(), int(match.group("order")), line.number
            )

    def _open_assessment(self, paragraph: Paragraph) -> None:
        solution = self.solution
        if not self.criteria:
            raise DraftParseError(
                paragraph.number,
                'the criteria listed (e.g. "1. **Effectiveness**: question") before the first assessment',
                quote(paragraph.first),
            )
        if solution.assessment_line is not None:
            raise DraftParseError(
                paragraph.number,
                f"one assessment per solution ({solution.code} is already assessed on line {solution.assessment_line})",
                quote(paragraph.first),
            )
        solution.assessment_line = paragraph.number
        self.assessment = Assessment(solution, paragraph.number)

    def _criterion_key(self, text: str) -> tuple[bool, str | None]:
        """(looks like a criterion line, key of the known criterion it names or None)."""
        match = syntax.CRITERION_LINE.match(clean(text))
        if match is None:
            return False, None
        key = syntax.slug(match.group("name"))
        return True, key if key in self.criteria else None

    def _missing_criterion(self) -> Criterion | None:
        return next((c for c in self.criteria.values() if c.key not in self.assessment.cells), None)

    def _assessment_lines(self, paragraph: Paragraph, lines: list[Line], block: Block | None = None) -> bool:
        """Read lines of an assessment block; False when the paragraph is not part of it (the block then ends).

        ``block`` is the paragraph's text block when the paragraph opened with "Assessment:" itself.
        A criterion line is followed by its level line, in the same paragraph or the next; further
        lines of the paragraph carry on the rationale.
        """
        assessment = self.assessment
        for position, line in enumerate(lines):
            text = line.stripped
            starts_paragraph = position == 0 and block is None
            if assessment.pending is not None:
                self._level(line, assessment)
                continue
            shaped, key = self._criterion_key(text)
            if key is not None:
                if key in assessment.cells:
                    raise DraftParseError(
                        line.number,
                        f"each criterion once in the assessment of {assessment.solution.code} "
                        f"({self.criteria[key].name} is already assessed on line {assessment.cells[key].line})",
                        quote(text),
                    )
                assessment.pending = (key, text)
                assessment.current = None
                continue
            missing = self._missing_criterion()
            if starts_paragraph and missing is None:
                self.assessment = None
                return False
            if starts_paragraph or shaped or assessment.current is None:
                expected = missing or next(iter(self.criteria.values()))
                raise DraftParseError(
                    line.number,
                    f'"- {expected.name}:" in the assessment of solution {assessment.solution.code} '
                    f"(begun on line {assessment.line})",
                    quote(text),
                )
            assessment.current.parts.append(text)
        if block is None:
            block = Block([line.text for line in paragraph.lines], "assessment")
            self._add_block(block, in_text=False)
        block.rationale = assessment.current if assessment.pending is None else None
        return True

    def _level(self, line: Line, assessment: Assessment) -> None:
        key, criterion_line = assessment.pending
        match = syntax.LEVEL_LINE.match(strip_superscripts(line.stripped))
        level = normalise_level(syntax.SPACED_LEVEL.sub(r"Medium-\1", match.group("level"))) if match else ""
        if not match or not is_known_level(level):
            raise DraftParseError(
                line.number,
                f'a level such as "High:" or "Medium-low:" after {quote(criterion_line)}',
                quote(syntax.unbullet(line.stripped)),
            )
        rationale = match.group("rest").lstrip(":, ").strip()
        cell = Cell(level, [rationale] if rationale else [], line.number)
        assessment.cells[key] = cell
        self.cells[(assessment.solution.code, key)] = cell
        assessment.pending = None
        assessment.current = cell

    def _close_assessment(self, line: int, found: str) -> None:
        assessment = self.assessment
        if assessment is None:
            return
        if assessment.pending is not None:
            raise DraftParseError(
                line, f'a level such as "High:" or "Medium-low:" after {quote(assessment.pending[1])}', found
            )
        missing = self._missing_criterion()
        if missing is not None:
            raise DraftParseError(
                line,
                f'"- {missing.name}:" in the assessment of solution {assessment.solution.code} '
                f"(begun on line {assessment.line})",
                found,
            )
        self.assessment = None
