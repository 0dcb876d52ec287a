"""Importing a draft into a consultation: preview, confirm, apply.

The secretariat uploads a draft and sees a preview (``draft_import_preview``),
confirms it (``draft_import_confirm``, which queues the Celery task) and the
task applies it (``draft_import_apply``). Every rating and classification the
import sets is a revision with the source "import", so re-importing the same
file changes nothing and a later draft creates revisions only where it
differs.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, OperationalError, transaction
from django.utils import timezone

from consultation.exceptions import StateConflictError
from consultation.models import (
    Assessment,
    Classification,
    Consultation,
    Criterion,
    DraftImport,
    DraftImportStatus,
    Footnote,
    OpenItem,
    Reference,
    RevisionSource,
    Section,
    Solution,
    SolutionGroup,
)
from consultation.rules import accepts_changes
from consultation.services import assessment_revise, classification_revise
from consultation.services.versions import unique_version_label, version_publish

from .carry import Snapshot, carry_forward
from .citations import link_footnotes
from .parser import parse_draft
from .plan import ImportPlan, plan_import
from .progress import ImportProgress
from .uploads import parse_uploaded_draft

logger = logging.getLogger(__name__)

# Section orders are unique per consultation; rows that move are parked above this while the others settle.
_PARKED_ORDER = 1_000_000


def draft_import_preview(
    *, consultation: Consultation, filename: str, content: str, user: AbstractBaseUser | None
) -> DraftImport:
    """Parse a draft and save what importing it would change, for the secretariat to review before confirming.

    Raises ``DraftParseError`` (naming the line) when the draft cannot be read; nothing is saved then.
    """
    draft_import = _previewed(consultation=consultation, filename=filename, content=content, user=user)
    draft_import.save()
    return draft_import


@transaction.atomic
def draft_import_confirm(*, draft_import: DraftImport, user: AbstractBaseUser | None) -> DraftImport:
    """Queue a previewed import for the background worker; refused unless it is still a preview.

    The task is queued only once the status change is committed, so the worker always finds the import queued.
    """
    from consultation.tasks import apply_draft_import  # the task module imports this one

    locked = DraftImport.objects.select_for_update().select_related("consultation").get(pk=draft_import.pk)
    if not accepts_changes(locked.consultation):
        raise StateConflictError(
            f"The consultation is {locked.consultation.get_status_display().lower()}: reopen it before importing."
        )
    if locked.status != DraftImportStatus.PREVIEWED:
        raise StateConflictError(
            f"This import of {locked.filename} is {locked.get_status_display().lower()}; only a previewed import "
            "can be confirmed. Upload the file again to get a new preview."
        )
    locked.status = DraftImportStatus.QUEUED
    locked.result = {"confirmed_by": user.get_username()} if user and user.is_authenticated else {}
    locked.save(update_fields=["status", "result"])
    transaction.on_commit(lambda: apply_draft_import.delay(locked.pk))
    return locked


def draft_import_apply(*, draft_import_id: int) -> DraftImport:
    """Write a draft import into its consultation; idempotent, all or nothing.

    An import already done returns at once. Otherwise the data is written in
    one transaction (the consultation row is locked, so two imports into one
    consultation run one after the other) while ``progress`` is committed
    separately so that a progress bar can follow it. On failure the import is
    marked failed with the error and nothing of the draft is kept. A lost
    database connection (``OperationalError``) is raised again so that the
    task can retry; other errors are recorded and the failed import returned.
    """
    started = (
        DraftImport.objects.filter(pk=draft_import_id)
        .exclude(status=DraftImportStatus.DONE)
        .update(status=DraftImportStatus.RUNNING, progress=0, error="", finished_at=None)
    )
    draft_import = DraftImport.objects.select_related("consultation", "created_by").get(pk=draft_import_id)
    if not started:
        return draft_import
    progress = ImportProgress(draft_import.pk)
    try:
        parsed = parse_draft(draft_import.content, draft_import.filename)
        progress(5)
        with transaction.atomic():
            consultation = Consultation.objects.select_for_update().get(pk=draft_import.consultation_id)
            # Another delivery of the same task may have finished it while this one waited for the lock.
            if DraftImport.objects.filter(pk=draft_import.pk, status=DraftImportStatus.DONE).exists():
                draft_import.refresh_from_db()
                return draft_import
            plan = plan_import(consultation, parsed)
            progress(10)
            now = timezone.now()
            result = _write(plan, draft_import=draft_import, progress=progress, now=now)
            if not plan.unchanged:
                result["version"] = _publish_import_version(draft_import, now).label
            draft_import.status = DraftImportStatus.DONE
            draft_import.progress = 100
            draft_import.result = {**draft_import.result, **result}
            draft_import.finished_at = timezone.now()
            draft_import.save(update_fields=["status", "progress", "result", "finished_at"])
    except OperationalError as exc:
        _fail(draft_import, exc)
        raise
    except Exception as exc:
        logger.exception("Import %s of %s failed", draft_import.pk, draft_import.filename)
        _fail(draft_import, exc)
    finally:
        progress.close()
    return draft_import


def import_draft_text(
    *,
    consultation: Consultation,
    filename: str,
    content: str,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> DraftImport:
    """Preview a draft and, unless ``dry_run``, apply it at once: for the management command and the demo loader.

    A dry run saves nothing at all, not even the import record: the returned import is unsaved and carries the
    preview. Raises ``DraftParseError`` when the draft cannot be read.
    """
    if dry_run:
        return _previewed(consultation=consultation, filename=filename, content=content, user=user)
    draft_import = draft_import_preview(consultation=consultation, filename=filename, content=content, user=user)
    return draft_import_apply(draft_import_id=draft_import.pk)


def _publish_import_version(draft_import: DraftImport, now: datetime):
    """Name the draft as this import left it ("Imported draft-v2.txt 2024-05-08"), so it can be compared later."""
    label = f"Imported {draft_import.filename} {timezone.localtime(now):%Y-%m-%d}"
    return version_publish(
        consultation=draft_import.consultation,
        user=draft_import.created_by,
        label=unique_version_label(draft_import.consultation, label),
        note=f"Created by the import of {draft_import.filename}.",
        published_at=now,
        draft_import=draft_import,
    )


# --- helpers -----------------------------------------------------------------------------------------------


def _previewed(
    *, consultation: Consultation, filename: str, content: str, user: AbstractBaseUser | None
) -> DraftImport:
    parsed = parse_uploaded_draft(content, filename)  # says when its lines are those read from a Word document
    plan = plan_import(consultation, parsed)
    return DraftImport(
        consultation=consultation,
        filename=filename,
        content=content,
        sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
        status=DraftImportStatus.PREVIEWED,
        preview=plan.preview(),
        created_by=user if user is not None and user.is_authenticated else None,
    )


def _fail(draft_import: DraftImport, exc: Exception) -> None:
    draft_import.status = DraftImportStatus.FAILED
    draft_import.error = str(exc) or exc.__class__.__name__
    draft_import.progress = 0
    draft_import.finished_at = timezone.now()
    try:
        DraftImport.objects.filter(pk=draft_import.pk).update(
            status=draft_import.status, error=draft_import.error, progress=0, finished_at=draft_import.finished_at
        )
    except DatabaseError:
        logger.exception("Could not record the failure of import %s", draft_import.pk)


# --- writing the draft -------------------------------------------------------------------------------------


def _write(plan: ImportPlan, *, draft_import: DraftImport, progress: ImportProgress, now: datetime) -> dict[str, Any]:
    """Write everything the plan holds; runs inside the import's transaction."""
    snapshot = Snapshot.take(plan)  # before the rows of the old draft are changed in place
    sections = _write_sections(plan)
    _write_footnotes(plan, sections)
    groups = _write_groups(plan)
    solutions = _write_solutions(plan, groups, sections, now)
    criteria = _write_criteria(plan, now)
    progress(20)
    cell_revisions = _write_assessments(plan, solutions, criteria, draft_import, now, progress)
    class_revisions = _write_classifications(plan, solutions, draft_import, now)
    progress(92)
    _write_open_items(plan, sections, draft_import.created_by, now)
    _write_references(plan, solutions)
    citations = link_footnotes(plan.consultation)
    carried = carry_forward(
        plan=plan,
        snapshot=snapshot,
        sections=sections,
        solutions=solutions,
        criteria=criteria,
        draft_import=draft_import,
        now=now,
    )
    return {
        "created": dict(plan.created),
        "changed": len(plan.changes),
        "retired": {kind: list(keys) for kind, keys in plan.retired.items()},
        "revisions": {"assessments": cell_revisions, "classifications": class_revisions},
        "citations": citations,
        "carried": carried,
    }


