"""Bibliographic data of references: DOIs, duplicate detection, BibTeX and RIS in and BibTeX out.

Pure functions over plain values: the writes live in ``services/references.py``.
An entry read from a file is a ``BibEntry`` with the fields of ``Reference``
(authors as one string, "Surname, I.; Surname, I."), so that importing,
exporting and importing again gives the same entries.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import bibtexparser
import rispy
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from pylatexenc.latex2text import LatexNodes2Text

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", re.IGNORECASE)
# Titles at least this similar (after folding case, punctuation, whitespace and accents) count as the same title.
TITLE_SIMILARITY = 0.93
YEAR_RANGE = (1900, 2200)


def normalise_doi(raw: str) -> str:
    """The DOI in its bare, lower-case form ("10.1145/3133956"); "" for none.

    Accepts "https://doi.org/10...", "doi:10..." and spaces around it. Raises
    ValidationError (on ``doi``) for anything that is not a DOI once stripped.
    """
    doi = (raw or "").strip()
    if not doi:
        return ""
    doi = _DOI_PREFIX.sub("", doi).strip().lower()
    if not DOI_PATTERN.match(doi) or len(doi) > 200:
        raise ValidationError(
            {
                "doi": [
                    f'"{raw.strip()[:80]}" is not a DOI: it should look like 10.1145/3133956 (or https://doi.org/...).'
                ]
            }
        )
    return doi


def title_key(title: str) -> str:
    """The title with case, punctuation, whitespace and accents folded away, to compare titles."""
    decomposed = unicodedata.normalize("NFKD", title or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


# Below this length (folded) only equal titles match: "Crypto war" and "Crypto wars" may be two works.
SIMILAR_TITLE_MIN_LENGTH = 30


def same_title(a: str, b: str) -> bool:
    """Near-identical titles: equal once folded, or differing by a character or two in a long title."""
    key_a, key_b = title_key(a), title_key(b)
    if not key_a or not key_b:
        return False
    if key_a == key_b:
        return True
    if min(len(key_a), len(key_b)) < SIMILAR_TITLE_MIN_LENGTH:
        return False
    matcher = SequenceMatcher(None, key_a, key_b, autojunk=False)
    return matcher.real_quick_ratio() >= TITLE_SIMILARITY and matcher.ratio() >= TITLE_SIMILARITY


def is_duplicate(a, b) -> bool:
    """Two references (anything with ``doi``, ``title``, ``year``) are the same work: same DOI, or the same
    title (near-identical) in the same year. Different years are different works (a new edition, a sequel)."""
    if a.doi and b.doi:
        return a.doi == b.doi
    return a.year == b.year and same_title(a.title, b.title)


def duplicate_map(references) -> dict[int, list]:
    """For each reference (by pk) the others it duplicates, in the given order; only those with duplicates.

    References are bucketed by DOI and by year, so a large annex is not compared pair by pair across years.
    """
    references = list(references)
    found: dict[int, list] = {}
    by_year: dict[int | None, list] = {}
    by_doi: dict[str, list] = {}
    for reference in references:
        by_year.setdefault(reference.year, []).append(reference)
        if reference.doi:
            by_doi.setdefault(reference.doi, []).append(reference)
    pairs = set()
    for bucket in [*by_doi.values(), *by_year.values()]:
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                if (a.pk, b.pk) not in pairs and is_duplicate(a, b):
                    pairs.add((a.pk, b.pk))
                    found.setdefault(a.pk, []).append(b)
                    found.setdefault(b.pk, []).append(a)
    return found


# --- entries read from files -------------------------------------------------------------------------------


@dataclass
class BibEntry:
    """One entry read from BibTeX or RIS, with the fields of a ``Reference``."""

    title: str
    authors: str = ""
    year: int | None = None
    venue: str = ""
    url: str = ""
    doi: str = ""
    group: str = ""
    key: str = ""
    line: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def pk(self) -> None:  # lets entries and references be compared alike (``is_duplicate``)
        return None

    def label(self) -> str:
        where = f"line {self.line}" if self.line else "entry"
        return f"{self.key} ({where})" if self.key else where

    def fields(self) -> dict:
        return {
            "authors": self.authors,
            "title": self.title,
            "year": self.year,
            "venue": self.venue,
            "url": self.url,
            "doi": self.doi,
        }


class BibliographyError(ValueError):
    """A file that cannot be read at all; the message says where and why."""


def _check(entry: BibEntry, raw_year: str, raw_doi: str) -> BibEntry:
    """Fill ``year`` and ``doi`` from their raw values and note what is wrong with the entry."""
    entry.title = " ".join(entry.title.split())
    if not entry.title:
        entry.errors.append("it has no title")
    if len(entry.title) > 2000:
        entry.errors.append("its title is longer than 2000 characters")
    year = re.search(r"\d{4}", raw_year or "")
    if raw_year and raw_year.strip():
        if not year or not YEAR_RANGE[0] <= int(year.group()) <= YEAR_RANGE[1]:
            entry.errors.append(f"its year {raw_year.strip()[:20]!r} is not a year between 1900 and 2200")
        else:
            entry.year = int(year.group())
    try:
        entry.doi = normalise_doi(raw_doi)
    except ValidationError as error:
        entry.errors.extend(error.message_dict["doi"])
    if entry.url:
        try:
            URLValidator(schemes=["http", "https"])(entry.url)
        except ValidationError:
            entry.errors.append(f"its URL {entry.url[:80]!r} is not an http(s) address")
        if len(entry.url) > 1000:
            entry.errors.append("its URL is longer than 1000 characters")
    return entry


_BRACES = re.compile(r"[{}]")


def _plain(value) -> str:
    """A field's text without braces and spacing runs (used as is for url and doi, which are not LaTeX)."""
    return " ".join(_BRACES.sub("", str(value or "")).split())


