"""Several ``manage.py db_worker`` processes share one queue (issue 9, scale-out).

django-tasks-db claims a job with ``SELECT ... FOR UPDATE SKIP LOCKED`` inside a transaction
and marks it RUNNING before the lock goes, so two workers never run one job. This test runs
real worker processes against the test database and checks it from what the jobs did.
PostgreSQL only: SQLite has no row locks (its workers take turns on the whole database, and
the in-memory test database is not visible to another process).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection

import pytest
from django_tasks import task
from django_tasks.base import TaskContext
from django_tasks_db.models import DBTaskResult

ROOT = Path(__file__).resolve().parents[2]
JOBS = 40
WORKERS = 3

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locking (SKIP LOCKED) between worker processes needs PostgreSQL",
    ),
]

# The workers' settings: the test settings with the database task backend (the test settings
# run background tasks at once, in process).
WORKER_SETTINGS = """from guanwu.settings.test import *  # noqa: F403

TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
"""


@task(backend="background", takes_context=True)
def record_run(context: TaskContext, log: str) -> int:
    """Append "<job id> <worker pid>" to ``log`` (one short O_APPEND write: atomic), then
    sleep a little so the jobs spread over the workers."""
    line = f"{context.task_result.id} {os.getpid()}\n".encode()
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    time.sleep(0.05)
    return os.getpid()


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _start_workers(tmp_path: Path) -> list[tuple[subprocess.Popen[bytes], Path]]:
    (tmp_path / "guanwu_worker_test_settings.py").write_text(WORKER_SETTINGS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guanwu_worker_test_settings",
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    workers = []
    for number in range(WORKERS):
        out = tmp_path / f"worker-{number}.log"
        with open(out, "wb") as sink:
            process = subprocess.Popen(  # noqa: S603 (our own fixed command)
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--backend",
                    "background",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.05",
                    "--worker-id",
                    f"test-worker-{number}",
                    "-v",
                    "3",
                ],
                cwd=ROOT,
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        workers.append((process, out))
    return workers


def _stop(workers: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    for process, _out in workers:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    for process, _out in workers:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait(condition, timeout: float, what: str, workers) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if any(process.poll() is not None for process, _out in workers):
            break
        time.sleep(0.1)
    logs = "\n".join(out.read_text(errors="replace")[-1500:] for _p, out in workers)
    pytest.fail(f"{what} did not happen in time; worker output:\n{logs}")


def test_several_workers_run_every_job_exactly_once(settings, tmp_path):
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    log = tmp_path / "runs.log"
    workers = _start_workers(tmp_path)
    try:
        # Queue only once every worker polls, so that no one worker drains the queue alone.
        _wait(
            lambda: all(
                "Starting worker" in out.read_text(errors="replace") for _p, out in workers
            ),
            45,
            "the workers' start",
            workers,
        )
        enqueued = [record_run.enqueue(str(log)).id for _ in range(JOBS)]
        _wait(
            lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == JOBS,
            45,
            f"{JOBS} jobs' completion",
            workers,
        )
    finally:
        _stop(workers)

    runs = [line.split() for line in log.read_text().splitlines()]
    counts = Counter(job for job, _pid in runs)
    assert sorted(counts) == sorted(enqueued)
    assert set(counts.values()) == {1}, "a job ran more than once"
    worker_pids = {process.pid for process, _out in workers}
    by_worker = Counter(int(pid) for _job, pid in runs)
    assert set(by_worker) <= worker_pids
    assert len(by_worker) > 1, f"one worker ran every job: {by_worker}"
    # The queue agrees: each job claimed once, by one of the workers.
    results = DBTaskResult.objects.filter(id__in=enqueued)
    assert all(len(result.worker_ids) == 1 for result in results)
    assert {w for result in results for w in result.worker_ids} <= {
        f"test-worker-{n}" for n in range(WORKERS)
    }
