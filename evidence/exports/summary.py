"""The parts of a summary export as plain dataclasses (``evidence.exports.content`` fills them).

Writers render them (PDF, DOCX); tables may reuse them. Times are aware datetimes,
shown in the site's time zone by ``when_text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from consultation.consensus import Figures, number


def stars_text(stars: int | None) -> str:
    return "N/A" if stars is None else f"{stars} ★"


def when_text(when: datetime | None) -> str:
    return timezone.localtime(when).strftime("%-d %b %Y, %H:%M") if when else ""


@dataclass
class CellContent:
    """One cell of the matrix as of the export, and what it was at ``compare_to`` when it changed since."""

    criterion_key: str
    criterion_name: str
    stars: int | None
    level: str
    rationale: str
    revision: int
    changed: bool = False
    before_stars: int | None = None
    before_level: str = ""
    direction: str = ""

    @property
    def stars_text(self) -> str:
        return stars_text(self.stars)

    @property
    def change_text(self) -> str:
        """ "was 3 ★ Medium (up)" for a changed cell, "" otherwise."""
        if not self.changed:
            return ""
        if self.direction == "newly rated":
            return "newly rated"
        return f"was {stars_text(self.before_stars)} {self.before_level}".strip() + f" ({self.direction})"


@dataclass
class MatrixRow:
    code: str
    title: str
    group: str
    cells: list[CellContent | None]
    classification: str
    classification_changed: bool = False
    classification_before: str = ""


@dataclass
class RevisionEntry:
    """One revision of a cell (``criterion``) or of the classification (``criterion`` empty)."""

    criterion: str
    number: int
    at: datetime
    by: str
    value: str
    reason: str
    source: str
    round_number: int | None
    evidence: list[str]

    @property
    def at_text(self) -> str:
        return when_text(self.at)


@dataclass
class InputEntry:
    """A piece of input as the export names it, with the secretariat's triage."""

    id: int
    title: str
    author: str
    submitted_at: datetime | None
    status: str
    response: str
    withdrawn: bool
    solutions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def submitted_text(self) -> str:
        return when_text(self.submitted_at)


@dataclass
class Chart:
    criterion: str
    svg: str
    points: list[tuple[str, str]]  # (when, stars) for writers that cannot draw SVG


@dataclass
class SolutionContent:
    code: str
    title: str
    group: str
    section: str
    classification: str
    cells: list[CellContent]
    revisions: list[RevisionEntry]
    inputs: list[InputEntry]
    charts: list[Chart]


@dataclass
class OpenItemContent:
    id: int
    prompt: str
    section: str
    place: str
    status: str
    resolution: str
    inputs: list[str]


@dataclass
class RoundCellContent:
    code: str
    criterion: str
    figures: Figures

    @property
    def median_text(self) -> str:
        return number(self.figures.median)

    @property
    def iqr_text(self) -> str:
        return number(self.figures.iqr)

    @property
    def within_one_text(self) -> str:
        share = self.figures.share_within_one
        return "–" if share is None else f"{number(share)}%"

    @property
    def distribution_text(self) -> str:
        return " ".join(f"{s}★:{self.figures.distribution.get(s, 0)}" for s in range(1, 6))


@dataclass
class RoundContent:
    number: int
    title: str
    status: str
    opens_at: datetime
    closes_at: datetime
    rule: str
    cells: list[RoundCellContent]


@dataclass
class ReferenceGroupContent:
    name: str
    entries: list[dict]


@dataclass
class Summary:
    """Everything a summary shows, in reading order."""

    reference: str
    title: str
    marking: str
    as_of: datetime
    point_label: str  # "version v2" or "state of 22 Nov 2026, 10:15"
    compare_label: str
    recipient: str
    made_at: datetime
    watermark: str
    pseudonymised: bool
    with_notes: bool
    criteria: list[tuple[str, str]]  # (key, name)
    matrix: list[MatrixRow]
    changed_cells: int
    solutions: list[SolutionContent]
    open_items: list[OpenItemContent]
    rounds: list[RoundContent]
    references: list[ReferenceGroupContent]
    submissions: list[InputEntry]

    @property
    def cell_count(self) -> int:
        return sum(1 for row in self.matrix for cell in row.cells if cell is not None)
