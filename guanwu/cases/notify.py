"""Messages about cases: the reply to the asker (e-mail, SMS), progress to the first-contact
owner (DESIGN rule 5), drafts awaiting the unit head, reminders and escalations to staff.

Every message is recorded as a ``CaseNotification`` (with the address masked) and sent after
the transaction commits, through django-tasks. Rule 8: nothing sent about an integrity report
names the reporter, and the message to staff never carries the asker's name or contact.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from django_tasks import task

from .enums import CaseKind
from .models import Case, CaseEvent, CaseNotification, CaseReply
from .sms import is_mobile, mask_number, send_sms

# Timeline actions the first-contact owner hears about.
PROGRESS_ACTIONS = frozenset(
    {
        "route",
        "transfer",
        "reply",
        "close",
        "extend",
        "pause",
        "resume",
        "escalate",
        "merge",
        "merged_into",
    }
)


def mask_email(address: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# Sent by a background worker (``db_worker --backend background``), never inside the request:
# a slow or unreachable mail server or SMS gateway does not hold a staff member's answer or a
# gunicorn worker. The message is recorded (CaseNotification) in the request's transaction and
# queued after it commits; a failed send stays in the task results (django-tasks-db).
@task(backend="background")
def deliver_email(subject: str, body: str, recipients: list[str]) -> int:
    return send_mail(subject, body, None, recipients)


@task(backend="background")
def deliver_sms(number: str, text: str) -> str:
    return send_sms(number, text)


_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("guanwu_cases_muted", default=False)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """Record and send nothing inside (the demo loader builds history, not news)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _record(case: Case, kind: str, key: str, medium: str, **fields: Any) -> bool:
    """Record a message once; False when (case, kind, key, medium, recipient) was sent before
    or messages are muted."""
    if _muted.get():
        return False
    try:
        with transaction.atomic():
            CaseNotification.objects.create(case=case, kind=kind, key=key, medium=medium, **fields)
    except IntegrityError:
        return False
    return True


def _admin_url(case: Case) -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL}/admin/cases/{case.pk}/"


def reply_sent(reply: CaseReply) -> None:
    """Tell the asker a reply is on the tracking page: by e-mail when they gave one, by SMS
    when they gave a mobile number. An integrity report's message carries no reply text."""
    case = reply.case
    key = f"reply:{reply.pk}"
    confidential = case.kind == CaseKind.INTEGRITY_REPORT
    subject = _("您的咨询投诉 %(code)s 已有答复") % {"code": case.tracking_code}
    if confidential:
        text = _("您提交的事项 %(code)s 已有答复，请凭查询码和查询密码在网站查看。")
    else:
        text = _(
            "您提交的事项 %(code)s 已有答复：\n\n%(body)s\n\n也可凭查询码和查询密码在网站查看。"
        )
    text = text % {"code": case.tracking_code, "body": reply.body}
    if case.email and _record(
        case, "reply", key, "email", address=mask_email(case.email), subject=subject
    ):
        email, message = case.email, text
        transaction.on_commit(lambda: deliver_email.enqueue(subject, message, [email]))
    if case.phone and is_mobile(case.phone):
        sms = _("【关务公开】您提交的事项 %(code)s 已有答复，请凭查询码和查询密码在网站查看。") % {
            "code": case.tracking_code
        }
        if _record(case, "reply", key, "sms", address=mask_number(case.phone)):
            number = case.phone
            transaction.on_commit(lambda: deliver_sms.enqueue(number, sms))


def staff(
    case: Case, users: Iterable[Any], *, kind: str, key: str, subject: str, body: str = ""
) -> list[Any]:
    """A message to staff: one notification in the admin per user, and an e-mail to those with
    an address. Returns the users told now (a (case, kind, key) already sent is skipped)."""
    told = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        if not _record(case, kind, key, "staff", recipient=user, subject=subject[:200]):
            continue
        told.append(user)
        if user.email:
            text = f"{body}\n\n{_admin_url(case)}".strip()
            email = user.email
            transaction.on_commit(
                lambda s=subject, t=text, e=email: deliver_email.enqueue(s, t, [e])
            )
    return told


def first_contact_progress(event: CaseEvent) -> None:
    """Rule 5: the first-contact owner hears of each step until the asker has an answer."""
    case = event.case
    # Every timeline step passes here: decide from ids before loading the owner.
    if (
        event.action not in PROGRESS_ACTIONS
        or case.first_contact_id is None
        or event.actor_id == case.first_contact_id
    ):
        return
    owner = case.first_contact
    subject = _("首问事项 %(code)s 有新进展：%(action)s") % {
        "code": case.tracking_code,
        "action": action_label(event.action),
    }
    staff(case, [owner], kind="progress", key=f"event:{event.pk}", subject=subject)


def reply_awaiting_approval(reply: CaseReply, heads: Iterable[Any]) -> None:
    case = reply.case
    subject = _("答复待审核：%(code)s %(kind)s") % {
        "code": case.tracking_code,
        "kind": case.get_kind_display(),
    }
    staff(case, heads, kind="approval", key=f"reply:{reply.pk}", subject=subject)


ACTION_LABELS = {
    "received": gettext_lazy("受理"),
    "route": gettext_lazy("分派"),
    "transfer": gettext_lazy("转办"),
    "reply": gettext_lazy("答复"),
    "note": gettext_lazy("内部记录"),
    "reply_drafted": gettext_lazy("答复待审核"),
    "reply_approved": gettext_lazy("答复审核通过"),
    "reply_rejected": gettext_lazy("答复退回修改"),
    "close": gettext_lazy("办结"),
    "pause": gettext_lazy("暂停计时"),
    "resume": gettext_lazy("恢复计时"),
    "extend": gettext_lazy("延期"),
    "escalate": gettext_lazy("超期升级"),
    "merge": gettext_lazy("并单"),
    "merged_into": gettext_lazy("并入其他事项"),
    "assign": gettext_lazy("分配承办人"),
    "cohandler_added": gettext_lazy("增加协办单位"),
    "cohandler_removed": gettext_lazy("取消协办单位"),
    "cohandler_opinion": gettext_lazy("协办意见"),
    "asker_added": gettext_lazy("来件人补充"),
    "rated": gettext_lazy("评价"),
    "reopened": gettext_lazy("重新办理"),
    "identity_viewed": gettext_lazy("查看举报人信息"),
    "deadline_recomputed": gettext_lazy("重算答复期限"),
    "attachment_viewed": gettext_lazy("查看附件"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
