"""Cases: consultations, complaints, director's-mailbox letters and integrity reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanwu.core.crypto import (
    EncryptedCharField,
    EncryptedEmailField,
    blind_index,
    blind_index_candidates,
)
from guanwu.organization.enums import ContactLineKind
from guanwu.organization.models import Hall, Unit

from .enums import (
    DEFAULT_LIMITS,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    CaseKind,
    Channel,
    Level,
    Rating,
    Status,
)


class DeadlinePolicy(models.Model):
    """Reply limit in official working days per kind (限时答复, seed 四.五), editable."""

    kind = models.CharField(_("类别"), max_length=32, choices=CaseKind.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(
        _("答复时限（工作日）"),
        help_text=_(
            "默认：业务咨询 5 个工作日，投诉、关长信箱和意见建议 15 个工作日，廉政举报 30 个工作日"
            "（实施方案四.五“限时答复”；上限参照《信访工作条例》和《政府信息公开条例》）。"
        ),
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("答复时限")
        verbose_name_plural = _("答复时限")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.working_days}"

    @classmethod
    def limit_for(cls, kind: str) -> int:
        policy = cls.objects.filter(kind=kind).first()
        return policy.working_days if policy else DEFAULT_LIMITS[CaseKind(kind)]


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def running(self) -> CaseQuerySet:
        """Open, the clock running (not paused) and not merged into another case."""
        return self.filter(status__in=RUNNING_STATUSES, merged_into__isnull=True)

    def overdue(self, today: object) -> CaseQuerySet:
        return self.running().filter(deadline__lt=today)

    def same_contact(self, *, phone: str = "", email: str = "") -> CaseQuerySet:
        """Cases whose asker left this phone number or e-mail address (blind index)."""
        q = Q(pk__in=[])
        if candidates := blind_index_candidates(phone):
            q |= Q(phone_index__in=candidates)
        if candidates := blind_index_candidates(email):
            q |= Q(email_index__in=candidates)
        return self.filter(q)


class Case(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    # The query password is derived from this salt and SECRET_KEY (services.case_password), so
    # a retried submission can be answered with the same password without storing it.
    password_salt = models.CharField(max_length=32, editable=False)
    kind = models.CharField(_("类别"), max_length=32, choices=CaseKind.choices, db_index=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    line = models.CharField(_("热线"), max_length=16, choices=ContactLineKind.choices, blank=True)
    hall = models.ForeignKey(
        Hall, verbose_name=_("报关大厅"), on_delete=models.PROTECT, null=True, blank=True
    )
    title = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    # Issue 8 / DESIGN rule 8: the asker's identity is encrypted at rest (guanwu.core.crypto,
    # key GUANWU_FIELD_KEYS); empty stays empty, so "left a contact" is still a query (rule 7).
    name = EncryptedCharField(_("姓名"), max_length=100, blank=True)
    phone = EncryptedCharField(_("电话"), max_length=30, blank=True)
    email = EncryptedEmailField(_("电子邮箱"), blank=True)
    caller_number = EncryptedCharField(_("来电号码"), max_length=30, blank=True)
    # Keyed blind indexes (HMAC-SHA256) of phone and e-mail: the only way to find an asker's
    # other cases, since the ciphertext cannot be compared. Kept in step by ``save``.
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    email_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    level = models.CharField(_("办理层级"), max_length=16, choices=Level.choices, blank=True)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    first_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="first_contact_cases",
    )
    received_at = models.DateTimeField(_("受理时间"), auto_now_add=True, db_index=True)
    received_on = models.DateField(_("受理日期"))
    deadline = models.DateField(_("答复期限"), db_index=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评价"), choices=Rating.choices, null=True, blank=True
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入事项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_cases",
    )
    # An overdue case goes one level up (section -> division -> centre -> office) and is
    # listed for the centre and the office (seed 四.五 限时答复; 二 三级负责).
    escalated_to = models.ForeignKey(
        Unit,
        verbose_name=_("超期升级至"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_cases",
    )
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()
    # Blind index column -> the encrypted field it indexes (also read by rotate_field_key).
    BLIND_INDEXES = {"phone_index": "phone", "email_index": "email"}

    class Meta:
        verbose_name = _("咨询投诉")
        verbose_name_plural = _("咨询投诉")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="case_status_deadline"),
            models.Index(fields=["responsible_unit", "status"], name="case_unit_status"),
            models.Index(fields=["first_contact", "status"], name="case_first_contact_status"),
            models.Index(fields=["handler", "status"], name="case_handler_status"),
            # The reminder scan and the "overdue" filters: only cases whose clock runs, so
            # the planner cannot wander into the closed cases' old deadlines (issue 9).
            models.Index(
                fields=["deadline"],
                name="case_running_deadline",
                condition=Q(status__in=sorted(RUNNING_STATUSES), merged_into__isnull=True),
            ),
            # The staff list, newest first, filtered by kind, status or level: a page deep in
            # a filtered listing walks only that filter's rows (issue 9; page 200 of one
            # kind crossed 230,000 rows through the received_at index).
            models.Index(fields=["kind", "received_at"], name="case_kind_received"),
            models.Index(fields=["status", "received_at"], name="case_status_received"),
            models.Index(fields=["level", "received_at"], name="case_level_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_at__isnull=False),
                name="case_closed_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title or self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        for index, source in self.BLIND_INDEXES.items():
            setattr(self, index, blind_index(getattr(self, source)))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            fields |= {i for i, source in self.BLIND_INDEXES.items() if source in fields}
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def is_overdue(self, today: datetime.date) -> bool:
        """The row-level twin of ``Case.objects.overdue(today)``."""
        return (
            self.status in RUNNING_STATUSES
            and self.merged_into_id is None
            and self.deadline < today
        )

    @property
    def has_contact(self) -> bool:
        """DESIGN rule 7: a named or reachable asker is owed a recorded reply."""
        return bool(self.name.strip() or self.phone.strip() or self.email.strip())

    @property
    def has_identity(self) -> bool:
        """Anything that may identify the asker: name, contact or the number that called."""
        return self.has_contact or bool(self.caller_number.strip())


class CaseUnit(models.Model):
    """A unit involved in the case: the lead (主办) or a co-handling unit (协办)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField(_("主办"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "unit"], name="caseunit_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(lead=True), name="caseunit_single_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.unit_id}{' (lead)' if self.lead else ''}"


