"""Read a draft paper, in the plain-text form of the reference draft or light Markdown, into a ``ParsedDraft``.

The reader walks the draft's paragraphs once, keeping track of where it is
(section, solution group, solution, assessment block, reference annex). It
either returns a complete ``ParsedDraft`` or raises ``DraftParseError`` naming
the line: nothing is ever half-read.

The layout it understands, as the reference draft shows it:

- a preamble (handling notice and title) repeated as a page header later on;
- top-level headings "1. INTRODUCTION" (or "# 1. Introduction"), unnumbered
  sub-headings ("Purpose"), solution groups "0) Baseline solutions" with
  solutions "a. Title", and "ANNEX 2: REFERENCES";
- the criteria as a numbered list "1. **Effectiveness**: question?" before
  the solutions;
- under each solution an "Assessment:" block giving, for every criterion, a
  level ("Medium-high: rationale");
- an overview table (tab-separated or Markdown) with stars per cell and an
  overall classification per solution;
- footnotes as paragraphs opening with a superscript number ("¹ ...").

A section's text is its own body text. Assessment blocks and the overview
table are left out of it: they become ratings, which change through
revisions, and a copy in the text would go stale.

Extraction from PDF splits paragraphs at page breaks: the rest of a sentence
shows up after the page's footnotes, starting in lowercase. Such a paragraph
is joined to the last paragraph left unfinished (a rationale, a footnote or
body text), which may be several pages back.
"""

from __future__ import annotations

from consultation.consistency import is_known_level, normalise_level

from . import syntax
from .lines import (
    Line,
    Paragraph,
    drop_repeated_runs,
    is_blank,
    is_unfinished,
    paragraphs,
    quote,
    split_lines,
    squash,
    strip_superscripts,
    superscript_number,
)
from .records import Assessment, Block, Cell, Criterion, Entry, Footnote, Group, Section, Solution
from .references import parse_reference
from .syntax import clean
from .table import OverviewTable, is_table_line
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

__all__ = ["DraftParseError", "ParsedDraft", "parse_draft"]


def parse_draft(text: str, filename: str = "") -> ParsedDraft:
    """Read the whole draft; raise ``DraftParseError`` (line, expected, found) at the first thing it cannot read."""
    return _DraftReader(text, filename).read()


# --- the reader --------------------------------------------------------------------------------------------


