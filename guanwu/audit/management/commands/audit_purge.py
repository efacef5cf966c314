from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanwu.audit.services import RETENTION_FLOOR_DAYS, audit_purge


class Command(BaseCommand):
    help = "Remove audit rows older than N days (N >= 184), keeping the chain verifiable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than-days", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["older_than_days"]
        if days < RETENTION_FLOOR_DAYS:
            raise CommandError(
                _("审计日志至少保存 %(floor)d 天，不能清理 %(days)d 天以内的记录")
                % {"floor": RETENTION_FLOOR_DAYS, "days": days}
            )
        result = audit_purge(older_than_days=days, dry_run=options["dry_run"])
        if options["dry_run"]:
            message = _("将清理 %(count)d 条审计记录（未执行）")
        else:
            message = _("已清理 %(count)d 条审计记录")
        self.stdout.write(message % {"count": result.deleted})
