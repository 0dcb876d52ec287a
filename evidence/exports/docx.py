"""The summary as an editable Word document (python-docx), for drafters to redraft the paper from.

Headings use Word's own heading styles (so the navigation pane and a generated table
of contents work), tables are real tables, the consultation's marking is in the
header of every section, and the watermark (recipient and time) in the header and
footer. Charts are given as small tables of their points (Word cannot take the SVG).
"""

from __future__ import annotations

from typing import BinaryIO

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from evidence.exports import ExportContext, Progress
from evidence.exports.content import summary_content
from evidence.exports.summary import Summary

MARKING_COLOUR = RGBColor(0x8B, 0x00, 0x00)
GREY = RGBColor(0x66, 0x66, 0x66)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES, TOC ...) that Word fills when it lays out the document."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1" if "PAGE" in instruction else "Right-click and choose Update Field to build the contents."
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _mark_sections(document, summary: Summary) -> None:
    """Marking (and watermark) in the header of every section; watermark and page numbers in the footer."""
    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.text = ""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(summary.marking.upper())
        run.bold = True
        run.font.color.rgb = MARKING_COLOUR
        if summary.watermark:
            mark = header.add_paragraph()
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            mark_run = mark.add_run(summary.watermark)
            mark_run.font.size = Pt(8)
            mark_run.font.color.rgb = GREY
        footer = section.footer
        footer.is_linked_to_previous = False
        line = footer.paragraphs[0]
        line.text = ""
        if summary.watermark:
            line.add_run(summary.watermark + "    ").font.size = Pt(8)
        line.add_run(f"{summary.marking} · page ")
        _field(line, "PAGE")
        line.add_run(" of ")
        _field(line, "NUMPAGES")


