"""Legal review (法规处审核, seed 六.四) and the unit head's approval, as Wagtail workflow tasks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from wagtail.models import Revision, Task, TaskState

from guanwu.organization.enums import Role


class LegalApproval(models.Model):
    """The record that legal review passed one exact revision; the only key to going live."""

    revision = models.OneToOneField(
        Revision, on_delete=models.CASCADE, related_name="legal_approval", verbose_name=_("版本")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    approved_at = models.DateTimeField(_("审核时间"), auto_now_add=True)
    comment = models.TextField(_("审核意见"), blank=True)
    task_state = models.ForeignKey(
        TaskState, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expedited = models.BooleanField(_("加急审核"), default=False)

    class Meta:
        verbose_name = _("法规处审核记录")
        verbose_name_plural = _("法规处审核记录")
        ordering = ["-approved_at"]

    def __str__(self) -> str:
        return f"{self.revision.object_str} #{self.revision_id}"


def owning_unit_of(obj: Any) -> Any:
    """The unit whose head approves a change: the item's owner, or the unit a snippet sits in."""
    from guanwu.organization.models import Unit

    if isinstance(obj, Unit):
        return obj
    for attr in ("owning_unit", "unit"):
        unit = getattr(obj, attr, None)
        if unit is not None:
            return unit
    return None


class UnitHeadApprovalTask(Task):
    """Step 2 of the workflow: the head of the owning unit approves the liaison's draft.

    A section's item is approved by its 科长 or by the head of the division above; a
    division's item by its 处长/关长; district-level items by the office (办公室).
    """

    class Meta:
        verbose_name = _("单位负责人审批")
        verbose_name_plural = _("单位负责人审批")

    def user_can_approve(self, obj: Any, user: AbstractBaseUser) -> bool:
        from guanwu.disclosure.permissions import user_heads_unit

        unit = owning_unit_of(obj)
        return unit is not None and user_heads_unit(user, unit)

    def user_can_access_editor(self, obj: Any, user: AbstractBaseUser) -> bool:
        return self.user_can_approve(obj, user)

    def locked_for_user(self, obj: Any, user: AbstractBaseUser) -> bool:
        return not self.user_can_approve(obj, user)

    def get_actions(self, obj: Any, user: AbstractBaseUser) -> list[tuple[str, Any, bool]]:
        if self.user_can_approve(obj, user):
            return [
                ("reject", _("退回修改"), True),
                ("approve", _("同意"), False),
                ("approve", _("同意并附意见"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user: AbstractBaseUser, **kwargs: Any) -> Any:
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).select_related(
            "workflow_state"
        )
        allowed = [
            state.pk
            for state in states
            if (obj := state.workflow_state.content_object) is not None
            and self.user_can_approve(obj, user)
        ]
        return TaskState.objects.filter(pk__in=allowed)

    @classmethod
    def get_description(cls) -> Any:
        return _("所属单位负责人（科长、处长或分关关长）审批联络员提交的内容。")


class LegalReviewTask(Task):
    """Step 3: the legal department reviews; approving records the ``LegalApproval``."""

    expedited = models.BooleanField(
        _("加急"),
        default=False,
        help_text=_("随时公开内容走加急审核：提交即通知法规处，并按较短时限办结。"),
    )
    target_hours = models.PositiveSmallIntegerField(
        _("审核时限（小时）"),
        default=72,
        help_text=_("从提交到审核完成的目标时限；加急审核默认 2 小时。"),
    )

    admin_form_fields = [*Task.admin_form_fields, "expedited", "target_hours"]

    class Meta:
        verbose_name = _("法规处审核")
        verbose_name_plural = _("法规处审核")

    def user_can_review(self, user: AbstractBaseUser) -> bool:
        # Superusers do not review: the seed gives this power to the legal department only.
        return bool(
            user.is_authenticated and user.groups.filter(name=Role.LEGAL.group_name).exists()
        )

    def user_can_access_editor(self, obj: Any, user: AbstractBaseUser) -> bool:
        return self.user_can_review(user)

    def locked_for_user(self, obj: Any, user: AbstractBaseUser) -> bool:
        return not self.user_can_review(user)

    def get_actions(self, obj: Any, user: AbstractBaseUser) -> list[tuple[str, Any, bool]]:
        if self.user_can_review(user):
            return [
                ("reject", _("退回修改"), True),
                ("approve", _("审核通过"), False),
                ("approve", _("审核通过并附意见"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user: AbstractBaseUser, **kwargs: Any) -> Any:
        if self.user_can_review(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    def start(self, workflow_state: Any, user: Any = None) -> TaskState:
        task_state = super().start(workflow_state, user=user)
        from guanwu.disclosure.notifications import notify_legal_review_started

        transaction.on_commit(lambda: notify_legal_review_started(task_state.pk))
        return task_state

    @transaction.atomic
    def on_action(self, task_state: TaskState, user: Any, action_name: str, **kwargs: Any) -> None:
        if action_name == "approve":
            if not self.user_can_review(user):
                from guanwu.disclosure.guard import LegalReviewRequired

                raise LegalReviewRequired(_("只有法规处人员可以审核通过。"))
            LegalApproval.objects.update_or_create(
                revision=task_state.revision,
                defaults={
                    "approved_by": user,
                    "comment": kwargs.get("comment", ""),
                    "task_state": task_state,
                    "expedited": self.expedited,
                },
            )
        super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls) -> Any:
        return _("法规处审核：未经审核的内容不得公开（实施方案六.四）。")


class ContentCheck(models.Model):
    """A liaison's "checked, still current" on a standing item (seed 五.三.1, 五.五)."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="content_checks"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("检查人"),
    )
    checked_at = models.DateTimeField(_("检查时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("内容检查记录")
        verbose_name_plural = _("内容检查记录")
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"{self.page_id} {self.checked_at:%Y-%m-%d}"


class ReminderLog(models.Model):
    """One reminder sent: (object, kind, due key) is unique, so each fires once."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    due_key = models.CharField(max_length=32)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(blank=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        constraints = [
            models.UniqueConstraint(fields=["page", "kind", "due_key"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.page_id} {self.due_key}"
