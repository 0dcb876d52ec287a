"""The CSV export read back with zipfile and csv: one UTF-8 file per table, a README with marking and options."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model

from consultation.models import Assessment, AssessmentRevision
from evidence.exports import csv as csv_export
from evidence.models import InternalNote, Submission
from tests.evidence.exports.demo_tables import NAMES, context, load_demo, no_progress

pytestmark = pytest.mark.django_db


def export(ctx) -> zipfile.ZipFile:
    out = io.BytesIO()
    csv_export.write(ctx, out, no_progress)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def table(archive: zipfile.ZipFile, name: str) -> list[dict]:
    text = archive.read(f"{name}.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_zip_holds_a_readme_and_one_csv_per_table_compressed():
    consultation = load_demo()
    ctx = context(consultation)
    archive = export(ctx)

    assert archive.namelist() == [
        "README.txt",
        "matrix.csv",
        "classifications.csv",
        "rating_history.csv",
        "submissions.csv",
        "open_items.csv",
        "round_results.csv",
        "references.csv",
    ]
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    readme = archive.read("README.txt").decode("utf-8")
    assert readme.startswith(consultation.marking) and ctx.watermark in readme
    assert "Experts pseudonymised: no" in readme and "Internal notes included: no" in readme


def test_the_matrix_and_history_match_the_database():
    consultation = load_demo()
    archive = export(context(consultation))

    matrix = table(archive, "matrix")
    assert len(matrix) == 55
    expected = {
        (a.solution.code, a.criterion.key): (str(a.stars or ""), a.level, a.rationale, str(a.revision))
        for a in Assessment.objects.filter(consultation=consultation).select_related("solution", "criterion")
    }
    assert {
        (r["solution"], r["criterion"]): (r["stars"], r["level"], r["rationale"], r["revision"]) for r in matrix
    } == (expected)
    history = table(archive, "rating_history")
    assert len(history) == AssessmentRevision.objects.filter(consultation=consultation).count()
    assert {r["reason"] for r in history} == set(
        AssessmentRevision.objects.filter(consultation=consultation).values_list("reason", flat=True)
    )


def test_submissions_list_links_and_authors_pseudonymised_when_asked():
    consultation = load_demo()
    named = table(export(context(consultation)), "submissions")
    archive = export(context(consultation, pseudonymise=True))
    pseudonymised = table(archive, "submissions")

    submissions = Submission.objects.filter(consultation=consultation).order_by("submitted_at", "id")
    assert [int(r["id"]) for r in named] == [s.pk for s in submissions]
    for row, submission in zip(named, submissions, strict=True):
        assert row["author"] == submission.author.get_full_name()
        assert row["title"] == submission.title and row["body"] == submission.body
        codes = list(submission.solutions.order_by("order", "code").values_list("code", flat=True))
        assert row["solutions"] == "; ".join(codes)
    assert {r["author"] for r in pseudonymised} <= {"Expert 1", "Expert 2"}
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8-sig")
        assert not any(n in text for n in NAMES), name


def test_internal_notes_only_when_asked_for():
    consultation = load_demo()
    note = InternalNote.objects.get(submission__consultation=consultation).body

    with_notes = export(context(consultation, include_internal_notes=True))
    without = export(context(consultation))

    assert [r["note"] for r in table(with_notes, "internal_notes")] == [note]
    assert "internal_notes.csv" not in without.namelist()
    assert not any(note in without.read(name).decode("utf-8-sig") for name in without.namelist())


def test_an_observer_gets_only_the_input_observers_may_read():
    consultation = load_demo()
    consultation.observers_see_input = False
    consultation.save()

    rows = table(export(context(consultation, user="observer", pseudonymise=True)), "submissions")

    assert rows == []


def test_through_the_export_job_the_matrix_marks_the_cells_changed_since_the_chosen_version(exports_folder):
    from consultation.models import DraftVersion
    from tests.evidence.exports.conftest import run_export

    consultation = load_demo(rounds=True)
    user = get_user_model().objects.get(username="secretariat")
    v1 = DraftVersion.objects.get(consultation=consultation, label="v1 as circulated")

    export, data = run_export(consultation, user, "csv", compare_to=v1)

    assert export.status == "done" and export.download_name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    matrix = table(archive, "matrix")
    changed = {(r["solution"], r["criterion"]): r["changed since v1 as circulated"] for r in matrix}
    assert len(changed) == 55
    assert changed[("1d", "effectiveness")] == "down"
    assert sum(1 for value in changed.values() if value) == 1
    assert f"Prepared for {user.get_full_name()}" in archive.read("README.txt").decode("utf-8")


def test_through_the_export_job_an_observer_gets_a_pseudonymised_json_without_notes(exports_folder):
    import json

    from tests.evidence.exports.conftest import run_export

    consultation = load_demo(rounds=True)
    consultation.observers_may_export = consultation.observers_see_input = True
    consultation.save()
    observer = get_user_model().objects.get(username="observer")

    export, data = run_export(consultation, observer, "json", include_internal_notes=True)

    document = json.loads(data)
    assert export.status == "done" and document["export"]["pseudonymise"] is True
    assert document["export"]["include_internal_notes"] is False
    assert document["submissions"] and all("internal_notes" not in s for s in document["submissions"])
    assert not any(name in data.decode("utf-8") for name in NAMES)
