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


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """One real Celery worker thread per test process, consuming from the real broker.

    Session-scoped: starting and stopping several workers in one process leaves
    the app's broker connections in a state where a later worker misses tasks.
    The worker thread uses the test database; tests that queue tasks need
    ``django_db(transaction=True)`` so the worker sees their data, and the
    ``celery`` xdist group so that they run in one process. Its database
    connection is closed after every task, so the test database can be dropped.
    """
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from config.celery_app import app

    def close_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    with django_db_blocker.unblock(), start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield
    task_postrun.disconnect(close_connections)
