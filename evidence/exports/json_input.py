"""The JSON export's input and library sections: submissions with their versions, links, ratings, files and
notes; source documents with their versions; excerpts. A mixin of ``evidence.exports.json.Exporter``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from evidence.exports.json_keys import m2m, plain
from evidence.models import (
    Attachment,
    Excerpt,
    InternalNote,
    ProposedRating,
    ProposedReference,
    SourceDocument,
    SourceVersion,
    Submission,
    SubmissionVersion,
    Tag,
)


class InputSections:
    """Needs the key maps ``Exporter.__init__`` builds (solutions, criteria, sections, ...) and ``who``."""

    # Input ---------------------------------------------------------------------------------------------------

    def tags(self) -> list[str]:
        return list(Tag.objects.filter(consultation=self.consultation).order_by("name").values_list("name", flat=True))

    def submission_rows(self) -> Iterator[dict]:
        ids = list(self.submissions)
        links = {
            "solutions": m2m(Submission.solutions, ids, self.solutions.get),
            "criteria": m2m(Submission.criteria, ids, self.criteria.get),
            "sections": m2m(Submission.sections, ids, self.sections.get),
            "open_items": m2m(Submission.open_items, ids, self.open_items.get),
            "references": m2m(Submission.references, ids, self.references.get),
            "tags": m2m(
                Submission.tags,
                ids,
                dict(Tag.objects.filter(consultation=self.consultation).values_list("id", "name")).get,
            ),
            "answers_open_items": m2m(Submission.answers_open_items, ids, self.open_items.get),
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
            "solutions": m2m(Excerpt.solutions, ids, self.solutions.get),
            "criteria": m2m(Excerpt.criteria, ids, self.criteria.get),
            "cells": m2m(Excerpt.cells, ids, self.cells.get),
            "open_items": m2m(Excerpt.open_items, ids, self.open_items.get),
            "sections": m2m(Excerpt.sections, ids, self.sections.get),
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
