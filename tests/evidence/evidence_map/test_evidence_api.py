"""API: ratings/{code}/{key}/evidence/, solutions/{code}/evidence/ and open-items/{id}/evidence/."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from consultation.models import Membership, Role
from tests.evidence.factories import submitted_by
from tests.factories import UserFactory

from .conftest import make_excerpt, make_source

pytestmark = pytest.mark.django_db


def url(consultation, code="1a", key="privacy") -> str:
    return f"/api/v1/consultations/{consultation.slug}/ratings/{code}/{key}/evidence/"


def test_no_consultation_pattern_shadows_the_evidence_paths(consultation):
    for path, name in (
        (url(consultation), "evidence-api:rating-evidence"),
        (f"/api/v1/consultations/{consultation.slug}/solutions/1a/evidence/", "evidence-api:solution-evidence"),
        (f"/api/v1/consultations/{consultation.slug}/open-items/3/evidence/", "evidence-api:open-item-evidence"),
    ):
        assert resolve(path).view_name == name
    assert reverse("evidence-api:rating-evidence", args=[consultation.slug, "1a", "privacy"]) == url(consultation)


def test_a_member_reads_every_piece_of_evidence_of_a_cell_with_stance_and_date(
    api_client, consultation, draft_paper, cells, secretariat, expert, proposing
):
    proposal = proposing(expert, "Lower it", 1)
    excerpt = make_excerpt(
        consultation, secretariat, stance="higher", source=make_source(consultation, secretariat),
        cells=[cells[("1a", "privacy")]],
    )  # fmt: skip

    response = api_client(secretariat).get(url(consultation))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["kind"], r["id"]) for r in results] == [
        ("excerpt", excerpt.pk),
        ("submission", proposal.pk),
        ("revision", cells[("1a", "privacy")].revisions.get().pk),
    ]
    first = results[0]
    assert first["stance"] == "higher" and first["quote"] == "images, videos and URLs" and first["undecided"]
    assert results[1]["stance"] == "lower" and results[1]["author"] == "Eva Expert"
    assert results[1]["url"].startswith("http://testserver/c/") and results[1]["date"]


def test_the_list_filters_by_kind_stance_and_date(api_client, consultation, cells, secretariat, expert, proposing):
    proposing(expert, "Lower it", 1)
    proposing(expert, "Raise it", 5)
    client = api_client(secretariat)

    lower = client.get(url(consultation), {"kind": "submission", "stance": "lower"}).json()["results"]
    both = client.get(url(consultation) + "?stance=lower&stance=higher").json()["results"]
    old = client.get(url(consultation), {"date_from": "2024-01-01", "date_to": "2024-01-31"}).json()["results"]

    assert [r["title"] for r in lower] == ["Lower it"]
    assert {r["title"] for r in both} == {"Lower it", "Raise it"}
    assert [r["kind"] for r in old] == ["revision"]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "rumour"},
        {"stance": "maybe"},
        {"date_from": "2024-13-01"},
        {"date_from": "2024-02-01", "date_to": "2024-01-01"},
    ],
)
def test_unreadable_filters_are_a_400_naming_the_field(api_client, consultation, cells, secretariat, params):
    response = api_client(secretariat).get(url(consultation), params)

    assert response.status_code == 400
    assert set(response.json()) & {"kind", "stance", "date_from", "date_to"}


def test_an_observer_reads_shared_input_pseudonymised(api_client, consultation, cells, expert, observer, proposing):
    consultation.observers_see_input = True
    consultation.save()
    proposing(expert, "Lower it", 1)

    results = api_client(observer).get(url(consultation)).json()["results"]

    assert [r["author"] for r in results if r["kind"] == "submission"] == ["Expert 1"]
    assert "Eva" not in str(results)


def test_an_expert_does_not_read_another_experts_unshared_input(
    api_client, consultation, cells, expert, other_expert, proposing
):
    proposing(other_expert, "Secret", 1)

    results = api_client(expert).get(url(consultation)).json()["results"]

    assert "Secret" not in str(results)


def test_outsiders_get_404_and_anonymous_401(api_client, consultation, cells, outsider):
    assert api_client(outsider).get(url(consultation)).status_code == 404
    assert api_client(None).get(url(consultation)).status_code == 401
    assert (
        api_client(outsider).get(f"/api/v1/consultations/{consultation.slug}/solutions/1a/evidence/").status_code == 404
    )


def test_an_unknown_cell_is_a_404(api_client, consultation, cells, expert):
    assert api_client(expert).get(url(consultation, key="speed")).status_code == 404
    assert api_client(expert).get(url(consultation, code="9z")).status_code == 404


def test_the_solution_and_open_item_lists(api_client, consultation, draft_paper, cells, secretariat, expert):
    s1a = draft_paper["solutions"][0]
    item = draft_paper["open_item"]
    on_item = submitted_by(expert, consultation, title="On the item", open_items=[item])
    on_solution = submitted_by(expert, consultation, title="On the solution", solutions=[s1a])
    client = api_client(secretariat)
    base = f"/api/v1/consultations/{consultation.slug}"

    solution = client.get(f"{base}/solutions/1a/evidence/").json()["results"]
    open_item = client.get(f"{base}/open-items/{item.pk}/evidence/").json()["results"]

    assert [r["id"] for r in solution if r["kind"] == "submission"] == [on_solution.pk]
    assert [r["id"] for r in open_item] == [on_item.pk]
    assert client.get(f"{base}/open-items/999999/evidence/").status_code == 404


def test_the_endpoint_costs_the_same_queries_at_two_sizes(api_client, consultation, cells, secretariat, proposing):
    def queries() -> int:
        client = api_client(secretariat)
        client.get(url(consultation))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(consultation)).status_code == 200
        return len(captured.captured_queries)

    def add(n):
        for i in range(n):
            author = UserFactory()
            Membership.objects.create(consultation=consultation, user=author, role=Role.EXPERT)
            proposing(author, f"Input {i}", 1 + i % 5)
            make_excerpt(consultation, secretariat, stance="lower", source=make_source(consultation, secretariat),
                         cells=[cells[("1a", "privacy")]])  # fmt: skip

    add(1)
    few = queries()
    add(5)
    assert queries() == few
