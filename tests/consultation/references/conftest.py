"""Fixtures of the reference tests: clients per role (session sign-in) and a small annex."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from consultation.models import Reference
from tests.factories import SolutionFactory

API = "/api/v1"


@pytest.fixture
def client_for(db):
    """``client_for(user)``: an API-capable client signed in as ``user`` (no credentials for None)."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def as_role(request, client_for):
    def make(role: str):
        return client_for(None if role == "anonymous" else request.getfixturevalue(role))

    return make


@pytest.fixture
def annex(consultation):
    """Two entries of the General group, one with a DOI, and a solution to link."""
    solution = SolutionFactory(consultation=consultation, code="1a")
    first = Reference.objects.create(
        consultation=consultation,
        group="General",
        group_order=0,
        number=1,
        authors="Abelson, H.; Anderson, R.",
        title="Bugs in our Pockets: The Risks of Client-Side Scanning",
        year=2021,
        venue="Journal of Cybersecurity",
        doi="10.1093/cybsec/tyad020",
    )
    first.solutions.add(solution)
    second = Reference.objects.create(
        consultation=consultation,
        group="General",
        group_order=0,
        number=2,
        authors="Levy, I.; Robinson, C.",
        title="Thoughts on child safety on commodity platforms",
        year=2022,
        venue="arXiv",
        url="https://arxiv.org/abs/2207.09506",
    )
    return {"first": first, "second": second, "solution": solution}


def references_api(consultation) -> str:
    return f"{API}/consultations/{consultation.slug}/references/"
