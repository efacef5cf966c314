"""Enumerations of the working-day calendar (seed 四.五: 限时答复, DESIGN rule 6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """How a day departs from the Monday–Friday rule; ordinary days are not stored at all."""

    # An official day off falling on a weekday (放假).
    HOLIDAY = "holiday", _("放假")
    # A Saturday or Sunday that is worked to make up for a holiday (调休上班).
    WORKDAY = "workday", _("调休上班")


class CalendarSource(models.TextChoices):
    """Where a day or a year's schedule came from."""

    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar 软件包")
    IMPORT = "import", _("文件导入")
    ADMIN = "admin", _("后台录入")