class CaseEvent(models.Model):
    """The case's timeline: every action with who, when, what and why (DESIGN rule 9)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseReply(models.Model):
    """A reply. Public replies to complaints and reports wait for the handling unit head's
    approval (``sent_at`` empty until then); the rest are sent when written."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("答复内容"))
    public = models.BooleanField(_("向来件人公开"), default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    rejection_note = models.CharField(_("退回意见"), max_length=500, blank=True)
    # A reply to a merged (并单) case is the primary case's reply delivered to this asker.
    source = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="copies"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} reply {self.pk}"

    @property
    def pending(self) -> bool:
        return self.public and self.sent_at is None and self.rejected_at is None


class ReplyTemplate(models.Model):
    """A reply template per kind (答复模板), picked when drafting a reply."""

    kind = models.CharField(
        _("类别"),
        max_length=32,
        choices=CaseKind.choices,
        blank=True,
        help_text=_("留空则适用于所有类别。"),
    )
    title = models.CharField(_("名称"), max_length=100)
    body = models.TextField(
        _("模板内容"),
        help_text=_(
            "可用占位符：{code} 查询码，{name} 来件人称呼，{date} 受理日期，{unit} 主办单位。"
        ),
    )
    active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")
        ordering = ["kind", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.title


def _attachment_storage() -> object:
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.GUANWU_CASE_FILES_ROOT, base_url=None)


class CaseAttachment(models.Model):
    """A file from the asker: an image or a PDF, checked by content, stored outside the web
    root under a generated name and served only to staff who may see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=_attachment_storage, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class CaseNotification(models.Model):
    """Every message the system sent about a case: replies to the asker (e-mail, SMS),
    progress to the first-contact owner, due-soon and overdue reminders, escalations.
    ``key`` makes a periodic reminder idempotent: one row per (case, kind, key)."""

    class Medium(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")
        STAFF = "staff", _("站内提醒")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=100)
    medium = models.CharField(max_length=8, choices=Medium.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A masked address for the record (13******78, a***@example.com), never the full one.
    address = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "key", "medium", "recipient"],
                name="casenotification_once",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="casenote_recipient_read")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.medium}"
