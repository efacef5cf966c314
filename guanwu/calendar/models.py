"""The official working-day calendar: only the exceptions to the Monday–Friday rule.

Seed 四.五 (限时答复) counts reply deadlines in working days; DESIGN rule 6 makes that the
State Council holiday schedule with its swapped working weekends, editable for years no
library knows yet. The arithmetic itself lives in ``workdays.py``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .enums import CalendarSource, DayKind

WEEKDAY_NAMES = [
    _("星期一"),
    _("星期二"),
    _("星期三"),
    _("星期四"),
    _("星期五"),
    _("星期六"),
    _("星期日"),
]


def kind_mismatch(day: datetime.date, kind: str) -> str | None:
    """Why ``kind`` is not an exception on ``day``, or None when it is (Chinese, for users).

    Only exceptions are stored: a holiday must fall on a weekday (weekends are rest days
    anyway) and a swapped working day on a Saturday or Sunday.
    """
    weekend = day.weekday() >= 5
    if kind == DayKind.HOLIDAY and weekend:
        return gettext("%(date)s 是%(weekday)s，本来就休息，无需登记为放假日。") % {
            "date": day.isoformat(),
            "weekday": WEEKDAY_NAMES[day.weekday()],
        }
    if kind == DayKind.WORKDAY and not weekend:
        return gettext("%(date)s 是%(weekday)s，本来就是工作日，无需登记为调休上班。") % {
            "date": day.isoformat(),
            "weekday": WEEKDAY_NAMES[day.weekday()],
        }
    return None


class CalendarDayQuerySet(models.QuerySet["CalendarDay"]):
    def in_year(self, year: int) -> CalendarDayQuerySet:
        return self.filter(
            date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
        )

    def in_years(self, years: list[int] | set[int]) -> CalendarDayQuerySet:
        query = models.Q(pk__in=[])
        for year in years:
            query |= models.Q(
                date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
            )
        return self.filter(query)


class CalendarDay(models.Model):
    """A weekday off (放假) or a worked weekend day (调休上班) of the official schedule."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(
        _("名称"), max_length=100, blank=True, help_text=_("所属节日，例如“春节”。")
    )
    source = models.CharField(
        _("来源"), max_length=20, choices=CalendarSource.choices, default=CalendarSource.ADMIN
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        return f"{self.date.isoformat()} {label}（{self.get_kind_display()}）"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> CalendarDay:
        instance = super().from_db(db, field_names, values)
        # Remember the stored date, so moving a day to another year changes both years.
        instance._loaded_date = instance.__dict__.get("date")
        return instance

    def clean(self) -> None:
        super().clean()
        if self.date and self.kind:
            message = kind_mismatch(self.date, self.kind)
            if message:
                raise ValidationError({"kind": message})

    @property
    def years_affected(self) -> tuple[int, ...]:
        years = {self.date.year}
        loaded = getattr(self, "_loaded_date", None)
        if loaded:
            years.add(loaded.year)
        return tuple(sorted(years))


class CalendarYear(models.Model):
    """A year whose State Council schedule has been loaded; other years count plain weeks."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("来源"), max_length=20, choices=CalendarSource.choices, default=CalendarSource.ADMIN
    )
    complete = models.BooleanField(
        _("已完整录入"),
        default=False,
        help_text=_(
            "勾选表示该年国务院放假安排已全部录入；未勾选的年份按普通周末计算，期限为暂定。"
        ),
    )
    note = models.CharField(
        _("备注"), max_length=255, blank=True, help_text=_("例如国务院办公厅通知的文号。")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        super().clean()
        if self.year is not None and not 1900 <= self.year <= 2200:
            raise ValidationError({"year": _("年份应在 1900 到 2200 之间。")})
