"""What ``build_handbook`` and ``build_bulletin`` share: the paper-size check, the build with a
terminal progress bar, the report of the edition and the copy to ``--output``."""

from __future__ import annotations

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
from guanwu.printing.models import Edition
from guanwu.printing.progress import terminal_progress


class EditionCommand(BaseCommand):
    kind: EditionKind
    size_help = ""
    # "纸张尺寸…无效，<this>只能用：…", and "…尚未公开，不能<verb>。"
    kind_noun = ""
    not_live_verb = ""

    def add_size_and_output(self, parser: CommandParser) -> None:
        parser.add_argument("--size", default=DEFAULT_SIZE[self.kind], help=self.size_help)
        parser.add_argument("--output", help="Also copy the PDF to this file or directory.")

    def checked_size(self, value: str | None) -> str:
        size = (value or "").strip().upper()
        allowed = SIZES[self.kind]
        if size not in allowed:
            raise CommandError(
                _("纸张尺寸“%(size)s”无效，%(kind)s只能用：%(sizes)s。")
                % {"size": value, "kind": self.kind_noun, "sizes": "、".join(allowed)}
            )
        return size

    def live_unit(self, code: str) -> Unit:
        unit = Unit.objects.filter(code=code.strip().upper()).first()
        if unit is None:
            raise CommandError(_("没有代码为“%(code)s”的单位。") % {"code": code})
        if not unit.live:
            raise CommandError(
                _("单位“%(name)s”尚未公开，不能%(verb)s。")
                % {"name": unit.name, "verb": self.not_live_verb}
            )
        return unit

    def build(self, *, unit: Unit | None, hall: Hall | None, size: str) -> Edition:
        try:
            return services.build_edition(
                kind=self.kind,
                unit=unit,
                hall=hall,
                size=size,
                progress=terminal_progress(self.stderr),
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc

    def report(self, edition: Edition) -> None:
        self.stdout.write(
            _("%(title)s 第 %(number)d 版") % {"title": edition.title, "number": edition.number}
        )
        self.stdout.write(_("页数：%(n)d") % {"n": edition.page_count})
        self.stdout.write(f"SHA-256：{edition.sha256}")
        self.stdout.write(_("文件：%(where)s") % {"where": _where(edition.pdf)})

    def copy_to(self, edition: Edition, output: str | None) -> None:
        if not output:
            return
        target = Path(output)
        # "boards/" names a folder even before it exists.
        if target.is_dir() or output.endswith(("/", os.sep)):
            target = target / Path(edition.pdf.name).name
        target.parent.mkdir(parents=True, exist_ok=True)
        with edition.pdf.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        self.stdout.write(_("已复制到：%(path)s") % {"path": target})


def _where(pdf: Any) -> str:
    """The file's path where the storage has one, else its name in the storage."""
    try:
        return pdf.path
    except NotImplementedError:
        return pdf.name
