"""The evidence library: adding source documents and their versions, quoting passages as excerpts.

Called by the pages, the API, commands and tests alike. Rules written once here:

- who: ``evidence/rules.py`` (secretariat adds and changes sources, experts add them where allowed; every
  member but observers quotes; an excerpt is changed by its creator or the secretariat); refused with
  ``PermissionDenied``. A closed or archived consultation takes no change (``StateConflictError``, 409).
- an upload passes the attachment checks (size, type by content, zip bombs: ``evidence.attachments``), is
  extracted to text with its structure, and only then stored (private storage "attachments"); a new upload
  is a new ``SourceVersion``, never an overwrite, so excerpts keep the text they quoted.
- an excerpt's quote must be exactly the text at its offsets in the version it was taken from; its
  surroundings are kept so that ``excerpt_locate`` finds it again in a later version.
- ``expected_version`` (``If-Match``, or the version a form was based on) makes a concurrent change fail
  with ``StaleObjectError`` (412).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import IO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F

from consultation.exceptions import StaleObjectError, StateConflictError
from consultation.models import Assessment, Consultation, Criterion, OpenItem, Section, Solution
from consultation.rules import accepts_changes
from evidence.attachments import EXTENSIONS, check_upload
from evidence.library.anchor import Located, context_of, locate
from evidence.library.extract import SOURCE_TYPES_TEXT, extract
from evidence.models import Excerpt, SourceDocument, SourceKind, SourceVersion, Stance, Submission, SubmissionVersion
from evidence.rules import can_add_excerpt, can_add_source, can_change_excerpt, can_change_source, can_view_submission

_TEXT_FIELDS = {"title": 500, "author": 300, "reference": 100, "marking": 200}
SOURCE_FIELDS = (*_TEXT_FIELDS, "date", "url")


def _storage():
    return storages["attachments"]


def _refuse_frozen(consultation: Consultation) -> None:
    if not accepts_changes(consultation):
        raise StateConflictError(
            f"The consultation is {consultation.get_status_display().lower()}: its library can be read but not "
            "changed, so nothing was saved."
        )


def _check_version(current: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != current:
        raise StaleObjectError(
            f"{what} was changed by someone else since you opened it (revision {current}, you had {expected}). "
            "Reload it, then apply your change again."
        )


def _clean_fields(fields: dict, *, creating: bool) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    for name, limit in _TEXT_FIELDS.items():
        if name in fields:
            value = (fields[name] or "").strip()
            if len(value) > limit:
                errors[name] = [f"At most {limit} characters (this has {len(value)})."]
            cleaned[name] = value
    if (creating or "title" in fields) and not cleaned.get("title"):
        errors["title"] = ["Give the document a title."]
    if "date" in fields:
        value = fields["date"]
        if value not in (None, "") and not isinstance(value, date):
            errors["date"] = ["Enter a date as YYYY-MM-DD."]
        cleaned["date"] = value or None
    if "url" in fields:
        url = (fields["url"] or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError:
                errors["url"] = ["Enter a web address starting with http:// or https://."]
            if len(url) > 1000:
                errors["url"] = ["At most 1000 characters."]
        cleaned["url"] = url
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_version(*, source: SourceDocument, user: AbstractBaseUser, file: IO[bytes], number: int) -> SourceVersion:
    """Check, extract and store one upload as version ``number``; the stored file goes if the row does not."""
    checked = check_upload(file)
    file.seek(0)
    data = file.read()
    extracted = extract(data, checked.content_type, checked.name)
    generated = f"sources/{source.consultation_id}/{uuid.uuid4().hex}{EXTENSIONS[checked.content_type]}"
    stored = _storage().save(generated, ContentFile(data, name=generated))
    try:
        with transaction.atomic():
            return SourceVersion.objects.create(
                source=source,
                number=number,
                file_name=stored,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                text=extracted.text,
                blocks=extracted.blocks,
                created_by=user,
            )
    except BaseException:
        _storage().delete(stored)
        raise


def source_create(
    *,
    consultation: Consultation,
    user: AbstractBaseUser,
    title: str,
    file: IO[bytes] | None = None,
    url: str = "",
    author: str = "",
    date: date | None = None,
    reference: str = "",
    marking: str = "",
) -> SourceDocument:
    """Add a source document: an upload (``file``: text, Markdown, PDF, DOCX) or a reference entry with a link.

    Raises ``AttachmentRefused`` (413/415/400) for a file that fails the checks or has no text,
    ``ValidationError`` for bad fields, ``PermissionDenied`` and ``StateConflictError`` as the module says.
    """
    if not can_add_source(user, consultation):
        raise PermissionDenied("Only the secretariat of this consultation can add source documents.")
    _refuse_frozen(consultation)
    fields = _clean_fields(
        {"title": title, "author": author, "date": date, "reference": reference, "marking": marking, "url": url},
        creating=True,
    )
    if file is None and not fields["url"]:
        raise ValidationError({"file": [f"Upload the document ({SOURCE_TYPES_TEXT}) or give a link to it."]})
    kind = SourceKind.FILE if file is not None else SourceKind.LINK
    with transaction.atomic():
        source = SourceDocument.objects.create(consultation=consultation, kind=kind, added_by=user, **fields)
        if file is not None:
            _store_version(source=source, user=user, file=file, number=1)
    return source


def source_add_version(
    *, source: SourceDocument, user: AbstractBaseUser, file: IO[bytes], expected_version: int | None = None
) -> SourceVersion:
    """Upload a new version of ``source`` (its number is the last one's plus one); earlier versions stay."""
    if not can_change_source(user, source.consultation):
        raise PermissionDenied("Only the secretariat of this consultation can upload new versions of a source.")
    _refuse_frozen(source.consultation)
    with transaction.atomic():
        locked = SourceDocument.objects.select_for_update().get(pk=source.pk)
        _check_version(locked.version, expected_version, "The source document")
        last = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = _store_version(source=locked, user=user, file=file, number=last + 1)
        update = {"version": F("version") + 1}
        if locked.kind == SourceKind.LINK:
            update["kind"] = SourceKind.FILE
        SourceDocument.objects.filter(pk=locked.pk).update(**update)
    source.refresh_from_db()
    return version


@transaction.atomic
def source_update(
    *, source: SourceDocument, user: AbstractBaseUser, expected_version: int | None = None, **fields
) -> SourceDocument:
    """Change a source's title, author, date, reference, marking or link."""
    unknown = set(fields) - set(SOURCE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    if not can_change_source(user, source.consultation):
        raise PermissionDenied("Only the secretariat of this consultation can change source documents.")
    _refuse_frozen(source.consultation)
    locked = SourceDocument.objects.select_for_update().get(pk=source.pk)
    _check_version(locked.version, expected_version, "The source document")
    cleaned = _clean_fields(fields, creating=False)
    if locked.kind == SourceKind.LINK and "url" in cleaned and not cleaned["url"]:
        raise ValidationError({"url": ["A reference entry needs its link."]})
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save()
    return locked


def latest_version(source: SourceDocument) -> SourceVersion | None:
    return source.versions.order_by("-number").first()


# --- Excerpts ---------------------------------------------------------------------------------------------


def _linked(consultation: Consultation, model, values: Iterable, field: str, what: str) -> list:
    items = list(values or [])
    wrong = [item for item in items if getattr(item, "consultation_id", None) != consultation.pk]
    if wrong:
        raise ValidationError({field: [f"Every {what} must belong to this consultation."]})
    return items


def _links(consultation: Consultation, links: dict) -> dict:
    spec = {
        "solutions": (Solution, "solution"),
        "criteria": (Criterion, "criterion"),
        "cells": (Assessment, "cell"),
        "open_items": (OpenItem, "open item"),
        "sections": (Section, "section"),
    }
    return {
        name: _linked(consultation, model, links[name], name, what)
        for name, (model, what) in spec.items()
        if links.get(name) is not None
    }


def _quoted_text(
    *, consultation: Consultation, user: AbstractBaseUser, source, source_version, submission
) -> tuple[str, dict]:
    """The text an excerpt points into, and the foreign keys that say which version it is."""
    if (source is None) == (submission is None):
        raise ValidationError({"source": ["Quote either a source document or a submission."]})
    if source is not None:
        if source.consultation_id != consultation.pk:
            raise ValidationError({"source": ["The source document belongs to another consultation."]})
        version = source_version or latest_version(source)
        if version is None or version.source_id != source.pk:
            raise ValidationError({"source": ["This source has no text to quote (it is a link only)."]})
        return version.text, {"source": source, "source_version": version}
    if submission.consultation_id != consultation.pk or not can_view_submission(user, submission):
        raise ValidationError({"submission": ["No such submission."]})
    version = SubmissionVersion.objects.filter(submission=submission, number=submission.current_version).first()
    if version is None:
        raise ValidationError({"submission": ["Only submitted input can be quoted."]})
    return version.body, {"submission": submission, "submission_version": version}


def _check_quote(text: str, quote: str, start, end) -> None:
    errors = {}
    if not isinstance(start, int) or not isinstance(end, int) or start < 0 or end <= start or end > len(text):
        errors["start"] = [f"The position must be 0 <= start < end <= {len(text)} (the length of the text)."]
    elif not quote:
        errors["quote"] = ["Select the passage to quote."]
    elif text[start:end] != quote:
        errors["quote"] = [
            "The quote is not the text at that position of the document (was the document changed?). "
            "Select the passage again."
        ]
    if errors:
        raise ValidationError(errors)


def _check_stance(stance: str) -> None:
    if stance not in Stance.values:
        raise ValidationError({"stance": [f"Choose one of: {', '.join(Stance.values)}."]})


@transaction.atomic
def excerpt_create(
    *,
    consultation: Consultation,
    user: AbstractBaseUser,
    quote: str,
    start: int,
    end: int,
    stance: str,
    source: SourceDocument | None = None,
    source_version: SourceVersion | None = None,
    submission: Submission | None = None,
    note: str = "",
    solutions: Iterable[Solution] = (),
    criteria: Iterable[Criterion] = (),
    cells: Iterable[Assessment] = (),
    open_items: Iterable[OpenItem] = (),
    sections: Iterable[Section] = (),
) -> Excerpt:
    """Quote ``text[start:end]`` of a source version (the latest by default) or of a submission's current
    version, linked to what it bears on, with a stance; the quote must be exactly that text."""
    if not can_add_excerpt(user, consultation):
        raise PermissionDenied("Observers cannot make excerpts.")
    _refuse_frozen(consultation)
    text, target = _quoted_text(
        consultation=consultation, user=user, source=source, source_version=source_version, submission=submission
    )
    _check_quote(text, quote, start, end)
    _check_stance(stance)
    links = _links(
        consultation,
        {"solutions": solutions, "criteria": criteria, "cells": cells, "open_items": open_items, "sections": sections},
    )
    prefix, suffix = context_of(text, start, end)
    excerpt = Excerpt.objects.create(
        consultation=consultation,
        quote=quote,
        start=start,
        end=end,
        prefix=prefix,
        suffix=suffix,
        stance=stance,
        note=(note or "").strip(),
        created_by=user,
        **target,
    )
    for name, items in links.items():
        getattr(excerpt, name).set(items)
    return excerpt


def _require_change(excerpt: Excerpt, user: AbstractBaseUser) -> None:
    if not can_change_excerpt(user, excerpt):
        raise PermissionDenied("Only whoever made this excerpt, or the secretariat, can change it.")
    _refuse_frozen(excerpt.consultation)


@transaction.atomic
def excerpt_update(
    *,
    excerpt: Excerpt,
    user: AbstractBaseUser,
    expected_version: int | None = None,
    stance: str | None = None,
    note: str | None = None,
    **links,
) -> Excerpt:
    """Change an excerpt's stance, note or links (``solutions``, ``criteria``, ``cells``, ``open_items``,
    ``sections``: the full new set each); the quote itself is never rewritten, quote again instead."""
    unknown = set(links) - {"solutions", "criteria", "cells", "open_items", "sections"}
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    _require_change(excerpt, user)
    locked = Excerpt.objects.select_for_update().get(pk=excerpt.pk)
    _check_version(locked.version, expected_version, "The excerpt")
    if stance is not None:
        _check_stance(stance)
        locked.stance = stance
    if note is not None:
        locked.note = note.strip()
    for name, items in _links(locked.consultation, links).items():
        getattr(locked, name).set(items)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def excerpt_delete(*, excerpt: Excerpt, user: AbstractBaseUser) -> None:
    """Remove an excerpt (its creator or the secretariat). A rating revision that rests on it keeps nothing
    of it: the audit trail does."""
    _require_change(excerpt, user)
    excerpt.delete()


def current_text(excerpt: Excerpt) -> str | None:
    """The text of the latest version of the excerpt's document (None when it has none)."""
    if excerpt.source_id:
        version = latest_version(excerpt.source)
        return version.text if version else None
    version = SubmissionVersion.objects.filter(submission_id=excerpt.submission_id).order_by("-number").first()
    return version.body if version else None


def excerpt_locate(excerpt: Excerpt, version: SourceVersion | SubmissionVersion | None = None) -> Located:
    """Where ``excerpt`` is in ``version`` (by default the latest version of its document): found at the
    same place, moved, changed, or missing (see ``evidence.library.anchor``)."""
    if version is None:
        text = current_text(excerpt)
    else:
        text = version.text if isinstance(version, SourceVersion) else version.body
    if text is None:
        return Located(None, None, "missing")
    return locate(
        quote=excerpt.quote,
        start=excerpt.start,
        end=excerpt.end,
        prefix=excerpt.prefix,
        suffix=excerpt.suffix,
        text=text,
    )
