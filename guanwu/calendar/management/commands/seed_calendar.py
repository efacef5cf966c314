"""``manage.py seed_calendar [--years ...] [--dry-run]``: the years chinesecalendar knows.

Also runs after every ``migrate``; this command is for a refresh after upgrading the
package, or for a dry run. Years imported from a file or curated by hand are left alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanwu.calendar.services import CalendarError, seed_from_chinesecalendar

from .import_holidays import report


class Command(BaseCommand):
    help = "Store the official holidays of every year the chinesecalendar package knows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, nargs="+", help="only these years")
        parser.add_argument("--dry-run", action="store_true", help="show changes, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            update = seed_from_chinesecalendar(options["years"], dry_run=options["dry_run"])
        except CalendarError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        report(self, update)
