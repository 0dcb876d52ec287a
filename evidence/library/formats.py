"""Markdown, PDF and DOCX to plain text with structure (see ``blocks`` for the shape).

- Markdown through markdown-it's token stream: headings, paragraphs, (nested) lists, block quotes,
  tables and code blocks as they are written; inline emphasis becomes marks, links keep their text.
- PDF through pypdf, page by page: the text of each page is read as plain text (``text.build_plain``), so
  only what stands out as a title by layout becomes a heading; every block records its page.
- DOCX through python-docx, in body order: "Heading N" / "Title" styles are headings, list styles and
  numbered paragraphs list items (with their level), "Quote" styles quotes, and real tables tables.
"""

from __future__ import annotations

import io

from markdown_it import MarkdownIt

from .blocks import Builder, Extracted
from .text import build_plain, heading_level

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _inline(token) -> tuple[str, list[dict]]:
    """Plain text of an inline token with strong/em marks (relative offsets)."""
    out: list[str] = []
    marks: list[dict] = []
    open_marks: list[tuple[str, int]] = []
    length = 0
    for child in token.children or []:
        kind = child.type
        piece = ""
        if kind in ("text", "code_inline", "html_inline"):
            piece = child.content if kind != "html_inline" else ""
        elif kind in ("softbreak", "hardbreak"):
            piece = "\n"
        elif kind == "image":
            piece = child.content or ""
        elif kind in ("strong_open", "em_open"):
            open_marks.append((kind[:-5], length))
        elif kind in ("strong_close", "em_close") and open_marks:
            name, start = open_marks.pop()
            if length > start:
                marks.append({"type": name, "start": start, "end": length})
        out.append(piece)
        length += len(piece)
    return "".join(out), marks


class _MarkdownBuilder(Builder):
    def inline_run(self, text: str, marks: list[dict], *, context: str = "") -> dict:
        span = self.run(text, plain=True, context=context)
        extra = [{**m, "start": m["start"] + span["start"], "end": m["end"] + span["start"]} for m in marks]
        if extra:
            span["marks"] = sorted(span.get("marks", []) + extra, key=lambda m: (m["start"], -m["end"]))
        return span

    def inline_block(self, kind: str, text: str, marks: list[dict], **extra) -> None:
        if not text.strip():
            return
        self._separate()
        self.blocks.append({"type": kind, **self.inline_run(text, marks), **extra})


def extract_markdown(source: str) -> Extracted:
    tokens = _MARKDOWN.parse(source)
    builder = _MarkdownBuilder()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            text, marks = _inline(tokens[index + 1])
            builder.inline_block("heading", text, marks, level=int(token.tag[1]))
            index += 3
        elif token.type == "paragraph_open":
            text, marks = _inline(tokens[index + 1])
            builder.inline_block("paragraph", text, marks)
            index += 3
        elif token.type in ("fence", "code_block"):
            builder.text_block("code", token.content.rstrip("\n"), plain=True)
            index += 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            index = _markdown_list(tokens, index, builder)
        elif token.type == "blockquote_open":
            index = _markdown_quote(tokens, index, builder)
        elif token.type == "table_open":
            index = _markdown_table(tokens, index, builder)
        else:
            index += 1
    return builder.result()


def _closing(tokens, index: int) -> int:
    """Index of the token that closes ``tokens[index]`` (same nesting level)."""
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1


def _markdown_list(tokens, index: int, builder: _MarkdownBuilder) -> int:
    end = _closing(tokens, index)
    ordered = tokens[index].type == "ordered_list_open"
    items: list[tuple[int, str, list[dict]]] = []
    depth = -1
    current: list | None = None
    for token in tokens[index : end + 1]:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "list_item_open":
            current = [depth, "", []]
            items.append(current)
        elif token.type == "inline" and current is not None:
            text, marks = _inline(token)
            joiner = "\n" if current[1] else ""
            shift = len(current[1]) + len(joiner)
            current[2].extend({**m, "start": m["start"] + shift, "end": m["end"] + shift} for m in marks)
            current[1] += joiner + text
        elif token.type in ("fence", "code_block") and current is not None:
            current[1] += ("\n" if current[1] else "") + token.content.rstrip("\n")
    items = [item for item in items if item[1].strip()]
    if items:
        builder._separate()
        start = builder.length
        spans = []
        for position, (level, text, marks) in enumerate(items):
            if position:
                builder._append("\n")
            spans.append({**builder.inline_run(text, marks), "level": level})
        builder.blocks.append(
            {"type": "list", "ordered": ordered, "start": start, "end": builder.length, "items": spans}
        )
    return end + 1


