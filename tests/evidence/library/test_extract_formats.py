"""Markdown, DOCX, PDF and plain text extraction on small files made in the test."""

from __future__ import annotations

import io

import docx
import pytest

from evidence.attachments import DOCX, PDF, TXT, AttachmentRefused
from evidence.library.extract import extract
from evidence.library.text import clean_cell, extract_text, heading_level


def spans(extracted, kind):
    return [extracted.text[b["start"] : b["end"]] for b in extracted.blocks if b["type"] == kind]


def test_markdown_keeps_headings_nested_lists_quotes_and_tables():
    source = (
        "# Matching on devices\n\nSome **bold** words.\n\n- first\n  - nested\n- second\n\n"
        "> A quoted line\n\n| Option | Cost |\n|---|---|\n| Hashing | Low |\n| Classifier | High |\n"
    )
    result = extract(source.encode(), TXT, "notes.md")
    assert spans(result, "heading") == ["Matching on devices"]
    assert spans(result, "paragraph") == ["Some bold words."]
    assert spans(result, "quote") == ["A quoted line"]
    (listed,) = [b for b in result.blocks if b["type"] == "list"]
    assert [(i["level"], result.text[i["start"] : i["end"]]) for i in listed["items"]] == [
        (0, "first"),
        (1, "nested"),
        (0, "second"),
    ]
    (table,) = [b for b in result.blocks if b["type"] == "table"]
    assert table["header_rows"] == 1
    assert [[result.text[c["start"] : c["end"]] for c in row] for row in table["rows"]] == [
        ["Option", "Cost"],
        ["Hashing", "Low"],
        ["Classifier", "High"],
    ]
    (strong,) = [m for b in result.blocks for m in b.get("marks", []) if m["type"] == "strong"]
    assert result.text[strong["start"] : strong["end"]] == "bold"


def test_a_docx_gives_headings_by_style_list_items_and_real_tables():
    document = docx.Document()
    document.add_heading("Findings", level=1)
    document.add_paragraph("An ordinary paragraph.")
    document.add_paragraph("A bullet", style="List Bullet")
    document.add_paragraph("A deeper bullet", style="List Bullet 2")
    document.add_paragraph("Said elsewhere", style="Quote")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["Risk", "Period", "Measure"], ["High", "12 months", "Order"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    result = extract(out.getvalue(), DOCX, "findings.docx")
    assert spans(result, "heading") == ["Findings"]
    assert spans(result, "paragraph") == ["An ordinary paragraph."]
    assert spans(result, "quote") == ["Said elsewhere"]
    (listed,) = [b for b in result.blocks if b["type"] == "list"]
    assert [i["level"] for i in listed["items"]] == [0, 1]
    (found,) = [b for b in result.blocks if b["type"] == "table"]
    assert [[result.text[c["start"] : c["end"]] for c in row] for row in found["rows"]][1] == [
        "High",
        "12 months",
        "Order",
    ]


def _pdf(pages: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f'<section style="page-break-after: always">{page}</section>' for page in pages)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def test_a_pdf_gives_its_text_page_by_page_with_conservative_headings():
    data = _pdf(
        [
            "<h1>1. Scope of the study</h1><p>Detection runs on the device before sending.</p>",
            "<p>The second page says something else entirely.</p>",
        ]
    )
    result = extract(data, PDF, "study.pdf")
    assert "Detection runs on the device before sending." in result.text
    assert spans(result, "heading") == ["1. Scope of the study"]
    pages = {b.get("page") for b in result.blocks}
    assert pages == {1, 2}
    second = [b for b in result.blocks if b.get("page") == 2]
    assert "second page" in result.text[second[0]["start"] : second[0]["end"]]


def test_a_file_without_text_is_refused_with_a_reason():
    with pytest.raises(AttachmentRefused, match="No text"):
        extract(b"   \n\n  ", TXT, "empty.txt")


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("2. Scope of the measures", 2),
        ("Appendix 3 Worked example", 2),
        ("▪ **Main point**", 3),
        ("RISK OVERVIEW", 1),
        ("Brussels, 08 May 2024", None),
        ("WK 1234/2024 INIT", None),
        ("This sentence ends with a period.", None),
        ("Lead-in to a list:", None),
        ("Single", None),
    ],
)
def test_a_line_standing_alone_is_a_heading_only_when_it_reads_as_a_title(line, level):
    assert heading_level(line) == level


def test_tab_tables_need_two_rows_and_a_consistent_width():
    table = extract_text("intro\n\nA\tB\tC\n1\t2\t3\n\nnot\ta table\n")
    assert [b["type"] for b in table.blocks] == ["paragraph", "table", "paragraph"]


def test_pipe_tables_in_plain_text_are_tables():
    result = extract_text("| Option | Cost |\n| --- | --- |\n| Hashing | Low |\n")
    (table,) = result.blocks
    assert table["type"] == "table" and table["header_rows"] == 1


def test_html_left_in_a_cell_becomes_lines():
    assert clean_cell("<p>DO</p> <ul><li>one</li><li>two &amp; three</li></ul>") == "DO\n- one\n- two & three"