def _write_sections(plan: ImportPlan) -> dict[str, Section]:
    parsed = plan.parsed.sections
    existing = dict(plan.existing.sections)
    in_draft = {section.number for section in parsed}
    order = {section.number: section.order for section in parsed}
    # Sections a later draft no longer has are kept (input may point at them), after the draft's own.
    leftovers = sorted((s for n, s in existing.items() if n not in in_draft), key=lambda s: s.order)
    order.update({s.number: position for position, s in enumerate(leftovers, start=len(parsed) + 1)})

    moving = [s for s in existing.values() if s.order != order[s.number]]
    for position, section in enumerate(moving):
        section.order = _PARKED_ORDER + position
    Section.objects.bulk_update(moving, ["order"])

    new = [
        Section(consultation=plan.consultation, number=p.number, title=p.title, order=p.order, text=p.text)
        for p in parsed
        if p.number not in existing
    ]
    Section.objects.bulk_create(new)
    changed = []
    for p in parsed:
        section = existing.get(p.number)
        if section is not None and (section.title, section.text, section.order) != (p.title, p.text, p.order):
            section.title, section.text, section.order = p.title, p.text, p.order
            changed.append(section)
    for section in leftovers:
        if section.order != order[section.number]:
            section.order = order[section.number]
            changed.append(section)
    Section.objects.bulk_update(changed, ["title", "text", "order"])

    by_number = {**existing, **{section.number: section for section in new}}
    reparented = []
    for p in parsed:
        section = by_number[p.number]
        parent_id = by_number[p.parent].pk if p.parent else None
        if section.parent_id != parent_id:
            section.parent_id = parent_id
            reparented.append(section)
    Section.objects.bulk_update(reparented, ["parent"])
    return by_number


