"""Oversight (seed 二, 四.(一), 五.(四)–(六), 六): checks, corrective actions, circulars,
the year-end evaluation and the annual report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    """How bad a finding is. VETO: a single-veto item of the national website inspection
    indicators (e.g. a message unanswered for more than 3 months)."""

    INFO = "info", _("提示")
    WARNING = "warning", _("警告")
    SERIOUS = "serious", _("严重")
    VETO = "veto", _("单项否决")


class DutyKind(models.TextChoices):
    DESK = "desk", _("咨询台")
    HOTLINE = "hotline", _("热线座席")


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", _("触摸屏")
    BOARD = "board", _("公开栏")


class DeviceState(models.TextChoices):
    IN_SERVICE = "in_service", _("正常使用")
    FAULTY = "faulty", _("故障")
    UNDER_REPAIR = "under_repair", _("维修中")
    RETIRED = "retired", _("已撤除")


class ActionState(models.TextChoices):
    """A corrective action (督办): assigned → answered by the unit → closed by the office."""

    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已反馈")
    CLOSED = "closed", _("已销号")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
