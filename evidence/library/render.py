"""Blocks to HTML for the source page: headings as headings, lists as (nested) lists, tables as tables.

Every leaf (a heading, paragraph, list item, table cell) carries ``data-start``/``data-end``, the offsets of
its text in the version's ``text``, and holds exactly that text (marks only wrap parts of it): the page's
script maps a mouse selection to offsets by counting characters from a leaf's start. Everything is escaped
here; nothing from the document reaches the page as markup.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_MARK_TAGS = {"strong": "strong", "em": "em", "quote": "q"}


def _inline(text: str, start: int, end: int, marks: list[dict], highlight: tuple[int, int] | None) -> str:
    """Escaped ``text[start:end]`` with properly nested marks (a mark crossing another is dropped)."""
    spans = [m for m in marks if start <= m["start"] < m["end"] <= end]
    if highlight and highlight[0] < end and highlight[1] > start:
        spans.append({"type": "highlight", "start": max(highlight[0], start), "end": min(highlight[1], end)})
    spans.sort(key=lambda m: (m["start"], -m["end"]))
    nested: list[dict] = []
    stack: list[dict] = []
    for mark in spans:
        while stack and stack[-1]["end"] <= mark["start"]:
            stack.pop()
        if stack and mark["end"] > stack[-1]["end"]:
            continue  # crosses its container: leave it out rather than produce broken markup
        nested.append(mark)
        stack.append(mark)
    return _render_range(text, start, end, nested)


def _open(mark: dict) -> str:
    if mark["type"] == "highlight":
        return '<mark class="excerpt-highlight">'
    if mark["type"] == "quote":
        cite = f' data-cite="{escape(mark["cite"])}"' if mark.get("cite") else ""
        return f'<q class="source-quote"{cite}>'
    return f"<{_MARK_TAGS[mark['type']]}>"


def _close(mark: dict) -> str:
    return "</mark>" if mark["type"] == "highlight" else f"</{_MARK_TAGS[mark['type']]}>"


def _render_range(text: str, start: int, end: int, marks: list[dict]) -> str:
    out: list[str] = []
    position = start
    index = 0
    while index < len(marks):
        mark = marks[index]
        out.append(escape(text[position : mark["start"]]))
        inner = []
        index += 1
        while index < len(marks) and marks[index]["start"] < mark["end"]:
            inner.append(marks[index])
            index += 1
        out.append(_open(mark) + _render_range(text, mark["start"], mark["end"], inner) + _close(mark))
        position = mark["end"]
    out.append(escape(text[position:end]))
    return "".join(out)


def _leaf(tag: str, text: str, span: dict, highlight, css: str = "") -> str:
    attrs = f' data-start="{span["start"]}" data-end="{span["end"]}"'
    if css:
        attrs += f' class="{css}"'
    inner = _inline(text, span["start"], span["end"], span.get("marks", []), highlight)
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _list(text: str, block: dict, highlight) -> str:
    tag = "ol" if block.get("ordered") else "ul"
    out = [f'<{tag} class="source-list">']
    depth = 0
    open_item = False
    for item in block["items"]:
        level = max(0, min(int(item.get("level", 0)), depth + 1 if open_item else 0))
        while depth < level:
            out.append(f'<{tag} class="source-list">')
            depth += 1
            open_item = False
        while depth > level:
            out.append(f"</li></{tag}>")
            depth -= 1
        if open_item:
            out.append("</li>")
        out.append("<li>" + _leaf("div", text, item, highlight, "source-leaf"))
        open_item = True
    if open_item:
        out.append("</li>")
    while depth > 0:
        out.append(f"</{tag}></li>")
        depth -= 1
    out.append(f"</{tag}>")
    return "".join(out)


def _table(text: str, block: dict, highlight) -> str:
    header_rows = int(block.get("header_rows", 0))
    out = ['<div class="table-responsive"><table class="table table-bordered table-sm source-table">']
    for index, row in enumerate(block["rows"]):
        if index == 0 and header_rows:
            out.append("<thead>")
        if index == header_rows:
            out.append("<tbody>")
        cell_tag = "th" if index < header_rows else "td"
        scope = ' scope="col"' if cell_tag == "th" else ""
        cells = "".join(
            f"<{cell_tag}{scope}>{_leaf('div', text, cell, highlight, 'source-leaf source-cell')}</{cell_tag}>"
            for cell in row
        )
        out.append(f"<tr>{cells}</tr>")
        if index == header_rows - 1:
            out.append("</thead>")
    if len(block["rows"]) > header_rows:
        out.append("</tbody>")
    out.append("</table></div>")
    return "".join(out)


def render_blocks(text: str, blocks: list[dict], *, highlight: tuple[int, int] | None = None) -> SafeString:
    """The HTML of a whole version (``highlight``: an excerpt's span, shown as ``<mark>``)."""
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "heading":
            # The page's own title is h1: the document's headings start one level below it.
            level = min(int(block.get("level", 2)) + 1, 6)
            out.append(_leaf(f"h{level}", text, block, highlight, "source-heading source-leaf"))
        elif kind == "list":
            out.append(_list(text, block, highlight))
        elif kind == "table":
            out.append(_table(text, block, highlight))
        elif kind == "quote":
            inner = _leaf("p", text, block, highlight, "source-leaf")
            out.append(f'<blockquote class="source-blockquote">{inner}</blockquote>')
        elif kind == "code":
            out.append(_leaf("pre", text, block, highlight, "source-leaf"))
        else:
            out.append(_leaf("p", text, block, highlight, "source-leaf source-paragraph"))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the document's text was escaped above


def render_plain(text: str, *, highlight: tuple[int, int] | None = None) -> SafeString:
    """A text without blocks (a submission's Markdown source): one leaf per paragraph, offsets into ``text``."""
    out: list[str] = []
    position = 0
    for chunk in text.split("\n\n"):
        start = position
        end = start + len(chunk)
        position = end + 2
        if chunk.strip():
            out.append(_leaf("p", text, {"start": start, "end": end}, highlight, "source-leaf source-paragraph"))
    return mark_safe("".join(out))  # noqa: S308 - escaped by _leaf