def _write_footnotes(plan: ImportPlan, sections: dict[str, Section]) -> None:
    new, changed = [], []
    for p in plan.parsed.footnotes:
        section_id = sections[p.section].pk if p.section else None
        footnote = plan.existing.footnotes.get(p.number)
        if footnote is None:
            new.append(Footnote(consultation=plan.consultation, number=p.number, text=p.text, section_id=section_id))
        elif (footnote.text, footnote.section_id) != (p.text, section_id):
            footnote.text, footnote.section_id = p.text, section_id
            changed.append(footnote)
    Footnote.objects.bulk_create(new)
    Footnote.objects.bulk_update(changed, ["text", "section"])


def _write_groups(plan: ImportPlan) -> dict[int, SolutionGroup]:
    groups = dict(plan.existing.groups)
    new, changed = [], []
    for p in plan.parsed.solution_groups:
        group = groups.get(p.number)
        if group is None:
            group = groups[p.number] = SolutionGroup(consultation=plan.consultation, number=p.number, name=p.name)
            new.append(group)
        elif group.name != p.name:
            group.name = p.name
            changed.append(group)
    SolutionGroup.objects.bulk_create(new)
    SolutionGroup.objects.bulk_update(changed, ["name"])
    return groups


def _upsert(model, existing: dict, wanted: dict[Any, dict[str, Any]], create: dict[str, Any]) -> dict:
    """Create the rows ``wanted`` that do not exist, update those whose fields differ; return all by key."""
    rows = dict(existing)
    new, changed = [], []
    fields = sorted({name for values in wanted.values() for name in values})
    for key, values in wanted.items():
        row = rows.get(key)
        if row is None:
            row = rows[key] = model(**create, **values, **_key_fields(model, key))
            new.append(row)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    model.objects.bulk_create(new)
    if changed:
        model.objects.bulk_update(changed, fields)
    return rows


def _key_fields(model, key) -> dict[str, Any]:
    if model is Solution:
        return {"code": key}
    if model is Criterion:
        return {"key": key}
    group_order, number = key
    return {"group_order": group_order, "number": number}


def _write_solutions(
    plan: ImportPlan, groups: dict[int, SolutionGroup], sections: dict[str, Section], now: datetime
) -> dict[str, Solution]:
    wanted = {
        p.code: {
            "group": groups[p.group],
            "title": p.title,
            "section": sections[p.section],
            "order": p.order,
            "retired_at": None,
        }
        for p in plan.parsed.solutions
    }
    for code in plan.retired["solutions"]:
        wanted[code] = {"retired_at": now}
    return _upsert(Solution, plan.existing.solutions, wanted, {"consultation": plan.consultation})


def _write_criteria(plan: ImportPlan, now: datetime) -> dict[str, Criterion]:
    wanted = {
        p.key: {"name": p.name, "question": p.question, "order": p.order, "retired_at": None}
        for p in plan.parsed.criteria
    }
    for key in plan.retired["criteria"]:
        wanted[key] = {"retired_at": now}
    return _upsert(Criterion, plan.existing.criteria, wanted, {"consultation": plan.consultation})


