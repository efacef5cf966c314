"""``manage.py requeue_interrupted_tasks``: jobs a killed worker left RUNNING run again."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

import pytest
from django_tasks import task
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db(transaction=True)


@task(backend="background")
def add(a: int, b: int) -> int:
    return a + b


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }


def claimed_by(worker_id: str) -> DBTaskResult:
    job = DBTaskResult.objects.get(id=add.enqueue(2, 3).id)
    job.claim(worker_id)  # what db_worker does before running it; then the worker "dies"
    return job


def test_jobs_of_the_restarting_worker_run_again_and_others_are_left(database_queue):
    interrupted = claimed_by("host-a-1")
    elsewhere = claimed_by("host-b-1")  # still running on another worker
    passed_on = claimed_by("host-a-1")
    passed_on.worker_ids = ["host-a-1", "host-b-2"]  # re-queued before, now held by b-2
    passed_on.save(update_fields=["worker_ids"])

    out = StringIO()
    call_command("requeue_interrupted_tasks", "--worker-id", "host-a-1", stdout=out)
    assert "1" in out.getvalue()

    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses[interrupted.id] == "READY"
    assert statuses[elsewhere.id] == "RUNNING"
    assert statuses[passed_on.id] == "RUNNING"

    # The restarted worker picks the job up and finishes it.
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--backend",
        "background",
        "--worker-id",
        "host-a-1",
        verbosity=0,
    )
    done = DBTaskResult.objects.get(id=interrupted.id)
    assert done.status == "SUCCESSFUL"
    assert done.return_value == 5
    assert done.worker_ids == ["host-a-1", "host-a-1"]
