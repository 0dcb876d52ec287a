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

This module walks the paragraphs and reads the headings, body text and
reference annex. The footnotes and page-break continuations are read by
``footnotes.FootnoteReaderMixin``, the criteria and assessment blocks by
``assessments.AssessmentReaderMixin``, and ``result.DraftResultMixin`` turns
what was collected into the ``ParsedDraft``.
"""

from __future__ import annotations

from . import syntax
from .assessments import AssessmentReaderMixin
from .footnotes import FootnoteReaderMixin
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
)
from .records import Assessment, Block, Cell, Criterion, Entry, Footnote, Group, Section, Solution
from .result import DraftResultMixin
from .syntax import clean
from .table import OverviewTable, is_table_line
from .types import (
    DraftParseError,
    ParsedDraft,
    ParsedOpenItem,
)

__all__ = ["DraftParseError", "ParsedDraft", "parse_draft"]


def parse_draft(text: str, filename: str = "") -> ParsedDraft:
    """Read the whole draft; raise ``DraftParseError`` (line, expected, found) at the first thing it cannot read."""
    return _DraftReader(text, filename).read()


# --- the reader --------------------------------------------------------------------------------------------


class _DraftReader(FootnoteReaderMixin, AssessmentReaderMixin, DraftResultMixin):
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
