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

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
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
from evidence.models import (
    Attachment,
    Excerpt,
    InternalNote,
    ProposedRating,
    ProposedReference,
    Pseudonym,
    SourceDocument,
    SourceVersion,
    Submission,
    SubmissionVersion,
    Tag,
)

SCHEMA_VERSION = 1
CONSULTATION_FIELDS = (
    "slug",
    "reference",
    "title",
    "marking",
    "status",
    "opens_at",
    "closes_at",
    "created_at",
    "updated_at",
    "version",
    "share_input_with_experts",
    "observers_see_input",
    "observers_may_export",
    "experts_may_add_sources",
    "reminder_days_before",
    "consensus_min_share",
    "consensus_max_iqr",
    "consistency_mapping",
)


def plain(value):
    """A value as JSON holds it: date-times in UTC ISO 8601 with microseconds, decimals as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=plain)


def _m2m(relation, owners: Iterable[int] | None = None, key=None) -> dict[int, list]:
    """Owner id -> the ids (or ``key(target_id)``) of an M2M relation, sorted; one query."""
    field = relation.field
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    rows = through.objects.all()
    if owners is not None:
        rows = rows.filter(**{f"{source}__in": owners})
    found: dict[int, list] = defaultdict(list)
    for owner, other in rows.values_list(source, target).iterator(2000):
        found[owner].append(other if key is None else key(other))
    return {owner: sorted((v for v in values if v is not None), key=_sort_key) for owner, values in found.items()}


def _sort_key(value):
    return (0, value, "") if isinstance(value, int) else (1, 0, json.dumps(value))


def _ordinals(queryset) -> dict[int, int]:
    """id -> 1, 2, ... in the order rows were created."""
    ids = queryset.order_by("created_at", "id").values_list("id", flat=True)
    return {pk: n for n, pk in enumerate(ids.iterator(2000), start=1)}


class Exporter:
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
        self.imports = _ordinals(DraftImport.objects.filter(consultation=c))
        self.rounds = dict(Round.objects.filter(consultation=c).values_list("id", "number"))
        self.open_items = _ordinals(OpenItem.objects.filter(consultation=c))
        visible = Submission.objects.visible_to(context.recipient, c).filter(submitted_at__isnull=False)
        self.submissions = _ordinals(visible)
        self.sources = _ordinals(SourceDocument.objects.filter(consultation=c))
        excerpts = Excerpt.objects.filter(consultation=c).filter(
            Q(submission__isnull=True) | Q(submission__in=visible.values("pk"))
        )
        self.excerpts = _ordinals(excerpts)
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
        refs = _m2m(Footnote.references, key=self.references.get)
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
        solutions = _m2m(Reference.solutions, key=self.solutions.get)
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
        evidence = _m2m(AssessmentRevision.evidence, key=self.submissions.get)
        excerpts = _m2m(AssessmentRevision.excerpts, key=self.excerpts.get)
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
        evidence = _m2m(ClassificationRevision.evidence, key=self.submissions.get)
        excerpts = _m2m(ClassificationRevision.excerpts, key=self.excerpts.get)
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
        cells = _m2m(Round.cells, owners=list(self.rounds))
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

    # Input ---------------------------------------------------------------------------------------------------

    def tags(self) -> list[str]:
        return list(Tag.objects.filter(consultation=self.consultation).order_by("name").values_list("name", flat=True))

    def submission_rows(self) -> Iterator[dict]:
        ids = list(self.submissions)
        links = {
            "solutions": _m2m(Submission.solutions, ids, self.solutions.get),
            "criteria": _m2m(Submission.criteria, ids, self.criteria.get),
            "sections": _m2m(Submission.sections, ids, self.sections.get),
            "open_items": _m2m(Submission.open_items, ids, self.open_items.get),
            "references": _m2m(Submission.references, ids, self.references.get),
            "tags": _m2m(
                Submission.tags,
                ids,
                dict(Tag.objects.filter(consultation=self.consultation).values_list("id", "name")).get,
            ),
            "answers_open_items": _m2m(Submission.answers_open_items, ids, self.open_items.get),
        }
        children: dict[str, dict[int, list]] = {}
        children["versions"] = self._children(
            SubmissionVersion.objects.filter(submission__in=ids).order_by("submission", "number"),
            lambda v: {
                "number": v["number"],
                "title": v["title"],
                "body": v["body"],
                "content": v["content"],
                "sha256": v["sha256"],
                "created_by": self.who(v["created_by_id"]),
                "created_at": plain(v["created_at"]),
            },
        )
        ratings = defaultdict(list)
        for p in ProposedRating.objects.filter(submission__in=ids).values().iterator(2000):
            ratings[p["submission_id"]].append(p)
        children["proposed_references"] = self._children(
            ProposedReference.objects.filter(submission__in=ids).order_by("submission", "id"),
            lambda p: {k: p[k] for k in ("authors", "title", "year", "venue", "url")},
        )
        children["attachments"] = self._children(
            Attachment.objects.filter(submission__in=ids).order_by("submission", "uploaded_at", "id"),
            lambda a: {
                "name": a["name"],
                "content_type": a["content_type"],
                "size": a["size"],
                "sha256": a["sha256"],
                "uploaded_by": self.who(a["uploaded_by_id"]),
                "uploaded_at": plain(a["uploaded_at"]),
            },
        )
        if self.context.include_internal_notes:
            children["internal_notes"] = self._children(
                InternalNote.objects.filter(submission__in=ids).order_by("submission", "created_at", "id"),
                lambda n: {"author": self.who(n["author_id"]), "body": n["body"], "created_at": plain(n["created_at"])},
            )
        rows = Submission.objects.filter(pk__in=ids).order_by("created_at", "id")
        for s in rows.values().iterator(2000):
            pk = s["id"]
            entry = {
                "number": self.submissions[pk],
                "author": self.who(s["author_id"]),
                "title": s["title"],
                "body": s["body"],
                "status": s["status"],
                "response": s["response"],
                "responded_at": plain(s["responded_at"]),
                "created_at": plain(s["created_at"]),
                "updated_at": plain(s["updated_at"]),
                "submitted_at": plain(s["submitted_at"]),
                "withdrawn_at": plain(s["withdrawn_at"]),
                "current_version": s["current_version"],
                "version": s["version"],
                **{name: found.get(pk, []) for name, found in links.items()},
                "proposed_ratings": [
                    {
                        "cell": [self.solutions[p["solution_id"]], self.criteria[p["criterion_id"]]],
                        "stars": p["stars"],
                        "justification": p["justification"],
                    }
                    for p in sorted(
                        ratings.get(pk, []),
                        key=lambda p: (self.solution_order[p["solution_id"]], self.criterion_order[p["criterion_id"]]),
                    )
                ],
            }
            for name, found in children.items():
                entry[name] = found.get(pk, [])
            yield entry

    def _children(self, queryset, shape) -> dict[int, list]:
        found = defaultdict(list)
        for row in queryset.values().iterator(2000):
            found[row["submission_id"]].append(shape(row))
        return found

    # The library -----------------------------------------------------------------------------------------------

    def source_rows(self) -> Iterator[dict]:
        versions = defaultdict(list)
        for v in SourceVersion.objects.filter(source__consultation=self.consultation).order_by("number").values():
            versions[v["source_id"]].append(
                {
                    "number": v["number"],
                    "original_name": v["original_name"],
                    "content_type": v["content_type"],
                    "size": v["size"],
                    "sha256": v["sha256"],
                    "created_by": self.who(v["created_by_id"]),
                    "created_at": plain(v["created_at"]),
                    "text": v["text"],
                    "blocks": v["blocks"],
                }
            )
        rows = SourceDocument.objects.filter(consultation=self.consultation).order_by("created_at", "id")
        for s in rows.values():
            yield {
                "number": self.sources[s["id"]],
                **{k: plain(s[k]) for k in ("kind", "title", "author", "date", "reference", "marking", "url")},
                "added_by": self.who(s["added_by_id"]),
                "created_at": plain(s["created_at"]),
                "updated_at": plain(s["updated_at"]),
                "version": s["version"],
                "versions": versions.get(s["id"], []),
            }

    def excerpt_rows(self) -> Iterator[dict]:
        ids = list(self.excerpts)
        links = {
            "solutions": _m2m(Excerpt.solutions, ids, self.solutions.get),
            "criteria": _m2m(Excerpt.criteria, ids, self.criteria.get),
            "cells": _m2m(Excerpt.cells, ids, self.cells.get),
            "open_items": _m2m(Excerpt.open_items, ids, self.open_items.get),
            "sections": _m2m(Excerpt.sections, ids, self.sections.get),
        }
        source_versions = dict(
            SourceVersion.objects.filter(source__consultation=self.consultation).values_list("id", "number")
        )
        submission_versions = dict(
            SubmissionVersion.objects.filter(submission__in=list(self.submissions)).values_list("id", "number")
        )
        rows = Excerpt.objects.filter(pk__in=ids).order_by("created_at", "id")
        for e in rows.values().iterator(2000):
            yield {
                "number": self.excerpts[e["id"]],
                "source": self.sources.get(e["source_id"]),
                "source_version": source_versions.get(e["source_version_id"]),
                "submission": self.submissions.get(e["submission_id"]),
                "submission_version": submission_versions.get(e["submission_version_id"]),
                **{k: e[k] for k in ("quote", "start", "end", "prefix", "suffix", "stance", "note")},
                **{name: found.get(e["id"], []) for name, found in links.items()},
                "created_by": self.who(e["created_by_id"]),
                "created_at": plain(e["created_at"]),
                "updated_at": plain(e["updated_at"]),
                "version": e["version"],
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
