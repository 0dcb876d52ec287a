"""The consistency check on the reference draft (``../shared/seeds``): the exact list of disagreeing cells.

The list was computed by hand, cell by cell, from the level each assessment in
the text states against the stars of the draft's overview table (section 4),
with the default mapping (High 5, Medium-high 4, Medium 3, Medium-low 2, Low 1;
an in-between level allows both its ends; None and Not applicable mean N/A).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from consultation.importing.services import import_draft_text
from consultation.matrix import build_matrix
from consultation.services.consistency import consistency_mapping_update

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
REFERENCE_DRAFT = SEEDS / "000_38559a9845985580.txt"

pytestmark = [
    pytest.mark.seeds,
    pytest.mark.django_db,
    pytest.mark.skipif(not REFERENCE_DRAFT.exists(), reason=f"the reference draft is not in {SEEDS}"),
]

# (cell, level in the text, stars in the overview table)
DISAGREEING = [
    ("0a/transparency", "Medium", 2),
    ("0c/transparency", "Medium", 4),
    ("1a/effectiveness", "Medium-high", 5),
    ("1b/effectiveness", "Medium-high", 5),
    ("1b/transparency", "Medium", 4),
    ("1c/effectiveness", "Medium-high", 5),
    ("1c/transparency", "Medium", 4),
    ("1d/transparency", "Medium", 4),
    ("2a/effectiveness", "Medium-high", 5),
    ("2a/privacy", "Medium-high", 5),
    ("2a/transparency", "Low", 2),
    ("2b/effectiveness", "Medium-high", 5),
    ("2c/effectiveness", "Medium-high", 5),
    ("2c/transparency", "Medium", 4),
    ("3a/effectiveness", "Medium", 4),
]


@pytest.fixture
def reference(consultation, secretariat):
    imported = import_draft_text(
        consultation=consultation,
        filename=REFERENCE_DRAFT.name,
        content=REFERENCE_DRAFT.read_text(encoding="utf-8"),
        user=secretariat,
    )
    assert imported.status == "done", imported.error
    return consultation


def _disagreeing(consultation) -> list[tuple[str, str, int | None]]:
    return [(f"{s.code}/{c.key}", cell.level, cell.stars) for s, c, cell in build_matrix(consultation).disagreements]


def test_the_reference_draft_has_exactly_these_disagreeing_cells(reference):
    assert _disagreeing(reference) == DISAGREEING


def test_the_api_lists_the_same_cells(reference, secretariat, client):
    client.force_login(secretariat)
    results = client.get(f"/api/v1/consultations/{reference.slug}/consistency/", {"page_size": 100}).json()["results"]

    assert [(f"{r['solution']}/{r['criterion']}", r["level"], r["stars"]) for r in results] == DISAGREEING


def test_with_medium_high_mapped_to_five_stars_the_list_changes_accordingly(reference, secretariat):
    consistency_mapping_update(consultation=reference, user=secretariat, mapping={"medium-high": 5})
    reference.refresh_from_db()

    expected = [row for row in DISAGREEING if row[1] != "Medium-high"] + [("3a/transparency", "Medium-high", 4)]
    assert sorted(_disagreeing(reference)) == sorted(expected)
