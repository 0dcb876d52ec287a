"""versions/ and versions/{label}/diff/, and the matrix at a version (ratings/?version=)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import DraftVersion, Membership, Role, Status
from tests.consultation.versions_fixtures import V1, at, build_history, history_fixture  # noqa: F401
from tests.factories import ConsultationFactory, UserFactory

from .conftest import API

pytestmark = pytest.mark.django_db


def versions_url(consultation) -> str:
    return f"{API}/consultations/{consultation.slug}/versions/"


def diff_url(consultation, label: str) -> str:
    return f"{versions_url(consultation)}{quote(label)}/diff/"


@pytest.mark.parametrize("role", ["secretariat", "expert", "observer"])
def test_members_list_the_versions_oldest_first(history, as_role, role):
    body = as_role(role).get(versions_url(history.consultation)).json()

    assert [v["label"] for v in body["results"]] == ["v1 as circulated", "v2 after round 1"]
    assert datetime.fromisoformat(body["results"][0]["published_at"]) == V1
    assert body["results"][1]["diff"].endswith("/versions/v2%20after%20round%201/diff/")


def test_the_secretariat_publishes_a_version(consultation, as_role, secretariat):
    response = as_role("secretariat").post(
        versions_url(consultation), {"label": "v1", "note": "To the experts"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["label"] == "v1" and response.json()["created_by"] == "Sam Secretary"
    assert DraftVersion.objects.get().note == "To the experts"


def test_a_version_can_name_an_earlier_moment(consultation, as_role):
    response = as_role("secretariat").post(
        versions_url(consultation), {"label": "v0", "published_at": "2024-01-10T13:00:00+01:00"}, format="json"
    )

    assert response.status_code == 201
    assert DraftVersion.objects.get().published_at == at("2024-01-10", 13)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label": "a/b"}, "label"),
        ({"label": ""}, "label"),
        ({}, "label"),
        ({"label": "v1", "published_at": "2999-01-01T00:00:00Z"}, "published_at"),
        ({"label": "v1", "published_at": "soon"}, "published_at"),
        ({"label": "x" * 101}, "label"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(consultation, as_role, data, field):
    response = as_role("secretariat").post(versions_url(consultation), data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not DraftVersion.objects.exists()


def test_a_label_in_use_is_a_400(history, as_role):
    response = as_role("secretariat").post(versions_url(history.consultation), {"label": "v1 as circulated"})

    assert response.status_code == 400
    assert "already" in response.json()["label"][0]


@pytest.mark.parametrize(
    ("role", "status"), [("expert", 403), ("observer", 403), ("anonymous", 401), ("outsider", 404)]
)
def test_only_the_secretariat_publishes(consultation, as_role, role, status):
    assert as_role(role).post(versions_url(consultation), {"label": "v1"}).status_code == status
    assert not DraftVersion.objects.exists()


def test_a_closed_consultation_is_a_409(consultation, as_role):
    consultation.status = Status.CLOSED
    consultation.save()

    assert as_role("secretariat").post(versions_url(consultation), {"label": "v1"}).status_code == 409


def test_the_diff_against_the_version_before_by_default(history, as_role):
    body = as_role("expert").get(diff_url(history.consultation, "v2 after round 1")).json()

    assert (body["from"]["label"], body["to"]["label"]) == ("v1 as circulated", "v2 after round 1")
    assert [
        (c["solution"], c["criterion"], c["before"]["stars"], c["after"]["stars"], c["direction"])
        for c in body["cells"]
    ] == [("1a", "eff", 3, 4, "up"), ("1a", "priv", 2, 2, "same"), ("1b", "eff", 4, 2, "down")]
    step = body["cells"][0]["revisions"][0]
    assert (step["created_by"], step["reason"], step["source"], step["round"]) == (
        "Sam Secretary",
        "Round 1 consensus",
        "round",
        1,
    )
    assert step["evidence"] == [{"id": history.evidence["A"].pk, "title": "Field test results"}]
    assert [(k["solution"], k["before"], k["after"]) for k in body["classifications"]] == [
        ("1a", "needs_research", "top3")
    ]


def test_cited_input_is_named_only_to_those_who_may_read_it(history, as_role):
    observer = as_role("observer").get(diff_url(history.consultation, "v2 after round 1")).json()
    history_url = f"{API}/consultations/{history.consultation.slug}/ratings/1a/eff/history/"

    assert observer["cells"][0]["revisions"][0]["evidence"] == [{"id": history.evidence["A"].pk, "title": None}]
    assert as_role("observer").get(history_url).json()["results"][1]["evidence"][0]["title"] is None
    assert as_role("secretariat").get(history_url).json()["results"][1]["evidence"][0]["title"] == "Field test results"


def test_the_diff_against_a_date_or_now(history, as_role):
    client = as_role("observer")
    now = client.get(diff_url(history.consultation, "v2 after round 1"), {"against": "now"}).json()
    dated = client.get(diff_url(history.consultation, "v1 as circulated"), {"against": "2024-03-15"}).json()

    assert [(c["solution"], c["criterion"], c["direction"]) for c in now["cells"]] == [("1a", "eff", "up")]
    assert now["to"]["label"] is None and now["from"]["label"] == "v2 after round 1"
    assert [(c["solution"], c["criterion"]) for c in dated["cells"]] == [("1a", "eff")]


def test_unknown_versions_are_404_or_400(history, as_role):
    client = as_role("expert")
    assert client.get(diff_url(history.consultation, "v9")).status_code == 404
    response = client.get(diff_url(history.consultation, "v2 after round 1"), {"against": "v9"})
    assert response.status_code == 400 and "against" in response.json()
    first = client.get(diff_url(history.consultation, "v1 as circulated"))
    assert first.status_code == 400 and "first version" in first.json()["against"][0]


def test_non_members_get_404_for_the_diff(history, as_role):
    assert as_role("outsider").get(diff_url(history.consultation, "v2 after round 1")).status_code == 404
    assert as_role("anonymous").get(diff_url(history.consultation, "v2 after round 1")).status_code == 401


def test_the_matrix_at_a_version(history, as_role):
    url = f"{API}/consultations/{history.consultation.slug}/ratings/"
    body = as_role("expert").get(url, {"version": "v1 as circulated", "solution": "1a"}).json()

    assert [(c["criterion"], c["stars"], c["revision"]) for c in body["results"]] == [("eff", 3, 1), ("priv", 2, 1)]


def _queries(path_for, versions: int, extra_solutions: int) -> int:
    consultation = ConsultationFactory()
    sec, exp = UserFactory(), UserFactory()
    Membership.objects.create(consultation=consultation, user=exp, role=Role.EXPERT)
    history = build_history(consultation, sec, exp)
    from consultation.services import assessment_revise
    from tests.factories import AssessmentFactory, SolutionFactory

    for i in range(versions):
        DraftVersion.objects.create(consultation=consultation, label=f"extra {i}", published_at=at("2023-01-01"))
    for i in range(extra_solutions):
        solution = SolutionFactory(consultation=consultation, group=history.solutions["1a"].group, code=f"9{i}")
        for criterion in history.criteria.values():
            cell = AssessmentFactory(consultation=consultation, solution=solution, criterion=criterion)
            for n, when in enumerate((at("2024-01-01"), at("2024-03-01"))):
                assessment_revise(assessment=cell, stars=n + 1, level="", rationale="", reason="r", when=when)
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(exp)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path_for(consultation))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_diff_endpoint_takes_the_same_queries_for_a_small_and_a_larger_matrix():
    def path(consultation):
        return diff_url(consultation, "v2 after round 1")

    assert _queries(path, 0, 1) == _queries(path, 0, 15)


def test_the_version_list_takes_the_same_queries_for_few_and_many_versions():
    assert _queries(versions_url, 1, 0) == _queries(versions_url, 30, 0)


def test_the_consistency_check_of_a_version(history, as_role):
    url = f"{API}/consultations/{history.consultation.slug}/consistency/"
    client = as_role("expert")

    # At v2, 1a's effectiveness says Medium-high with four stars (agrees); now it says High with five (agrees too),
    # so the check differs only once the mapping changes: map Medium-high to five stars.
    history.consultation.consistency_mapping = {"medium-high": 5}
    history.consultation.save()
    at_v2 = client.get(url, {"version": "v2 after round 1"}).json()["results"]
    now = client.get(url).json()["results"]

    assert [(r["solution"], r["criterion"], r["stars"]) for r in at_v2] == [("1a", "eff", 4)]
    assert now == []
    assert client.get(url, {"version": "v9"}).status_code == 400
