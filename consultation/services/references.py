"""Writes to the reference annex: add, edit, import from BibTeX/RIS, with DOIs normalised and duplicates caught."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from consultation.bibliography import BibEntry, is_duplicate, normalise_doi, parse_bibliography
from consultation.exceptions import ConsultationError, StaleObjectError, StateConflictError
from consultation.models import Consultation, Reference, Solution
from consultation.rules import accepts_changes

IMPORT_MAX_ENTRIES = 2000


class DuplicateReferenceError(ConsultationError):
    """The new or changed reference looks like one the annex has already (the API answers 409)."""

    def __init__(self, duplicates: Sequence[Reference]):
        self.duplicates = list(duplicates)
        names = "; ".join(f"{d.group} [{d.number}] {d.title} ({d.year or 'no year'})" for d in self.duplicates)
        super().__init__(
            f"This looks like a reference the annex has already: {names}. Check it, and save again with "
            '"add it anyway" if it is a different work.'
        )


def _refuse_if_frozen(consultation: Consultation) -> None:
    if not accepts_changes(consultation):
        raise StateConflictError(
            f"The consultation is {consultation.get_status_display().lower()}: it can be read but not changed. "
            "The secretariat can reopen it first."
        )


def find_duplicates(
    consultation: Consultation, *, title: str, year: int | None, doi: str = "", exclude: Reference | None = None
) -> list[Reference]:
    """The references of ``consultation`` that are the same work: the same DOI, or a near-identical title of
    the same year (``bibliography.is_duplicate``). ``doi`` must be normalised already."""
    candidate = BibEntry(title=title, year=year, doi=doi)
    references = Reference.objects.filter(consultation=consultation).only(
        "pk", "group", "group_order", "number", "title", "year", "doi"
    )
    if exclude is not None:
        references = references.exclude(pk=exclude.pk)
    return [r for r in references.order_by("group_order", "number") if is_duplicate(candidate, r)]


def _place(consultation: Consultation, group: str) -> tuple[int, int]:
    """(group_order, next number) for a new entry of ``group``: an existing group keeps its place, a new one
    goes last."""
    references = Reference.objects.filter(consultation=consultation)
    group_order = references.filter(group=group).values_list("group_order", flat=True).first()
    if group_order is None:
        last = references.order_by("-group_order").values_list("group_order", flat=True).first()
        group_order = 0 if last is None else last + 1
    last = references.filter(group_order=group_order).order_by("-number").values_list("number", flat=True).first()
    return group_order, 1 if last is None else last + 1


def _clean(reference: Reference) -> None:
    reference.full_clean(exclude=["consultation", "solutions"], validate_unique=False, validate_constraints=False)


@transaction.atomic
def reference_create(
    *,
    consultation: Consultation,
    group: str,
    title: str,
    authors: str = "",
    year: int | None = None,
    venue: str = "",
    url: str = "",
    doi: str = "",
    solutions: Iterable[Solution] = (),
    number: int | None = None,
    allow_duplicate: bool = False,
) -> Reference:
    """Add an entry to the reference annex, numbered after the last one of its group unless ``number`` is given.

    The DOI is stored in its bare lower-case form. A reference with the same DOI,
    or a near-identical title of the same year, raises ``DuplicateReferenceError``
    naming it, unless ``allow_duplicate``.
    """
    _refuse_if_frozen(consultation)
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()  # one numbering at a time
    doi = normalise_doi(doi)
    if not allow_duplicate:
        duplicates = find_duplicates(consultation, title=title, year=year, doi=doi)
        if duplicates:
            raise DuplicateReferenceError(duplicates)
    group_order, next_number = _place(consultation, group)
    if number is None:
        number = next_number
    elif Reference.objects.filter(consultation=consultation, group_order=group_order, number=number).exists():
        raise ValidationError({"number": [f"The group {group!r} already has a reference number {number}."]})
    reference = Reference(
        consultation=consultation,
        group=group,
        group_order=group_order,
        number=number,
        authors=authors,
        title=title,
        year=year,
        venue=venue,
        url=url,
        doi=doi,
    )
    _clean(reference)
    reference.save()
    reference.solutions.set(list(solutions))
    return reference


@transaction.atomic
def reference_update(
    *,
    reference: Reference,
    expected_version: int | None = None,
    solutions: Iterable[Solution] | None = None,
    allow_duplicate: bool = False,
    **changes: Any,
) -> Reference:
    """Change a reference's group, authors, title, year, venue, url, doi or linked solutions.

    Checked against the locked row (``expected_version``: 412 when it moved on).
    Moving it to another group numbers it last there. Bumps ``version`` when
    something changed. A change that makes it the duplicate of another entry is
    refused unless ``allow_duplicate``.
    """
    _refuse_if_frozen(reference.consultation)
    locked = Reference.objects.select_for_update().select_related("consultation").get(pk=reference.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleObjectError(
            f"The reference was changed by someone else since you opened it (version {locked.version}, you had "
            f"{expected_version}). Reload it, then apply your change again."
        )
    allowed = {"group", "authors", "title", "year", "venue", "url", "doi"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in sorted(unknown)})
    if "doi" in changes:
        changes["doi"] = normalise_doi(changes["doi"])
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, changes[name])
    if "group" in changed:
        locked.group_order, locked.number = _place(locked.consultation, locked.group)
        changed += ["group_order", "number"]
    if not allow_duplicate and {"title", "year", "doi"} & set(changed):
        duplicates = find_duplicates(
            locked.consultation, title=locked.title, year=locked.year, doi=locked.doi, exclude=locked
        )
        if duplicates:
            raise DuplicateReferenceError(duplicates)
    links_changed = False
    if solutions is not None:
        wanted = {s.pk for s in solutions}
        if wanted != set(locked.solutions.values_list("pk", flat=True)):
            locked.solutions.set(wanted)
            links_changed = True
    if changed or links_changed:
        _clean(locked)
        locked.version += 1
        locked.save(update_fields=[*changed, "version"])
    return locked


# --- import ------------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import of a BibTeX or RIS file did (or, for a preview, would do)."""

    entries: list[BibEntry] = field(default_factory=list)
    created: list[Reference] = field(default_factory=list)
    # (entry, the existing reference or earlier entry of the same file it duplicates)
    duplicates: list[tuple[BibEntry, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def to_create(self) -> list[BibEntry]:
        skipped = {id(entry) for entry, _ in self.duplicates}
        return [e for e in self.entries if id(e) not in skipped]


def references_import(
    *,
    consultation: Consultation,
    text: str,
    fmt: str = "auto",
    group: str = "Imported",
    commit: bool = True,
    allow_duplicates: bool = False,
) -> ImportReport:
    """Read a BibTeX or RIS file and add its entries to the annex, all or nothing.

    Raises ``bibliography.BibliographyError`` for a file that cannot be read,
    and ``ValidationError`` listing every entry that is wrong (no title, a bad
    DOI or year): then nothing is saved. Entries that duplicate a reference (or
    an earlier entry of the same file) are skipped and reported, unless
    ``allow_duplicates``. An entry's own ``group`` field (as our export writes
    it) wins over ``group``. With ``commit=False`` nothing is saved: the report
    says what would happen.
    """
    _refuse_if_frozen(consultation)
    entries = parse_bibliography(text, fmt)
    if len(entries) > IMPORT_MAX_ENTRIES:
        raise ValidationError({"file": [f"At most {IMPORT_MAX_ENTRIES} entries at a time ({len(entries)} given)."]})
    report = ImportReport(entries=entries)
    report.errors = [f"{entry.label()}: {'; '.join(entry.errors)}" for entry in entries if entry.errors]
    if report.errors:
        raise ValidationError({"file": [f"Nothing was imported. {error}." for error in report.errors]})
    group = " ".join((group or "").split()) or "Imported"
    for entry in entries:
        entry.group = (entry.group or group)[:200]
    if not allow_duplicates:
        existing = list(
            Reference.objects.filter(consultation=consultation).only(
                "pk", "group", "group_order", "number", "title", "year", "doi"
            )
        )
        seen: list[BibEntry] = []
        for entry in entries:
            match = next((r for r in existing if is_duplicate(entry, r)), None)
            match = match or next((e for e in seen if is_duplicate(entry, e)), None)
            if match is not None:
                report.duplicates.append((entry, match))
            else:
                seen.append(entry)
    if commit:
        with transaction.atomic():
            for entry in report.to_create:
                report.created.append(
                    reference_create(
                        consultation=consultation, group=entry.group, allow_duplicate=True, **entry.fields()
                    )
                )
        report.committed = True
    return report
