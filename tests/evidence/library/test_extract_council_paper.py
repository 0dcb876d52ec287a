"""The Council paper (``../shared/seeds``) imported as a source: its headings, its two quoted article proposals
and its risk-category table read back exactly. Expected values are read from the seed itself or are short
labels (facts), never the paper's sentences."""

from __future__ import annotations

import re

import pytest

from evidence.library.blocks import iter_quotes
from evidence.library.render import render_blocks
from evidence.library.text import extract_text

from .conftest import COUNCIL_PAPER, needs_council_paper

pytestmark = needs_council_paper


@pytest.fixture(scope="module")
def paper():
    return extract_text(COUNCIL_PAPER.read_text(encoding="utf-8"))


def span(extracted, block):
    return extracted.text[block["start"] : block["end"]]


def test_the_papers_headings_come_out_as_headings_in_order(paper):
    headings = [span(paper, b) for b in paper.blocks if b["type"] == "heading"]
    expected = [
        "WORKING DOCUMENT",
        "CSA Regulation",
        "New approach on targeting detection orders",
        "New scope",
        "Protection of end-to-end encryption",
        "User consent",
        "1. Known CSAM",
        "2. New CSAM",
        "3. Solicitation of children",
    ]
    positions = [headings.index(title) for title in expected]
    assert positions == sorted(positions)
    assert sum(h.startswith("Appendix 1.") for h in headings) == 4
    # The letterhead's date line and document number are not titles.
    assert not any(re.search(r"\d{4}", h) and "Appendix" not in h for h in headings)


def test_the_two_quoted_article_proposals_read_back_exactly(paper):
    raw = COUNCIL_PAPER.read_text(encoding="utf-8")
    # What stands between the curly quotes after each "Proposed wording", straight from the file.
    expected = re.findall(r"Proposed wording[^\n]*\n?[^“\n]*“([^”]+)”", raw)
    assert len(expected) == 2
    quotes = list(iter_quotes(paper.blocks))
    assert [paper.text[q["start"] : q["end"]] for q in quotes] == expected
    assert [q.get("cite", "").lower() for q in quotes] == ["article 1(5)", "article 10a"]


def test_the_risk_table_has_three_rows_of_five_columns_with_their_periods(paper):
    tables = [b for b in paper.blocks if b["type"] == "table"]
    risk = [t for t in tables if "RISK" in span(paper, t["rows"][0][0])]
    assert len(risk) == 1
    table = risk[0]
    assert table["header_rows"] == 1
    header = [span(paper, cell) for cell in table["rows"][0]]
    assert header[0] == "RISK CATEGORISATION" and header[-1] == "FREQUENCY OF (RE)CATEGORISATION"
    body = [[span(paper, cell) for cell in row] for row in table["rows"][1:]]
    assert [len(row) for row in body] == [5, 5, 5]
    assert [row[0].split()[-1] for row in body] == ["HIGH", "MEDIUM", "LOW"]
    assert [row[-1] for row in body] == ["Up to 12 months", "Up to 24 months", "Up to 36 months"]
    # The HTML left in a cell is turned back into readable lines: no tags, one line per listed measure.
    detection_order = body[0][1]
    assert "<" not in detection_order and ">" not in detection_order
    assert detection_order.splitlines()[0] == "DO"
    assert len(detection_order.splitlines()) == 5
    assert body[1][1] == "None" and body[2][3] == "Yes"


def test_the_sequence_tables_of_the_appendix_keep_their_empty_cells(paper):
    tables = [b for b in paper.blocks if b["type"] == "table"]
    assert len(tables) == 3
    sequence = tables[0]
    assert [span(paper, c) for c in sequence["rows"][0]] == ["Messaging APP", "OS", "Scanning APP"]
    assert all(len(row) == 3 for row in sequence["rows"])
    assert any(span(paper, row[0]) == "" for row in sequence["rows"])


def test_every_leaf_is_the_text_between_its_offsets_and_the_page_shows_the_table_as_a_table(paper):
    html = render_blocks(paper.text, paper.blocks)
    assert html.count("<table") == 3
    assert "<h2" in html and "<ul" in html
    assert "&lt;ul" not in html and "list-style-type" not in html
    for leaf in re.finditer(r'data-start="(\d+)" data-end="(\d+)"', html):
        start, end = int(leaf.group(1)), int(leaf.group(2))
        assert 0 <= start <= end <= len(paper.text)
