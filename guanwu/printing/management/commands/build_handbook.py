"""Build an edition of the 关务公开手册 (seed 四.(二)) for the district or one unit."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanwu.organization.models import Unit
from guanwu.printing import services
from guanwu.printing.enums import DEFAULT_SIZE, SIZES, EditionKind
from guanwu.printing.progress import terminal_progress


class Command(BaseCommand):
    help = "Build a new edition of the handbook (categories 2-4) for the district or one unit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unit", help="Unit code, e.g. HH-XG; the whole district when left out."
        )
        parser.add_argument(
            "--size",
            default=DEFAULT_SIZE[EditionKind.HANDBOOK],
            help="Paper size: A4 (default) or A5.",
        )
        parser.add_argument("--output", help="Also copy the PDF to this file or directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = self._unit(options["unit"])
        size = (options["size"] or "").strip().upper()
        allowed = SIZES[EditionKind.HANDBOOK]
        if size not in allowed:
            raise CommandError(
                _("纸张尺寸“%(size)s”无效，手册只能用：%(sizes)s。")
                % {"size": options["size"], "sizes": "、".join(allowed)}
            )
        # The progress bar replaces WeasyPrint's own log line per laid-out page.
        weasyprint_log = logging.getLogger("weasyprint.progress")
        level = weasyprint_log.level
        weasyprint_log.setLevel(logging.WARNING)
        try:
            edition = services.build_edition(
                kind=EditionKind.HANDBOOK,
                unit=unit,
                size=size,
                progress=terminal_progress(self.stderr),
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        finally:
            weasyprint_log.setLevel(level)

        self.stdout.write(
            _("%(title)s 第 %(number)d 版") % {"title": edition.title, "number": edition.number}
        )
        self.stdout.write(_("页数：%(n)d") % {"n": edition.page_count})
        self.stdout.write(f"SHA-256：{edition.sha256}")
        self.stdout.write(_("文件：%(where)s") % {"where": self._where(edition.pdf)})
        if options["output"]:
            target = Path(options["output"])
            if target.is_dir():
                target = target / Path(edition.pdf.name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            with edition.pdf.open("rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            self.stdout.write(_("已复制到：%(path)s") % {"path": target})

    def _unit(self, code: str | None) -> Unit | None:
        if not code:
            return None
        unit = Unit.objects.filter(code=code.strip().upper()).first()
        if unit is None:
            raise CommandError(_("没有代码为“%(code)s”的单位。") % {"code": code})
        if not unit.live:
            raise CommandError(_("单位“%(name)s”尚未公开，不能编印手册。") % {"name": unit.name})
        return unit

    @staticmethod
    def _where(pdf: Any) -> str:
        """The file's path where the storage has one, else its name in the storage."""
        try:
            return pdf.path
        except NotImplementedError:
            return pdf.name