def _write_assessments(
    plan: ImportPlan,
    solutions: dict[str, Solution],
    criteria: dict[str, Criterion],
    draft_import: DraftImport,
    now: datetime,
    progress: ImportProgress,
) -> int:
    """One revision per cell whose stars, level or rationale differ (or that has none yet); returns their number."""
    cells = dict(plan.existing.assessments)
    missing = [
        Assessment(consultation=plan.consultation, solution=solutions[p.solution], criterion=criteria[p.criterion])
        for p in plan.parsed.assessments
        if (p.solution, p.criterion) not in cells
    ]
    for cell in Assessment.objects.bulk_create(missing):
        cells[(cell.solution.code, cell.criterion.key)] = cell
    todo = []
    for p in plan.parsed.assessments:
        cell = cells[(p.solution, p.criterion)]
        if not cell.revision or (cell.stars, cell.level, cell.rationale) != (p.stars, p.level, p.rationale):
            todo.append((p, cell))
    revisions = 0
    for done, (p, cell) in enumerate(todo, start=1):
        revision = assessment_revise(
            assessment=cell,
            stars=p.stars,
            level=p.level,
            rationale=p.rationale,
            reason=f"Imported from {draft_import.filename}",
            source=RevisionSource.IMPORT,
            user=draft_import.created_by,
            when=now,
            draft_import=draft_import,
        )
        revisions += revision is not None
        progress(20 + 65 * done / len(todo))
    return revisions


def _write_classifications(
    plan: ImportPlan, solutions: dict[str, Solution], draft_import: DraftImport, now: datetime
) -> int:
    current = dict(plan.existing.classifications)
    missing = [
        Classification(consultation=plan.consultation, solution=solutions[p.solution])
        for p in plan.parsed.classifications
        if p.solution not in current
    ]
    for classification in Classification.objects.bulk_create(missing):
        current[classification.solution.code] = classification
    revisions = 0
    for p in plan.parsed.classifications:
        classification = current[p.solution]
        if classification.revision and classification.value == p.value:
            continue
        revision = classification_revise(
            classification=classification,
            value=p.value,
            reason=f"Imported from {draft_import.filename}",
            source=RevisionSource.IMPORT,
            user=draft_import.created_by,
            when=now,
            draft_import=draft_import,
        )
        revisions += revision is not None
    return revisions


def _write_open_items(
    plan: ImportPlan, sections: dict[str, Section], user: AbstractBaseUser | None, now: datetime
) -> None:
    """Create the draft's open items; for those that exist, only follow where they stand in the draft.

    Their prompt, status and resolution are the secretariat's once the item exists, so they are left alone.
    """
    new, changed = [], []
    for p in plan.parsed.open_items:
        section = sections[p.section]
        item = plan.existing.open_items.get(p.marker)
        if item is None:
            new.append(
                OpenItem(
                    consultation=plan.consultation,
                    section=section,
                    place=p.place,
                    prompt=p.prompt,
                    import_marker=p.marker,
                    created_by=user,
                )
            )
        elif (item.place, item.section_id) != (p.place, section.pk):
            item.place, item.section = p.place, section
            item.version += 1
            item.updated_at = now
            changed.append(item)
    OpenItem.objects.bulk_create(new)
    OpenItem.objects.bulk_update(changed, ["place", "section", "version", "updated_at"])


def _write_references(plan: ImportPlan, solutions: dict[str, Solution]) -> None:
    wanted = {
        (p.group_order, p.number): {
            "group": p.group,
            "authors": p.authors,
            "title": p.title,
            "year": p.year,
            "venue": p.venue,
            "url": p.url,
        }
        for p in plan.parsed.references
    }
    references = _upsert(Reference, plan.existing.references, wanted, {"consultation": plan.consultation})
    through = Reference.solutions.through
    links = []
    for p in plan.parsed.references:
        reference = references[(p.group_order, p.number)]
        is_new = (p.group_order, p.number) not in plan.existing.references
        linked = set() if is_new else {s.pk for s in reference.solutions.all()}
        wanted_ids = {solutions[code].pk for code in p.solutions}
        if linked == wanted_ids:
            continue
        if linked:
            reference.solutions.set(wanted_ids)
        else:
            links.extend(through(reference_id=reference.pk, solution_id=pk) for pk in sorted(wanted_ids))
    through.objects.bulk_create(links)
