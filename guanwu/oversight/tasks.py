"""The daily oversight run (seed 五.(四) 日常督办): run every check, log the counts and e-mail
a summary to the office. Meant to run once a day (cron or a systemd timer calling
``manage.py oversight --mail``, or ``run_oversight.enqueue()``).

Idempotent per day without a table: the summary for a date is sent once, guarded by an
atomic ``cache.add`` on ``oversight:summary:<date>`` (Redis in production; the embedded tier's
local-memory cache guards one process only, so a restarted worker may send a day's summary
again). The findings themselves are not stored: they are recomputed from the data.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from django_tasks import task

from guanwu.organization.enums import Role

from .engine import run_checks
from .enums import Severity
from .findings import CHECK_LABELS, Finding

logger = logging.getLogger(__name__)

SUMMARY_KEY = "oversight:summary:{date}"
# Long enough to cover the day, short enough to let the key go.
SUMMARY_KEY_SECONDS = 2 * 24 * 3600
# How many of the most severe findings the e-mail lists by name.
LISTED_FINDINGS = 20


@task()
def send_oversight_mail(subject: str, body: str, recipients: list[str]) -> int:
    return send_mail(subject, body, None, recipients)


def office_recipients() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.OFFICE.group_name)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def summarise(findings: list[Finding]) -> dict[str, Any]:
    by_severity = Counter(str(f.severity) for f in findings)
    by_check = Counter(f.check for f in findings)
    return {
        "total": len(findings),
        "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
        "by_check": dict(sorted(by_check.items())),
    }


def summary_mail(today: datetime.date, findings: list[Finding]) -> tuple[str, str]:
    """Subject and body of the day's summary (Chinese; the office reads it)."""
    from .actions import open_actions, overdue_actions

    counts = summarise(findings)["by_severity"]
    values = {
        "date": today.isoformat(),
        "veto": counts["veto"],
        "serious": counts["serious"],
        "warning": counts["warning"],
        "info": counts["info"],
    }
    subject = (
        _(
            "【关务公开督办】%(date)s 检查结果：单项否决 %(veto)s，严重 %(serious)s，警告 %(warning)s"
        )
        % values
    )
    lines = [
        _(
            "%(date)s 督办检查共发现问题 %(total)s 项：单项否决 %(veto)s，严重 %(serious)s，"
            "警告 %(warning)s，提示 %(info)s。"
        )
        % {**values, "total": len(findings)},
        "",
        _("按检查项："),
    ]
    for name, count in summarise(findings)["by_check"].items():
        lines.append(f"  {CHECK_LABELS.get(name, name)}：{count}")
    worst = [f for f in findings if f.severity in (Severity.VETO, Severity.SERIOUS)]
    if worst:
        lines += ["", _("单项否决和严重问题：")]
        for finding in worst[:LISTED_FINDINGS]:
            unit = finding.unit.name if finding.unit else "—"
            lines.append(f"  [{Severity(finding.severity).label}] {unit}：{finding.subject}")
        if len(worst) > LISTED_FINDINGS:
            lines.append(_("  ……另有 %(count)s 项") % {"count": len(worst) - LISTED_FINDINGS})
    lines += [
        "",
        _("督办事项：未销号 %(open)s 项，其中逾期未反馈 %(overdue)s 项。")
        % {"open": open_actions().count(), "overdue": overdue_actions(today).count()},
        _("督办看板：%(url)s")
        % {"url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("oversight_dashboard")},
    ]
    return subject, "\n".join(lines)


def oversight_run(today: datetime.date | None = None, *, mail: bool = True) -> dict[str, Any]:
    """Run every check; e-mail the office the day's summary once. Returns the counts."""
    today = today or timezone.localdate()
    findings = run_checks(today)
    result = {"date": today.isoformat(), **summarise(findings), "mailed": 0}
    logger.info(
        "oversight %s: %s findings %s", today.isoformat(), len(findings), result["by_severity"]
    )
    recipients = office_recipients() if mail else []
    if recipients and cache.add(SUMMARY_KEY.format(date=today.isoformat()), 1, SUMMARY_KEY_SECONDS):
        subject, body = summary_mail(today, findings)
        send_mail(subject, body, None, recipients)
        result["mailed"] = len(recipients)
    return result


@task()
def run_oversight(date: str | None = None, mail: bool = True) -> dict[str, Any]:
    """The daily job through django-tasks; ``date`` is an ISO date (default: today)."""
    today = datetime.date.fromisoformat(date) if date else None
    return oversight_run(today, mail=mail)


@task(backend="background")
def build_circular_task(period: str, user_id: int | None = None) -> str:
    """Build a circular's figures and PDF in the worker; a failure is kept on the row."""
    from .circulars import build_circular
    from .models import Circular

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    Circular.objects.filter(period=period).update(state="building")
    try:
        build_circular(period, user=user)
    except Exception as exc:
        Circular.objects.filter(period=period).update(state="failed", message=str(exc)[:500])
        raise
    return period
