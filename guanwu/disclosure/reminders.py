"""Reminders to liaisons and unit heads (seed 五.五: 随时更新和维护, 防止一阵风、走过场).

Four kinds: standing items past their next-check date, periodic items past due, immediate
items still shown after their end, withheld filings still without a decision. Each reminder
is sent once: ``ReminderLog`` keeps (item, kind, due key) unique.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django_tasks import task

from guanwu.organization.enums import Role, UnitKind
from guanwu.organization.models import Unit

from .enums import DisclosureMode, FilingDecision
from .models import DisclosureItemPage, ReminderLog, WithheldFiling

KIND_LABELS = {
    "check_due": gettext_lazy("长期公开内容已到检查日期"),
    "period_due": gettext_lazy("定期公开内容已到更新日期"),
    "past_end": gettext_lazy("随时公开内容已过截止时间仍在公开"),
    "filing_pending": gettext_lazy("暂不公开备案尚未裁定"),
}


@dataclass
class Reminder:
    kind: str
    page: DisclosureItemPage
    due: datetime.date
    detail: str = ""
    recipients: list[Any] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def due_key(self) -> str:
        return self.due.isoformat()


def unit_heads(unit: Unit) -> list[Any]:
    """The users heading ``unit``: its chief (section) or head (division), and the division head above a section."""
    users = get_user_model().objects.filter(is_active=True, staff__isnull=False)
    heads = []
    if unit.kind == UnitKind.SECTION:
        heads += list(users.filter(groups__name=Role.SECTION_CHIEF.group_name, staff__unit=unit))
        heads += list(
            users.filter(groups__name=Role.DIVISION_HEAD.group_name, staff__unit=unit.parent)
        )
    elif unit.kind == UnitKind.DIVISION:
        heads += list(users.filter(groups__name=Role.DIVISION_HEAD.group_name, staff__unit=unit))
    else:
        heads += list(users.filter(groups__name=Role.OFFICE.group_name))
    return list({u.pk: u for u in heads}.values())


def _recipients(page: DisclosureItemPage) -> list[Any]:
    people = unit_heads(page.owning_unit)
    if page.liaison.user_id and page.liaison.user.is_active:
        people.append(page.liaison.user)
    return list({u.pk: u for u in people}.values())


def due_reminders(today: datetime.date | None = None) -> list[Reminder]:
    """Every reminder due on ``today`` (default: the local date)."""
    today = today or timezone.localdate()
    reminders: list[Reminder] = []
    live = DisclosureItemPage.objects.live().select_related("owning_unit__parent", "liaison__user")
    for page in live.filter(mode=DisclosureMode.STANDING):
        due = page.next_check_date()
        if due is not None and due <= today:
            reminders.append(Reminder("check_due", page, due))
    for page in live.filter(mode=DisclosureMode.PERIODIC):
        due = page.next_due_date()
        if due is not None and due <= today:
            reminders.append(Reminder("period_due", page, due))
    now = timezone.now()
    for page in live.filter(mode=DisclosureMode.IMMEDIATE, ends_at__lte=now):
        reminders.append(Reminder("past_end", page, timezone.localdate(page.ends_at)))
    filings = WithheldFiling.objects.filter(decision=FilingDecision.PENDING).select_related("page")
    pages = {
        p.pk: p
        for p in DisclosureItemPage.objects.filter(
            pk__in=[f.page_id for f in filings]
        ).select_related("owning_unit__parent", "liaison__user")
    }
    for filing in filings:
        if filing.page_id in pages:
            reminders.append(
                Reminder(
                    "filing_pending",
                    pages[filing.page_id],
                    timezone.localdate(filing.filed_at),
                    detail=filing.reference,
                )
            )
    for reminder in reminders:
        reminder.recipients = _recipients(reminder.page)
    return reminders


def reminders_for_user(user: Any, today: datetime.date | None = None) -> list[Reminder]:
    """What the admin lists for this user: their items as liaison, their units as head."""
    from .permissions import user_has_role

    all_reminders = due_reminders(today)
    if user_has_role(user, Role.OFFICE) or user_has_role(user, Role.CENTRE):
        return all_reminders
    return [r for r in all_reminders if any(u.pk == user.pk for u in r.recipients)]


@task()
def send_reminder_mail(subject: str, body: str, recipients: list[str]) -> int:
    return send_mail(subject, body, None, recipients)


def send_due_reminders(
    today: datetime.date | None = None, *, dry_run: bool = False
) -> list[Reminder]:
    """Send each due reminder that was not sent before; returns the ones sent now."""
    sent = []
    for reminder in due_reminders(today):
        if ReminderLog.objects.filter(
            page=reminder.page, kind=reminder.kind, due_key=reminder.due_key
        ).exists():
            continue
        if dry_run:
            sent.append(reminder)
            continue
        emails = sorted({u.email for u in reminder.recipients if u.email})
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    page=reminder.page,
                    kind=reminder.kind,
                    due_key=reminder.due_key,
                    recipients=",".join(emails),
                )
        except IntegrityError:
            continue  # another run sent it a moment ago
        if emails:
            subject = _("【关务公开提醒】%(label)s：%(title)s") % {
                "label": reminder.label,
                "title": reminder.page.title,
            }
            body = _("%(label)s（%(due)s）。\n内容：%(title)s\n请登录 %(url)s/admin/ 处理。") % {
                "label": reminder.label,
                "due": reminder.due_key,
                "title": reminder.page.title,
                "url": settings.WAGTAILADMIN_BASE_URL,
            }
            transaction.on_commit(
                lambda s=subject, b=body, e=emails: send_reminder_mail.enqueue(s, b, e)
            )
        sent.append(reminder)
    return sent
