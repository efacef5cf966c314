"""The audit log: one append-only table, rows chained by SHA-256 (issue 8)."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Outcome

GENESIS = ""


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit row through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    # The database triggers (migration 0002) refuse the same at SQL level; these catch it early.
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit log is append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), db_index=True)
    # Nulled if the account is deleted (the triggers allow exactly that change); actor_name is
    # what the chain covers, so the row stays verifiable.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    event = models.CharField(_("事件"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    address = models.CharField(_("地址"), max_length=45, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        constraints = [
            # One successor per row: two writers racing past the lock would fork the chain.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_unique_prev_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.event}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit log is append-only")

    def canonical(self) -> str:
        """The fields the hash covers, as canonical JSON (actor_id and id are not covered)."""
        at = self.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        fields = {
            "at": at,
            "actor_name": self.actor_name,
            "event": self.event,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "outcome": self.outcome,
            "address": self.address,
            "request_id": self.request_id,
            "detail": self.detail,
        }
        return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode()).hexdigest()
