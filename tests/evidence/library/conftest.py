"""Fixtures of the evidence library tests: the Council paper (when the seeds are there), sources, cells."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from consultation.models import Assessment
from evidence.services.library import source_create
from tests.evidence.factories import named_file

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
COUNCIL_PAPER = SEEDS / "002_340f2ad7003b1208.txt"
needs_council_paper = pytest.mark.skipif(
    not COUNCIL_PAPER.exists(), reason=f"the Council paper (002_340f2ad7003b1208.txt) is not in {SEEDS}"
)

# Our own words (no seed prose): a small document with a heading, a list and a table.
OWN_TEXT = """Study of on-device matching

Summary of findings

Matching on the device finds known images before they are encrypted, at a cost in battery and trust.

- The hash list must be updated often.
- Users cannot audit what is matched.

Option\tCost\tRisk
Hashing\tLow\tMedium
Classifier\tHigh\tHigh
"""


def upload(data: bytes | str, name: str):
    return named_file(data.encode() if isinstance(data, str) else data, name)


@pytest.fixture
def cell(consultation, draft_paper):
    """The cell 1b × Privacy of the small draft."""
    solution = draft_paper["solutions"][1]
    criterion = draft_paper["criteria"][1]
    return Assessment.objects.create(
        consultation=consultation, solution=solution, criterion=criterion, stars=3, level="Medium"
    )


@pytest.fixture
def own_source(consultation, secretariat):
    return source_create(
        consultation=consultation,
        user=secretariat,
        title="Study of on-device matching",
        author="Test lab",
        reference="TL 1/2026",
        file=upload(OWN_TEXT, "study.txt"),
    )


@pytest.fixture
def council_source(consultation, secretariat):
    if not COUNCIL_PAPER.exists():
        pytest.skip(f"the Council paper is not in {SEEDS}")
    return source_create(
        consultation=consultation,
        user=secretariat,
        title="New approach on detection orders",
        author="Council Presidency",
        reference="WK 6697/2024",
        marking="LIMITE",
        file=upload(COUNCIL_PAPER.read_bytes(), "council.txt"),
    )
