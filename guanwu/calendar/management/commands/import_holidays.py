"""``manage.py import_holidays FILE [--year YYYY] [--merge] [--dry-run]`` (DESIGN rule 6).

Loads a year's State Council schedule that no library knows yet; the format is described
in docs/holidays-example.txt. Thin: parse, call the service, print what changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanwu.calendar.services import CalendarError, CalendarUpdate, import_holidays


def report(command: BaseCommand, update: CalendarUpdate) -> None:
    for note in update.notes:
        command.stdout.write(note)
    for line in update.describe():
        command.stdout.write(line)
    command.stdout.write(update.summary())


class Command(BaseCommand):
    help = "Import official holidays and swapped working days (YYYY-MM-DD holiday|workday name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 text file; see docs/holidays-example.txt")
        parser.add_argument("--year", type=int, help="the year the schedule belongs to")
        parser.add_argument(
            "--merge", action="store_true", help="add and change days, remove none of the year"
        )
        parser.add_argument("--dry-run", action="store_true", help="show changes, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("无法读取文件 %(path)s：%(error)s") % {"path": path, "error": exc}
            ) from exc
        try:
            update = import_holidays(
                lines,
                year=options["year"],
                replace=not options["merge"],
                dry_run=options["dry_run"],
            )
        except CalendarError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        report(self, update)
