"""pytest plugin, loaded early (``-p tests.embedded_db``): a throwaway PostgreSQL for the run.

It must run before pytest-django reads the settings, which start the
developer's server under ``var/pgdata`` when DATABASE_URL is unset. The
controller process starts a fresh cluster in ``var/test-pg-<pid>`` and
exports DATABASE_URL, so pytest-xdist workers (which inherit the
environment) attach to it; the cluster is deleted when the run ends.
"""

import os
import tempfile
from pathlib import Path


def _start_throwaway_server() -> None:
    if os.environ.get("DATABASE_URL") or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from config.embedded_db import VAR_DIR, start_server

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    pgdata = Path(tempfile.mkdtemp(prefix="test-pg-", dir=VAR_DIR))
    pgdata.rmdir()  # get_server creates it, and initialises only a new directory
    server = start_server(pgdata, cleanup_mode="delete")
    os.environ["DATABASE_URL"] = server.get_uri()
    # The Celery broker lives in its own database of the same server, created on demand by tests that use it.


_start_throwaway_server()
