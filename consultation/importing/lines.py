"""From raw draft text to paragraphs: page headers and repeated extraction blocks removed.

Drafts arrive as text extracted from a PDF or DOCX. Two artifacts of that
extraction are undone here, before any structure is read:

- the page header (the handling notice and the document title) printed again
  at the top of later pages;
- a run of lines that repeats a run already read, which happens when the
  extraction emits a page twice. A repeat is recognised by content only, so
  the same draft with a shifted layout is read the same way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_SUPERSCRIPTS = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")

# A repeated run shorter than this is ordinary prose that happens to recur
# (two solutions may share a one-line rationale), not an extraction artifact.
REPEAT_MIN_LINES = 4
REPEAT_MIN_CHARS = 200
# Bounds the work on pathological input (thousands of identical lines).
_REPEAT_MAX_CANDIDATES = 16

_TERMINAL = ".!?:;"
_TRAILING_DECORATION = "*_\"'”’ "


@dataclass(frozen=True)
class Line:
    number: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()


@dataclass(frozen=True)
class Paragraph:
    """Consecutive non-blank lines of the draft."""

    lines: list[Line]

    @property
    def number(self) -> int:
        return self.lines[0].number

    @property
    def first(self) -> str:
        return self.lines[0].stripped


def is_blank(text: str) -> bool:
    # Extraction leaves lines holding only a no-break space where a page or figure ended.
    return not text.replace("\xa0", " ").strip()


def strip_superscripts(text: str) -> str:
    return _SUPERSCRIPTS.sub("", text)


def superscript_number(text: str) -> int:
    return int(text.translate(_SUPERSCRIPT_TO_DIGIT))


def squash(text: str) -> str:
    """Whitespace collapsed, for comparing lines whatever their spacing."""
    return " ".join(text.replace("\xa0", " ").split())


def is_unfinished(text: str) -> bool:
    """Does the text stop mid-sentence (no terminal punctuation), as a paragraph cut by a page break does?"""
    end = strip_superscripts(text).rstrip(_TRAILING_DECORATION)
    return bool(end) and end[-1] not in _TERMINAL


def quote(text: str, limit: int = 70) -> str:
    text = squash(text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f'"{text}"'


def split_lines(text: str) -> list[Line]:
    text = text.removeprefix("\ufeff")
    return [Line(number, raw.rstrip()) for number, raw in enumerate(text.splitlines(), start=1)]


def drop_repeated_runs(lines: list[Line | None]) -> list[Line | None]:
    """Lines with repeated runs replaced by None (a paragraph break), keeping the first copy.

    A run at position j repeats one at i < j when the non-blank lines match one
    for one (whitespace aside) and the earlier copy ends before the later one
    starts.
    """
    content = [
        (index, squash(line.text)) for index, line in enumerate(lines) if line is not None and not is_blank(line.text)
    ]
    keys = [key for _, key in content]
    seen: dict[str, list[int]] = defaultdict(list)
    dropped: set[int] = set()
    j = 0
    while j < len(keys):
        best = 0
        for i in seen[keys[j]]:
            length = 0
            while j + length < len(keys) and i + length < j and keys[i + length] == keys[j + length]:
                length += 1
            best = max(best, length)
        if best >= REPEAT_MIN_LINES and sum(len(k) for k in keys[j : j + best]) >= REPEAT_MIN_CHARS:
            dropped.update(content[k][0] for k in range(j, j + best))
            j += best
            continue
        if len(seen[keys[j]]) < _REPEAT_MAX_CANDIDATES:
            seen[keys[j]].append(j)
        j += 1
    return [None if index in dropped else line for index, line in enumerate(lines)]


def paragraphs(lines: list[Line | None]) -> list[Paragraph]:
    """Group lines into paragraphs; blank lines and removed lines (None) separate them."""
    found: list[Paragraph] = []
    current: list[Line] = []
    for line in lines:
        if line is None or is_blank(line.text):
            if current:
                found.append(Paragraph(current))
                current = []
            continue
        current.append(line)
    if current:
        found.append(Paragraph(current))
    return found
