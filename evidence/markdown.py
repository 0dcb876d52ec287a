"""Markdown written by experts, rendered to HTML that can only format, never script or restyle the page."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# CommonMark with raw HTML off: "<script>" in the text stays text. Tables and strikethrough are common in input.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}, "ol": {"start"}}


def render_markdown(text: str) -> str:
    """Safe HTML of ``text``: links only to http(s) and mailto, opened without handing over the page."""
    html = _MARKDOWN.render(text or "")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
