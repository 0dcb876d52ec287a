"""The consistency check: cells whose text level and stars disagree."""

from datetime import timedelta

import pytest

from .conftest import API

pytestmark = pytest.mark.django_db


def test_only_the_cells_that_disagree_are_listed(draft, as_role):
    results = as_role("expert").get(f"{API}/consultations/{draft.slug}/consistency/").json()["results"]

    assert [(c["solution"], c["criterion"], c["level"], c["stars"], c["expected"]) for c in results] == [
        ("1a", "effectiveness", "Medium-high", 5, "4★")
    ]


def test_a_fixed_cell_leaves_the_list(draft, as_role):
    client = as_role("secretariat")
    client.patch(
        f"{API}/consultations/{draft.slug}/ratings/1a/effectiveness/",
        {"stars": 4, "reason": "Match the text."},
        format="json",
    )

    assert client.get(f"{API}/consultations/{draft.slug}/consistency/").json()["count"] == 0


def test_the_check_can_look_at_the_past(draft, as_role, earlier):
    before = (earlier - timedelta(days=1)).isoformat()
    response = as_role("expert").get(f"{API}/consultations/{draft.slug}/consistency/", {"as_of": before})

    assert response.json()["count"] == 0