def _text(value: str) -> str:
    """A field written in LaTeX ("Sm{\\\"i}th", "\\&") as plain text."""
    try:
        value = LatexNodes2Text().latex_to_text(str(value or ""))
    except Exception:  # pylatexenc gives up on odd input; the raw text is better than nothing
        value = str(value or "")
    return _plain(value)


def parse_bibtex(text: str) -> list[BibEntry]:
    """The entries of a BibTeX file; raises ``BibliographyError`` naming the line of a block it cannot read."""
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # it logs each failed block; we report them
    try:
        # No LaTeX decoding here: it would turn the "&" of a URL into a space. Text fields are decoded one by one.
        library = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
    except Exception as error:  # the parser's own errors are not one documented class
        raise BibliographyError(f"This is not BibTeX that can be read: {error}") from error
    if library.failed_blocks:
        block = library.failed_blocks[0]
        line = getattr(block, "start_line", None)
        error = getattr(block, "error", None)
        reason = " ".join(str(getattr(error, "abort_reason", "") or error or "").split())
        raise BibliographyError(
            f"The BibTeX entry starting on line {line + 1 if line is not None else '?'} cannot be read"
            f"{' (' + reason.rstrip('. ') + ')' if reason else ''}. Nothing was imported."
        )
    if not library.entries:
        raise BibliographyError("No BibTeX entries (@article{...}, @book{...}, @misc{...}) were found in the file.")
    entries = []
    for item in library.entries:
        values = {key.lower(): value.value for key, value in item.fields_dict.items()}
        authors = values.get("author") or values.get("editor") or []
        if isinstance(authors, str):
            authors = [authors]
        venue = next(
            (
                values[name]
                for name in ("journal", "booktitle", "publisher", "howpublished", "institution", "organization")
                if values.get(name)
            ),
            "",
        )
        entry = BibEntry(
            title=_text(values.get("title", "")),
            authors="; ".join(_text(a) for a in authors if _text(a)),
            venue=_text(venue),
            url=_plain(values.get("url", "")),
            group=_text(values.get("group", "")),
            key=item.key,
            line=item.start_line + 1,
        )
        entries.append(_check(entry, _plain(values.get("year", "")), _plain(values.get("doi", ""))))
    return entries


