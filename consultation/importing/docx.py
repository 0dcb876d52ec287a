"""Read a Word document (.docx) into the plain-text form of a draft that the parser reads.

The text is what the parser already understands (see ``parser``), so a draft
in Word is read by the same rules as one in plain text or Markdown:

- paragraphs in document order, separated by blank lines;
- Title and Heading 1-3 paragraphs as Markdown headings ("# 1. Introduction"),
  with the number Word shows in front of them ("1.", "0)", "a.") when the
  numbering is automatic; deeper headings as plain one-line paragraphs;
- numbered list items with the number Word shows ("1. **Effectiveness**: ..."),
  bulleted ones as "- " items, one leading space per level of nesting
  (" - High: ...");
- bold runs as ``**bold**``, italic runs as ``*italic*``, hyperlinks as
  ``[text](url)``, superscript digits as superscript characters ("³");
- tables as tab-separated rows, one row a line (the overview table); a cell
  covered by a merge above it is empty, as in the text of the reference draft;
- Word footnotes as paragraphs "¹ text" right after the paragraph (or table)
  that refers to them, numbered 1, 2, 3 in order of reference as Word shows them.

Left out: page headers and footers, text boxes, comments, endnotes, deleted
text of tracked changes (inserted text is kept) and symbol-font characters.

The archive is checked before python-docx opens it (a zip bomb would
otherwise be unpacked into memory): at most ``MAX_ENTRIES`` files and
``MAX_UNPACKED_BYTES`` in all, as declared in the zip's directory. CPython's
``zipfile`` never unpacks more than a member declares, so the declared sizes
bound the memory used.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import zipfile
from dataclasses import dataclass

import docx
from django.template.defaultfilters import filesizeformat
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from .types import DraftParseError
from .wordstyles import W_VAL, WordNumbering, WordStyles, related_part, sdt_content, to_int, val, xml_of

logger = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000
UNREADABLE = "The file is not a readable Word document (.docx)"
_SAVE_AGAIN = "Save the draft again as .docx, .md or .txt and upload it again."

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_DIGITS = re.compile(r"\s*[0-9]+\s*")
_MARKDOWN_HEADING_LEVELS = 3  # Title and Heading 1-3 become "#" headings; deeper ones plain paragraphs.
_SKIPPED_FOOTNOTES = {"separator", "continuationSeparator", "continuationNotice"}


class WordDocumentError(ValueError):
    """The upload is not a Word document this reader can open; ``code`` says why, for the form."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


class WordDocumentText(str):
    """Text read from a Word document: a ``str`` that remembers where it came from.

    A line number in a parse error of this text is a line of the converted
    text, which the user never saw; ``parse_error`` makes the message say so.
    (The marking travels with the text from the upload form to the service,
    like Django's ``SafeString``.)
    """


class WordTextParseError(DraftParseError):
    """A ``DraftParseError`` in text read from a Word document: the line is a line of that text."""

    def __str__(self) -> str:
        return (
            f"Line {self.line} of the text read from the Word document: expected {self.expected}, found {self.found}."
        )


def parse_error(error: DraftParseError) -> WordTextParseError:
    """The same error, saying that its line is a line of the text read from the Word document."""
    return WordTextParseError(error.line, error.expected, error.found)


def docx_to_text(data: bytes) -> WordDocumentText:
    """The plain-text form of the draft in a .docx file; ``WordDocumentError`` when it cannot be read."""
    _check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as error:
        if "content type" in str(error):  # python-docx's words for a package of another kind
            raise WordDocumentError(
                f"{UNREADABLE}: it is an archive of another kind (a spreadsheet, a presentation, an OpenDocument "
                f"file?). {_SAVE_AGAIN}",
                code="not_docx",
            ) from error
        raise _damaged() from error
    except Exception as error:  # untrusted input: any failure to open it means the same to the user
        raise _damaged() from error
    try:
        return WordDocumentText(_Converter(document.part).convert(document.element.body))
    except Exception as error:
        logger.warning("A Word document could not be converted", exc_info=True)
        raise _damaged() from error


def _damaged() -> WordDocumentError:
    return WordDocumentError(
        f"{UNREADABLE}: it looks like a binary document (a zip archive) but cannot be opened; it may be damaged "
        f"or cut short. {_SAVE_AGAIN}",
        code="not_docx",
    )


