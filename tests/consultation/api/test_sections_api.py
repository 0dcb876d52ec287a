"""The draft's sections, in reading order."""

import pytest

from .conftest import API

pytestmark = pytest.mark.django_db


def test_sections_come_in_reading_order_with_their_parent_and_footnotes(draft, as_role):
    results = as_role("expert").get(f"{API}/consultations/{draft.slug}/sections/").json()["results"]

    assert [(s["number"], s["title"], s["parent"], s["order"]) for s in results] == [
        ("1", "Introduction", None, 1),
        ("1.1", "Scope", "1", 2),
    ]
    assert results[0]["footnotes"] == [{"number": 1, "text": "A footnote."}]
