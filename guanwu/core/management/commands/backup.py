"""``manage.py backup [--output PATH]``: database, media and case files in one archive.

Safe while the site runs (SQLite's online backup API, or ``pg_dump`` on one snapshot).
The logic is in guanwu/core/backup.py; docs/operations.md describes the archive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanwu.core.backup import BackupError, backup_create, default_archive_path


class Command(BaseCommand):
    help = (
        "Back up the database, MEDIA_ROOT and GUANWU_CASE_FILES_ROOT into one .tar.gz with a "
        "manifest (migrations, row counts, SHA-256 of every member). Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", help="archive path (default var/backups/guanwu-YYYYmmdd-HHMMSS.tar.gz)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"] or default_archive_path(settings.VAR_DIR / "backups"))
        try:
            manifest = backup_create(
                output=output,
                media_root=Path(settings.MEDIA_ROOT),
                case_files_root=Path(settings.GUANWU_CASE_FILES_ROOT),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            _("已备份到 %(path)s：%(tables)s 张表共 %(rows)s 行，%(files)s 个文件。")
            % {
                "path": output,
                "tables": len(manifest["row_counts"]),
                "rows": rows,
                "files": len(manifest["files"]) - 1,
            }
        )
