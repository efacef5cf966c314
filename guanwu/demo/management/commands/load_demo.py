from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanwu.demo.district import DEMO_LOGINS
from guanwu.demo.services import DemoRefused, load_demo_district


class Command(BaseCommand):
    help = "Load (or refresh) the fictional 海河海关 demo district. Safe to run repeatedly."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="Password for every demo login (default: GUANWU_DEMO_PASSWORD or guanwu-demo).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_demo_district(password=options["password"])
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        if not report.created and not report.updated:
            self.stdout.write("Demo district already loaded; nothing changed.")
            return
        for label, bucket in (("created", report.created), ("updated", report.updated)):
            if bucket:
                parts = ", ".join(f"{name}: {count}" for name, count in sorted(bucket.items()))
                self.stdout.write(f"{label}: {parts}")
        self.stdout.write(
            self.style.SUCCESS(f"Demo district loaded. Logins: {', '.join(DEMO_LOGINS)}")
        )
