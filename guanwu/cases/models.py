"""Cases: consultations, complaints, director's-mailbox letters and integrity reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanwu.organization.enums import ContactLineKind
from guanwu.organization.models import Hall, Unit

from .enums import DEFAULT_LIMITS, OPEN_STATUSES, CaseKind, Channel, Level, Rating, Status


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

    def overdue(self, today: object) -> CaseQuerySet:
        return self.open().exclude(status=Status.PAUSED).filter(deadline__lt=today)


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
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    caller_number = models.CharField(_("来电号码"), max_length=30, blank=True)
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
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询投诉")
        verbose_name_plural = _("咨询投诉")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="case_status_deadline"),
            models.Index(fields=["responsible_unit", "status"], name="case_unit_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_at__isnull=False),
                name="case_closed_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title or self.get_kind_display()}"

    @property
    def has_contact(self) -> bool:
        """DESIGN rule 7: a named or reachable asker is owed a recorded reply."""
        return bool(self.name.strip() or self.phone.strip() or self.email.strip())


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
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("答复内容"))
    public = models.BooleanField(_("向来件人公开"), default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} reply {self.pk}"
