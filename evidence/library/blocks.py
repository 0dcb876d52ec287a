"""The shape every extractor produces: plain ``text`` plus ``blocks`` that point into it by offsets.

Blocks (JSON, stored on ``SourceVersion.blocks``)::

    {"type": "heading", "level": 1-6, "start", "end", "marks"?}
    {"type": "paragraph" | "quote" | "code", "start", "end", "marks"?, "cite"?}
    {"type": "list", "ordered": bool, "start", "end", "items": [{"start", "end", "level", "marks"?}]}
    {"type": "table", "start", "end", "header_rows": int, "rows": [[{"start", "end"}, ...], ...]}

``marks`` are inline spans ``{"type": "strong" | "em" | "quote", "start", "end"}`` (offsets into ``text``
too); a ``quote`` mark is a long quoted passage, such as a proposed wording of an article, and may carry a
``cite`` ("Article 10a"). Any block may carry ``page`` (PDF). Whatever lies between blocks in ``text`` is a
separator (blank lines), so the rendered leaves, read in order, are exactly ``text`` minus separators: this is
what lets a mouse selection on the page be mapped back to offsets into ``text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BLOCK_SEPARATOR = "\n\n"
# A quoted passage this long (between typographic quotes) is a quotation, not a quoted term ("iter criminis").
LONG_QUOTE = 60
_CITE = re.compile(r"\b(?:[Aa]rticle|[Rr]ecital|[Aa]nnex)\s+\d+[a-z]?(?:\(\d+\))*")
_QUOTED = re.compile(rf"“([^“”]{{{LONG_QUOTE},}})”|\"([^\"\n]{{{LONG_QUOTE},}})\"")


@dataclass
class Extracted:
    text: str = ""
    blocks: list[dict] = field(default_factory=list)


def strip_inline(raw: str) -> tuple[str, list[dict]]:
    """Remove paired Markdown-style emphasis markers (``**bold**``, ``*em*``) left in extracted text.

    Returns the clean string and the emphasis spans as marks with offsets relative to it. Unpaired
    asterisks (a footnote star, "5*") stay as they are.
    """
    marks: list[dict] = []
    out: list[str] = []
    pos = 0
    pattern = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", re.S)
    length = 0
    for match in pattern.finditer(raw):
        before = raw[pos : match.start()]
        out.append(before)
        length += len(before)
        inner, kind = (match.group(1), "strong") if match.group(1) is not None else (match.group(2), "em")
        inner_clean, inner_marks = strip_inline(inner)
        for mark in inner_marks:
            marks.append({**mark, "start": mark["start"] + length, "end": mark["end"] + length})
        marks.append({"type": kind, "start": length, "end": length + len(inner_clean)})
        out.append(inner_clean)
        length += len(inner_clean)
        pos = match.end()
    out.append(raw[pos:])
    return "".join(out), marks


def quote_marks(text: str, offset: int, context: str = "") -> list[dict]:
    """Long quoted passages in ``text`` (which starts at ``offset`` in the document) as ``quote`` marks.

    The mark covers what is between the quotation marks; ``cite`` names the article (or recital, annex)
    mentioned just before it, in ``text`` or in ``context`` (the enclosing list item, say).
    """
    marks = []
    for match in _QUOTED.finditer(text):
        group = 1 if match.group(1) is not None else 2
        mark = {"type": "quote", "start": offset + match.start(group), "end": offset + match.end(group)}
        cites = _CITE.findall(context + " " + text[: match.start()])
        if cites:
            mark["cite"] = cites[-1]
        marks.append(mark)
    return marks


class Builder:
    """Appends blocks to one growing text, handing out their offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[dict] = []

    def _separate(self) -> None:
        if self.length:
            self._append(BLOCK_SEPARATOR)

    def _append(self, piece: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start, self.length

    def run(self, raw: str, *, plain: bool = False, context: str = "") -> dict:
        """Append one run of inline text (a paragraph, an item, a cell) and return its span with marks."""
        if plain:
            clean, marks = raw, []
        else:
            clean, marks = strip_inline(raw)
        start, end = self._append(clean)
        span: dict = {"start": start, "end": end}
        marks = [{**m, "start": m["start"] + start, "end": m["end"] + start} for m in marks if m["end"] > m["start"]]
        marks += quote_marks(clean, start, context)
        if marks:
            span["marks"] = sorted(marks, key=lambda m: (m["start"], -m["end"]))
        return span

    def text_block(self, kind: str, raw: str, *, plain: bool = False, **extra) -> dict | None:
        if not raw.strip():
            return None
        self._separate()
        block = {"type": kind, **self.run(raw.strip(), plain=plain), **extra}
        self.blocks.append(block)
        return block

    def list_block(self, items: list[tuple[int, str]], *, ordered: bool, plain: bool = False, **extra) -> dict | None:
        """``items`` are (nesting level, raw text); items are separated by a newline in ``text``."""
        items = [(level, raw.strip()) for level, raw in items if raw.strip()]
        if not items:
            return None
        self._separate()
        start = self.length
        spans = []
        parents: dict[int, str] = {}
        for index, (level, raw) in enumerate(items):
            if index:
                self._append("\n")
            context = parents.get(level - 1, "")
            spans.append({**self.run(raw, plain=plain, context=context), "level": level})
            parents[level] = raw
        block = {"type": "list", "ordered": ordered, "start": start, "end": self.length, "items": spans, **extra}
        self.blocks.append(block)
        return block

    def table_block(self, rows: list[list[str]], *, header_rows: int = 0, **extra) -> dict | None:
        """Cells are separated by a tab and rows by a newline in ``text``; short rows are padded."""
        rows = [row for row in rows if any(cell.strip() for cell in row)]
        if not rows:
            return None
        width = max(len(row) for row in rows)
        self._separate()
        start = self.length
        spans = []
        for r, row in enumerate(rows):
            if r:
                self._append("\n")
            cells = []
            for c, cell in enumerate([*row, *[""] * (width - len(row))]):
                if c:
                    self._append("\t")
                span = self.run(cell.strip(), plain=True)
                cells.append(span)
            spans.append(cells)
        block = {
            "type": "table",
            "start": start,
            "end": self.length,
            "header_rows": min(header_rows, len(rows)),
            "rows": spans,
            **extra,
        }
        self.blocks.append(block)
        return block

    def result(self) -> Extracted:
        return Extracted(text="".join(self.parts), blocks=self.blocks)


def iter_quotes(extracted_blocks: list[dict]):
    """Every ``quote`` block and ``quote`` mark (in list items, paragraphs), in document order."""
    for block in extracted_blocks:
        if block["type"] == "quote":
            yield block
        spans = [block] + block.get("items", []) + [cell for row in block.get("rows", []) for cell in row]
        for span in spans:
            for mark in span.get("marks", []):
                if mark["type"] == "quote":
                    yield mark


def iter_leaves(blocks: list[dict]):
    """The innermost spans (headings, paragraphs, list items, table cells) in document order."""
    for block in blocks:
        if block["type"] == "list":
            yield from block["items"]
        elif block["type"] == "table":
            for row in block["rows"]:
                yield from row
        else:
            yield block