def _check_archive(data: bytes) -> None:
    """Refuse an archive that is not a zip, or that would unpack to too many files or bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise _damaged() from error
    if len(entries) > MAX_ENTRIES:
        raise WordDocumentError(
            f"{UNREADABLE}: it holds {len(entries):,} files inside; a Word document may hold at most "
            f"{MAX_ENTRIES:,}. {_SAVE_AGAIN}",
            code="docx_too_large",
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise WordDocumentError(
            f"{UNREADABLE}: it would unpack to {filesizeformat(unpacked)}; a Word document may unpack to at most "
            f"{filesizeformat(MAX_UNPACKED_BYTES)}. {_SAVE_AGAIN}",
            code="docx_too_large",
        )


# --- the converter ------------------------------------------------------------------------------------------------

W_P, W_TBL, W_TR, W_TC, W_R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
# Inline containers whose runs are shown: insertions of tracked changes, fields, smart tags, content controls.
_INLINE_CONTAINERS = {qn(f"w:{tag}") for tag in ("ins", "moveTo", "fldSimple", "smartTag", "customXml", "dir", "bdo")}
# What a run's children show; "\n" for a line break (a page break inside a paragraph still separates words).
_RUN_TEXT = {qn("w:tab"): "\t", qn("w:ptab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
W_T = qn("w:t")


@dataclass
class _Text:
    text: str
    bold: bool
    italic: bool


class _Converter:
    def __init__(self, part):
        self.part = part
        self.styles = WordStyles(xml_of(related_part(part, RT.STYLES)))
        self.numbering = WordNumbering(xml_of(related_part(part, RT.NUMBERING)), self.styles)
        self.footnote_part = related_part(part, RT.FOOTNOTES)
        self.footnotes = self._footnote_bodies(xml_of(self.footnote_part))
        self.footnote_numbers: dict[str, int] = {}
        self.pending: list[str] = []  # footnotes referred to in the current paragraph or table
        self.paragraphs: list[str] = []

    def convert(self, body) -> str:
        self._blocks(body)
        return "\n\n".join(self.paragraphs) + "\n"

    @staticmethod
    def _footnote_bodies(root) -> dict[str, list]:
        if root is None:
            return {}
        return {
            note.get(qn("w:id")): list(note.iter(W_P))
            for note in root.iterchildren(qn("w:footnote"))
            if note.get(qn("w:type")) not in _SKIPPED_FOOTNOTES
        }

    # --- blocks ---------------------------------------------------------------------------------------------

    def _blocks(self, container) -> None:
        for child in container.iterchildren():
            if child.tag == W_P:
                self._paragraph(child)
            elif child.tag == W_TBL:
                self._table(child)
            elif child.tag == qn("w:sdt") and (content := sdt_content(child)) is not None:
                self._blocks(content)
            elif child.tag == qn("w:customXml"):
                self._blocks(child)

    def _paragraph(self, p) -> None:
        style_id = self.styles.paragraph_style(p)
        label = self.numbering.label(p, style_id)
        heading = self.styles.heading_level(p, style_id)
        if heading is not None:
            text = " ".join(self._inline(p, self.part, markup=False).split())
            if label is not None and label.text:
                text = f"{label.text} {text}"
            if text:
                self._emit(f"{'#' * heading} {text}" if heading <= _MARKDOWN_HEADING_LEVELS else text)
        else:
            lines = [line.rstrip() for line in self._inline(p, self.part, markup=True).split("\n")]
            lines = [line for line in lines if line.strip()]
            if lines and label is not None:
                marker = "-" if label.bullet else label.text
                lines[0] = f"{' ' * label.nesting}{marker} {lines[0].lstrip()}"
            if lines:
                self._emit("\n".join(lines))
        self._emit_footnotes()

    def _table(self, tbl) -> None:
        rows = []
        for tr in tbl.iterchildren(W_TR):
            cells = []
            for tc in tr.iterchildren(W_TC):
                span = to_int(val(tc, "w:tcPr/w:gridSpan"), 1) or 1
                merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                covered = merge is not None and merge.get(W_VAL) != "restart"
                text = "" if covered else self._cell_text(tc)
                cells += [text] + [""] * (span - 1)
            if any(cells):
                rows.append("\t".join(cells))
        if rows:
            self._emit("\n".join(rows))
        self._emit_footnotes()

    def _cell_text(self, tc) -> str:
        texts = (self._inline(p, self.part, markup=False) for p in tc.iter(W_P))
        return " ".join(" ".join(texts).split())

    def _emit(self, text: str) -> None:
        self.paragraphs.append(text)

    def _emit_footnotes(self) -> None:
        pending, self.pending = self.pending, []
        for note_id in pending:
            paragraphs = (self._inline(p, self.footnote_part, markup=True) for p in self.footnotes.get(note_id, []))
            lines = [line.strip() for text in paragraphs for line in text.split("\n") if line.strip()]
            if lines:
                self._emit(f"{_superscript(self.footnote_numbers[note_id])} " + "\n".join(lines))

    # --- inline content -------------------------------------------------------------------------------------

    def _inline(self, paragraph, part, *, markup: bool) -> str:
        pieces: list[_Text | str] = []
        self._collect(paragraph, part, pieces, markup=markup)
        return _render(pieces, markup=markup)

    def _collect(self, element, part, pieces: list, *, markup: bool) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag == W_R:
                self._run(child, pieces)
            elif tag == qn("w:hyperlink"):
                inner: list[_Text | str] = []
                self._collect(child, part, inner, markup=markup)
                text = _render(inner, markup=markup)
                url = _hyperlink_target(child, part)
                pieces.append(f"[{text}]({url})" if markup and url and text.strip() else text)
            elif tag in _INLINE_CONTAINERS:
                self._collect(child, part, pieces, markup=markup)
            elif tag == qn("w:sdt") and (content := sdt_content(child)) is not None:
                self._collect(content, part, pieces, markup=markup)
            # Anything else (deleted text, bookmarks, proofing marks, equations) shows nothing.

    def _run(self, r, pieces: list) -> None:
        run_format = self.styles.run_format(r)
        if run_format.hidden:
            return
        for child in r.iterchildren():
            if child.tag == qn("w:footnoteReference"):
                note_id = child.get(qn("w:id"))
                number = self.footnote_numbers.setdefault(note_id, len(self.footnote_numbers) + 1)
                pieces.append(_superscript(number))
                if note_id not in self.pending:
                    self.pending.append(note_id)
            elif child.tag == W_T or child.tag in _RUN_TEXT:
                text = (child.text or "") if child.tag == W_T else _RUN_TEXT[child.tag]
                if run_format.superscript and _DIGITS.fullmatch(text):
                    pieces.append(text.translate(_SUPERSCRIPT))
                else:
                    pieces.append(_Text(text, run_format.bold, run_format.italic))


def _hyperlink_target(hyperlink, part) -> str:
    rel_id = hyperlink.get(qn("r:id"))
    if not rel_id or part is None or rel_id not in part.rels:
        return ""
    rel = part.rels[rel_id]
    return rel.target_ref if rel.is_external else ""


def _superscript(number: int) -> str:
    return str(number).translate(_SUPERSCRIPT)


def _render(pieces: list, *, markup: bool) -> str:
    """Join the pieces, runs of the same formatting merged and marked up (Word splits runs anywhere)."""
    merged: list[_Text | str] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if isinstance(piece, _Text) and isinstance(last, _Text) and _same_format(piece, last):
            last.text += piece.text
        else:
            merged.append(dataclasses.replace(piece) if isinstance(piece, _Text) else piece)
    return "".join(_marked(piece) if markup else piece.text if isinstance(piece, _Text) else piece for piece in merged)


def _same_format(one: _Text, other: _Text) -> bool:
    return (one.bold, one.italic) == (other.bold, other.italic)


def _marked(piece: _Text | str) -> str:
    if isinstance(piece, str):
        return piece
    marker = "*" * ((2 if piece.bold else 0) + (1 if piece.italic else 0))
    if not marker:
        return piece.text
    lines = []
    for line in piece.text.split("\n"):
        core = line.strip()
        if not core:
            lines.append(line)
            continue
        start = line.index(core)
        lines.append(f"{line[:start]}{marker}{core}{marker}{line[start + len(core) :]}")
    return "\n".join(lines)
