"""Odd input to the versions, comparison, adoption and consistency endpoints and pages is refused, never a 500."""

from __future__ import annotations

import pytest

from tests.consultation.versions_fixtures import history_fixture  # noqa: F401

from .conftest import API

pytestmark = pytest.mark.django_db

ODD = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59", "x" * 500, "2024-13-45", "\x00", "v1/..", "%", " "]


@pytest.mark.parametrize("value", ODD)
def test_odd_input_is_refused_or_ignored_never_a_server_error(history, as_role, value):
    client = as_role("secretariat")
    slug = history.consultation.slug
    responses = [
        client.get(f"{API}/consultations/{slug}/versions/v2%20after%20round%201/diff/", {"against": value}),
        client.get(f"{API}/consultations/{slug}/ratings/", {"version": value}),
        client.post(f"{API}/consultations/{slug}/versions/", {"label": value, "published_at": value}, format="json"),
        client.put(f"{API}/consultations/{slug}/consistency/mapping/", {"high": value}, format="json"),
        client.patch(
            f"{API}/consultations/{slug}/ratings/1a/eff/",
            {"reason": value, "evidence": [value], "round": value},
            format="json",
        ),
        client.get(f"/c/{slug}/compare/", {"from": value, "to": value}),
        client.get(f"/c/{slug}/matrix/", {"version": value, "as_of": value}),
        client.get(f"/c/{slug}/solutions/1a/", {"version": value, "as_of": value}),
        client.post(f"/c/{slug}/versions/", {"label": value, "published_at": value}),
    ]

    assert [r.status_code for r in responses if r.status_code >= 500] == []
    assert history.consultation.versions.count() == 2
