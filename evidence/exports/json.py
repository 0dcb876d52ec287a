"""The JSON export: everything about a consultation, machine-readable, with its full history.

The format is documented in docs/export-json.md (``schema_version`` 1). Rows are
named by natural keys (slugs, codes, keys, numbers, usernames), never by
database ids, and every list has a fixed order, so the file is deterministic:
importing it into an empty installation (``manage.py import_consultation``) and
exporting again gives the same bytes, given the same recipient, options and
``made_at`` (the only things outside the data, all in the ``export`` block).

Things without a natural key (open items, submissions, source documents,
excerpts, draft imports) get an ordinal ``number``, counted in the order they
were created (``created_at``, then id), which an import reproduces.

The file is written top-level key by key and one list item per line, without
holding the whole document in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.db.models import Q

from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Criterion,
    DraftImport,
    DraftVersion,
    Footnote,
    Membership,
    OpenItem,
    Profile,
    Reference,
    Role,
    Round,
    RoundAnswer,
    Section,
    Solution,
    SolutionGroup,
)
from evidence.exports import ExportContext, Progress
from evidence.exports.json_input import InputSections
from evidence.exports.json_keys import CONSULTATION_FIELDS, SCHEMA_VERSION, dumps, m2m, ordinals, plain
from evidence.models import (
    Attachment,
    Excerpt,
    InternalNote,
    Pseudonym,
    SourceDocument,
    SourceVersion,
    Submission,
    SubmissionVersion,
)

__all__ = ["CONSULTATION_FIELDS", "SCHEMA_VERSION", "write"]


class Exporter(InputSections):
    """Reads a consultation into JSON-ready dicts, section by section, with the keys shared between sections."""

    def __init__(self, context: ExportContext):
        self.context = context
        c = self.consultation = context.consultation
        self.solutions = dict(Solution.objects.filter(consultation=c).values_list("id", "code"))
        self.solution_order = {
            pk: n
            for n, pk in enumerate(
                Solution.objects.filter(consultation=c).order_by("order", "code").values_list("id", flat=True)
            )
        }
        self.criteria = dict(Criterion.objects.filter(consultation=c).values_list("id", "key"))
        self.criterion_order = {
            pk: n
            for n, pk in enumerate(
                Criterion.objects.filter(consultation=c).order_by("order", "key").values_list("id", flat=True)
            )
        }
        self.sections = dict(Section.objects.filter(consultation=c).values_list("id", "number"))
        self.references = {
            pk: [g, n]
            for pk, g, n in Reference.objects.filter(consultation=c).values_list("id", "group_order", "number")
        }
        self.cells = {
            pk: [self.solutions[s], self.criteria[k]]
            for pk, s, k in Assessment.objects.filter(consultation=c).values_list("id", "solution_id", "criterion_id")
        }
        self.cell_sort = {
            pk: (self.solution_order[s], self.criterion_order[k])
            for pk, s, k in Assessment.objects.filter(consultation=c).values_list("id", "solution_id", "criterion_id")
        }
        self.imports = ordinals(DraftImport.objects.filter(consultation=c))
        self.rounds = dict(Round.objects.filter(consultation=c).values_list("id", "number"))
        self.open_items = ordinals(OpenItem.objects.filter(consultation=c))
        visible = Submission.objects.visible_to(context.recipient, c).filter(submitted_at__isnull=False)
        self.submissions = ordinals(visible)
        self.sources = ordinals(SourceDocument.objects.filter(consultation=c))
        excerpts = Excerpt.objects.filter(consultation=c).filter(
            Q(submission__isnull=True) | Q(submission__in=visible.values("pk"))
        )
        self.excerpts = ordinals(excerpts)
        self.users = self._people()

    # People ------------------------------------------------------------------------------------------------

    def _people(self) -> dict[int, dict]:
        """Every user the export names: members and whoever made something in it; pseudonymised when asked."""
        c = self.consultation
        roles = dict(Membership.objects.filter(consultation=c).values_list("user_id", "role"))
        ids = set(roles)
        for queryset, field in (
            (Assessment.objects.filter(consultation=c), "changed_by"),
            (Classification.objects.filter(consultation=c), "changed_by"),
            (AssessmentRevision.objects.filter(consultation=c), "created_by"),
            (ClassificationRevision.objects.filter(consultation=c), "created_by"),
            (OpenItem.objects.filter(consultation=c), "created_by"),
            (DraftImport.objects.filter(consultation=c), "created_by"),
            (DraftVersion.objects.filter(consultation=c), "created_by"),
            (Round.objects.filter(consultation=c), "created_by"),
            (RoundAnswer.objects.filter(round__consultation=c), "expert"),
            (Submission.objects.filter(pk__in=self.submissions), "author"),
            (SubmissionVersion.objects.filter(submission__in=self.submissions), "created_by"),
            (Attachment.objects.filter(submission__in=self.submissions), "uploaded_by"),
            (InternalNote.objects.filter(submission__in=self.submissions), "author"),
            (SourceDocument.objects.filter(consultation=c), "added_by"),
            (SourceVersion.objects.filter(source__consultation=c), "created_by"),
            (Excerpt.objects.filter(pk__in=self.excerpts), "created_by"),
        ):
            ids |= set(queryset.exclude(**{f"{field}__isnull": True}).values_list(f"{field}_id", flat=True).distinct())
        pseudonyms = dict(Pseudonym.objects.filter(consultation=c).values_list("user_id", "number"))
        deadlines = {
            m["user_id"]: m
            for m in Membership.objects.filter(consultation=c).values(
                "user_id", "deadline_extended_until", "created_at"
            )
        }
        profiles = {
            p["user_id"]: p
            for p in Profile.objects.filter(user__in=ids).values(
                "user_id", "name", "organisation", "expert_type", "country", "declared_interests"
            )
        }
        users = list(get_user_model().objects.filter(pk__in=ids).order_by("username"))
        hidden = [u for u in users if self.context.pseudonymise and roles.get(u.pk) != Role.SECRETARIAT]
        numbers = dict(self.context.expert_numbers)
        for user in sorted(hidden, key=lambda u: (u.pk not in numbers, numbers.get(u.pk, 0), u.username)):
            numbers.setdefault(user.pk, len(numbers) + 1)
        people = {}
        for user in users:
            member = deadlines.get(user.pk, {})
            entry = {
                "username": user.username,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "role": roles.get(user.pk),
                "member_since": plain(member.get("created_at")),
                "deadline_extended_until": plain(member.get("deadline_extended_until")),
                "pseudonym": pseudonyms.get(user.pk),
                "profile": None,
            }
            if user in hidden:
                number = numbers[user.pk]
                entry.update(username=f"expert-{number}", email="", first_name="Expert", last_name=str(number))
            elif user.pk in profiles:
                profile = dict(profiles[user.pk])
                profile.pop("user_id")
                profile["country"] = str(profile["country"] or "")
                entry["profile"] = profile
            people[user.pk] = entry
        return people

    def who(self, user_id: int | None) -> str | None:
        return self.users[user_id]["username"] if user_id is not None else None

    def members(self) -> Iterator[dict]:
        yield from sorted(self.users.values(), key=lambda p: p["username"])

    # The draft ---------------------------------------------------------------------------------------------

    def consultation_entry(self) -> dict:
        c = self.consultation
        return {name: plain(getattr(c, name)) for name in CONSULTATION_FIELDS}

    def draft_imports(self) -> Iterator[dict]:
        rows = DraftImport.objects.filter(consultation=self.consultation).order_by("created_at", "id")
        for d in rows.iterator(100):
            yield {
                "number": self.imports[d.pk],
                "filename": d.filename,
                "sha256": d.sha256,
                "status": d.status,
                "progress": d.progress,
                "error": d.error,
                "created_by": self.who(d.created_by_id),
                "created_at": plain(d.created_at),
                "finished_at": plain(d.finished_at),
                "preview": d.preview,
                "result": d.result,
                "content": d.content,
            }

    def section_rows(self) -> Iterator[dict]:
        rows = Section.objects.filter(consultation=self.consultation).order_by("order")
        for s in rows.values("number", "title", "parent_id", "order", "text").iterator(2000):
            parent = self.sections.get(s.pop("parent_id"))
            yield {"number": s["number"], "title": s["title"], "parent": parent, "order": s["order"], "text": s["text"]}

    def footnotes(self) -> Iterator[dict]:
        refs = m2m(Footnote.references, key=self.references.get)
        rows = Footnote.objects.filter(consultation=self.consultation).order_by("number")
        for f in rows.values("id", "number", "text", "section_id").iterator(2000):
            yield {
                "number": f["number"],
                "text": f["text"],
                "section": self.sections.get(f["section_id"]),
                "references": refs.get(f["id"], []),
            }

    def groups(self) -> Iterator[dict]:
        yield from (
            SolutionGroup.objects.filter(consultation=self.consultation).order_by("number").values("number", "name")
        )

    def solution_rows(self) -> Iterator[dict]:
        rows = Solution.objects.filter(consultation=self.consultation).order_by("order", "code")
        for s in rows.values("code", "group__number", "title", "section_id", "order", "retired_at"):
            yield {
                "code": s["code"],
                "group": s["group__number"],
                "title": s["title"],
                "section": self.sections.get(s["section_id"]),
                "order": s["order"],
                "retired_at": plain(s["retired_at"]),
            }

    def criterion_rows(self) -> Iterator[dict]:
        rows = Criterion.objects.filter(consultation=self.consultation).order_by("order", "key")
        for k in rows.values("key", "name", "question", "order", "retired_at"):
            yield {**k, "retired_at": plain(k["retired_at"])}

    def reference_rows(self) -> Iterator[dict]:
        solutions = m2m(Reference.solutions, key=self.solutions.get)
        rows = Reference.objects.filter(consultation=self.consultation).order_by("group_order", "number")
        for r in rows.values(
            "id", "group", "group_order", "number", "authors", "title", "year", "venue", "url", "doi"
        ).iterator(2000):
            yield {**{k: v for k, v in r.items() if k != "id"}, "solutions": solutions.get(r["id"], [])}

    def open_item_rows(self) -> Iterator[dict]:
        rows = OpenItem.objects.filter(consultation=self.consultation).order_by("created_at", "id")
        for o in rows.values().iterator(2000):
            yield {
                "number": self.open_items[o["id"]],
                "section": self.sections.get(o["section_id"]),
                "place": o["place"],
                "prompt": o["prompt"],
                "status": o["status"],
                "resolution": o["resolution"],
                "import_marker": o["import_marker"],
                "cell": self.cells.get(o["assessment_id"]),
                "created_by": self.who(o["created_by_id"]),
                "created_at": plain(o["created_at"]),
                "updated_at": plain(o["updated_at"]),
                "version": o["version"],
            }

    def version_rows(self) -> Iterator[dict]:
        rows = DraftVersion.objects.filter(consultation=self.consultation).order_by("published_at", "label")
        for v in rows.values():
            yield {
                "label": v["label"],
                "published_at": plain(v["published_at"]),
                "note": v["note"],
                "draft_import": self.imports.get(v["draft_import_id"]),
                "created_by": self.who(v["created_by_id"]),
                "created_at": plain(v["created_at"]),
            }

    # Ratings -----------------------------------------------------------------------------------------------

    def _revision(self, r: dict, evidence: dict, excerpts: dict) -> dict:
        return {
            "number": r["number"],
            **{k: r[k] for k in ("stars", "level", "rationale", "value") if k in r},
            "reason": r["reason"],
            "source": r["source"],
            "draft_import": self.imports.get(r["draft_import_id"]),
            "round": self.rounds.get(r["round_id"]),
            "evidence": evidence.get(r["id"], []),
            "excerpts": excerpts.get(r["id"], []),
            "created_by": self.who(r["created_by_id"]),
            "created_at": plain(r["created_at"]),
        }

    def assessment_rows(self) -> Iterator[dict]:
        c = self.consultation
        evidence = m2m(AssessmentRevision.evidence, key=self.submissions.get)
        excerpts = m2m(AssessmentRevision.excerpts, key=self.excerpts.get)
        history = defaultdict(list)
        for r in AssessmentRevision.objects.filter(consultation=c).order_by("number").values().iterator(2000):
            history[r["assessment_id"]].append(self._revision(r, evidence, excerpts))
        cells = Assessment.objects.filter(consultation=c).values()
        for a in sorted(cells, key=lambda a: self.cell_sort[a["id"]]):
            yield {
                "solution": self.solutions[a["solution_id"]],
                "criterion": self.criteria[a["criterion_id"]],
                "stars": a["stars"],
                "level": a["level"],
                "rationale": a["rationale"],
                "revision": a["revision"],
                "changed_at": plain(a["changed_at"]),
                "changed_by": self.who(a["changed_by_id"]),
                "revisions": history.get(a["id"], []),
            }

    def classification_rows(self) -> Iterator[dict]:
        c = self.consultation
        evidence = m2m(ClassificationRevision.evidence, key=self.submissions.get)
        excerpts = m2m(ClassificationRevision.excerpts, key=self.excerpts.get)
        history = defaultdict(list)
        for r in ClassificationRevision.objects.filter(consultation=c).order_by("number").values().iterator(2000):
            history[r["classification_id"]].append(self._revision(r, evidence, excerpts))
        rows = Classification.objects.filter(consultation=c).values()
        for k in sorted(rows, key=lambda k: self.solution_order[k["solution_id"]]):
            yield {
                "solution": self.solutions[k["solution_id"]],
                "value": k["value"],
                "revision": k["revision"],
                "changed_at": plain(k["changed_at"]),
                "changed_by": self.who(k["changed_by_id"]),
                "revisions": history.get(k["id"], []),
            }

    def round_rows(self) -> Iterator[dict]:
        rounds = Round.objects.filter(consultation=self.consultation).order_by("number")
        cells = m2m(Round.cells, owners=list(self.rounds))
        answers = defaultdict(list)
        for a in RoundAnswer.objects.filter(round__consultation=self.consultation).values().iterator(2000):
            answers[a["round_id"]].append(a)
        for r in rounds.values():
            ordered = sorted(
                answers.get(r["id"], []),
                key=lambda a: (self.cell_sort[a["assessment_id"]], self.who(a["expert_id"])),
            )
            yield {
                "number": r["number"],
                "title": r["title"],
                "opens_at": plain(r["opens_at"]),
                "closes_at": plain(r["closes_at"]),
                "status": r["status"],
                "closed_at": plain(r["closed_at"]),
                "created_by": self.who(r["created_by_id"]),
                "created_at": plain(r["created_at"]),
                "cells": [self.cells[pk] for pk in sorted(cells.get(r["id"], []), key=self.cell_sort.get)],
                "answers": [
                    {
                        "cell": self.cells[a["assessment_id"]],
                        "expert": self.who(a["expert_id"]),
                        "stars": a["stars"],
                        "cannot_judge": a["cannot_judge"],
                        "comment": a["comment"],
                        "updated_at": plain(a["updated_at"]),
                    }
                    for a in ordered
                ],
            }


def export_block(context: ExportContext) -> dict:
    """What this file is: for whom, when, as of what, with which options (outside the consultation's data)."""
    recipient = context.recipient
    return {
        "made_for": (recipient.get_full_name() or recipient.get_username()) if recipient is not None else "",
        "made_at": plain(context.made_at or context.as_of),
        "as_of": plain(context.as_of),
        "version": context.version.label if context.version else None,
        "compare_to": context.compare_to.label if context.compare_to else None,
        "marking": context.consultation.marking,
        "watermark": context.watermark,
        "pseudonymise": context.pseudonymise,
        "include_internal_notes": context.include_internal_notes,
        "attachments_included": False,
    }


def write(context: ExportContext, out: BinaryIO, progress: Progress) -> None:
    """Write the whole consultation as JSON to ``out`` (see docs/export-json.md)."""
    progress(2, "Reading the consultation")
    exporter = Exporter(context)
    sections: list[tuple[str, object]] = [
        ("consultation", exporter.consultation_entry),
        ("members", exporter.members),
        ("draft_imports", exporter.draft_imports),
        ("sections", exporter.section_rows),
        ("footnotes", exporter.footnotes),
        ("solution_groups", exporter.groups),
        ("solutions", exporter.solution_rows),
        ("criteria", exporter.criterion_rows),
        ("references", exporter.reference_rows),
        ("assessments", exporter.assessment_rows),
        ("classifications", exporter.classification_rows),
        ("open_items", exporter.open_item_rows),
        ("versions", exporter.version_rows),
        ("rounds", exporter.round_rows),
        ("tags", exporter.tags),
        ("submissions", exporter.submission_rows),
        ("sources", exporter.source_rows),
        ("excerpts", exporter.excerpt_rows),
    ]
    out.write(f'{{"schema_version": {SCHEMA_VERSION},\n"export": {dumps(export_block(context))}'.encode())
    for index, (name, read) in enumerate(sections):
        progress(5 + 90 * index // len(sections), f"Writing {name.replace('_', ' ')}")
        value = read()
        if isinstance(value, dict):
            out.write(f',\n"{name}": {dumps(value)}'.encode())
            continue
        out.write(f',\n"{name}": ['.encode())
        for position, item in enumerate(value):
            out.write(f"{',' if position else ''}\n{dumps(item)}".encode())
        out.write(b"\n]")
    out.write(b"\n}\n")
    progress(100, "Done")
