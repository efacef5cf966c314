"""Enumerations of cases (seed 二, 三.五, 四.三–五, 六.二)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    CONSULTATION = "consultation", _("业务咨询")
    COMPLAINT_EFFICIENCY = "complaint_efficiency", _("办事效率投诉")
    COMPLAINT_ATTITUDE = "complaint_attitude", _("态度作风投诉")
    INTEGRITY_REPORT = "integrity_report", _("廉政举报")
    MAILBOX = "mailbox", _("关长信箱")
    SUGGESTION = "suggestion", _("意见建议")


# Seed 六.二: the supervision office handles attitude and integrity complaints, whatever
# their scope (DESIGN rule 4).
SUPERVISION_KINDS = frozenset({CaseKind.COMPLAINT_ATTITUDE, CaseKind.INTEGRITY_REPORT})


# Seed 四.五 / 六.二: replies to complaints and reports go out only after the handling unit
# head approves them.
APPROVAL_KINDS = frozenset(
    {CaseKind.COMPLAINT_EFFICIENCY, CaseKind.COMPLAINT_ATTITUDE, CaseKind.INTEGRITY_REPORT}
)


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("热线电话")
    DESK = "desk", _("咨询台")
    WEB = "web", _("网站")
    KIOSK = "kiosk", _("触摸屏")
    MAILBOX = "mailbox", _("信箱")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")


class Level(models.TextChoices):
    """Three-level responsibility (seed 二), plus the supervision office (seed 六.二)."""

    SECTION = "section", _("科长负责")
    DIVISION = "division", _("处级部门协调")
    CENTRE = "centre", _("咨询服务中心协调")
    SUPERVISION = "supervision", _("监察室")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    PAUSED = "paused", _("等待补充材料")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")


OPEN_STATUSES = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.PAUSED})
# The clock runs for these (a paused case waits for the asker).
RUNNING_STATUSES = frozenset({Status.RECEIVED, Status.IN_PROGRESS})


class Rating(models.IntegerChoices):
    """好差评: the five-level satisfaction scale."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    FAIRLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


DISSATISFIED = frozenset({Rating.DISSATISFIED, Rating.VERY_DISSATISFIED})

# Default reply limits in working days, editable in the admin (DeadlinePolicy). Basis: the
# 实施方案's 限时答复 (四.五); 政府信息公开条例 Art. 33 (20 working days) and 信访工作条例
# Art. 32 (60 days) bound them from above; the customs' own commitments are shorter.
DEFAULT_LIMITS = {
    CaseKind.CONSULTATION: 5,
    CaseKind.COMPLAINT_EFFICIENCY: 15,
    CaseKind.COMPLAINT_ATTITUDE: 15,
    CaseKind.MAILBOX: 15,
    CaseKind.SUGGESTION: 15,
    CaseKind.INTEGRITY_REPORT: 30,
}