def _table(document, head: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    # Repeat the header row on every page the table runs over.
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    document.add_paragraph()
    return table


def _cover(document, summary: Summary) -> None:
    document.add_heading(f"{summary.reference} {summary.title}".strip(), level=0)
    facts = [
        ("Marking", summary.marking),
        ("Shows", f"the {summary.point_label}"),
        ("Recipient", summary.recipient),
        ("Made", timezone.localtime(summary.made_at).strftime("%-d %B %Y, %H:%M %Z")),
        ("Experts named", "pseudonymised (Expert 1, Expert 2 …)" if summary.pseudonymised else "by name"),
        ("Internal notes", "included" if summary.with_notes else "left out"),
    ]
    if summary.compare_label:
        facts.insert(2, ("Changes marked since", f"version {summary.compare_label} ({summary.changed_cells} cells)"))
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_heading("Contents", level=1)
    _field(document.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u')


def _matrix(document, summary: Summary) -> None:
    document.add_heading("Overview matrix", level=1)
    legend = "Stars 1 to 5 (N/A: not applicable), the level in the text, and the classification."
    if summary.compare_label:
        legend += f" Changes since version {summary.compare_label} are marked with the earlier value."
    document.add_paragraph(legend)
    rows = []
    for row in summary.matrix:
        values = [f"{row.code} {row.title}"]
        for cell in row.cells:
            if cell is None:
                values.append("–")
                continue
            text = f"{cell.stars_text} {cell.level}".strip()
            values.append(f"{text}\n[changed: {cell.change_text}]" if cell.changed else text)
        classification = row.classification
        if row.classification_changed:
            classification += f"\n[changed: was {row.classification_before or 'unclassified'}]"
        rows.append([*values, classification])
    _table(document, ["Solution", *[name for _, name in summary.criteria], "Classification"], rows)


def _solutions(document, summary: Summary) -> None:
    document.add_heading("Solutions", level=1)
    for solution in summary.solutions:
        document.add_heading(f"{solution.code} {solution.title}", level=2)
        document.add_paragraph(
            f"{solution.group}" + (f" · section {solution.section}" if solution.section else "")
            + f" · classification: {solution.classification or 'none'}"
        )  # fmt: skip
        document.add_heading("Assessments", level=3)
        _table(
            document,
            ["Criterion", "Stars", "Level", "Rationale"],
            [[c.criterion_name, c.stars_text, c.level, c.rationale] for c in solution.cells],
        )
        document.add_heading("Stars over time", level=3)
        _table(
            document,
            ["Criterion", "Revisions (when: stars)"],
            [[chart.criterion, "; ".join(f"{when}: {stars}" for when, stars in chart.points) or "–"]
             for chart in solution.charts],
        )  # fmt: skip
        document.add_heading("Revision history", level=3)
        _table(
            document,
            ["When", "What", "Value", "By", "Why"],
            [
                [
                    r.at_text,
                    f"{r.criterion or 'Classification'} r{r.number}",
                    r.value,
                    r.by or "–",
                    r.reason
                    + f" ({r.source}"
                    + (f", round {r.round_number}" if r.round_number else "")
                    + (f"; input: {'; '.join(r.evidence)}" if r.evidence else "")
                    + ")",
                ]
                for r in solution.revisions
            ],
        )
        document.add_heading(f"Input linked to {solution.code}", level=3)
        if not solution.inputs:
            document.add_paragraph("No input linked.")
        for entry in solution.inputs:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(entry.title).bold = True
            paragraph.add_run(f" — {entry.author}, {entry.submitted_text}, {entry.status}")
            if entry.response:
                document.add_paragraph(f"Response: {entry.response}")
            for note in entry.notes:
                document.add_paragraph(f"Internal note: {note}")


def _rest(document, summary: Summary) -> None:
    document.add_heading("Open items", level=1)
    _table(
        document,
        ["Item", "Place", "Status", "Resolution", "Input answering it"],
        [
            [i.prompt, " · ".join(x for x in (i.section, i.place) if x), i.status, i.resolution or "–",
             "; ".join(i.inputs) or "–"]
            for i in summary.open_items
        ],
    )  # fmt: skip
    document.add_heading("Rating rounds", level=1)
    if not summary.rounds:
        document.add_paragraph("No round had opened by then.")
    for round in summary.rounds:
        document.add_heading(f"Round {round.number}{': ' + round.title if round.title else ''} ({round.status})", 2)
        document.add_paragraph(f"Consensus: {round.rule}.")
        _table(
            document,
            ["Cell", "Answers", "Cannot judge", "Median", "IQR", "Within one star", "Distribution", "Consensus"],
            [
                [f"{c.code} × {c.criterion}", c.figures.n, c.figures.cannot_judge, c.median_text, c.iqr_text,
                 c.within_one_text, c.distribution_text, "yes" if c.figures.consensus else "no"]
                for c in round.cells
            ],
        )  # fmt: skip
    document.add_heading("References", level=1)
    for group in summary.references:
        document.add_heading(group.name, level=2)
        _table(
            document,
            ["No.", "Authors", "Title", "Year", "Venue", "DOI / URL", "Solutions"],
            [[r["number"], r["authors"], r["title"], r["year"], r["venue"], r["doi"] or r["url"], r["solutions"]]
             for r in group.entries],
        )  # fmt: skip
    document.add_heading("How the input was dealt with", level=1)
    rows = []
    for entry in summary.submissions:
        title = entry.title + (" (withdrawn)" if entry.withdrawn else "")
        title += "".join(f"\nInternal note: {note}" for note in entry.notes)
        rows.append([title, entry.author, entry.submitted_text, entry.status, entry.response or "–"])
    _table(document, ["Input", "By", "Submitted", "Status", "Response"], rows)


def write(context: ExportContext, out: BinaryIO, progress: Progress) -> None:
    """Write the summary of ``context`` as DOCX to ``out``."""
    summary = summary_content(context, progress)
    progress(50, "Writing the document")
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    document.core_properties.title = f"[{summary.marking}] {summary.reference} {summary.title}".strip()
    document.core_properties.author = "Consultation & Evidence Tracker"
    document.core_properties.comments = summary.watermark
    _cover(document, summary)
    _matrix(document, summary)
    progress(65, "Writing the solutions")
    _solutions(document, summary)
    progress(80, "Writing open items, rounds and references")
    _rest(document, summary)
    _mark_sections(document, summary)
    document.save(out)
    progress(95, "DOCX written")
