"""Signals that feed the audit log. Auditing fails closed: an error is logged (event code and
exception type only) and re-raised, so the action's transaction does not commit unaudited."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from wagtail.models import ModelLogEntry, PageLogEntry

from guanwu.cases.models import CaseEvent

from .enums import Outcome
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
