"""WAGTAIL_FINISH_WORKFLOW_ACTION. Wagtail imports this while loading its models: no top imports."""

from __future__ import annotations

from typing import Any


def publish_approved_revision(workflow_state: Any, user: Any = None) -> None:
    """Publish exactly the revision that legal review approved.

    Wagtail's default publishes the latest revision, which could differ from the one the
    reviewer saw if someone saved in between; the guard would refuse that one anyway.
    """
    from django.utils.translation import gettext as _

    from .guard import LegalReviewRequired, revision_is_approved

    revision = workflow_state.current_task_state.revision
    if not revision_is_approved(revision.pk):
        raise LegalReviewRequired(_("该版本未经法规处审核，不得公开。"))
    # Legal approval is the authority to publish (seed 六.四), whatever page permissions say.
    revision.publish(user=user, skip_permission_checks=True)
