"""``manage.py requeue_interrupted_tasks --worker-id ID``: put back the jobs a killed worker held.

django-tasks-db marks a job RUNNING when a worker claims it and only a finished run changes
that, so a worker killed mid-job (out of memory, SIGKILL, power loss) leaves its job RUNNING
for ever. Each worker of a deployment has a fixed id (``db_worker --worker-id``; the systemd
unit uses ``<host>-<instance>``) and runs this command just before it starts: nothing can be
running under its id at that moment, so whatever is RUNNING under it was interrupted and is
made READY again (run at least once: a job cut off half-way runs again from the start).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = (
        "Make the jobs left RUNNING by a worker with this id READY again; run it before "
        "starting that worker (the worker's id must be unique and fixed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--worker-id", required=True, help="the id the worker runs with")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"]
        with transaction.atomic():
            running = DBTaskResult.objects.select_for_update().filter(
                status=TaskResultStatus.RUNNING
            )
            # The last claim is the one that counts (a re-queued job lists earlier workers).
            interrupted = [
                job.pk
                for job in running.only("id", "worker_ids")
                if job.worker_ids[-1:] == [worker_id]
            ]
            DBTaskResult.objects.filter(pk__in=interrupted).update(
                status=TaskResultStatus.READY, started_at=None
            )
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            _("已将工作进程 %(worker)s 中断的 %(count)s 个任务重新排队。")
            % {"worker": worker_id, "count": len(interrupted)}
        )
