"""Adopting a rating picks its evidence from the cell's evidence list: input and excerpts, page and API."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from consultation.models import Classification

from .conftest import make_excerpt, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(consultation, draft_paper, cells, secretariat, expert, proposing):
    s1a = draft_paper["solutions"][0]
    source = make_source(consultation, secretariat)
    return {
        "proposal": proposing(expert, "Lower it", 1),
        "excerpt": make_excerpt(
            consultation, secretariat, stance="lower", source=source, cells=[cells[("1a", "privacy")]]
        ),
        "elsewhere": make_excerpt(
            consultation, secretariat, stance="higher", source=source, quote="Encrypted content",
            cells=[cells[("1a", "effectiveness")]],
        ),
        "on_solution": make_excerpt(
            consultation, secretariat, stance="context", source=source, quote="URLs only", solutions=[s1a]
        ),
    }  # fmt: skip


def _form(html: str, anchor: str) -> str:
    return html.split(f'id="{anchor}"')[1].split("</form>")[0]


def test_the_change_form_offers_the_cells_input_and_excerpts_with_their_stance(
    page_client, consultation, evidence, secretariat
):
    html = (
        page_client(secretariat).get(reverse("consultation:solution", args=[consultation.slug, "1a"])).content.decode()
    )
    privacy = _form(html, "criterion-privacy")
    classification = _form(html, "classification")

    assert f'value="{evidence["proposal"].pk}"' in privacy and "Lower it (proposes 1★), argues for lower" in privacy
    assert f'value="{evidence["excerpt"].pk}"' in privacy and "“images, videos and URLs”, argues for lower" in privacy
    assert "Encrypted content" not in privacy
    assert "Encrypted content" in _form(html, "criterion-effectiveness")
    assert "URLs only" in classification and "images, videos" not in classification


def test_the_adopted_revision_records_input_and_excerpts_and_the_timeline_shows_both(
    page_client, consultation, evidence, secretariat, cells
):
    client = page_client(secretariat)
    response = client.post(
        reverse("consultation:rating_change", args=[consultation.slug, "1a", "privacy"]),
        {
            "stars": "1",
            "level": "Low",
            "rationale": "",
            "reason": "The Council narrowed the scope",
            "evidence": [str(evidence["proposal"].pk)],
            "excerpts": [str(evidence["excerpt"].pk)],
            "revision": "1",
        },
    )

    assert response.status_code == 302
    revision = cells[("1a", "privacy")].revisions.get(number=2)
    assert list(revision.evidence.all()) == [evidence["proposal"]]
    assert list(revision.excerpts.all()) == [evidence["excerpt"]]
    history = client.get(reverse("consultation:cell_history", args=[consultation.slug, "1a", "privacy"])).content
    assert "Lower it" in history.decode() and "Excerpt: “images, videos and URLs”" in history.decode()


def test_an_excerpt_not_on_the_cell_is_refused_and_nothing_is_lost(
    page_client, consultation, evidence, secretariat, cells
):
    response = page_client(secretariat).post(
        reverse("consultation:rating_change", args=[consultation.slug, "1a", "privacy"]),
        {"stars": "2", "reason": "Kept text", "revision": "1", "excerpts": [str(evidence["elsewhere"].pk)]},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f"Excerpt {evidence['elsewhere'].pk} is not an excerpt on this rating." in html and "Kept text" in html
    assert cells[("1a", "privacy")].revisions.count() == 1


def test_the_argued_marker_leaves_the_matrix_once_an_adoption_cites_the_evidence(
    page_client, consultation, evidence, secretariat
):
    client = page_client(secretariat)
    matrix = reverse("consultation:matrix", args=[consultation.slug])
    assert len(re.findall(r"matrix-cell__argued", client.get(matrix).content.decode())) == 2  # privacy, effectiveness

    client.post(
        reverse("consultation:rating_change", args=[consultation.slug, "1a", "privacy"]),
        {"stars": "1", "reason": "Agreed", "revision": "1", "evidence": [str(evidence["proposal"].pk)],
         "excerpts": [str(evidence["excerpt"].pk)]},
    )  # fmt: skip

    assert len(re.findall(r"matrix-cell__argued", client.get(matrix).content.decode())) == 1


def test_the_api_patch_accepts_excerpts_and_the_history_lists_them(
    api_client, consultation, evidence, secretariat, expert, cells
):
    base = f"/api/v1/consultations/{consultation.slug}"
    client = api_client(secretariat)

    response = client.patch(
        f"{base}/ratings/1a/privacy/",
        {
            "stars": 1,
            "reason": "Council text",
            "evidence": [evidence["proposal"].pk],
            "excerpts": [evidence["excerpt"].pk],
        },
        format="json",
    )
    refused = client.patch(
        f"{base}/ratings/1a/privacy/", {"stars": 2, "reason": "x", "excerpts": [999999]}, format="json"
    )

    assert response.status_code == 200
    assert refused.status_code == 400 and "excerpts" in refused.json()
    history = client.get(f"{base}/ratings/1a/privacy/history/").json()["results"]
    assert history[-1]["excerpts"] == [{"id": evidence["excerpt"].pk, "quote": "images, videos and URLs"}]
    assert history[-1]["evidence"][0]["id"] == evidence["proposal"].pk


def test_a_classification_change_records_excerpts_too(api_client, consultation, evidence, secretariat, draft_paper):
    Classification.objects.create(consultation=consultation, solution=draft_paper["solutions"][0])
    base = f"/api/v1/consultations/{consultation.slug}"

    response = api_client(secretariat).patch(
        f"{base}/classifications/1a/",
        {"value": "discard", "reason": "Scope", "excerpts": [evidence["on_solution"].pk]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["history"][-1]["excerpts"] == [{"id": evidence["on_solution"].pk, "quote": "URLs only"}]
