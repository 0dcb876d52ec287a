"""Recreate a consultation with its full history from a JSON export (``manage.py import_consultation``).

The reverse of ``evidence.exports.json``: every row is inserted with the values
the file gives, timestamps included (fields the models stamp themselves,
``auto_now``/``auto_now_add``, are set back to the file's value right after the
insert), and revisions with their original numbers and ``created_at``. The
append-only triggers of revisions refuse only UPDATE and DELETE, so inserting
history is allowed; nothing here updates a revision.

People are matched by username; a user the installation does not have is
created inactive, without a usable password (an administrator activates them
or they reset their password). Existing users are left as they are.

Attachments' and source documents' files are not in the export: their rows
are recreated with name, size and SHA-256, the file itself reported missing
when downloaded (``imported-missing/<sha256>``).

Everything happens in one transaction: a file that does not fit leaves nothing
behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Model

from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationRevision,
    Consultation,
    Criterion,
    DraftImport,
    DraftVersion,
    Footnote,
    Membership,
    OpenItem,
    Profile,
    Reference,
    Round,
    RoundAnswer,
    Section,
    Solution,
    SolutionGroup,
)
from evidence.exports.json_keys import CONSULTATION_FIELDS, SCHEMA_VERSION
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


class ImportRefused(Exception):
    """The file cannot be imported; the message says why."""


def when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _restamp(objects: list[Model], stamps: list[dict], fields: Iterable[str]) -> None:
    """Put back timestamps the models set themselves on insert (bulk_update does not call ``pre_save``)."""
    fields = list(fields)
    if not objects:
        return
    for obj, stamp in zip(objects, stamps, strict=True):
        for name in fields:
            setattr(obj, name, when(stamp[name]))
    type(objects[0]).objects.bulk_update(objects, fields, batch_size=1000)


def _link(relation, pairs: Iterable[tuple[int, int]]) -> None:
    """Insert the rows of an M2M relation at once."""
    field = relation.field
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    through.objects.bulk_create([through(**{source: a, target: b}) for a, b in pairs], batch_size=2000)


class Importer:
    def __init__(self, data: dict, slug: str | None = None):
        if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
            raise ImportRefused(
                f"This is not a consultation export of schema version {SCHEMA_VERSION} "
                f"(found {data.get('schema_version') if isinstance(data, dict) else type(data).__name__!r})."
            )
        self.data = data
        self.slug = slug or data["consultation"]["slug"]

    def run(self) -> Consultation:
        if Consultation.objects.filter(slug=self.slug).exists():
            raise ImportRefused(
                f"A consultation “{self.slug}” exists already; importing never overwrites one (give another --slug)."
            )
        with transaction.atomic():
            self.users()
            self.consultation()
            self.draft()
            self.ratings()
            self.input()
            self.library()
            self.history()
        return self.c

    # --------------------------------------------------------------------------------------------------------

    def users(self) -> None:
        User = get_user_model()
        self.user = {}
        for person in self.data["members"]:
            user = User.objects.filter(username=person["username"]).first()
            if user is None:
                user = User(
                    username=person["username"],
                    email=person["email"],
                    first_name=person["first_name"],
                    last_name=person["last_name"],
                    is_active=False,
                )
                user.set_unusable_password()
                user.save()
                if person.get("profile"):
                    Profile.objects.create(user=user, **person["profile"])
            self.user[person["username"]] = user.pk

    def who(self, username: str | None) -> int | None:
        return self.user[username] if username is not None else None

    def consultation(self) -> None:
        values = dict(self.data["consultation"])
        for name in ("opens_at", "closes_at", "created_at", "updated_at"):
            values[name] = when(values[name])
        values["consensus_max_iqr"] = Decimal(values["consensus_max_iqr"])
        values["slug"] = self.slug
        stamps = {k: values.pop(k) for k in ("created_at", "updated_at")}
        self.c = Consultation.objects.create(**{k: values[k] for k in CONSULTATION_FIELDS if k in values})
        Consultation.objects.filter(pk=self.c.pk).update(**stamps)
        members = [p for p in self.data["members"] if p["role"]]
        memberships = Membership.objects.bulk_create(
            [
                Membership(
                    consultation=self.c,
                    user_id=self.user[p["username"]],
                    role=p["role"],
                    deadline_extended_until=when(p["deadline_extended_until"]),
                )
                for p in members
            ]
        )
        _restamp(memberships, [{"created_at": p["member_since"]} for p in members], ["created_at"])
        Pseudonym.objects.bulk_create(
            Pseudonym(consultation=self.c, user_id=self.user[p["username"]], number=p["pseudonym"])
            for p in self.data["members"]
            if p["pseudonym"] is not None
        )

    def draft(self) -> None:
        d, c = self.data, self.c
        imports = d["draft_imports"]
        created = DraftImport.objects.bulk_create(
            DraftImport(
                consultation=c,
                **{
                    k: i[k]
                    for k in ("filename", "sha256", "status", "progress", "error", "preview", "result", "content")
                },
                created_by_id=self.who(i["created_by"]),
                finished_at=when(i["finished_at"]),
            )
            for i in imports
        )
        _restamp(created, imports, ["created_at"])
        self.imports = {i["number"]: obj.pk for i, obj in zip(imports, created, strict=True)}

        sections = Section.objects.bulk_create(
            Section(consultation=c, **{k: s[k] for k in ("number", "title", "order", "text")}) for s in d["sections"]
        )
        self.sections = {s.number: s.pk for s in sections}
        for section, entry in zip(sections, d["sections"], strict=True):
            section.parent_id = self.sections.get(entry["parent"])
        Section.objects.bulk_update(sections, ["parent"])
        groups = SolutionGroup.objects.bulk_create(SolutionGroup(consultation=c, **g) for g in d["solution_groups"])
        group = {g.number: g.pk for g in groups}
        solutions = Solution.objects.bulk_create(
            Solution(
                consultation=c,
                group_id=group[s["group"]],
                code=s["code"],
                title=s["title"],
                section_id=self.sections.get(s["section"]),
                order=s["order"],
                retired_at=when(s["retired_at"]),
            )
            for s in d["solutions"]
        )
        self.solutions = {s.code: s.pk for s in solutions}
        criteria = Criterion.objects.bulk_create(
            Criterion(consultation=c, **{**k, "retired_at": when(k["retired_at"])}) for k in d["criteria"]
        )
        self.criteria = {k.key: k.pk for k in criteria}
        references = Reference.objects.bulk_create(
            Reference(consultation=c, **{k: v for k, v in r.items() if k != "solutions"}) for r in d["references"]
        )
        self.references = {(r.group_order, r.number): r.pk for r in references}
        _link(
            Reference.solutions,
            (
                (self.references[(r["group_order"], r["number"])], self.solutions[code])
                for r in d["references"]
                for code in r["solutions"]
            ),
        )
        footnotes = Footnote.objects.bulk_create(
            Footnote(consultation=c, number=f["number"], text=f["text"], section_id=self.sections.get(f["section"]))
            for f in d["footnotes"]
        )
        _link(
            Footnote.references,
            (
                (note.pk, self.references[tuple(ref)])
                for note, f in zip(footnotes, d["footnotes"], strict=True)
                for ref in f["references"]
            ),
        )

    def cell(self, key: list[str]) -> int:
        return self.cells[(key[0], key[1])]

    def ratings(self) -> None:
        d, c = self.data, self.c
        cells = Assessment.objects.bulk_create(
            Assessment(
                consultation=c,
                solution_id=self.solutions[a["solution"]],
                criterion_id=self.criteria[a["criterion"]],
                **{k: a[k] for k in ("stars", "level", "rationale", "revision")},
                changed_at=when(a["changed_at"]),
                changed_by_id=self.who(a["changed_by"]),
            )
            for a in d["assessments"]
        )
        self.cells = {(a["solution"], a["criterion"]): cell.pk for a, cell in zip(d["assessments"], cells, strict=True)}
        classifications = Classification.objects.bulk_create(
            Classification(
                consultation=c,
                solution_id=self.solutions[k["solution"]],
                value=k["value"],
                revision=k["revision"],
                changed_at=when(k["changed_at"]),
                changed_by_id=self.who(k["changed_by"]),
            )
            for k in d["classifications"]
        )
        self.classifications = {
            k["solution"]: obj.pk for k, obj in zip(d["classifications"], classifications, strict=True)
        }
        items = OpenItem.objects.bulk_create(
            OpenItem(
                consultation=c,
                section_id=self.sections.get(o["section"]),
                **{k: o[k] for k in ("place", "prompt", "status", "resolution", "import_marker", "version")},
                assessment_id=self.cell(o["cell"]) if o["cell"] else None,
                created_by_id=self.who(o["created_by"]),
            )
            for o in d["open_items"]
        )
        _restamp(items, d["open_items"], ["created_at", "updated_at"])
        self.open_items = {o["number"]: item.pk for o, item in zip(d["open_items"], items, strict=True)}
        rounds = Round.objects.bulk_create(
            Round(
                consultation=c,
                number=r["number"],
                title=r["title"],
                opens_at=when(r["opens_at"]),
                closes_at=when(r["closes_at"]),
                status=r["status"],
                closed_at=when(r["closed_at"]),
                created_by_id=self.who(r["created_by"]),
            )
            for r in d["rounds"]
        )
        _restamp(rounds, d["rounds"], ["created_at"])
        self.rounds = {r.number: r.pk for r in rounds}
        _link(Round.cells, ((self.rounds[r["number"]], self.cell(cell)) for r in d["rounds"] for cell in r["cells"]))
        answers = [(r, a) for r in d["rounds"] for a in r["answers"]]
        created = RoundAnswer.objects.bulk_create(
            RoundAnswer(
                round_id=self.rounds[r["number"]],
                assessment_id=self.cell(a["cell"]),
                expert_id=self.who(a["expert"]),
                stars=a["stars"],
                cannot_judge=a["cannot_judge"],
                comment=a["comment"],
            )
            for r, a in answers
        )
        _restamp(created, [a for _, a in answers], ["updated_at"])

    def input(self) -> None:
        d, c = self.data, self.c
        tags = Tag.objects.bulk_create(Tag(consultation=c, name=name) for name in d["tags"])
        tag = {t.name: t.pk for t in tags}
        rows = d["submissions"]
        submissions = Submission.objects.bulk_create(
            (
                Submission(
                    consultation=c,
                    author_id=self.who(s["author"]),
                    **{k: s[k] for k in ("title", "body", "status", "response", "current_version", "version")},
                    responded_at=when(s["responded_at"]),
                    submitted_at=when(s["submitted_at"]),
                    withdrawn_at=when(s["withdrawn_at"]),
                )
                for s in rows
            ),
            batch_size=1000,
        )
        _restamp(submissions, rows, ["created_at", "updated_at"])
        self.submissions = {s["number"]: obj.pk for s, obj in zip(rows, submissions, strict=True)}
        keys = {
            "solutions": self.solutions,
            "criteria": self.criteria,
            "sections": self.sections,
            "open_items": self.open_items,
            "tags": tag,
            "answers_open_items": self.open_items,
        }
        for name, lookup in keys.items():
            _link(
                getattr(Submission, name), ((self.submissions[s["number"]], lookup[k]) for s in rows for k in s[name])
            )
        _link(
            Submission.references,
            ((self.submissions[s["number"]], self.references[tuple(k)]) for s in rows for k in s["references"]),
        )
        versions = [(s, v) for s in rows for v in s["versions"]]
        created = SubmissionVersion.objects.bulk_create(
            (
                SubmissionVersion(
                    submission_id=self.submissions[s["number"]],
                    **{k: v[k] for k in ("number", "title", "body", "content", "sha256")},
                    created_by_id=self.who(v["created_by"]),
                    created_at=when(v["created_at"]),
                )
                for s, v in versions
            ),
            batch_size=1000,
        )
        self.submission_versions = {
            (s["number"], v["number"]): obj.pk for (s, v), obj in zip(versions, created, strict=True)
        }
        ProposedRating.objects.bulk_create(
            (
                ProposedRating(
                    submission_id=self.submissions[s["number"]],
                    solution_id=self.solutions[p["cell"][0]],
                    criterion_id=self.criteria[p["cell"][1]],
                    stars=p["stars"],
                    justification=p["justification"],
                )
                for s in rows
                for p in s["proposed_ratings"]
            ),
            batch_size=1000,
        )
        ProposedReference.objects.bulk_create(
            (
                ProposedReference(submission_id=self.submissions[s["number"]], **p)
                for s in rows
                for p in s["proposed_references"]
            ),
            batch_size=1000,
        )
        attachments = [(s, a) for s in rows for a in s["attachments"]]
        created = Attachment.objects.bulk_create(
            Attachment(
                submission_id=self.submissions[s["number"]],
                file=f"imported-missing/{a['sha256']}",
                **{k: a[k] for k in ("name", "size", "content_type", "sha256")},
                uploaded_by_id=self.who(a["uploaded_by"]),
            )
            for s, a in attachments
        )
        _restamp(created, [a for _, a in attachments], ["uploaded_at"])
        notes = [(s, n) for s in rows for n in s.get("internal_notes", [])]
        created = InternalNote.objects.bulk_create(
            InternalNote(submission_id=self.submissions[s["number"]], author_id=self.who(n["author"]), body=n["body"])
            for s, n in notes
        )
        _restamp(created, [n for _, n in notes], ["created_at"])

    def library(self) -> None:
        d, c = self.data, self.c
        sources = SourceDocument.objects.bulk_create(
            SourceDocument(
                consultation=c,
                **{k: s[k] for k in ("kind", "title", "author", "reference", "marking", "url", "version")},
                date=day(s["date"]),
                added_by_id=self.who(s["added_by"]),
            )
            for s in d["sources"]
        )
        _restamp(sources, d["sources"], ["created_at", "updated_at"])
        self.sources = {s["number"]: obj.pk for s, obj in zip(d["sources"], sources, strict=True)}
        versions = [(s, v) for s in d["sources"] for v in s["versions"]]
        created = SourceVersion.objects.bulk_create(
            SourceVersion(
                source_id=self.sources[s["number"]],
                **{k: v[k] for k in ("number", "original_name", "content_type", "size", "sha256", "text", "blocks")},
                created_by_id=self.who(v["created_by"]),
            )
            for s, v in versions
        )
        _restamp(created, [v for _, v in versions], ["created_at"])
        source_versions = {(s["number"], v["number"]): obj.pk for (s, v), obj in zip(versions, created, strict=True)}
        rows = d["excerpts"]
        excerpts = Excerpt.objects.bulk_create(
            Excerpt(
                consultation=c,
                source_id=self.sources.get(e["source"]),
                source_version_id=source_versions.get((e["source"], e["source_version"])),
                submission_id=self.submissions.get(e["submission"]),
                submission_version_id=self.submission_versions.get((e["submission"], e["submission_version"])),
                **{k: e[k] for k in ("quote", "start", "end", "prefix", "suffix", "stance", "note", "version")},
                created_by_id=self.who(e["created_by"]),
            )
            for e in rows
        )
        _restamp(excerpts, rows, ["created_at", "updated_at"])
        self.excerpts = {e["number"]: obj.pk for e, obj in zip(rows, excerpts, strict=True)}
        keys = {
            "solutions": self.solutions.get,
            "criteria": self.criteria.get,
            "cells": self.cell,
            "open_items": self.open_items.get,
            "sections": self.sections.get,
        }
        for name, lookup in keys.items():
            _link(getattr(Excerpt, name), ((self.excerpts[e["number"]], lookup(k)) for e in rows for k in e[name]))

    def history(self) -> None:
        d, c = self.data, self.c
        self._revisions(
            AssessmentRevision,
            [(self.cells[(a["solution"], a["criterion"])], r) for a in d["assessments"] for r in a["revisions"]],
            "assessment",
            ("stars", "level", "rationale"),
        )
        self._revisions(
            ClassificationRevision,
            [(self.classifications[k["solution"]], r) for k in d["classifications"] for r in k["revisions"]],
            "classification",
            ("value",),
        )
        versions = DraftVersion.objects.bulk_create(
            DraftVersion(
                consultation=c,
                label=v["label"],
                published_at=when(v["published_at"]),
                note=v["note"],
                draft_import_id=self.imports.get(v["draft_import"]),
                created_by_id=self.who(v["created_by"]),
            )
            for v in d["versions"]
        )
        _restamp(versions, d["versions"], ["created_at"])

    def _revisions(self, model, rows: list[tuple[int, dict]], owner: str, values: tuple[str, ...]) -> None:
        created = model.objects.bulk_create(
            (
                model(
                    consultation=self.c,
                    **{f"{owner}_id": owner_id},
                    number=r["number"],
                    **{k: r[k] for k in values},
                    reason=r["reason"],
                    source=r["source"],
                    draft_import_id=self.imports.get(r["draft_import"]),
                    round_id=self.rounds.get(r["round"]),
                    created_by_id=self.who(r["created_by"]),
                    created_at=when(r["created_at"]),
                )
                for owner_id, r in rows
            ),
            batch_size=1000,
        )
        pairs = list(zip(created, (r for _, r in rows), strict=True))
        _link(model.evidence, ((obj.pk, self.submissions[n]) for obj, r in pairs for n in r["evidence"]))
        _link(model.excerpts, ((obj.pk, self.excerpts[n]) for obj, r in pairs for n in r["excerpts"]))


def import_consultation(data: dict, *, slug: str | None = None) -> Consultation:
    """Recreate the consultation of a JSON export (already parsed) under its slug or ``slug``; refuses an existing
    slug. Raises ``ImportRefused`` with a message for people."""
    try:
        return Importer(data, slug).run()
    except (KeyError, TypeError, ValueError) as error:
        raise ImportRefused(f"The file does not have the expected shape ({type(error).__name__}: {error}).") from error
