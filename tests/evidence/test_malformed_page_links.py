"""Hand-edited links to the new-input page (``?solution=``, ``?open_item=``) start a draft linked to what they name,
and odd values are ignored instead of ending in a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def new_page(consultation) -> str:
    return reverse("evidence:new", args=[consultation.slug])


@pytest.mark.parametrize(
    "query",
    [
        {"solution": "1a\x00"},
        {"solution": "\x00"},
        {"open_item": "\x00"},
        {"open_item": "²"},
        {"open_item": "٣"},
        {"open_item": "9" * 30},
        {"open_item": "-1"},
        {"open_item": "1e3"},
        {"solution": "<script>alert(1)</script>", "open_item": "x"},
    ],
)
def test_odd_values_in_the_new_input_link_are_ignored(consultation, expert, draft_paper, page_client, query):
    response = page_client(expert).get(new_page(consultation), query)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_link_still_preselects_the_solution_and_the_open_item_it_names(
    consultation, expert, draft_paper, page_client
):
    item = draft_paper["open_item"]

    html = page_client(expert).get(new_page(consultation), {"solution": "1b", "open_item": str(item.pk)}).content
    html = html.decode()

    assert "checked" in html.split("On-device hashing")[0].rsplit("<div", 1)[1]
    assert "checked" in html.split("Which solution first?")[0].rsplit("<div", 1)[1]
    assert "checked" not in html.split("All detection on device")[0].rsplit("<div", 1)[1]
