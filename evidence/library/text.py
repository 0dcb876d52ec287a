"""Structure found in plain text: headings, lists, quoted passages and tables laid out as text.

Plain text carries its structure in layout only. What is recognised, conservatively (when in doubt a
line stays a paragraph, which still reads correctly):

- a heading is a line standing alone (blank lines around it) that reads as a title: a numbered title
  ("1. Known ...", "2.3 Scope"), an "Annex"/"Appendix" line, a bullet whose whole text is bold
  ("▪ **New scope**"), or a short line of at least two words that starts with a capital, ends without
  sentence punctuation and is mostly letters (so "Brussels, 8 May 2024" or "WK 1234/2024 INIT" are not);
- list items start with a bullet (-, *, •, ▪, ◦, –) or a number/letter and a dot or parenthesis;
  indentation gives the nesting, and lists separated only by blank lines are one list;
- a table is a run of at least two lines whose cells are separated by tabs (the way text exported from a
  word processor or a spreadsheet keeps them) in a consistent number of columns, or a run of ``| a | b |``
  lines. Cells that still hold HTML (``<p>``, ``<ul>``, ``<br>``) are turned back into lines of text;
- long passages between quotation marks become quote marks (see ``blocks.quote_marks``).
"""

from __future__ import annotations

import html
import re

from .blocks import Builder, Extracted, strip_inline

_BULLET = r"[-*•▪◦–■●]"
_LIST_ITEM = re.compile(
    rf"^(?P<indent>[ \t]*)(?:(?P<bullet>{_BULLET})|(?P<number>\d{{1,3}}|[a-zA-Z])[.)])\s+(?P<text>\S.*)$"
)
_NUMBERED_TITLE = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+\S")
_ANNEX = re.compile(r"^(?:Annex|Appendix|Chapter|Part|Section)\b", re.I)
_DATE = re.compile(r"\b\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_TITLE_MAX_WORDS = 14
_TITLE_MAX_CHARS = 120


def _letters_share(line: str) -> float:
    visible = [ch for ch in line if not ch.isspace()]
    return sum(ch.isalpha() for ch in visible) / max(len(visible), 1)


def heading_level(line: str) -> int | None:
    """The heading level of a line that stands alone, or None when it is not a title."""
    stripped = line.strip()
    if not stripped or len(stripped) > _TITLE_MAX_CHARS + 10:
        return None
    bullet = re.match(rf"^{_BULLET}\s+(.*)$", stripped)
    if bullet:
        inner = bullet.group(1).strip()
        clean, marks = strip_inline(inner)
        whole_bold = any(m["type"] == "strong" and m["start"] == 0 and m["end"] == len(clean) for m in marks)
        return 3 if whole_bold and len(clean.split()) <= _TITLE_MAX_WORDS else None
    clean, _ = strip_inline(stripped)
    words = clean.split()
    if len(words) > _TITLE_MAX_WORDS or len(clean) > _TITLE_MAX_CHARS or clean[-1] in ".,;:!?":
        return None
    if not (clean[0].isupper() or clean[0].isdigit()):
        return None
    if _NUMBERED_TITLE.match(clean) or _ANNEX.match(clean):
        return 2 if len(words) >= 2 else None
    if len(words) < 2 or _DATE.search(clean) or _letters_share(clean) < 0.7:
        return None
    return 1 if clean.isupper() else 2


def _heading_text(line: str) -> str:
    stripped = line.strip()
    bullet = re.match(rf"^{_BULLET}\s+(.*)$", stripped)
    return bullet.group(1).strip() if bullet else stripped


def clean_cell(raw: str) -> str:
    """A table cell as readable text: HTML left in it (``<p>``, ``<br>``, a ``<ul>`` written inline with
    " - " between its items) becomes lines; entities are decoded; runs of spaces collapse."""
    cell = raw.strip()
    if not re.search(r"<[a-zA-Z/][^>]*>", cell):
        return re.sub(r"[ \t]+", " ", html.unescape(cell))
    cell = re.sub(r"<br\s*/?>|</p>|</li>|</div>", "\n", cell, flags=re.I)
    lists = re.split(r"<[ou]l\b[^>]*>", cell, flags=re.I)
    pieces = [lists[0]]
    for inside in lists[1:]:
        # Items written inline (" - a - b") or as <li>: each on a line of its own.
        inside = re.sub(r"<li\b[^>]*>", "\n- ", inside, flags=re.I)
        inside = re.sub(r"(?:^|\s)-\s+(?=\S)", "\n- ", inside)
        pieces.append(inside)
    cell = "\n".join(pieces)
    cell = re.sub(r"<[^>]+>", "", cell)
    cell = html.unescape(cell)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in cell.split("\n")]
    return "\n".join(line for line in lines if line)