class _DraftReader:
    def __init__(self, text: str, filename: str):
        self.filename = filename
        self.lines = split_lines(text)
        self.title = ""
        self.notice = ""
        self.sections: dict[str, Section] = {}
        self.top: Section | None = None
        self.current: Section | None = None
        self.subheadings: dict[str, int] = {}
        self.solutions_section: str | None = None
        self.group: Group | None = None
        self.groups: dict[int, Group] = {}
        self.solution: Solution | None = None
        self.solutions: dict[str, Solution] = {}
        self.criteria: dict[str, Criterion] = {}
        self.assessment: Assessment | None = None
        self.cells: dict[tuple[str, str], Cell] = {}
        self.footnotes: dict[int, Footnote] = {}
        self.after_footnote: Footnote | None = None
        self.footnote_tail: list[Paragraph] = []
        self.blocks: list[Block] = []
        self.table = OverviewTable()
        self.open_items: list[ParsedOpenItem] = []
        self.in_references = False
        self.reference_group: tuple[str, int, str] | None = None  # (name, order, section)
        self.references: list[Entry] = []

    # --- entry point ---------------------------------------------------------------------------------------

    def read(self) -> ParsedDraft:
        found = paragraphs(drop_repeated_runs(self._without_preamble()))
        for index, paragraph in enumerate(found):
            following = found[index + 1] if index + 1 < len(found) else None
            self._paragraph(paragraph, following)
        self._flush_footnote_tail()
        end = self.lines[-1].number if self.lines else 1
        self._close_assessment(end, "the end of the draft")
        self._check_solution_assessed(end, "the end of the draft")
        return self._result(end)

    def _without_preamble(self) -> list[Line | None]:
        """Lines from the first top-level heading on; the notice and title before it are kept aside.

        Lines repeating the notice or title later on are page headers, not body text.
        """
        start = next((i for i, line in enumerate(self.lines) if syntax.top_heading(line.stripped)), None)
        if start is None:
            first = next((line for line in self.lines if not is_blank(line.text)), None)
            raise DraftParseError(
                first.number if first else 1,
                'a numbered heading such as "1. INTRODUCTION" or "# 1. Introduction"',
                quote(first.text) if first else "an empty draft",
            )
        preamble = paragraphs(self.lines[:start])
        header = set()
        notice = []
        for paragraph in preamble:
            text = " ".join(line.stripped for line in paragraph.lines)
            header.update(squash(line.text) for line in paragraph.lines)
            markdown = syntax.MARKDOWN_HEADING.match(paragraph.first)
            if not self.title and (markdown or (len(paragraph.lines) == 1 and is_unfinished(text))):
                self.title = clean(markdown.group("text") if markdown else text)
            else:
                notice.append(squash(text))
        self.notice = "\n\n".join(notice)
        return [None if squash(line.text) in header else line for line in self.lines[start:]]

    # --- dispatch ------------------------------------------------------------------------------------------

    def _paragraph(self, paragraph: Paragraph, following: Paragraph | None) -> None:
        if syntax.is_footnote(paragraph):
            self._attach_footnote_tail()
            self._footnote(paragraph)
            return
        if self._continuation(paragraph, following):
            return
        if self.after_footnote is not None and self._is_plain(paragraph):
            # Held back: it is more of the footnote if another footnote follows, else body text.
            self.footnote_tail.append(paragraph)
            return
        self._flush_footnote_tail()
        self._dispatch(paragraph)

    def _dispatch(self, paragraph: Paragraph) -> None:
        if self.assessment is not None and self._assessment_lines(paragraph, paragraph.lines):
            return
        if self._heading(paragraph):
            return
        self._body(paragraph)

    def _is_plain(self, paragraph: Paragraph) -> bool:
        first = paragraph.first
        text = clean(first)
        single = len(paragraph.lines) == 1
        return not (
            syntax.LIST_ITEM.match(first)
            or first.startswith("#")
            or is_table_line(first)
            or syntax.ASSESSMENT.match(text)
            or syntax.CRITERION_LINE.match(text)
            or syntax.OPEN_ITEM.search(first)
            or (single and (syntax.top_heading(first) or syntax.SUBHEADING.match(text)))
            or (single and (syntax.GROUP.match(text) or syntax.SOLUTION.match(text)))
        )

    # --- footnotes and continuations -----------------------------------------------------------------------

    def _footnote(self, paragraph: Paragraph) -> None:
        match = syntax.FOOTNOTE.match(paragraph.first)
        number = superscript_number(match.group("number")) if match else None
        if match is None:
            match = syntax.MARKDOWN_FOOTNOTE.match(paragraph.first)
            number = int(match.group("number"))
        if number in self.footnotes:
            raise DraftParseError(
                paragraph.number,
                f"each footnote once (footnote {number} is already defined on line {self.footnotes[number].line})",
                quote(paragraph.first),
            )
        block = Block([match.group("text"), *(line.text for line in paragraph.lines[1:])], "footnote")
        self.blocks.append(block)
        self.footnotes[number] = Footnote(
            number, self.current.number if self.current else None, paragraph.number, [block]
        )
        self.after_footnote = self.footnotes[number]

    def _attach_footnote_tail(self) -> None:
        if self.after_footnote is not None:
            for paragraph in self.footnote_tail:
                block = Block([line.text for line in paragraph.lines], "footnote")
                self.blocks.append(block)
                self.after_footnote.blocks.append(block)
        self.footnote_tail = []

    def _flush_footnote_tail(self) -> None:
        tail, self.footnote_tail, self.after_footnote = self.footnote_tail, [], None
        for paragraph in tail:
            self._dispatch(paragraph)

    def _continuation(self, paragraph: Paragraph, following: Paragraph | None) -> bool:
        """Join a paragraph cut by a page break to the paragraph it continues.

        Only a paragraph that starts in lowercase and stands among footnotes
        (just after one, or just before one) is taken for a continuation: that
        is where a page break leaves the rest of a sentence.
        """
        first = paragraph.first
        if not first[:1].islower() or syntax.LIST_ITEM.match(first):
            return False
        if self.after_footnote is None and not (following is not None and syntax.is_footnote(following)):
            return False
        target = next((block for block in reversed(self.blocks) if block.can_continue), None)
        if target is None:
            return False
        # The continuation ends where a list item or the next criterion starts without a blank line.
        cut = next(
            (
                i
                for i, line in enumerate(paragraph.lines)
                if i and (syntax.LIST_ITEM.match(line.stripped) or syntax.CRITERION_LINE.match(clean(line.text)))
            ),
            len(paragraph.lines),
        )
        target.extend([line.text for line in paragraph.lines[:cut]])
        if cut < len(paragraph.lines):
            self._paragraph(Paragraph(paragraph.lines[cut:]), following)
        return True

    # --- headings ------------------------------------------------------------------------------------------

    def _heading(self, paragraph: Paragraph) -> bool:
        if len(paragraph.lines) != 1:
            return False
        raw = paragraph.first
        markdown = syntax.MARKDOWN_HEADING.match(raw)
        text = clean(markdown.group("text") if markdown else raw).strip("*_ ")
        line = paragraph.number
        if top := syntax.top_heading(raw):
            self._open_top(top[0], top[1], line, raw)
            return True
        if self.top is None:
            return False
        if (match := syntax.GROUP.match(text)) and (markdown or syntax.looks_like_heading_title(match.group("title"))):
            if self.in_references:
                self._open_reference_group(int(match.group("number")), match.group("title"), line)
                return True
            if self.solutions_section in (None, self.top.number):
                self._open_group(int(match.group("number")), match.group("title"), line, raw)
                return True
        if (
            self.group is not None
            and (match := syntax.SOLUTION.match(text))
            and (markdown or syntax.looks_like_heading_title(match.group("title")))
        ):
            self._open_solution(match.group("letter"), match.group("title"), line, raw)
            return True
        if self.group is None and not self.in_references and (markdown or syntax.SUBHEADING.match(text)):
            count = self.subheadings.get(self.top.number, 0) + 1
            self.subheadings[self.top.number] = count
            self.current = self._add_section(f"{self.top.number}.{count}", text, self.top.number, line, raw)
            return True
        return False

    def _add_section(self, number: str, title: str, parent: str | None, line: int, raw: str) -> Section:
        if number in self.sections:
            raise DraftParseError(
                line,
                f"each section once (section {number} already begins on line {self.sections[number].line})",
                quote(raw),
            )
        section = Section(number, title, parent, len(self.sections) + 1, line)
        self.sections[number] = section
        return section

    def _open_top(self, number: str, title: str, line: int, raw: str) -> None:
        self._check_solution_assessed(line, quote(raw))
        self.table.close()
        self.top = self.current = self._add_section(number, title, None, line, raw)
        self.group = None
        self.solution = None
        self.in_references = number.startswith("A") and "reference" in title.lower()
        self.reference_group = None

    def _open_group(self, number: int, title: str, line: int, raw: str) -> None:
        self._check_solution_assessed(line, quote(raw))
        if number in self.groups:
            raise DraftParseError(line, f"each solution group once (group {number} is already used)", quote(raw))
        self.solutions_section = self.top.number
        section = self._add_section(f"{self.top.number}.{number}", title, self.top.number, line, raw)
        self.group = self.groups[number] = Group(number, syntax.group_name(title), section.number)
        self.current = section
        self.solution = None

    def _open_solution(self, letter: str, title: str, line: int, raw: str) -> None:
        self._check_solution_assessed(line, quote(raw))
        code = f"{self.group.number}{letter}"
        section = self._add_section(f"{self.group.section}.{letter}", title, self.group.section, line, raw)
        self.solution = self.solutions[code] = Solution(code, self.group.number, title, section.number, line, raw)
        self.current = section

    def _open_reference_group(self, number: int, title: str, line: int) -> None:
        section = self._add_section(f"{self.top.number}.{number}", title, self.top.number, line, title)
        self.reference_group = (syntax.group_name(title), number, section.number)
        self.current = section

    def _check_solution_assessed(self, line: int, found: str) -> None:
        solution = self.solution
        if solution is not None and solution.assessment_line is None:
            raise DraftParseError(
                line,
                f'"Assessment:" with a level for each criterion under solution {solution.code} '
                f"({quote(solution.heading)}, line {solution.line})",
                found,
            )

    # --- body text -----------------------------------------------------------------------------------------

    def _body(self, paragraph: Paragraph) -> None:
        if self.current is None:  # cannot happen: reading starts at a top-level heading
            raise DraftParseError(paragraph.number, "a section heading", quote(paragraph.first))
        first = paragraph.first
        block = Block([line.text for line in paragraph.lines], self._kind(first))
        if self.solution is not None and syntax.ASSESSMENT.match(clean(first)):
            self._open_assessment(paragraph)
            block.kind = "assessment"
            self._add_block(block, in_text=False)
            self._assessment_lines(paragraph, paragraph.lines[1:], block)
            return
        if block.kind == "table" and self.table.add(paragraph):
            self._add_block(block, in_text=False)
            return
        if self.in_references:
            self._reference_lines(paragraph)
        elif self.solutions_section is None and syntax.CRITERION_DEFINITION.match(syntax.with_bold(first)):
            self._criteria(paragraph)
        if block.kind != "table":
            self.table.close()
        for line in paragraph.lines:
            if syntax.OPEN_ITEM.search(line.text):
                self._open_item(line)
        self._add_block(block)

    def _kind(self, first: str) -> str:
        if is_table_line(first):
            return "table"
        if syntax.LIST_ITEM.match(first):
            return "list"
        if syntax.FIGURE.match(first):
            return "caption"
        return "prose"

    def _add_block(self, block: Block, *, in_text: bool = True) -> None:
        """Keep a paragraph for continuations and, unless it is held as data (ratings), in its section's text."""
        if in_text:
            self.current.blocks.append(block)
        self.blocks.append(block)

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

    def _open_item(self, line: Line) -> None:
        section = self.current
        lead_in = None
        for block in reversed(section.blocks):
            if block.kind in ("list", "table"):
                continue
            lead_in = clean(" ".join(block.lines)).strip("*_ ").rstrip(":")
            break
        if lead_in and len(lead_in) > 60:
            lead_in = lead_in[:59].rstrip() + "…"
        place = f'After "{lead_in}"' if lead_in else f"At the start of section {section.number}"
        about = f"{section.title} — {lead_in}" if lead_in else section.title
        self.open_items.append(
            ParsedOpenItem(
                marker=len(self.open_items) + 1,
                section=section.number,
                place=place,
                prompt=f"{about}: to be completed with the experts' input",
                line=line.number,
            )
        )

    # --- assessment blocks ---------------------------------------------------------------------------------

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

    # --- the reference annex -------------------------------------------------------------------------------

    def _reference_lines(self, paragraph: Paragraph) -> None:
        group = self.reference_group or ("References", 0, self.current.number)
        for line in paragraph.lines:
            match = syntax.REFERENCE.match(line.stripped)
            if match:
                self.references.append(
                    Entry(group[0], group[1], int(match.group("number")), [match.group("text")], line.number)
                )
            elif self.references:
                # An entry wrapped onto a further line.
                self.references[-1].parts.append(line.stripped)
            else:
                raise DraftParseError(
                    line.number, 'a numbered reference such as "1. Author, *Title*, 2020."', quote(line.text)
                )

    # --- the result ----------------------------------------------------------------------------------------

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
