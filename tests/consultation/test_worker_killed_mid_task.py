"""A Celery worker process killed in the middle of a task: the task is delivered again and the data stays whole.

A real worker runs as a subprocess (`celery -A config worker`, prefork pool,
one child) on the test database and the test broker, consuming a queue of its
own. The task is the draft import's. To kill it at a known point inside its
write transaction, the test holds a lock on the consultation's row (as a
second import into the same consultation would), so the import waits on it
once it has begun: status running, its transaction open; the child process
running it is then killed with SIGKILL. Late acknowledgement and reject_on_worker_lost (config/settings)
make the worker put the task back; a new child runs it again, and the
import's idempotence makes the outcome that of exactly one run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from consultation.backups import Target
from consultation.importing.services import draft_import_preview
from consultation.models import Assessment, AssessmentRevision, DraftImport, DraftImportStatus, DraftVersion
from consultation.tasks import apply_draft_import

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("celery")]

DEMO_DRAFT = Path(settings.BASE_DIR) / "consultation" / "demo" / "demo_draft.txt"
BASE_DIR = Path(settings.BASE_DIR)


def _test_database_url() -> str:
    env = Target.from_settings(connection.settings_dict).env
    host = env.get("PGHOST", "")
    user, password, name = env.get("PGUSER", "postgres"), env.get("PGPASSWORD", ""), env["PGDATABASE"]
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{name}?host={host}"
    return f"postgresql://{user}:{password}@{host}:{env.get('PGPORT', '5432')}/{name}"


def _conninfo() -> str:
    env = Target.from_settings(connection.settings_dict).env
    keys = {"PGDATABASE": "dbname", "PGUSER": "user", "PGHOST": "host", "PGPORT": "port", "PGPASSWORD": "password"}
    return " ".join(f"{keys[key]}='{value}'" for key, value in env.items())


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"Timed out after {timeout}s waiting for {what}. Worker log:\n{log.read_text()[-3000:]}")


@pytest.fixture
def worker_queue():
    return f"tests-killed-worker-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def worker(worker_queue, tmp_path):
    """A real Celery worker subprocess on the test database, consuming only ``worker_queue``."""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "-Q",
                worker_queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process, log
    finally:
        for pid in [*_children(process.pid), process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL if pid != process.pid else signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_an_import_whose_worker_process_is_killed_mid_task_is_retried_and_applied_exactly_once(
    worker, worker_queue, consultation, secretariat
):
    process, log = worker
    content = DEMO_DRAFT.read_text(encoding="utf-8")
    draft_import = draft_import_preview(
        consultation=consultation, filename="demo_draft.txt", content=content, user=secretariat
    )
    expected_cells = draft_import.preview["counts"]["assessments"]

    # The blocker: a transaction holding the consultation's row, which the import locks first of all.
    blocker = psycopg.connect(_conninfo())
    blocker.execute("SELECT id FROM consultation_consultation WHERE id = %s FOR SHARE", [consultation.pk])
    try:
        # What draft_import_confirm does, but onto this worker's queue (and with the blocker already in place:
        # the confirmation itself locks the consultation's row).
        DraftImport.objects.filter(pk=draft_import.pk).update(status=DraftImportStatus.QUEUED)
        apply_draft_import.apply_async(args=[draft_import.pk], queue=worker_queue)

        # The first delivery has begun its transaction and waits for the consultation's row.
        def waiting_on_the_blocker():
            # Asked on the test's own connection (autocommit): inside the blocker's transaction
            # pg_stat_activity would show the snapshot of its first read.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s",
                    ["%consultation_consultation%FOR UPDATE%"],
                )
                row = cursor.fetchone()
            return row and row[0]

        backend = _wait_for(waiting_on_the_blocker, 90, "the import to wait for the consultation's row", log)
        children = _children(process.pid)
        assert len(children) == 1, children
        running = DraftImport.objects.get(pk=draft_import.pk)
        assert running.status == DraftImportStatus.RUNNING

        os.kill(children[0], signal.SIGKILL)

        # The killed process's transaction is rolled back by PostgreSQL; then the blocker steps aside.
        # The worker puts the task back and a new pool process runs it: a second session waits for the row.
        # (The killed process's session waits too until the lock is free: PostgreSQL notices the lost
        # client only then, and rolls its transaction back.)
        def redelivered():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s "
                    "AND pid <> %s",
                    ["%consultation_consultation%FOR UPDATE%", backend],
                )
                return cursor.fetchone()[0] >= 1

        _wait_for(redelivered, 90, "the task to be delivered again", log)
        assert Assessment.objects.filter(consultation=consultation).count() == 0
    finally:
        blocker.rollback()
        blocker.close()

    def finished():
        current = DraftImport.objects.get(pk=draft_import.pk)
        return current if current.status in (DraftImportStatus.DONE, DraftImportStatus.FAILED) else None

    done = _wait_for(finished, 90, "the redelivered import to finish", log)

    assert done.status == DraftImportStatus.DONE, done.error
    assert Assessment.objects.filter(consultation=consultation).count() == expected_cells
    assert AssessmentRevision.objects.filter(assessment__consultation=consultation).count() == expected_cells
    label = f"Imported demo_draft.txt {timezone.localtime(done.finished_at):%Y-%m-%d}"
    assert list(DraftVersion.objects.filter(consultation=consultation).values_list("label", flat=True)) == [label]
    worker_log = log.read_text()
    assert "SIGKILL" in worker_log or "WorkerLostError" in worker_log, worker_log[-3000:]
    # A new pool process took over from the killed one.
    assert _children(process.pid) and _children(process.pid) != children
