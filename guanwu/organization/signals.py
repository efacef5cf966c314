from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Post, Staff


def staff_posts_within_unit(
    sender: type, instance: Staff, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A staff member can only be put on windows of their own unit or the units below it."""
    if action != "pre_add" or not pk_set or not isinstance(instance, Staff):
        return
    for post in Post.objects.filter(pk__in=pk_set).select_related("unit__parent__parent"):
        if not post.unit.is_within(instance.unit):
            raise ValidationError(
                _("窗口 %(post)s 不属于 %(unit)s，不能分配给该工作人员。")
                % {"post": post, "unit": instance.unit}
            )


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """Keep the role groups in step; migrate emits this per app, so wait for the last one."""
    from .roles import PermissionsNotReady, sync_role_groups

    try:
        sync_role_groups()
    except PermissionsNotReady:
        return
