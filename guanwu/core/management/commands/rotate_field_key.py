"""Re-encrypt askers' identities under the first key of GUANWU_FIELD_KEYS (issue 8).

Rotation: generate a key (``--generate``), put it first in GUANWU_FIELD_KEYS keeping the old
ones after it, restart, run this command, then drop the old keys (and restart again).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanwu.core import crypto


class Command(BaseCommand):
    help = "用 GUANWU_FIELD_KEYS 的第一个密钥重新加密来件人身份信息（issue 8 字段加密）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只检查能否解密并计数，不写入")
        parser.add_argument(
            "--generate", action="store_true", help="生成一个新的密钥并打印，不改动数据"
        )

    def handle(self, *args: Any, dry_run: bool = False, generate: bool = False, **opts: Any):
        if generate:
            self.stdout.write(crypto.generate_key())
            return
        try:
            counts = crypto.rotate_all(dry_run=dry_run)
        except crypto.FieldKeyError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        for label, count in counts.items():
            self.stdout.write(f"{label}: {verb} {count} rows")
