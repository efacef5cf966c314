"""Build the circular (通报) of a month or a quarter (seed 二); optionally submit its public
summary to legal review (DESIGN rule 1)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guanwu.organization.enums import Role
from guanwu.oversight import circulars


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(width - _width(text), 0)
    return fill + text if right else text + fill


class Command(BaseCommand):
    help = "Build the circular of a period (2026-11 or 2026-Q4): figures, typical cases, PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="2026-11 (month) or 2026-Q4.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Also submit the public summary to legal review (never published directly).",
        )
        parser.add_argument(
            "--user",
            help="Username recorded as builder and submitter; with --publish it must hold the "
            "office or supervision role (default: the first active office user).",
        )
        parser.add_argument("--output", help="Also copy the PDF to this file or directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["user"], required=options["publish"])
        try:
            circular = circulars.build_circular(options["period"], user=user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        context = circulars.circular_context(circular)
        self.stdout.write(context["title"])
        self._table(context)
        self.stdout.write(_("典型案例：%(n)d 件") % {"n": len(context["typical_cases"])})
        self.stdout.write(f"SHA-256：{circular.sha256}")
        if options["output"]:
            target = Path(options["output"])
            if target.is_dir():
                target = target / f"circular-{circular.period}.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            with circular.pdf.open("rb") as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            self.stdout.write(_("已复制到：%(path)s") % {"path": target})
        if options["publish"]:
            try:
                page = circulars.publish_summary(circular, user)
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", None) or [str(exc)]
                raise CommandError("；".join(messages)) from exc
            state = circulars.summary_state(circular) or {}
            self.stdout.write(
                _(
                    "公开摘要已提交审核（页面 %(id)d，当前环节：%(task)s），法规处审核通过后才会公开。"
                )
                % {"id": page.pk, "task": state.get("task") or "—"}
            )

    def _table(self, context: dict[str, Any]) -> None:
        heads = [
            _("单位"),
            _("受理"),
            _("已答复"),
            _("按时答复率"),
            _("平均用时"),
            _("满意率"),
            _("超期未办结"),
            _("超期升级"),
        ]
        keys = (
            "received",
            "answered",
            "on_time_rate",
            "avg_workdays",
            "satisfaction_rate",
            "overdue_open",
            "escalated",
        )
        rows = [
            [row["label"], *(str(row[k]) for k in keys)]
            for row in [context["total"], *context["unit_rows"]]
        ]
        widths = [max(_width(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
        for line in [heads, *rows]:
            cells = [_pad(line[0], widths[0])]
            cells += [_pad(cell, widths[i], right=True) for i, cell in enumerate(line) if i]
            self.stdout.write("  ".join(cells).rstrip())

    def _user(self, username: str | None, *, required: bool) -> Any:
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(_("没有用户名为“%(name)s”的用户。") % {"name": username})
            return user
        if not required:
            return None
        user = users.filter(groups__name=Role.OFFICE.group_name).order_by("pk").first()
        if user is None:
            raise CommandError(_("提交审核须用 --user 指定办公室或监察室的用户。"))
        return user
