"""Configuration from the environment: the embedded defaults and the switches to external services."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from kombu import Connection

from config.embedded_db import ensure_database_url, sqlalchemy_broker_url
from config.env import envbool, envint


def test_an_external_database_url_is_used_as_it_is(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:secret@db.internal:5432/consultations")
    assert ensure_database_url() == "postgresql://app:secret@db.internal:5432/consultations"


def test_the_default_broker_is_the_same_postgresql_through_sqlalchemy():
    url = "postgresql://postgres:@/postgres?host=/srv/app/var/pgdata"
    broker = sqlalchemy_broker_url(url)
    assert broker == "sqla+postgresql+psycopg://postgres:@/postgres?host=/srv/app/var/pgdata"
    assert type(Connection(broker).transport).__module__ == "kombu.transport.sqlalchemy"


@pytest.mark.parametrize(
    ("url", "transport"),
    [("redis://cache:6379/0", "kombu.transport.redis"), ("amqp://u:p@mq:5672//", "kombu.transport.pyamqp")],
)
def test_a_redis_or_rabbitmq_broker_url_needs_nothing_more_than_the_pinned_packages(url, transport):
    assert type(Connection(url).transport).__module__ == transport


def test_settings_helpers_refuse_values_they_cannot_read(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "perhaps")
    monkeypatch.setenv("DRAFT_UPLOAD_MAX_BYTES", "five megabytes")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG"):
        envbool("DJANGO_DEBUG")
    with pytest.raises(ImproperlyConfigured, match="DRAFT_UPLOAD_MAX_BYTES"):
        envint("DRAFT_UPLOAD_MAX_BYTES", "1")
