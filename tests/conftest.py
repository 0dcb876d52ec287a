"""Shared fixtures: users per role around one consultation."""

import pytest
from django.contrib.auth import get_user_model

from consultation.models import Membership, Role
from tests.factories import ConsultationFactory, UserFactory

User = get_user_model()


@pytest.fixture
def consultation(db):
    return ConsultationFactory()


@pytest.fixture
def secretariat(consultation):
    user = UserFactory(username="sec", first_name="Sam", last_name="Secretary")
    Membership.objects.create(consultation=consultation, user=user, role=Role.SECRETARIAT)
    return user


@pytest.fixture
def expert(consultation):
    user = UserFactory(username="exp", first_name="Eva", last_name="Expert")
    Membership.objects.create(consultation=consultation, user=user, role=Role.EXPERT)
    return user


@pytest.fixture
def observer(consultation):
    user = UserFactory(username="obs", first_name="Otto", last_name="Observer")
    Membership.objects.create(consultation=consultation, user=user, role=Role.OBSERVER)
    return user


@pytest.fixture
def outsider(db):
    """A signed-up user who is not a member of the consultation (a superuser, to prove that does not help)."""
    return UserFactory(username="outsider", is_staff=True, is_superuser=True)
