"""Oversight records: duty rosters, registers of liaisons and hall devices with their
maintenance log, corrective actions (督办) with their history, circulars (通报), the year-end
evaluation and the annual report's manual entries."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanwu.organization.models import ContactLine, Hall, Staff, Unit
from guanwu.printing.enums import BuildState

from .enums import ActionState, DeviceKind, DeviceState, DutyKind, PeriodKind, Severity

# --- duty rosters (seed 四.(一): the desks are staffed every working day) -----------------


class DutySlot(models.Model):
    """Who staffs a hall's consultation desk or a hotline's seat on one working day."""

    date = models.DateField(_("日期"), db_index=True)
    kind = models.CharField(_("岗位"), max_length=16, choices=DutyKind.choices)
    hall = models.ForeignKey(
        Hall, verbose_name=_("报关大厅"), on_delete=models.CASCADE, null=True, blank=True
    )
    line = models.ForeignKey(
        ContactLine, verbose_name=_("热线"), on_delete=models.CASCADE, null=True, blank=True
    )
    staff = models.ForeignKey(Staff, verbose_name=_("值班人员"), on_delete=models.PROTECT)
    shift = models.CharField(_("班次"), max_length=40, blank=True, help_text=_("例如 上午、全天。"))

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["date", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=DutyKind.DESK) & Q(hall__isnull=False) & Q(line__isnull=True))
                | (Q(kind=DutyKind.HOTLINE) & Q(line__isnull=False) & Q(hall__isnull=True)),
                name="dutyslot_desk_has_hall_hotline_has_line",
            ),
            models.UniqueConstraint(
                fields=["date", "kind", "hall", "line", "staff", "shift"], name="dutyslot_once"
            ),
        ]

    def __str__(self) -> str:
        where = self.hall or self.line
        return f"{self.date} {self.get_kind_display()} {where} {self.staff}"


# --- registers -----------------------------------------------------------------------------


class LiaisonAssignment(models.Model):
    """The register of liaisons (联络员, seed 五.五 / 六): who keeps a unit's content current."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE)
    staff = models.ForeignKey(Staff, verbose_name=_("联络员"), on_delete=models.PROTECT)
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("终止日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("联络员登记")
        verbose_name_plural = _("联络员登记")
        ordering = ["unit__sort_order", "unit__code", "-since"]

    def __str__(self) -> str:
        return f"{self.unit} {self.staff}"


class Device(models.Model):
    """A kiosk or a bulletin board standing in a declaration hall (maintained by the technology
    division and the centre, seed 五.五)."""

    kind = models.CharField(_("类型"), max_length=16, choices=DeviceKind.choices)
    hall = models.ForeignKey(
        Hall, verbose_name=_("报关大厅"), on_delete=models.PROTECT, related_name="devices"
    )
    label = models.CharField(_("编号或位置"), max_length=100)
    state = models.CharField(
        _("状态"), max_length=16, choices=DeviceState.choices, default=DeviceState.IN_SERVICE
    )
    installed_on = models.DateField(_("启用日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("大厅设施")
        verbose_name_plural = _("大厅设施")
        ordering = ["hall__sort_order", "hall__code", "kind", "label"]

    def __str__(self) -> str:
        return f"{self.hall} {self.get_kind_display()} {self.label}"


class MaintenanceLog(models.Model):
    device = models.ForeignKey(
        Device, verbose_name=_("设施"), on_delete=models.CASCADE, related_name="log"
    )
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("维护内容"), max_length=200)
    state_after = models.CharField(_("维护后状态"), max_length=16, choices=DeviceState.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("维护记录")
        verbose_name_plural = _("维护记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.device} {self.at:%Y-%m-%d} {self.action}"


# --- corrective actions (督办) --------------------------------------------------------------


class CorrectiveAction(models.Model):
    """A finding assigned to a unit with a deadline; the unit answers, the office closes it."""

    check_name = models.CharField(_("检查项"), max_length=64, db_index=True)
    # The finding's identity (check + subject key): the same finding found again is the same
    # action, not a new one.
    finding_key = models.CharField(max_length=200, db_index=True)
    unit = models.ForeignKey(Unit, verbose_name=_("整改单位"), on_delete=models.PROTECT)
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    subject = models.CharField(_("问题"), max_length=300)
    detail = models.TextField(_("详情"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    deadline = models.DateField(_("整改期限"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ActionState.choices, default=ActionState.OPEN
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("督办时间"), auto_now_add=True)
    answer = models.TextField(_("整改情况"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["state", "deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding_key"],
                condition=~Q(state=ActionState.CLOSED),
                name="correctiveaction_one_open_per_finding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.subject}"


class CorrectiveActionEvent(models.Model):
    """The history of a corrective action: who did what, when and why (DESIGN rule 9)."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=32)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action_id} {self.verb}"


# --- circulars (通报) -------------------------------------------------------------------------


class Circular(models.Model):
    """A periodic circular of cases received and handled (seed 二: 定期通报)."""

    period = models.CharField(
        _("期间"), max_length=10, unique=True, help_text=_("2026-11 或 2026-Q4")
    )
    kind = models.CharField(_("周期"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"))
    figures = models.JSONField(_("统计数据"), default=dict)
    # Built by a background worker (a PDF never renders inside a request): queued → done.
    state = models.CharField(
        _("状态"), max_length=16, choices=BuildState.choices, default=BuildState.DONE
    )
    message = models.CharField(_("说明"), max_length=500, blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="circulars/%Y/", blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    # The public summary is a disclosure page that goes out only after legal review (rule 1).
    public_page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    built_at = models.DateTimeField(_("生成时间"), auto_now=True)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.period


# --- year-end evaluation -----------------------------------------------------------------------


class EvaluationWeights(models.Model):
    """The weights of the year-end evaluation (seed 五.六), editable; percentages summing to 100."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    coverage = models.PositiveSmallIntegerField(
        _("内容覆盖"), default=25, validators=[MaxValueValidator(100)]
    )
    freshness = models.PositiveSmallIntegerField(
        _("及时更新"), default=20, validators=[MaxValueValidator(100)]
    )
    on_time = models.PositiveSmallIntegerField(
        _("按时答复"), default=20, validators=[MaxValueValidator(100)]
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), default=15, validators=[MaxValueValidator(100)]
    )
    findings_closed = models.PositiveSmallIntegerField(
        _("整改销号"), default=10, validators=[MaxValueValidator(100)]
    )
    channels = models.PositiveSmallIntegerField(
        _("公开渠道"), default=10, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("考核权重")
        verbose_name_plural = _("考核权重")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Evaluation(models.Model):
    """One unit's year-end score with the figures behind it (kept, so years compare)."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"))
    figures = models.JSONField(_("计分依据"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "rank"]
        constraints = [models.UniqueConstraint(fields=["year", "unit"], name="evaluation_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.unit} {self.score}"


# --- the annual report (国办公开办函〔2021〕30号) ------------------------------------------------


class AnnualReport(models.Model):
    """The statutory annual report on government information disclosure, due by 31 January.
    Figures come from the data where it exists; ``entries`` holds what the office types in
    (requests received and handled, reconsideration and litigation, the text sections)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    entries = models.JSONField(_("填报内容"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    pdf = models.FileField(_("PDF 文件"), upload_to="annual-reports/", blank=True, max_length=200)

    class Meta:
        verbose_name = _("政府信息公开年度报告")
        verbose_name_plural = _("政府信息公开年度报告")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
