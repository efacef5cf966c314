"""Build an edition of the uniform bulletin board (公开栏, seed 四.(一), 六.六) for one unit or
one declaration hall: ``manage.py build_bulletin --unit HH-XG [--size A1] [--output PATH]``
or ``--hall HH-XG-HALL1``."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanwu.organization.models import Hall, Unit
from guanwu.printing import services
from guanwu.printing.enums import DEFAULT_SIZE, SIZES, EditionKind
from guanwu.printing.progress import terminal_progress


class Command(BaseCommand):
    help = "Build a new edition of the bulletin board (categories 1, 5, 6) of a unit or a hall."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="Unit code, e.g. HH-XG.")
        parser.add_argument(
            "--hall", help="Declaration hall code, e.g. HH-XG-HALL1: the hall's board."
        )
        parser.add_argument(
            "--size",
            default=DEFAULT_SIZE[EditionKind.BULLETIN],
            help="Paper size: A1 (default), A0, A2 or A3.",
        )
        parser.add_argument("--output", help="Also copy the PDF to this file or directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["unit"] and not options["hall"]:
            raise CommandError(_("请用 --unit 指定单位，或用 --hall 指定报关大厅。"))
        unit = self._unit(options["unit"]) if options["unit"] else None
        hall = self._hall(options["hall"]) if options["hall"] else None
        if hall is not None:
            if unit is not None and hall.unit_id != unit.pk:
                raise CommandError(
                    _("报关大厅“%(hall)s”不属于%(unit)s。") % {"hall": hall.name, "unit": unit.name}
                )
            # A hall's board is filed under the unit the hall belongs to.
            unit = hall.unit
        size = (options["size"] or "").strip().upper()
        allowed = SIZES[EditionKind.BULLETIN]
        if size not in allowed:
            raise CommandError(
                _("纸张尺寸“%(size)s”无效，公开栏只能用：%(sizes)s。")
                % {"size": options["size"], "sizes": "、".join(allowed)}
            )
        # The progress bar replaces WeasyPrint's own log lines (the board is laid out more
        # than once to find the type size that fills the sheet).
        weasyprint_log = logging.getLogger("weasyprint.progress")
        level = weasyprint_log.level
        weasyprint_log.setLevel(logging.WARNING)
        try:
            edition = services.build_edition(
                kind=EditionKind.BULLETIN,
                unit=unit,
                hall=hall,
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
        if edition.page_count and edition.page_count > 1:
            self.stderr.write(
                self.style.WARNING(
                    _(
                        "公开栏内容超出一张（共 %(n)d 页），已用最小字号仍排不下："
                        "请改用更大的纸张，或精简公开内容。"
                    )
                    % {"n": edition.page_count}
                )
            )
        if options["output"]:
            target = Path(options["output"])
            # "boards/" names a folder even before it exists.
            if target.is_dir() or options["output"].endswith(("/", os.sep)):
                target = target / Path(edition.pdf.name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            with edition.pdf.open("rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            self.stdout.write(_("已复制到：%(path)s") % {"path": target})

    def _unit(self, code: str) -> Unit:
        unit = Unit.objects.filter(code=code.strip().upper()).first()
        if unit is None:
            raise CommandError(_("没有代码为“%(code)s”的单位。") % {"code": code})
        if not unit.live:
            raise CommandError(_("单位“%(name)s”尚未公开，不能制作公开栏。") % {"name": unit.name})
        return unit

    def _hall(self, code: str) -> Hall:
        hall = Hall.objects.select_related("unit").filter(code=code.strip().upper()).first()
        if hall is None:
            raise CommandError(_("没有代码为“%(code)s”的报关大厅。") % {"code": code})
        if not hall.live:
            raise CommandError(
                _("报关大厅“%(name)s”尚未公开，不能制作公开栏。") % {"name": hall.name}
            )
        return hall

    @staticmethod
    def _where(pdf: Any) -> str:
        """The file's path where the storage has one, else its name in the storage."""
        try:
            return pdf.path
        except NotImplementedError:
            return pdf.name
