"""JSON round trip: export, empty the database, import, export again: the two files are byte for byte equal."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from consultation.models import Assessment, AssessmentRevision, Consultation, Section
from evidence.exports import json as json_export
from evidence.models import Attachment, Excerpt, SourceDocument, SourceVersion, Submission
from tests.evidence.exports.demo_tables import context, load_demo, no_progress


def export(ctx) -> bytes:
    out = io.BytesIO()
    json_export.write(ctx, out, no_progress)
    return out.getvalue()


def add_library(consultation: Consultation) -> None:
    """A source document with two versions, excerpts from it and from input, and an attachment: the rest of
    what a consultation holds beyond the demo."""
    secretariat = get_user_model().objects.get(username="secretariat")
    source = SourceDocument.objects.create(
        consultation=consultation, title="Later study", author="An agency", date=date(2025, 3, 1), added_by=secretariat
    )
    SourceVersion.objects.create(source=source, number=1, text="First text.", created_by=secretariat)
    second = SourceVersion.objects.create(
        source=source,
        number=2,
        original_name="study.pdf",
        sha256="ab" * 32,
        size=10,
        text="Second text, quoted.",
        blocks=[{"type": "paragraph", "start": 0, "end": 20}],
        created_by=secretariat,
    )
    cell = Assessment.objects.filter(consultation=consultation).order_by("pk").first()
    excerpt = Excerpt.objects.create(
        consultation=consultation,
        source=source,
        source_version=second,
        quote="quoted",
        start=13,
        end=19,
        stance="lower",
        created_by=secretariat,
    )
    excerpt.cells.add(cell)
    excerpt.solutions.add(cell.solution)
    excerpt.sections.add(Section.objects.filter(consultation=consultation).first())
    submission = Submission.objects.filter(consultation=consultation).order_by("pk").first()
    version = submission.versions.order_by("number").first()
    Excerpt.objects.create(
        consultation=consultation,
        submission=submission,
        submission_version=version,
        quote=version.body[:5] or "x",
        start=0,
        end=5,
        stance="context",
        created_by=secretariat,
    )
    revision = AssessmentRevision.objects.filter(consultation=consultation).order_by("pk").first()
    revision.excerpts.add(excerpt)
    Attachment.objects.create(
        submission=submission,
        file="attachments/x.pdf",
        name="evidence.pdf",
        size=3,
        content_type="application/pdf",
        sha256="cd" * 32,
        uploaded_by=submission.author,
    )


@pytest.mark.django_db(transaction=True)
def test_export_import_into_an_empty_database_and_export_again_gives_the_same_bytes(tmp_path):
    consultation = load_demo(rounds=True)
    add_library(consultation)
    first = export(context(consultation, include_internal_notes=True))
    path = tmp_path / "demo.json"
    path.write_bytes(first)

    call_command("flush", interactive=False, verbosity=0)
    assert not Consultation.objects.exists() and not get_user_model().objects.exists()

    out = io.StringIO()
    call_command("import_consultation", str(path), stdout=out)
    assert "Imported the consultation “demo”" in out.getvalue()
    imported = Consultation.objects.get(slug="demo")
    again = export(context(imported, include_internal_notes=True))

    assert again == first
    users = get_user_model().objects.all()
    assert users.count() >= 4 and not any(u.is_active or u.has_usable_password() for u in users)
    with pytest.raises(CommandError, match="exists already"):
        call_command("import_consultation", str(path), stdout=io.StringIO())
    assert Consultation.objects.count() == 1


@pytest.mark.django_db
def test_an_import_under_a_new_slug_recreates_the_history_and_bad_files_are_refused(tmp_path):
    consultation = load_demo()
    path = tmp_path / "demo.json"
    path.write_bytes(export(context(consultation)))

    call_command("import_consultation", str(path), "--slug=demo-copy", stdout=io.StringIO())
    copy = Consultation.objects.get(slug="demo-copy")
    assert copy.assessment_revisions.count() == consultation.assessment_revisions.count()
    assert list(copy.assessments.order_by("solution__code", "criterion__key").values_list("stars", "revision")) == list(
        consultation.assessments.order_by("solution__code", "criterion__key").values_list("stars", "revision")
    )

    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": 99}', encoding="utf-8")
    with pytest.raises(CommandError, match="schema version 1"):
        call_command("import_consultation", str(broken), stdout=io.StringIO())
    broken.write_text("not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not a JSON file"):
        call_command("import_consultation", str(broken), stdout=io.StringIO())
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"schema_version": 1, "consultation": {"slug": "other"}, "members": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="expected shape"):
        call_command("import_consultation", str(truncated), stdout=io.StringIO())
    assert not Consultation.objects.filter(slug="other").exists()
