"""Read the footnotes of a draft, and join paragraphs that a page break cut in two.

A footnote is a paragraph opening with a superscript number ("¹ ...") or a
Markdown footnote mark ("[^1]: ..."). Plain paragraphs right after a footnote
are held back: they are more of the footnote when another footnote follows,
and body text otherwise.

Extraction from PDF splits paragraphs at page breaks: the rest of a sentence
shows up among the page's footnotes, starting in lowercase. Such a paragraph
is joined to the last paragraph left unfinished (a rationale, a footnote or
body text), which may be several pages back.
"""

from __future__ import annotations

from . import syntax
from .lines import Paragraph, quote, superscript_number
from .records import Block, Footnote, Section
from .syntax import clean
from .types import DraftParseError


class FootnoteReaderMixin:
    """The footnote and continuation part of the draft reader (``parser._DraftReader``).

    Relies on the reader's ``_paragraph`` (a continuation's remainder is read
    as a paragraph of its own) and ``_dispatch`` (held-back paragraphs that
    turn out to be body text).
    """

    current: Section | None
    blocks: list[Block]
    footnotes: dict[int, Footnote]
    after_footnote: Footnote | None
    footnote_tail: list[Paragraph]

    def _footnote(self, paragraph: Paragraph) -> None:
        match = syntax.FOOTNOTE.match(paragraph.first)
        number = superscript_number(match.group("number")) if match else None
        if match is None:
            match = syntax.MARKDOWN_FOOTNOTE.match(paragraph.first)
            number = int(match.group("number"))
        if number in self.footnotes:
            raise DraftParseError(
                paragraph.number,
                f"each footnote once (footnote {number} is already defined on line {self.footnotes[number].line})",
                quote(paragraph.first),
            )
        block = Block([match.group("text"), *(line.text for line in paragraph.lines[1:])], "footnote")
        self.blocks.append(block)
        self.footnotes[number] = Footnote(
            number, self.current.number if self.current else None, paragraph.number, [block]
        )
        self.after_footnote = self.footnotes[number]

    def _attach_footnote_tail(self) -> None:
        if self.after_footnote is not None:
            for paragraph in self.footnote_tail:
                block = Block([line.text for line in paragraph.lines], "footnote")
                self.blocks.append(block)
                self.after_footnote.blocks.append(block)
        self.footnote_tail = []

    def _flush_footnote_tail(self) -> None:
        tail, self.footnote_tail, self.after_footnote = self.footnote_tail, [], None
        for paragraph in tail:
            self._dispatch(paragraph)

    def _continuation(self, paragraph: Paragraph, following: Paragraph | None) -> bool:
        """Join a paragraph cut by a page break to the paragraph it continues.

        Only a paragraph that starts in lowercase and stands among footnotes
        (just after one, or just before one) is taken for a continuation: that
        is where a page break leaves the rest of a sentence.
        """
        first = paragraph.first
        if not first[:1].islower() or syntax.LIST_ITEM.match(first):
            return False
        if self.after_footnote is None and not (following is not None and syntax.is_footnote(following)):
            return False
        target = next((block for block in reversed(self.blocks) if block.can_continue), None)
        if target is None:
            return False
        # The continuation ends where a list item or the next criterion starts without a blank line.
        cut = next(
            (
                i
                for i, line in enumerate(paragraph.lines)
                if i and (syntax.LIST_ITEM.match(line.stripped) or syntax.CRITERION_LINE.match(clean(line.text)))
            ),
            len(paragraph.lines),
        )
        target.extend([line.text for line in paragraph.lines[:cut]])
        if cut < len(paragraph.lines):
            self._paragraph(Paragraph(paragraph.lines[cut:]), following)
        return True
