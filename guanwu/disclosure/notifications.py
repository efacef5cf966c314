"""E-mails about review; sent after the transaction commits, through django-tasks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from django_tasks import task

from guanwu.organization.enums import Role


def legal_reviewers() -> list[str]:
    users = (
        get_user_model()
        .objects.filter(groups__name=Role.LEGAL.group_name, is_active=True)
        .exclude(email="")
    )
    return sorted({user.email for user in users})


@task()
def send_legal_review_notice(task_state_id: int) -> int:
    from wagtail.models import TaskState

    state = TaskState.objects.select_related("revision", "task").filter(pk=task_state_id).first()
    if state is None:
        return 0
    task_obj = state.task.specific
    recipients = legal_reviewers()
    if not recipients:
        return 0
    expedited = getattr(task_obj, "expedited", False)
    hours = getattr(task_obj, "target_hours", 72)
    subject = (
        _("【加急】随时公开内容待法规处审核：%(title)s")
        if expedited
        else _("待法规处审核：%(title)s")
    ) % {"title": state.revision.object_str}
    body = _(
        "“%(title)s”已提交法规处审核，请在 %(hours)s 小时内完成。\n审核入口：%(url)s/admin/"
    ) % {"title": state.revision.object_str, "hours": hours, "url": settings.WAGTAILADMIN_BASE_URL}
    return send_mail(subject, body, None, recipients)


def notify_legal_review_started(task_state_id: int) -> None:
    send_legal_review_notice.enqueue(task_state_id)
