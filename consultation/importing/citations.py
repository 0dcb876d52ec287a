"""Which annex references a footnote of the draft cites, so that each footnote links to its references.

A footnote cites a reference when it
- names its DOI or its link (URL);
- points at it in words: "reference 1 of encryption related solutions in annex 2";
- quotes its title (folded for case, punctuation and accents; titles of at least three words);
- or names its first author's surname together with its year, and no other work of that author of that year
  is in the annex.

Matching stays conservative: a footnote that only mentions a surname, or a
year, links to nothing. The secretariat can correct links afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from consultation.bibliography import normalise_doi, split_authors, title_key
from consultation.models import Consultation, Footnote, Reference

from .syntax import group_key

_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"'<>]+", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s\"'<>)\]]+", re.IGNORECASE)
_POINTER = re.compile(
    r"\breferences?\s+(?:no\.?\s*|number\s+)?(?P<number>\d{1,3})\s+(?:of|in)\s+(?:the\s+)?"
    r"(?P<group>[\w\s-]{2,60}?)(?:\s+solutions?)?(?:\s+references?)?\s+(?:in|of)\s+(?:the\s+)?annex",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(19|20|21)\d{2}\b")
MIN_TITLE_WORDS = 3


def _url_key(url: str) -> str:
    return url.strip().rstrip(".,;:").rstrip("/").lower().removeprefix("https://").removeprefix("http://")


def _surname(authors: str) -> str:
    first = split_authors(authors)[:1]
    if not first:
        return ""
    name = first[0]
    # "Surname, I." or "I. Surname" or a body ("Stanford Internet Observatory": the whole name).
    surname = name.split(",")[0] if "," in name else name
    return title_key(surname)


def cited_references(text: str, references: Sequence[Reference]) -> list[Reference]:
    """The references ``text`` (a footnote) cites, in annex order; empty when none is cited clearly."""
    found: dict[int, Reference] = {}
    folded = f" {title_key(text)} "

    dois = set()
    for raw in _DOI.findall(text):
        try:
            dois.add(normalise_doi(raw.rstrip(".,;:)")))
        except Exception:  # noqa: S112 - something that only looks like a DOI
            continue
    urls = {_url_key(u) for u in _URL.findall(text)}
    for reference in references:
        if (reference.doi and reference.doi in dois) or (reference.url and _url_key(reference.url) in urls):
            found[reference.pk] = reference

    for match in _POINTER.finditer(text):
        number, group = int(match.group("number")), group_key(match.group("group"))
        for reference in references:
            if reference.number == number and group and group_key(reference.group) == group:
                found[reference.pk] = reference

    by_title = [r for r in references if len(title_key(r.title).split()) >= MIN_TITLE_WORDS]
    for reference in by_title:
        if f" {title_key(reference.title)} " in folded:
            found[reference.pk] = reference

    if not found:
        years = {int(m.group()) for m in _YEAR.finditer(text)}
        by_surname: dict[str, list[Reference]] = {}
        for reference in references:
            surname = _surname(reference.authors)
            if reference.year in years and surname and f" {surname} " in folded:
                by_surname.setdefault(surname, []).append(reference)
        # One work per named author and year; two works of one author in that year leave it unclear: none.
        for candidates in by_surname.values():
            if len(candidates) == 1:
                found[candidates[0].pk] = candidates[0]

    order = {r.pk: i for i, r in enumerate(references)}
    return sorted(found.values(), key=lambda r: order[r.pk])


def link_footnotes(consultation: Consultation, footnotes: Iterable[Footnote] | None = None) -> int:
    """Set each footnote's references to those its text cites; returns how many links there are now.

    Runs after an import, over every footnote (the draft's text is the source of its citations), in a fixed
    number of queries.
    """
    references = list(
        Reference.objects.filter(consultation=consultation)
        .order_by("group_order", "number")
        .only("pk", "group", "group_order", "number", "authors", "title", "year", "url", "doi")
    )
    footnotes = list(footnotes if footnotes is not None else Footnote.objects.filter(consultation=consultation))
    through = Footnote.references.through
    wanted = {
        (footnote.pk, reference.pk)
        for footnote in footnotes
        for reference in cited_references(footnote.text, references)
    }
    current = set(
        through.objects.filter(footnote__in=[f.pk for f in footnotes]).values_list("footnote_id", "reference_id")
    )
    stale = current - wanted
    if stale:
        for footnote_id, reference_id in stale:
            through.objects.filter(footnote_id=footnote_id, reference_id=reference_id).delete()
    through.objects.bulk_create([through(footnote_id=f, reference_id=r) for f, r in sorted(wanted - current)])
    return len(wanted)
