"""Signal receivers that keep DESIGN rule 1 at the database's edge."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_migrate, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from wagtail.models import Revision

from .guard import LegalReviewRequired, revision_is_approved


@receiver(pre_save, sender=Revision, dispatch_uid="guanwu_schedule_needs_approval")
def refuse_scheduling_unapproved(sender: type, instance: Revision, **kwargs: Any) -> None:
    """A revision may only be scheduled to go live once legal review approved it."""
    update_fields = kwargs.get("update_fields")
    if instance.approved_go_live_at is None:
        return
    if update_fields is not None and "approved_go_live_at" not in update_fields:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    from .guard import LegalReviewGuardMixin

    guarded = model is not None and issubclass(model, LegalReviewGuardMixin)
    if guarded and not revision_is_approved(instance.pk):
        raise LegalReviewRequired(_("该版本未经法规处审核，不能定时发布。"))


@receiver(post_migrate, dispatch_uid="guanwu_ensure_workflows")
def ensure_workflows_after_migrate(sender: Any, **kwargs: Any) -> None:
    """Workflows and page permissions, once every app's permissions exist (the last app)."""
    from guanwu.organization.roles import PermissionsNotReady, sync_role_groups

    from .workflows import ensure_page_permissions, ensure_workflows

    try:
        sync_role_groups()
    except PermissionsNotReady:
        return
    ensure_workflows()
    ensure_page_permissions()
