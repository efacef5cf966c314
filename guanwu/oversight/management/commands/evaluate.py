"""Compute the year-end evaluation (seed 五.(六)) and optionally export it; thin: parse, call
``evaluation.evaluate``, print, write the files."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from guanwu.oversight import evaluation


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(width - _width(text), 0)
    return fill + text if right else text + fill


class Command(BaseCommand):
    help = "Compute and store the year-end evaluation of every division; export xlsx/PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="Default: this year.")
        parser.add_argument("--xlsx", help="Write the ranked table as xlsx to this path.")
        parser.add_argument("--pdf", help="Write the ranked table as PDF to this path.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Compute and print without storing the result (nothing is written).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or timezone.localdate().year
        if options["dry_run"] and (options["xlsx"] or options["pdf"]):
            raise CommandError(_("--dry-run 不能与 --xlsx 或 --pdf 同时使用。"))
        try:
            rows = self._compute(year, dry_run=options["dry_run"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            _("%(year)s年度考核：%(count)d 个单位") % {"year": year, "count": len(rows)}
        )
        self._table(rows)
        for option, export in (("xlsx", evaluation.export_xlsx), ("pdf", evaluation.render_pdf)):
            if options[option]:
                path = Path(options[option])
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(export(year))
                self.stdout.write(_("已写入：%(path)s") % {"path": path})

    def _compute(self, year: int, *, dry_run: bool) -> list[Any]:
        if not dry_run:
            return evaluation.evaluate(year)
        from django.db import transaction

        # The same computation, rolled back: what would be stored, without storing it.
        with transaction.atomic():
            rows = evaluation.evaluate(year)
            for row in rows:
                row.unit  # noqa: B018 -- load before the rollback
            transaction.set_rollback(True)
        return rows

    def _table(self, rows: list[Any]) -> None:
        parts = [str(part.label) for part in evaluation.PARTS]
        heads = [_("名次"), _("单位"), _("得分"), *parts]
        widths = [6, 26, 8, *[max(_width(p), 8) for p in parts]]
        self.stdout.write(
            " ".join(
                _pad(h, w, right=i != 1) for i, (h, w) in enumerate(zip(heads, widths, strict=True))
            )
        )
        for row in rows:
            cells = [str(row.rank), row.unit.name, str(row.score)]
            for key in evaluation.PART_KEYS:
                score = row.figures["parts"][key]["score"]
                cells.append(score if score is not None else "—")
            self.stdout.write(
                " ".join(
                    _pad(c, w, right=i != 1)
                    for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                )
            )
