"""Build an edition of the 关务公开手册 (seed 四.(二)) for the district or one unit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy

from guanwu.printing.enums import EditionKind
from guanwu.printing.management.edition_command import EditionCommand


class Command(EditionCommand):
    help = "Build a new edition of the handbook (categories 2-4) for the district or one unit."
    kind = EditionKind.HANDBOOK
    size_help = "Paper size: A4 (default) or A5."
    kind_noun = gettext_lazy("手册")
    not_live_verb = gettext_lazy("编印手册")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unit", help="Unit code, e.g. HH-XG; the whole district when left out."
        )
        self.add_size_and_output(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        unit = self.live_unit(options["unit"]) if options["unit"] else None
        size = self.checked_size(options["size"])
        edition = self.build(unit=unit, hall=None, size=size)
        self.report(edition)
        self.copy_to(edition, options["output"])
