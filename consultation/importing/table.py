"""The overview table: stars per cell and an overall classification per solution.

The table comes tab-separated (as extracted from the reference draft) or as a
Markdown table. Rows whose "Type" cell is empty belong to the group of the row
above, and rows are matched to solutions by group and letter, since the table
often shortens the solutions' titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from consultation.models.ratings import ClassificationChoice

from .lines import Paragraph, quote
from .syntax import clean
from .types import DraftParseError, ParsedClassification

_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
_NOT_APPLICABLE = re.compile(r"^(?:n/?a|not applicable|[-–—])$", re.IGNORECASE)
_STAR, _EMPTY_STAR = "★", "☆"
_OVERALL_COLUMNS = ("overall", "classification", "overall classification")
_CLASSIFICATIONS = {
    **{choice.label.lower(): choice.value for choice in ClassificationChoice},
    **{choice.value: choice.value for choice in ClassificationChoice},
    "top three": ClassificationChoice.TOP_3,
    "discarded": ClassificationChoice.DISCARD,
    "to be discarded": ClassificationChoice.DISCARD,
    "not applicable": ClassificationChoice.NOT_APPLICABLE,
    "n.a.": ClassificationChoice.NOT_APPLICABLE,
}

Stars = dict[tuple[str, str], int | None]


def is_table_line(text: str) -> bool:
    return "\t" in text or text.lstrip().startswith("|")


@dataclass(frozen=True)
class _Row:
    line: int
    cells: list[str]


@dataclass
class OverviewTable:
    """Collects the rows of the first table with a "Solution" column, then reads them against the solutions."""

    header: _Row | None = None
    rows: list[_Row] = field(default_factory=list)
    closed: bool = False

    def add(self, paragraph: Paragraph) -> bool:
        """Take the paragraph's rows if it belongs to the overview table; False when it is another table."""
        if self.closed:
            return False
        for line in paragraph.lines:
            if not line.stripped or _SEPARATOR.match(line.stripped):
                continue
            row = _Row(line.number, _cells(line.text))
            if self.header is None:
                if any(clean(cell).lower() == "solution" for cell in row.cells):
                    self.header = row
                continue
            self.rows.append(row)
        return self.header is not None

    def close(self) -> None:
        """The table ends at the first paragraph that is not part of it."""
        if self.header is not None:
            self.closed = True

    def read(
        self, *, solutions: dict[str, str], criteria: list[tuple[str, str]], end: int
    ) -> tuple[Stars, dict[str, ParsedClassification]]:
        """Stars per (solution code, criterion key) and the classification per solution code.

        ``solutions`` maps codes to titles, ``criteria`` lists (key, name) pairs.
        """
        header = self.header
        if header is None:
            raise DraftParseError(
                end,
                'an overview table with a "Solution" column, one column per criterion and an "Overall" column',
                "the end of the draft",
            )
        names = [clean(cell).lower() for cell in header.cells]
        columns = {name: index for index, name in enumerate(names)}
        shown = ", ".join(quote(cell) for cell in header.cells)
        for _key, name in criteria:
            if name.lower() not in columns:
                raise DraftParseError(header.line, f'a column "{name}" in the overview table', f"the columns {shown}")
        overall = next((columns[name] for name in _OVERALL_COLUMNS if name in columns), None)
        if overall is None:
            raise DraftParseError(header.line, 'an "Overall" column in the overview table', f"the columns {shown}")
        stars: Stars = {}
        classifications: dict[str, ParsedClassification] = {}
        seen: dict[str, int] = {}
        group = None
        for row in self.rows:
            if len(row.cells) < len(names):
                raise DraftParseError(
                    row.line,
                    f"{len(names)} columns ({', '.join(header.cells)}) in the overview table",
                    f"{len(row.cells)} columns",
                )
            type_cell = clean(row.cells[columns["type"]]) if "type" in columns else ""
            if type_cell:
                match = re.match(r"^(\d{1,2})\)?", type_cell)
                if match is None:
                    raise DraftParseError(row.line, 'a solution group such as "1) Device related"', quote(type_cell))
                group = int(match.group(1))
            solution_cell = clean(row.cells[columns["solution"]])
            code = _code(solution_cell, group)
            if code not in solutions:
                raise DraftParseError(
                    row.line,
                    f"a row for one of the solutions described in the draft ({', '.join(solutions)})",
                    quote(f"{type_cell} {solution_cell}".strip()),
                )
            if code in seen:
                raise DraftParseError(
                    row.line,
                    f"one row per solution ({code} already has the row on line {seen[code]})",
                    quote(solution_cell),
                )
            seen[code] = row.line
            for key, name in criteria:
                stars[(code, key)] = _stars(row, columns[name.lower()], f"{code} in the {name} column")
            cell = row.cells[overall]
            value = _CLASSIFICATIONS.get(clean(cell).lower().rstrip("."))
            if value is None:
                raise DraftParseError(
                    row.line,
                    f'an overall classification for {code} ("Top 3", "Needs research", "Discard" or "N/A")',
                    quote(cell) if cell.strip() else "an empty cell",
                )
            classifications[code] = ParsedClassification(code, str(value), row.line)
        for code, title in solutions.items():
            if code not in seen:
                raise DraftParseError(
                    header.line, f'a row for solution {code} ("{title}") in the overview table', "no such row"
                )
        return stars, classifications


def _cells(text: str) -> list[str]:
    if text.lstrip().startswith("|"):
        return [cell.strip() for cell in text.strip().strip("|").split("|")]
    return [cell.strip() for cell in text.split("\t")]


def _code(cell: str, group: int | None) -> str:
    if match := re.match(r"^(\d{1,2})([a-z])\b", cell):
        return match.group(1) + match.group(2)
    if (match := re.match(r"^([a-z])[.)]\s", cell + " ")) and group is not None:
        return f"{group}{match.group(1)}"
    return cell


def _stars(row: _Row, column: int, where: str) -> int | None:
    cell = row.cells[column].strip()
    if _NOT_APPLICABLE.match(cell):
        return None
    count = cell.count(_STAR)
    leftover = cell.replace(_STAR, "").replace(_EMPTY_STAR, "").strip()
    if leftover or not 1 <= count <= 5:
        if not cell:
            found = "an empty cell"
        elif leftover:
            found = quote(cell)
        else:
            found = f"{count} stars" if count else "no stars"
        raise DraftParseError(row.line, f'1 to 5 stars or "N/A" for {where}', found)
    return count