def parse_ris(text: str) -> list[BibEntry]:
    """The entries of a RIS file; raises ``BibliographyError`` when it is not RIS."""
    try:
        records = rispy.loads(text)
    except Exception as error:  # rispy raises IOError/ValueError subclasses depending on the fault
        raise BibliographyError(f"This is not RIS that can be read: {error}") from error
    if not records:
        raise BibliographyError('No RIS records ("TY  - ..." up to "ER  -") were found in the file.')
    entries = []
    for number, record in enumerate(records, start=1):
        authors = record.get("authors") or record.get("first_authors") or []
        urls = record.get("urls") or ([record["url"]] if record.get("url") else [])
        venue = next(
            (
                record[name]
                for name in ("journal_name", "secondary_title", "alternate_title3", "publisher")
                if record.get(name)
            ),
            "",
        )
        entry = BibEntry(
            title=" ".join(str(record.get("title") or record.get("primary_title") or "").split()),
            authors="; ".join(" ".join(a.split()) for a in authors if a.strip()),
            venue=" ".join(str(venue).split()),
            url=(urls[0] if urls else "").strip(),
            key=str(record.get("id") or ""),
            line=None,
        )
        entry.key = entry.key or f"record {number}"
        raw_year = str(record.get("year") or record.get("publication_year") or record.get("date") or "")
        entries.append(_check(entry, raw_year, str(record.get("doi") or "")))
    return entries


def parse_bibliography(text: str, fmt: str = "auto") -> list[BibEntry]:
    """BibTeX or RIS (``fmt`` "bibtex", "ris" or "auto": a file whose first record line is "TY  -" is RIS)."""
    if fmt == "auto":
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        fmt = "ris" if re.match(r"^TY\s{1,2}-", first.lstrip("\ufeff")) else "bibtex"
    if fmt == "ris":
        return parse_ris(text)
    return parse_bibtex(text)


# --- BibTeX out ---------------------------------------------------------------------------------------------

# "Surname, I., Surname, I. J." as the annex writes its author lists: split after each initials part.
_INITIALS_LIST = re.compile(r"(?<=\.),\s+(?=[^\W\d_][^,]*,\s*(?:[^\W\d_]{1,2}\.\s*)+)")


def split_authors(authors: str) -> list[str]:
    """One name per author: "A, B.; C, D." (our own form) or the annex's "A, B., C, D."."""
    authors = " ".join((authors or "").split())
    if not authors:
        return []
    if ";" in authors:
        return [a.strip() for a in authors.split(";") if a.strip()]
    return [a.strip() for a in _INITIALS_LIST.split(authors) if a.strip()]


def _bibtex_name(name: str) -> str:
    # A name without a comma ("Carnegie Endowment for International Peace") is a body: braces keep it whole.
    return name if "," in name else "{" + name + "}"


def _citation_key(reference, used: set[str]) -> str:
    first = split_authors(reference.authors)[:1]
    surname = re.sub(r"[^a-z0-9]", "", title_key(first[0].split(",")[0]) if first else "") or "ref"
    word = next((w for w in title_key(reference.title).split() if len(w) > 3), "untitled")
    base = f"{surname[:20]}{reference.year or ''}{re.sub(r'[^a-z0-9]', '', word)[:15]}"
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}{chr(ord('a') + n - 2) if n <= 27 else n}"
    used.add(key)
    return key


_LATEX_SPECIAL = {"\\": "", "{": "(", "}": ")", "&": "\\&", "%": "\\%", "$": "\\$", "#": "\\#", "_": "\\_"}


def _escape(value: str) -> str:
    """Text for a LaTeX field: braces would end the field early, & % $ # _ mean something to LaTeX."""
    return "".join(_LATEX_SPECIAL.get(c, c) for c in value)


def _raw(value: str) -> str:
    """A URL or DOI, kept verbatim except for braces (which cannot occur in either once encoded)."""
    return value.replace("{", "%7B").replace("}", "%7D")


def export_bibtex(references) -> str:
    """The references as BibTeX (@misc, with group, venue as publisher, url and doi), in the given order."""
    library = Library()
    used: set[str] = set()
    for reference in references:
        # The writer puts each value in braces itself.
        fields = [Field("title", _escape(reference.title))]
        names = [_bibtex_name(_escape(name)) for name in split_authors(reference.authors)]
        if names:
            fields.insert(0, Field("author", " and ".join(names)))
        if reference.year:
            fields.append(Field("year", str(reference.year)))
        if reference.venue:
            fields.append(Field("publisher", _escape(reference.venue)))
        for name, value in (("url", reference.url), ("doi", reference.doi)):
            if value:
                fields.append(Field(name, _raw(value)))
        fields.append(Field("group", _escape(reference.group)))
        library.add(Entry("misc", _citation_key(reference, used), fields))
    return bibtexparser.write_string(library)