def _markdown_quote(tokens, index: int, builder: _MarkdownBuilder) -> int:
    end = _closing(tokens, index)
    parts: list[str] = []
    marks: list[dict] = []
    for token in tokens[index:end]:
        if token.type == "inline":
            text, inner = _inline(token)
            shift = sum(len(p) + 1 for p in parts)
            marks.extend({**m, "start": m["start"] + shift, "end": m["end"] + shift} for m in inner)
            parts.append(text)
    builder.inline_block("quote", "\n".join(parts), marks)
    return end + 1


def _markdown_table(tokens, index: int, builder: _MarkdownBuilder) -> int:
    end = _closing(tokens, index)
    rows: list[list[str]] = []
    header_rows = 0
    in_head = False
    for token in tokens[index:end]:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            rows.append([])
            header_rows += 1 if in_head else 0
        elif token.type == "inline" and rows:
            rows[-1].append(_inline(token)[0])
    builder.table_block(rows, header_rows=header_rows)
    return end + 1


def pdf_page_text(raw: str) -> str:
    """A page's text as pypdf gives it (no blank lines between paragraphs) with its titles set apart.

    A line counts as a title only when it reads as one (``text.heading_level``), the line before it ends a
    sentence (or there is none) and the line after it starts with a capital or a digit; a title is then
    surrounded by blank lines so that the plain-text reader sees it standing alone. Lines holding nothing
    but a bullet (pypdf emits list markers apart from their items) are dropped.
    """
    lines = [line.rstrip() for line in raw.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line.strip() not in {"•", "▪", "◦", "-", "–", "●"}]
    out: list[str] = []
    for index, line in enumerate(lines):
        before = lines[index - 1].strip() if index else ""
        after = lines[index + 1].strip() if index + 1 < len(lines) else ""
        titled = (
            heading_level(line)
            and (not before or before[-1] in ".:;!?")
            and (not after or after[0].isupper() or after[0].isdigit())
        )
        if titled:
            out.extend(["", line.strip(), ""])
        else:
            out.append(line)
    return "\n".join(out)


def extract_pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    builder = Builder()
    for number, page in enumerate(reader.pages, start=1):
        try:
            page_text = page.extract_text() or ""
        except Exception:
            page_text = ""
        build_plain(builder, pdf_page_text(page_text), page=number)
    return builder.result()


def _docx_list_info(paragraph) -> tuple[bool, bool, int]:
    """(is a list item, ordered, level) from the paragraph's numbering or its style's name."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    properties = paragraph._p.pPr
    numbered = properties is not None and properties.numPr is not None
    level = 0
    if numbered and properties.numPr.ilvl is not None:
        level = int(properties.numPr.ilvl.val or 0)
    if style.startswith("List"):
        digits = "".join(ch for ch in style if ch.isdigit())
        level = max(level, int(digits) - 1 if digits else 0)
        return True, "Number" in style, level
    return numbered, False, level


def extract_docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    builder = Builder()
    pending: dict | None = None

    def flush() -> None:
        nonlocal pending
        if pending:
            builder.list_block(pending["items"], ordered=pending["ordered"], plain=True)
        pending = None

    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            flush()
            table = Table(element, document)
            rows = []
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats: keep it once
                        continue
                    seen.add(id(cell._tc))
                    cells.append("\n".join(p.text for p in cell.paragraphs).strip())
                rows.append(cells)
            builder.table_block(rows, header_rows=1 if len(rows) > 1 else 0)
            continue
        if tag != "p":
            continue
        paragraph = Paragraph(element, document)
        text = paragraph.text
        if not text.strip():
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        is_item, ordered, level = _docx_list_info(paragraph)
        if is_item:
            if pending is None or pending["ordered"] != ordered:
                flush()
                pending = {"ordered": ordered, "items": []}
            pending["items"].append((level, text))
            continue
        flush()
        if style == "Title":
            builder.text_block("heading", text, plain=True, level=1)
        elif style.startswith("Heading"):
            digits = "".join(ch for ch in style if ch.isdigit())
            builder.text_block("heading", text, plain=True, level=min(int(digits or 1), 6))
        elif "Quote" in style:
            builder.text_block("quote", text, plain=True)
        else:
            builder.text_block("paragraph", text, plain=True)
    flush()
    return builder.result()
