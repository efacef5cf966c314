from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guanwu.disclosure.reminders import send_due_reminders


class Command(BaseCommand):
    help = "E-mail liaisons and unit heads about due checks, updates, ended notices and pending filings (each once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent.")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders(dry_run=options["dry_run"])
        for reminder in sent:
            self.stdout.write(f"{reminder.kind}\t{reminder.due_key}\t{reminder.page.title}")
        verb = "would send" if options["dry_run"] else "sent"
        self.stdout.write(f"{verb} {len(sent)} reminder(s)")
