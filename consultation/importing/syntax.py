"""What the lines of a draft look like: headings, footnotes, criteria, levels, list items.

Patterns are tried on text with superscript footnote markers removed (see
``clean``), except where bold markers carry meaning (a criterion's name in
"1. **Effectiveness**: question").
"""

from __future__ import annotations

import re

from .lines import SUPERSCRIPT_DIGITS, Paragraph, is_unfinished, squash, strip_superscripts

MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*$")
TOP = re.compile(r"^(?P<number>\d{1,2})\.\s+(?P<title>\S.*)$")
ANNEX = re.compile(r"^annex\s+(?P<number>[0-9A-Za-z]{1,3})\s*[:.\-–]\s*(?P<title>\S.*)$", re.IGNORECASE)
GROUP = re.compile(r"^(?P<number>\d{1,2})\)\s+(?P<title>\S.*)$")
SOLUTION = re.compile(r"^(?P<letter>[a-z])\.\s+(?P<title>\S.*)$")
# An unnumbered sub-heading ("Purpose", "Scope") is a short capitalised line without punctuation.
SUBHEADING = re.compile(r"^[A-Z][A-Za-z'’-]*(?: [A-Za-z'’-]+){0,3}$")
FOOTNOTE = re.compile(rf"^(?P<number>[{SUPERSCRIPT_DIGITS}]+)\s*(?P<text>\S.*)$")
MARKDOWN_FOOTNOTE = re.compile(r"^\[\^(?P<number>\d+)\]:\s*(?P<text>\S.*)$")
LIST_ITEM = re.compile(r"^(?:[-*•➤►▶▪–]\s|\d{1,2}[.)]\s|[a-z][.)]\s|\([a-z0-9]\)\s)")
BULLET = re.compile(r"^[-*•➤►▶▪–]\s*")
ASSESSMENT = re.compile(r"^[*_]*assessment[*_]*\s*:?[*_]*\s*:?$", re.IGNORECASE)
CRITERION_DEFINITION = re.compile(
    r"^(?P<order>\d{1,2})\.\s+\*\*(?P<name>[A-Za-z][A-Za-z -]{1,40}?)\s*:?\s*\*\*\s*:?\s*(?P<question>.*)$"
)
CRITERION_LINE = re.compile(r"^(?:[-*•➤►▶▪–]\s*)?[*_]*(?P<name>[A-Za-z][A-Za-z -]{1,40}?)[*_]*\s*:\s*[*_]*$")
_LEVEL_WORD = r"(?:medium[- ]high|medium[- ]low|medium|high|low|none|not applicable|n/a)"
# A level opens the line and is followed by ":", ",", "(", "." or nothing: "None, as ...", "Not applicable (...)".
LEVEL_LINE = re.compile(
    rf"^(?:[-*•▪–]\s*)?(?P<level>{_LEVEL_WORD}(?:\s*/\s*{_LEVEL_WORD})*)(?=\s*(?:[:,.(]|$))\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
SPACED_LEVEL = re.compile(r"medium\s+(high|low)", re.IGNORECASE)
OPEN_ITEM = re.compile(r"to be (?:further )?completed with (?:the )?experts?['’]? input", re.IGNORECASE)
FIGURE = re.compile(r"^(?:figure|fig\.|table)\s+\d+", re.IGNORECASE)
REFERENCE = re.compile(r"^(?P<number>\d{1,3})\.\s+(?P<text>\S.*)$")
GROUP_SUFFIX = re.compile(r"\s+solutions?$", re.IGNORECASE)


def clean(text: str) -> str:
    """Superscript footnote markers and bold markers removed, whitespace collapsed."""
    return squash(strip_superscripts(text).replace("**", ""))


def with_bold(text: str) -> str:
    """Superscripts removed and whitespace collapsed, bold markers kept (they delimit a criterion's name)."""
    return squash(strip_superscripts(text))


def sentence_case(title: str) -> str:
    """ "PROBLEM DEFINITION" -> "Problem definition"; a title in mixed case keeps its case after the first letter."""
    if not any(char.islower() for char in title):
        title = title.lower()
    return title[:1].upper() + title[1:]


def is_upper(text: str) -> bool:
    return any(char.isalpha() for char in text) and not any(char.islower() for char in text)


def looks_like_heading_title(title: str) -> bool:
    return bool(title) and (title[0].isupper() or title[0].isdigit()) and is_unfinished(title) and len(title) <= 200


def unbullet(text: str) -> str:
    return BULLET.sub("", text.strip()).strip()


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def group_name(title: str) -> str:
    """ "Device related solutions" -> "Device related": the group's name without the word "solutions"."""
    return GROUP_SUFFIX.sub("", clean(title)).strip()


def group_key(name: str) -> str:
    """What a reference group and a solution group of the same subject share: "Device-related" ~ "Device related"."""
    return re.sub(r"[^a-z0-9]+", "", group_name(name).lower())


def is_footnote(paragraph: Paragraph) -> bool:
    return bool(FOOTNOTE.match(paragraph.first) or MARKDOWN_FOOTNOTE.match(paragraph.first))


def top_heading(text: str) -> tuple[str, str] | None:
    """(number, title) of a top-level heading line ("1. INTRODUCTION", "# 1. Introduction", "ANNEX 2: ..."), or None.

    Plain-text headings are in capitals, which tells them from numbered list items.
    """
    markdown = MARKDOWN_HEADING.match(text)
    cleaned = clean(markdown.group("text") if markdown else text)
    if (match := TOP.match(cleaned)) and (markdown or is_upper(match.group("title"))):
        return match.group("number"), sentence_case(match.group("title"))
    if (match := ANNEX.match(cleaned)) and (markdown or is_upper(cleaned)):
        number = match.group("number").upper()
        return f"A{number}", f"Annex {number}: {sentence_case(match.group('title'))}"
    return None