def _tab_table(lines: list[str]) -> list[list[str]] | None:
    rows = [line.split("\t") for line in lines]
    width = max(len(row) for row in rows)
    if width < 2 or len(rows) < 2:
        return None
    # Trailing tabs are often dropped: a row may be shorter, never longer, and most rows are full.
    full = sum(len(row) == width for row in rows)
    if full * 2 < len(rows):
        return None
    return [[clean_cell(cell) for cell in row] for row in rows]


def _pipe_table(lines: list[str]) -> tuple[list[list[str]], int] | None:
    rows, header_rows = [], 0
    for index, line in enumerate(lines):
        if _PIPE_SEPARATOR.match(line):
            if index == 1:
                header_rows = 1
            continue
        cells = line.strip().strip("|").split("|")
        rows.append([clean_cell(cell) for cell in cells])
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return None
    return rows, header_rows


def _header_rows(rows: list[list[str]]) -> int:
    """One header row when the first row is a row of short labels over a longer table."""
    first = rows[0]
    if len(rows) > 2 and all(cell.strip() for cell in first) and all(len(cell) <= 80 for cell in first):
        return 1
    return 0


def _segments(group: list[str]):
    """Split a group of lines (no blank line inside) into tables, list runs and paragraph runs."""
    index = 0
    while index < len(group):
        line = group[index]
        if "\t" in line.strip("\n") and line.strip():
            end = index
            while end < len(group) and "\t" in group[end]:
                end += 1
            rows = _tab_table(group[index:end]) if end - index >= 2 else None
            if rows:
                yield "table", rows, _header_rows(rows)
                index = end
                continue
        if line.lstrip().startswith("|") and line.rstrip().endswith("|"):
            end = index
            while end < len(group) and group[end].lstrip().startswith("|"):
                end += 1
            parsed = _pipe_table(group[index:end])
            if parsed:
                yield "table", parsed[0], parsed[1]
                index = end
                continue
        if _LIST_ITEM.match(line):
            items = []
            while index < len(group):
                match = _LIST_ITEM.match(group[index])
                if match:
                    items.append([match.group("indent").expandtabs(4), bool(match.group("number")), match["text"]])
                elif group[index].startswith((" ", "\t")) and items:
                    items[-1][2] += "\n" + group[index].strip()  # an indented continuation line
                else:
                    break
                index += 1
            yield "list", items, 0
            continue
        end = index + 1
        while end < len(group) and not _LIST_ITEM.match(group[end]) and "\t" not in group[end]:
            end += 1
        yield "paragraph", group[index:end], 0
        index = end


def _levels(items: list[list]) -> list[tuple[int, str]]:
    """Nesting levels from indentation: each deeper indentation opens a level, a shallower one closes."""
    stack: list[int] = []
    result = []
    for indent, _numbered, text in items:
        width = len(indent)
        while stack and width < stack[-1]:
            stack.pop()
        if not stack or width > stack[-1]:
            stack.append(width)
        result.append((len(stack) - 1, text))
    return result


def parse_groups(text: str) -> list[list[str]]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").replace("\u00a0", " ")
    groups: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            groups[-1].append(line.rstrip(" "))
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def build_plain(builder: Builder, text: str, **extra) -> None:
    """Append the structure of ``text`` to ``builder`` (``extra`` goes on every block, e.g. its page)."""
    pending_list: dict | None = None  # lists separated only by blank lines are merged into one
    for group in parse_groups(text):
        if len(group) == 1 and "\t" not in group[0] and heading_level(group[0]):
            pending_list = _flush(builder, pending_list, extra)
            builder.text_block("heading", _heading_text(group[0]), level=heading_level(group[0]), **extra)
            continue
        for kind, content, header_rows in _segments(group):
            if kind == "list":
                ordered = content[0][1]
                if pending_list is not None and pending_list["ordered"] == ordered:
                    pending_list["items"].extend(content)
                else:
                    pending_list = _flush(builder, pending_list, extra)
                    pending_list = {"ordered": ordered, "items": list(content)}
                continue
            pending_list = _flush(builder, pending_list, extra)
            if kind == "table":
                builder.table_block(content, header_rows=header_rows, **extra)
            else:
                builder.text_block("paragraph", "\n".join(line.strip() for line in content), **extra)
    _flush(builder, pending_list, extra)


def _flush(builder: Builder, pending: dict | None, extra: dict) -> None:
    if pending is not None:
        builder.list_block(_levels(pending["items"]), ordered=pending["ordered"], **extra)
    return None


def extract_text(text: str) -> Extracted:
    builder = Builder()
    build_plain(builder, text)
    return builder.result()
