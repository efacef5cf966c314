"""Daily: remind about cases due soon or overdue and escalate overdue ones (seed 四.五)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanwu.cases.reminders import ReminderSummary, run_case_reminders, send_case_reminders


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("日期格式应为 YYYY-MM-DD。")) from error


class Command(BaseCommand):
    help = (
        "Remind handlers and unit heads of cases due within one working day or overdue, and "
        "escalate overdue cases one level up (each once per deadline). Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, help="Count as if today were YYYY-MM-DD.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the run to the django-tasks backend (settings.TASKS) instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today: datetime.date | None = options["date"]
        dry_run: bool = options["dry_run"]
        if options["enqueue"]:
            result = run_case_reminders.enqueue(
                date=today.isoformat() if today else None, dry_run=dry_run
            )
            self.stdout.write(
                _("已加入后台任务：%(id)s（%(status)s）")
                % {"id": result.id, "status": result.status}
            )
            if result.is_finished:
                if result.errors:
                    raise CommandError(_("后台任务执行失败：%(id)s") % {"id": result.id})
                self._summary(ReminderSummary(**result.return_value))
            return
        self._summary(send_case_reminders(today, dry_run=dry_run))

    def _summary(self, summary: ReminderSummary) -> None:
        values = {
            "today": summary.today,
            "due": summary.due_soon_cases,
            "due_sent": summary.due_soon_sent,
            "overdue": summary.overdue_cases,
            "overdue_sent": summary.overdue_sent,
            "escalated": summary.escalated,
        }
        if summary.dry_run:
            self.stdout.write(_("%(today)s 试运行：未发送提醒，也未升级事项。") % values)
        else:
            self.stdout.write(_("%(today)s 咨询投诉时限提醒：") % values)
        self.stdout.write(_("即将到期：%(due)d 件，新发提醒 %(due_sent)d 人次") % values)
        self.stdout.write(_("已超期：%(overdue)d 件，新发提醒 %(overdue_sent)d 人次") % values)
        self.stdout.write(_("超期升级：%(escalated)d 件") % values)
        for code in summary.escalated_codes:
            self.stdout.write(f"  {code}")
