"""One entry of a reference annex, split into authors, title, year, venue and link.

Entries follow loose bibliographic habits: the title is usually the
*italic* part, often wrapped in a Markdown link; authors come before it and
the publisher, event or institution and a date after it. Entries without
italics are split on commas: the author ("Surname, I." counts as one), then
the title, then the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAYS = r"\d{1,2}(?:\s*[-–]\s*\d{1,2})?"
_YEAR = r"(?:19|20)\d\d"
# Dates are removed from the venue: the year is kept separately and the day adds nothing to a citation.
_DATES = [
    re.compile(rf"\b\d{{1,2}}/\d{{1,2}}/{_YEAR}\b"),
    re.compile(rf"\b{_DAYS}\s+{_MONTH}(?:,?\s*{_YEAR})?(?![\w])"),
    re.compile(rf"\b{_MONTH}\s+{_DAYS},?\s*{_YEAR}\b"),
    re.compile(rf"\b{_MONTH}\s+{_YEAR}\b"),
    re.compile(rf"\(\s*{_YEAR}\s*\)"),
]
_YEAR_ANYWHERE = re.compile(rf"(?<!\d)({_YEAR})(?!\d)")
_LONE_YEAR = re.compile(rf"^{_YEAR}$")
_ITALIC_LINK = re.compile(r"\[\s*\*(?P<title>.+?)\*\s*\]\((?P<url>[^)\s]*)\)")
_ITALIC = re.compile(r"(?<![*\w])\*(?P<title>[^*]+?)\*(?![*\w])")
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]*)\)")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?\s*){1,4}$")
_EDGE = " ,;.:"


@dataclass(frozen=True)
class ReferenceParts:
    authors: str
    title: str
    year: int | None
    venue: str
    url: str


def _unescape(text: str) -> str:
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


def _clean_url(url: str) -> str:
    # "#" is the extraction's placeholder for a link whose target was lost.
    return url if url.startswith(("http://", "https://")) else ""


def _split_top_level(text: str) -> list[str]:
    """Split on commas and semicolons that are not inside parentheses."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char in ",;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts]


def _venue(text: str) -> str:
    for pattern in _DATES:
        text = pattern.sub("", text)
    chunks = []
    for chunk in _split_top_level(text):
        chunk = chunk.strip(_EDGE)
        if not chunk or _LONE_YEAR.match(chunk):
            continue
        if chunk.startswith("(") and chunk.endswith(")"):
            chunk = chunk[1:-1].strip()
        chunks.append(chunk)
    return ", ".join(chunks)


def _year(*texts: str) -> int | None:
    """The last plausible year of the first text that has one (the part after the title comes first)."""
    for text in texts:
        years = _YEAR_ANYWHERE.findall(text)
        if years:
            return int(years[-1])
    return None


def _split_without_italics(text: str) -> tuple[str, str, str]:
    parts = _split_top_level(text)
    authors = [parts.pop(0)] if parts else []
    if parts and _INITIALS.match(parts[0]):
        authors.append(parts.pop(0))
    title = parts.pop(0) if parts else ""
    return ", ".join(authors), title, ", ".join(parts)


def parse_reference(text: str) -> ReferenceParts:
    """Split the text of one entry (without its number) into its parts."""
    text = text.strip()
    url = ""
    match = _ITALIC_LINK.search(text) or _ITALIC.search(text)
    if match:
        before, title, after = text[: match.start()], match.group("title"), text[match.end() :]
        if "url" in match.groupdict():
            url = _clean_url(match.group("url"))
    else:
        link = _LINK.search(text)
        if link:
            url = _clean_url(link.group("url"))
            text = text[: link.start()] + link.group("text") + text[link.end() :]
        before, title, after = _split_without_italics(text)
    return ReferenceParts(
        authors=_unescape(before).strip(" ,;:"),
        title=_unescape(title).strip(" ,;"),
        year=_year(after, title, before),
        venue=_unescape(_venue(after)),
        url=url,
    )
