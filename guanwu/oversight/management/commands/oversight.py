"""``manage.py oversight``: print the oversight findings (seed 五.(四) 督办落实; DESIGN rule 10)."""

from __future__ import annotations

import datetime
import json
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanwu.oversight.engine import load_checks, run_checks
from guanwu.oversight.enums import Severity
from guanwu.oversight.findings import CHECK_LABELS, Finding

JSON_FIELDS = ("check", "unit", "severity", "subject", "detail", "link")


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(_("日期格式应为 YYYY-MM-DD。")) from error


def _width(text: str) -> int:
    """Display width in a terminal: Chinese characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    help = (
        "Run the oversight checks (coverage, freshness, channels, cases) and print the "
        "findings as a table or as JSON. Changes nothing, unless --mail sends the office "
        "the day's summary (once a day)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the findings as JSON.")
        parser.add_argument("--date", type=_date, help="Check as if today were YYYY-MM-DD.")
        parser.add_argument(
            "--check",
            action="append",
            dest="checks",
            metavar="NAME",
            help="Run only this check (repeatable). Names: see --list.",
        )
        parser.add_argument("--list", action="store_true", help="List the checks and exit.")
        parser.add_argument(
            "--mail",
            action="store_true",
            help="Also e-mail the office the day's summary (the daily job; sent once a day).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = load_checks()
        if options["list"]:
            for name in known:
                self.stdout.write(f"{name}\t{CHECK_LABELS[name]}")
            return
        only = set(options["checks"] or []) or None
        unknown = sorted((only or set()) - set(known))
        if unknown:
            raise CommandError(
                _("未知的检查项：%(names)s。可用：%(known)s")
                % {"names": "、".join(unknown), "known": "、".join(known)}
            )
        today: datetime.date | None = options["date"]
        if options["mail"]:
            from guanwu.oversight.tasks import oversight_run

            oversight_run(today)
        findings = run_checks(today, only=only)
        if options["json"]:
            data = [{field: f.as_dict()[field] for field in JSON_FIELDS} for f in findings]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self._table(findings)

    def _table(self, findings: list[Finding]) -> None:
        if not findings:
            self.stdout.write(_("未发现问题。"))
            return
        rows = [
            (
                str(Severity(f.severity).label),
                str(CHECK_LABELS.get(f.check, f.check)),
                f.unit.name if f.unit else "—",
                f.subject,
            )
            for f in findings
        ]
        headers = (_("严重程度"), _("检查项"), _("单位"), _("问题"))
        widths = [max(_width(row[i]) for row in [headers, *rows]) for i in range(3)]
        self.stdout.write(
            "  ".join(_pad(h, w) for h, w in zip(headers, [*widths, 0], strict=True)).rstrip()
        )
        self.stdout.write("  ".join("-" * w for w in [*widths, _width(headers[3]) * 2]))
        for finding, row in zip(findings, rows, strict=True):
            cells = [_pad(cell, w) for cell, w in zip(row[:3], widths, strict=True)]
            self.stdout.write("  ".join([*cells, row[3]]))
            if finding.detail:
                self.stdout.write(" " * (sum(widths) + 6) + finding.detail)
            if finding.link:
                self.stdout.write(" " * (sum(widths) + 6) + finding.link)
        counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
        self.stdout.write("")
        self.stdout.write(
            _(
                "共 %(total)s 项：单项否决 %(veto)s，严重 %(serious)s，警告 %(warning)s，提示 %(info)s。"
            )
            % {
                "total": len(findings),
                "veto": counts[Severity.VETO],
                "serious": counts[Severity.SERIOUS],
                "warning": counts[Severity.WARNING],
                "info": counts[Severity.INFO],
            }
        )
