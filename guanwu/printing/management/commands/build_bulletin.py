"""Build an edition of the uniform bulletin board (公开栏, seed 四.(一), 六.六) for one unit or
one declaration hall: ``manage.py build_bulletin --unit HH-XG [--size A1] [--output PATH]``
or ``--hall HH-XG-HALL1``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanwu.organization.models import Hall
from guanwu.printing.enums import EditionKind
from guanwu.printing.management.edition_command import EditionCommand


class Command(EditionCommand):
    help = "Build a new edition of the bulletin board (categories 1, 5, 6) of a unit or a hall."
    kind = EditionKind.BULLETIN
    size_help = "Paper size: A1 (default), A0, A2 or A3."
    kind_noun = gettext_lazy("公开栏")
    not_live_verb = gettext_lazy("制作公开栏")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="Unit code, e.g. HH-XG.")
        parser.add_argument(
            "--hall", help="Declaration hall code, e.g. HH-XG-HALL1: the hall's board."
        )
        self.add_size_and_output(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["unit"] and not options["hall"]:
            raise CommandError(_("请用 --unit 指定单位，或用 --hall 指定报关大厅。"))
        unit = self.live_unit(options["unit"]) if options["unit"] else None
        hall = self._hall(options["hall"]) if options["hall"] else None
        if hall is not None:
            if unit is not None and hall.unit_id != unit.pk:
                raise CommandError(
                    _("报关大厅“%(hall)s”不属于%(unit)s。") % {"hall": hall.name, "unit": unit.name}
                )
            # A hall's board is filed under the unit the hall belongs to.
            unit = hall.unit
        size = self.checked_size(options["size"])
        edition = self.build(unit=unit, hall=hall, size=size)
        self.report(edition)
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
        self.copy_to(edition, options["output"])

    def _hall(self, code: str) -> Hall:
        hall = Hall.objects.select_related("unit").filter(code=code.strip().upper()).first()
        if hall is None:
            raise CommandError(_("没有代码为“%(code)s”的报关大厅。") % {"code": code})
        if not hall.live:
            raise CommandError(
                _("报关大厅“%(name)s”尚未公开，不能制作公开栏。") % {"name": hall.name}
            )
        return hall
