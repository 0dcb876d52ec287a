"""What the parser collects while it walks a draft: mutable working records, turned into ``types`` at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

from .lines import is_unfinished


@dataclass
class Block:
    """A paragraph as it will appear in a section's text or a footnote; a continuation may extend it."""

    lines: list[str]
    kind: str  # prose, list, caption, table, assessment, footnote
    rationale: Cell | None = None  # set when the paragraph ends inside a rationale

    @property
    def can_continue(self) -> bool:
        eligible = self.kind in ("prose", "footnote") or self.rationale is not None
        return eligible and is_unfinished(self.lines[-1])

    def extend(self, lines: list[str]) -> None:
        self.lines[-1] = f"{self.lines[-1].rstrip()} {lines[0].strip()}"
        self.lines.extend(lines[1:])
        if self.rationale is not None:
            self.rationale.parts.extend(line.strip() for line in lines)


@dataclass
class Section:
    number: str
    title: str
    parent: str | None
    order: int
    line: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join("\n".join(block.lines) for block in self.blocks)


@dataclass
class Footnote:
    number: int
    section: str | None
    line: int
    blocks: list[Block]


@dataclass
class Group:
    number: int
    name: str
    section: str


@dataclass
class Solution:
    code: str
    group: int
    title: str
    section: str
    line: int
    heading: str
    assessment_line: int | None = None


@dataclass
class Criterion:
    key: str
    name: str
    question: str
    order: int
    line: int


@dataclass
class Cell:
    level: str
    parts: list[str]
    line: int


@dataclass
class Assessment:
    """An "Assessment:" block being read: the cells found so far and what comes next."""

    solution: Solution
    line: int
    cells: dict[str, Cell] = field(default_factory=dict)
    pending: tuple[str, str] | None = None  # (criterion key, the criterion line as written) awaiting its level
    current: Cell | None = None


@dataclass
class Entry:
    """A reference entry being read; ``parts`` grows when the entry wraps onto further lines."""

    group: str
    group_order: int
    number: int
    parts: list[str]
    line: int
