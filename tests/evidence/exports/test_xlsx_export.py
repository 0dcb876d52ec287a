"""The XLSX export read back with openpyxl: the demo's 55 cells, marking and watermark on every sheet, options."""

from __future__ import annotations

import io

import openpyxl
import pytest

from consultation.models import Assessment
from evidence.exports import xlsx
from evidence.models import InternalNote, Submission
from tests.evidence.exports.demo_tables import NAMES, context, load_demo, no_progress

pytestmark = pytest.mark.django_db


def export(ctx) -> openpyxl.Workbook:
    out = io.BytesIO()
    xlsx.write(ctx, out, no_progress)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def records(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_matrix_sheet_holds_the_55_cells_of_the_demo_as_they_are_in_the_database():
    consultation = load_demo()
    book = export(context(consultation))

    matrix = records(book["Matrix"])
    assert len(matrix) == 55
    expected = {
        (a.solution.code, a.criterion.key): (a.stars, a.level, a.rationale, a.revision)
        for a in Assessment.objects.filter(consultation=consultation).select_related("solution", "criterion")
    }
    got = {
        (r["solution"], r["criterion"]): (r["stars"], r["level"] or "", r["rationale"] or "", r["revision"])
        for r in matrix
    }
    assert got == expected


def test_every_sheet_has_a_frozen_header_a_filter_the_marking_and_the_watermark():
    consultation = load_demo()
    ctx = context(consultation)
    book = export(ctx)

    assert book.sheetnames[0] == "About"
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Marking"] == consultation.marking and about["Made for"] == "Sara Lindqvist"
    assert about["Watermark"] == ctx.watermark and about["Made at"].startswith("2030-01-02T03:04:05")
    for sheet in book.worksheets:
        assert consultation.marking in sheet.oddHeader.center.text
        assert ctx.watermark in sheet.oddHeader.right.text and ctx.watermark in sheet.oddFooter.right.text
        if sheet.title != "About":
            assert sheet.freeze_panes == "A2"
            assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    assert book.sheetnames == [
        "About",
        "Matrix",
        "Classifications",
        "Rating history",
        "Submissions",
        "Open items",
        "Round results",
        "References",
    ]


def test_submissions_are_named_or_pseudonymised_as_asked():
    consultation = load_demo()
    named = records(export(context(consultation))["Submissions"])
    pseudonymised_book = export(context(consultation, pseudonymise=True))
    pseudonymised = records(pseudonymised_book["Submissions"])

    assert len(named) == len(pseudonymised) == Submission.objects.filter(consultation=consultation).count()
    assert {r["author"] for r in named} <= set(NAMES) and {r["author"] for r in named} & set(NAMES)
    assert {r["author"] for r in pseudonymised} <= {"Expert 1", "Expert 2"}
    for sheet in pseudonymised_book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(name in str(value) for value in row for name in NAMES)


def test_internal_notes_are_left_out_unless_asked_for():
    consultation = load_demo()
    note = InternalNote.objects.get(submission__consultation=consultation).body

    with_notes = export(context(consultation, include_internal_notes=True))
    without = export(context(consultation))

    assert [r["note"] for r in records(with_notes["Internal notes"])] == [note]
    assert "Internal notes" not in without.sheetnames
    for sheet in without.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert note not in [str(v) for v in row]
