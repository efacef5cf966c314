"""Editions are built in the background: a build lays out every page with WeasyPrint, which
takes from seconds to a minute, far too long for a request. ``manage.py db_worker --backend
background`` runs these tasks (``make run`` starts one next to gunicorn)."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

from django_tasks import task

from . import services
from .enums import BuildState
from .models import Edition

logger = logging.getLogger(__name__)


@task(backend="background")
def build_edition_task(edition_id: int) -> str:
    """Build a queued edition; progress and the outcome are written to the edition's row.

    Idempotent: only a queued edition is claimed (one atomic update, so a task delivered
    twice builds once); a built one stays as it is and a failed one keeps its message.
    """
    claimed = Edition.objects.filter(pk=edition_id, state=BuildState.QUEUED).update(
        state=BuildState.BUILDING
    )
    if not claimed:
        state = Edition.objects.filter(pk=edition_id).values_list("state", flat=True).first()
        logger.info("Edition %s not built again (state %s)", edition_id, state or "missing")
        return state or "missing"
    edition = Edition.objects.select_related("unit", "hall").get(pk=edition_id)
    # A failure is recorded on the edition (state FAILED and the message) by ``build``; it is
    # raised again so the task's result shows it too.
    services.build(edition)
    return edition.state


def schedule_build(edition: Edition) -> None:
    """Queue the build once the transaction that created ``edition`` has committed, so the
    worker never looks for an edition it cannot see yet."""
    transaction.on_commit(partial(build_edition_task.enqueue, edition.pk))
