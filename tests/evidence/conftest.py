"""Fixtures of the expert input tests: a small draft to link input to, a second expert, clients per role."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from consultation.models import Membership, OpenItem, Reference, Role
from evidence.models import Attachment
from tests.factories import CriterionFactory, SectionFactory, SolutionFactory, SolutionGroupFactory, UserFactory


@pytest.fixture(autouse=True)
def attachment_folder(tmp_path, monkeypatch):
    """Each test stores attachments in a folder of its own, so "nothing was stored" can be checked exactly."""
    storage = Attachment._meta.get_field("file").storage
    folder = tmp_path / "attachments"
    monkeypatch.setattr(storage, "_location", str(folder))
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)
    yield folder
    for cached in ("base_location", "location"):
        storage.__dict__.pop(cached, None)


@pytest.fixture
def other_expert(consultation):
    user = UserFactory(username="exp2", first_name="Olga", last_name="Other")
    Membership.objects.create(consultation=consultation, user=user, role=Role.EXPERT)
    return user


@pytest.fixture
def draft_paper(consultation):
    """Two sections, two solutions, two criteria, an open item and a reference to link input to."""
    intro = SectionFactory(consultation=consultation, number="1", title="Introduction", order=1)
    options = SectionFactory(consultation=consultation, number="3", title="Possible solutions", order=2)
    group = SolutionGroupFactory(consultation=consultation, number=1, name="Device related")
    solutions = [
        SolutionFactory(consultation=consultation, group=group, code=code, title=title, order=n, section=options)
        for n, (code, title) in enumerate([("1a", "All detection on device"), ("1b", "On-device hashing")])
    ]
    criteria = [
        CriterionFactory(consultation=consultation, key=key, name=key.title(), order=n)
        for n, key in enumerate(["effectiveness", "privacy"])
    ]
    item = OpenItem.objects.create(consultation=consultation, section=options, prompt="Which solution first?")
    reference = Reference.objects.create(consultation=consultation, group="General", number=1, title="A study")
    return {
        "sections": [intro, options],
        "solutions": solutions,
        "criteria": criteria,
        "open_item": item,
        "reference": reference,
    }


@pytest.fixture
def page_client(db):
    """``page_client(user)``: a test client signed in as ``user`` (anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client(db):
    """``api_client(user)``: an API client signed in by session as ``user``; None has no credentials."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make
