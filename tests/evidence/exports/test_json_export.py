"""The JSON export read back with json: everything, by natural keys, pseudonymised and without notes when asked."""

from __future__ import annotations

import io
import json

import pytest

from consultation.models import Assessment, AssessmentRevision, Membership, Round, RoundAnswer
from evidence.exports import json as json_export
from evidence.models import InternalNote, Submission, SubmissionVersion
from tests.evidence.exports.demo_tables import MADE_AT, NAMES, context, load_demo, no_progress

pytestmark = pytest.mark.django_db


def export(ctx) -> tuple[bytes, dict]:
    out = io.BytesIO()
    json_export.write(ctx, out, no_progress)
    return out.getvalue(), json.loads(out.getvalue())


def test_the_export_holds_the_matrix_with_every_revision_and_the_rounds_with_their_answers():
    consultation = load_demo(rounds=True)
    ctx = context(consultation)
    _, data = export(ctx)

    assert data["schema_version"] == json_export.SCHEMA_VERSION
    assert data["export"]["made_at"] == MADE_AT.isoformat() and data["export"]["watermark"] == ctx.watermark
    assert data["export"]["marking"] == consultation.marking == data["consultation"]["marking"]
    assert len(data["assessments"]) == 55
    for entry in data["assessments"]:
        cell = Assessment.objects.get(
            consultation=consultation, solution__code=entry["solution"], criterion__key=entry["criterion"]
        )
        assert (entry["stars"], entry["level"], entry["revision"]) == (cell.stars, cell.level, cell.revision)
        numbers = list(cell.revisions.order_by("number").values_list("number", flat=True))
        assert [r["number"] for r in entry["revisions"]] == numbers
    revisions = sum(len(entry["revisions"]) for entry in data["assessments"])
    assert revisions == AssessmentRevision.objects.filter(consultation=consultation).count()
    assert [r["number"] for r in data["rounds"]] == list(
        Round.objects.filter(consultation=consultation).order_by("number").values_list("number", flat=True)
    )
    answers = sum(len(r["answers"]) for r in data["rounds"])
    assert answers == RoundAnswer.objects.filter(round__consultation=consultation).count() > 0
    members = {m["username"]: m["role"] for m in data["members"]}
    assert members == {m.user.username: m.role for m in Membership.objects.filter(consultation=consultation)}


def test_submissions_carry_their_versions_links_and_no_database_ids():
    consultation = load_demo()
    _, data = export(context(consultation))

    assert len(data["submissions"]) == Submission.objects.filter(consultation=consultation).count()
    versions = sum(len(s["versions"]) for s in data["submissions"])
    assert versions == SubmissionVersion.objects.filter(submission__consultation=consultation).count()
    assert {s["author"] for s in data["submissions"]} <= {"expert", "expert2"}
    assert any(s["solutions"] for s in data["submissions"])
    assert any(s["answers_open_items"] for s in data["submissions"])
    for section in ("submissions", "assessments", "open_items", "rounds", "members"):
        for entry in data[section]:
            assert "id" not in entry and not any(key.endswith("_id") for key in entry), section


def test_pseudonymised_export_names_no_expert_and_leaves_notes_out():
    consultation = load_demo()
    note = InternalNote.objects.get(submission__consultation=consultation).body

    raw, data = export(context(consultation, pseudonymise=True))
    _, with_notes = export(context(consultation, include_internal_notes=True))

    text = raw.decode("utf-8")
    for name in (*NAMES, "Janssen", "Rossi", "expert2@demo.invalid"):
        assert name not in text
    assert {s["author"] for s in data["submissions"]} <= {"expert-1", "expert-2"}
    assert note not in text and all("internal_notes" not in s for s in data["submissions"])
    assert [n["body"] for s in with_notes["submissions"] for n in s["internal_notes"]] == [note]


def test_two_exports_of_the_same_data_are_byte_identical():
    consultation = load_demo(rounds=True)
    first, _ = export(context(consultation, include_internal_notes=True))
    second, _ = export(context(consultation, include_internal_notes=True))
    assert first == second
