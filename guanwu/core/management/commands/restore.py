"""``manage.py restore ARCHIVE [--force]``: the reverse of ``manage.py backup``.

Checks the archive, restores the database, media and case files, then compares the row
count of every table with the manifest. The logic is in guanwu/core/backup.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _

from guanwu.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database, MEDIA_ROOT and "
        "GUANWU_CASE_FILES_ROOT. STOP THE SITE (web server and task worker) FIRST: requests "
        "during a restore see a half-restored database. Refuses a tampered archive, another "
        "database vendor and, without --force, a database that already has tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="a .tar.gz written by manage.py backup")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that already has tables"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        database = connections["default"].settings_dict
        # Our own connection would hold the SQLite file open during the restore.
        connections["default"].close()
        try:
            report = backup_restore(
                archive=Path(options["archive"]),
                database=database,
                media_root=Path(settings.MEDIA_ROOT),
                case_files_root=Path(settings.GUANWU_CASE_FILES_ROOT),
                force=options["force"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("已恢复 %(created)s 的备份：%(tables)s 张表，%(files)s 个文件。")
            % {
                "created": report.manifest["created_at"],
                "tables": len(report.counts),
                "files": report.files,
            }
        )
        if not report.ok:
            lines = [
                _("%(table)s：备份中 %(expected)s 行，恢复后 %(found)s 行")
                % {"table": table, "expected": expected, "found": found}
                for table, (expected, found) in report.mismatches.items()
            ]
            raise CommandError(_("行数与备份清单不符：") + "；".join(lines))
        self.stdout.write(_("每张表的行数与备份清单一致。"))
