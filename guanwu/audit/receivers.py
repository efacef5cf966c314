"""Signals that feed the audit log. Auditing fails closed: an error is logged (event code and
exception type only) and re-raised, so the action's transaction does not commit unaudited."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from wagtail.models import ModelLogEntry, PageLogEntry

from guanwu.cases.models import CaseEvent
from guanwu.organization.roles import check_separation_of_duties, user_can_assign_roles

from .enums import Outcome
from .middleware import current_actor, current_request
from .services import keyed_digest, record

logger = logging.getLogger(__name__)


def _record(event: str, **kwargs: Any) -> None:
    try:
        record(event, **kwargs)
    except Exception as exc:
        logger.error("audit record failed: event=%s error=%s", event, type(exc).__name__)
        raise


@receiver(user_logged_in, dispatch_uid="guanwu_audit_login")
def on_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    _record("auth.login", actor=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="guanwu_audit_logout")
def on_logout(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    _record("auth.logout", actor=user, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="guanwu_audit_login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    # The typed username only as a keyed hash: people type passwords into that field.
    username = str((credentials or {}).get("username", "") or "")
    detail = {"username_digest": keyed_digest(username)} if username else {}
    _record("auth.login_failed", outcome=Outcome.FAILURE, request=request, detail=detail)


@receiver(post_save, sender=CaseEvent, dispatch_uid="guanwu_audit_case_event")
def on_case_event(sender: Any, instance: CaseEvent, created: bool, raw: bool = False, **kw: Any):
    # Only the action and ids: notes and data may carry a reporter's words or identity.
    if created and not raw:
        _record(
            f"case.{instance.action}",
            actor=instance.actor,
            object_type="cases.case",
            object_id=instance.case_id,
            # The address and request id of the staff request that made the step, if any.
            request=current_request(),
            detail={"action": instance.action, "case_event": instance.pk},
        )


def _content_type_label(instance: Any) -> str:
    if not instance.content_type_id:
        return ""
    content_type = instance.content_type
    return f"{content_type.app_label}.{content_type.model}"


def _on_log_entry(instance: Any, created: bool, raw: bool) -> None:
    if created and not raw:
        _record(
            f"content.{instance.action}",
            actor=instance.user,
            object_type=_content_type_label(instance),
            object_id=instance.object_id,
            detail={"action": instance.action, "log_entry": instance.pk},
        )


@receiver(post_save, sender=ModelLogEntry, dispatch_uid="guanwu_audit_model_log")
def on_model_log(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any):
    _on_log_entry(instance, created, raw)


@receiver(post_save, sender=PageLogEntry, dispatch_uid="guanwu_audit_page_log")
def on_page_log(sender: Any, instance: Any, created: bool, raw: bool = False, **kw: Any):
    _on_log_entry(instance, created, raw)


# --- accounts and roles (issue 8: role changes audited, separation of duties enforced) -------

User = get_user_model()
_ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


def _guard_role_change(actor: Any, user_ids: set[int]) -> None:
    """In a request, only the security administrator (or a superuser) changes memberships,
    and never their own. Commands and migrations (no request) are the operator's own act."""
    if current_request() is None:
        return
    if not user_can_assign_roles(actor):
        raise PermissionDenied(_("只有安全管理员可以调整用户的角色。"))
    if actor.pk in user_ids and not actor.is_superuser:
        raise PermissionDenied(_("不能调整本人的角色。"))


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="guanwu_audit_groups")
def on_groups_changed(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    """Guard (pre_*) and record (post_*) every change of User.groups, from either side.

    ``user.groups.add(group)`` arrives with the user as ``instance``; ``group.user_set.add``
    (Wagtail's "assign role" bulk action) with the group as ``instance``.
    """
    if not action.startswith(("pre_", "post_")):
        return
    actor = current_actor()
    if reverse:
        group_names = [instance.name]
        user_ids = (
            set(pk_set or ())
            if action != "pre_clear"
            else set(instance.user_set.values_list("pk", flat=True))
        )
    else:
        user_ids = {instance.pk}
        if pk_set is not None:
            group_names = list(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        else:
            group_names = list(instance.groups.values_list("name", flat=True))
    if action.startswith("pre_"):
        if action == "pre_clear":
            # What clear() removes, for the post_clear record.
            instance._guanwu_cleared_groups = group_names  # type: ignore[attr-defined]
            instance._guanwu_cleared_users = user_ids  # type: ignore[attr-defined]
        _guard_role_change(actor, user_ids)
        if action == "pre_add":
            for user in User.objects.filter(pk__in=user_ids):
                held = set(user.groups.values_list("name", flat=True))
                try:
                    check_separation_of_duties(held | set(group_names))
                except ValidationError as exc:
                    if current_request() is None:
                        raise
                    # In a request (Wagtail's bulk "assign role"): a 403 page, not a 500.
                    raise PermissionDenied(" ".join(exc.messages)) from exc
        return
    if action == "post_clear":
        group_names = getattr(instance, "_guanwu_cleared_groups", [])
        user_ids = getattr(instance, "_guanwu_cleared_users", set())
    if not group_names:
        return
    change = {"post_add": "added", "post_remove": "removed", "post_clear": "removed"}[action]
    for user_id in sorted(user_ids):
        _record(
            "role.changed",
            actor=actor,
            object_type=User._meta.label_lower,
            object_id=user_id,
            request=current_request(),
            detail={change: sorted(group_names)},
        )
    if not reverse:
        # user_has_role() caches the groups on the user object; drop it after a change.
        instance.__dict__.pop("_guanwu_roles", None)


@receiver(pre_save, sender=User, dispatch_uid="guanwu_audit_account_flags_before")
def remember_account_flags(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Keep the stored flags, so post_save can tell what changed; refuse a non-superuser
    making anyone a superuser (Wagtail's user form offers the box to every user editor)."""
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and not set(update_fields) & set(_ACCOUNT_FLAGS)):
        instance._guanwu_flags_before = None
        return
    before = (
        User.objects.filter(pk=instance.pk).values(*_ACCOUNT_FLAGS).first() if instance.pk else None
    )
    instance._guanwu_flags_before = before
    was_superuser = bool(before and before["is_superuser"])
    if instance.is_superuser and not was_superuser and current_request() is not None:
        actor = current_actor()
        if not (actor is not None and actor.is_superuser):
            raise PermissionDenied(_("只有超级管理员可以授予超级管理员权限。"))


@receiver(post_save, sender=User, dispatch_uid="guanwu_audit_account_flags_after")
def on_account_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    before = getattr(instance, "_guanwu_flags_before", None)
    if created:
        changes = {flag: [None, getattr(instance, flag)] for flag in _ACCOUNT_FLAGS}
    elif before is None:
        return
    else:
        changes = {
            flag: [before[flag], getattr(instance, flag)]
            for flag in _ACCOUNT_FLAGS
            if before[flag] != getattr(instance, flag)
        }
    if not changes:
        return
    _record(
        "account.changed",
        actor=current_actor(),
        obj=instance,
        request=current_request(),
        detail={"created": created, "changes": changes},
    )
