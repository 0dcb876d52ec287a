"""The PDF and DOCX summaries of the demo, read back by pypdf and python-docx and checked against the data."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from docx import Document

from consultation.management.commands.load_demo_rounds import V1_LABEL, V2_LABEL
from consultation.models import Assessment, DraftVersion
from evidence.models import InternalNote

from .conftest import pdf_pages, run_export, squeeze

pytestmark = pytest.mark.django_db

NAMES = ("Erik Janssen", "Elena Rossi")


def expected_rows(consultation) -> dict[str, str]:
    """Each solution's matrix row as text (code, title, stars and level per criterion), whitespace removed."""
    rows: dict[str, list[str]] = {}
    cells = Assessment.objects.filter(consultation=consultation).select_related("solution", "criterion")
    for cell in cells.order_by("solution__order", "solution__code", "criterion__order", "criterion__key"):
        start = [cell.solution.code, cell.solution.title]
        rows.setdefault(cell.solution.code, start).append(
            ("N/A" if cell.stars is None else f"{cell.stars} ★") + cell.level
        )
    return {code: squeeze("".join(parts)) for code, parts in rows.items()}


def test_the_pdf_summary_holds_the_55_cells_the_marking_and_watermark_on_every_page_and_a_contents(demo, demo_users):
    secretariat = demo_users["secretariat"]
    export, data = run_export(demo, secretariat, "pdf", include_internal_notes=True)

    assert export.status == "done" and data.startswith(b"%PDF")
    pages = pdf_pages(data)
    assert len(pages) > 5
    rows = expected_rows(demo)
    assert len(rows) == 11 and sum(1 for _ in Assessment.objects.filter(consultation=demo)) == 55
    matrix_text = squeeze(" ".join(pages[:4]))
    missing = [code for code, row in rows.items() if row not in matrix_text]
    assert not missing, f"matrix rows not found in the PDF: {missing}"
    for number, text in enumerate(pages, start=1):
        assert demo.marking.upper() in text.upper(), f"no marking on page {number}"
        assert "Prepared for Sara Lindqvist" in text, f"no watermark on page {number}"
        assert f"Page {number} of {len(pages)}" in text
    assert re.search(r"Overview matrix\s*\.{5,}\s*\d+", pages[0]), "the contents give no page number"
    assert re.search(r"How the input was dealt with\s*\.{5,}\s*\d+", pages[0])
    everything = "\n".join(pages)
    assert all(name in everything for name in NAMES)
    note = InternalNote.objects.get(submission__consultation=demo).body
    assert squeeze(note) in squeeze(everything)


def test_a_pseudonymised_pdf_without_notes_names_no_expert_and_holds_no_internal_note(demo, demo_users):
    _, data = run_export(demo, demo_users["secretariat"], "pdf", pseudonymise=True, include_internal_notes=False)

    everything = "\n".join(pdf_pages(data))
    assert "Expert 1" in everything and "Expert 2" in everything
    assert not any(name in everything for name in NAMES)
    assert "Erik" not in everything and "Rossi" not in everything
    note = InternalNote.objects.get(submission__consultation=demo).body
    assert squeeze(note) not in squeeze(everything) and "Internal note:" not in everything


def test_a_pdf_of_a_version_marks_the_cells_changed_since_an_earlier_one_and_can_go_without_watermark(demo, demo_users):
    v1 = DraftVersion.objects.get(consultation=demo, label=V1_LABEL)
    v2 = DraftVersion.objects.get(consultation=demo, label=V2_LABEL)
    _, data = run_export(demo, demo_users["secretariat"], "pdf", version=v2, compare_to=v1, watermark=False)

    pages = pdf_pages(data)
    assert squeeze(f"the version {v2.label}") in squeeze(pages[0])
    assert squeeze(f"Changes marked since version {v1.label}") in squeeze(pages[0])
    assert re.search(r"\(\s*1\s*cell\s*changed\)", pages[0])
    assert "was" in " ".join(pages[1:3])
    assert not any("Prepared for" in text for text in pages)


def test_the_docx_summary_has_word_headings_real_tables_with_the_55_cells_and_the_marking_in_each_header(
    demo, demo_users
):
    _, data = run_export(demo, demo_users["secretariat"], "docx", include_internal_notes=True)

    document = Document(BytesIO(data))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Overview matrix") in headings and ("Heading 1", "How the input was dealt with") in headings
    assert sum(1 for style, _ in headings if style == "Heading 2") >= 11
    matrix = document.tables[0]
    assert len(matrix.rows) == 12 and len(matrix.columns) == 7  # header + 11 solutions; solution, 5 criteria, class
    cells = [matrix.cell(r, c).text for r in range(1, 12) for c in range(1, 6)]
    expected = Assessment.objects.filter(consultation=demo).select_related("solution", "criterion")
    expected = expected.order_by("solution__order", "solution__code", "criterion__order", "criterion__key")
    assert cells == [(f"{a.stars} ★ " if a.stars else "N/A ") + a.level for a in expected]
    for section in document.sections:
        header = "\n".join(p.text for p in section.header.paragraphs)
        footer = "\n".join(p.text for p in section.footer.paragraphs)
        assert demo.marking.upper() in header
        assert "Prepared for Sara Lindqvist" in header and "Prepared for Sara Lindqvist" in footer
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert all(name in text for name in NAMES)
    assert InternalNote.objects.get(submission__consultation=demo).body in text


def test_a_pseudonymised_docx_without_notes_names_no_expert(demo, demo_users):
    _, data = run_export(demo, demo_users["secretariat"], "docx", pseudonymise=True)

    document = Document(BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Expert 1" in text
    assert not any(name in text for name in NAMES)
    assert InternalNote.objects.get(submission__consultation=demo).body not in text


def docx_text(data: bytes) -> str:
    document = Document(BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )


def test_an_observers_export_holds_only_the_input_observers_may_read_and_never_a_name(demo, demo_users):
    from evidence.models import Submission

    demo.observers_may_export = True
    demo.save(update_fields=["observers_may_export"])
    titles = list(Submission.objects.filter(consultation=demo).values_list("title", flat=True))

    _, unshared = run_export(demo, demo_users["observer"], "docx", pseudonymise=False, include_internal_notes=True)
    demo.observers_see_input = True
    demo.save(update_fields=["observers_see_input"])
    _, shared = run_export(demo, demo_users["observer"], "docx")

    text = docx_text(unshared)
    assert not any(title in text for title in titles)  # not even as the evidence of an adopted change
    text = docx_text(shared)
    assert all(title in text for title in titles) and "Expert 1" in text
    assert not any(name in text for name in NAMES)
    assert InternalNote.objects.get(submission__consultation=demo).body not in text
