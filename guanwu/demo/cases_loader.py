"""A few hundred demo cases across kinds, channels, units and states (idempotent)."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from guanwu.calendar.services import load_calendar
from guanwu.calendar.workdays import add_workdays
from guanwu.cases import notify, reminders, services
from guanwu.cases.enums import CaseKind, Channel
from guanwu.cases.models import Case, CaseEvent, CaseReply, DeadlinePolicy
from guanwu.cases.permissions import reply_approvers
from guanwu.organization.enums import Role, UnitFunction, UnitKind
from guanwu.organization.models import Staff, Unit

DEMO_KEY = "demo-case-"
COUNT = 300

QUESTIONS = {
    CaseKind.CONSULTATION: [
        "加工贸易手册如何办理核销？",
        "原产地证书在哪个窗口申领？",
        "ATA单证册项下展览品复出境有什么要求？",
        "AEO认证企业可以享受哪些便利？",
        "HS编码归类有疑问可以申请预裁定吗？",
    ],
    CaseKind.COMPLAINT_EFFICIENCY: ["报关单审核超过承诺时限仍未办结。", "查验后放行等待时间过长。"],
    CaseKind.COMPLAINT_ATTITUDE: ["窗口工作人员答复问题时态度生硬。"],
    CaseKind.INTEGRITY_REPORT: ["反映有工作人员接受企业宴请。"],
    CaseKind.MAILBOX: ["建议报关大厅增加自助终端。", "希望延长周末预约通关服务时间。"],
    CaseKind.SUGGESTION: ["建议在网站上公开各窗口排队情况。", "建议增加英文版办事指南。"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"


@transaction.atomic
def load_demo_cases(users: dict[str, Any], report: Any) -> None:
    if Case.objects.filter(idempotency_key__startswith=DEMO_KEY).exists():
        return
    with notify.muted():
        _load(users, report)


def _at(
    day: datetime.date, rng: random.Random, hours: tuple[int, int] = (8, 17)
) -> datetime.datetime:
    """A time of day within office hours on ``day``, in the district's time zone."""
    moment = datetime.time(rng.randrange(*hours), rng.randrange(60))
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def _backdate_answer(case: Case, rng: random.Random, calendar: Any, today: datetime.date) -> None:
    """The demo answers within the limit mostly, a few days late sometimes: the reply and the
    closing carry the day they would have happened, not the day the demo was loaded."""
    limit = DeadlinePolicy.limit_for(case.kind)
    day = min(add_workdays(case.received_on, rng.randint(1, limit + 3), calendar), today)
    answered = max(_at(day, rng), case.received_at + datetime.timedelta(minutes=5))
    CaseReply.objects.filter(case=case).update(created_at=answered, sent_at=answered)
    CaseReply.objects.filter(case=case, approved_by__isnull=False).update(approved_at=answered)
    Case.objects.filter(pk=case.pk).update(replied_at=answered, closed_at=answered)
    CaseEvent.objects.filter(case=case).exclude(action__in=["received", "route"]).update(
        at=answered
    )


def _reply(case: Case, author: Any, rng: random.Random, *, may_wait: bool = True) -> bool:
    """Reply as ``author``; a complaint's or report's draft is approved by a head when the
    demo has one for the unit (some stay awaiting approval). True when the asker has it."""
    reply = services.case_reply(
        case=case, user=author, body="您好，您反映的问题已经办理，答复如下：请按办事指南提交材料。"
    )
    if reply.pending:
        heads = reply_approvers(case)
        if not heads or (may_wait and rng.random() < 0.15):
            return False
        services.case_approve_reply(reply=reply, user=heads[0])
    return True


# Every head of a unit has an account (without a password: only the demo logins sign in),
# so replies to complaints are approved by the right head, as the rule requires.
HEAD_TITLES = {"科长": Role.SECTION_CHIEF, "处长": Role.DIVISION_HEAD, "关长": Role.DIVISION_HEAD}
BODY_ROLES = {
    UnitFunction.SUPERVISION: Role.SUPERVISION,
    UnitFunction.CENTRE: Role.CENTRE,
    UnitFunction.OFFICE: Role.OFFICE,
}
# Cases received longer ago than this are answered in the demo, but one: the first such case
# with a named asker is a deliberate gap (unanswered for more than three months, a single-veto
# item of the inspection indicators; docs/oversight.md lists the demo's gaps).
ANSWERED_AFTER_DAYS = 60


def _head_accounts(report: Any) -> None:
    user_model = get_user_model()
    heads = Staff.objects.filter(title__in=HEAD_TITLES, user__isnull=True, is_active=True)
    for staff in heads.select_related("unit__parent"):
        user, created = user_model.objects.get_or_create(
            username=f"head{staff.work_number}",
            defaults={
                "first_name": staff.name,
                "email": f"head{staff.work_number}@demo.invalid",
                "is_active": True,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            report.count("User (unit head)", created=True)
        division = staff.unit if staff.unit.kind == UnitKind.DIVISION else staff.unit.parent
        roles = [HEAD_TITLES[staff.title]]
        if division is not None and division.function in BODY_ROLES:
            roles.append(BODY_ROLES[UnitFunction(division.function)])
        user.groups.set(Group.objects.filter(name__in=[role.group_name for role in roles]))
        staff.user = user
        staff.save(update_fields=["user"])


def _load(users: dict[str, Any], report: Any) -> None:
    _head_accounts(report)
    rng = random.Random(20261127)
    gap_left = False
    sections = list(Unit.objects.filter(kind="section").order_by("code"))
    today = timezone.localdate()
    calendar = load_calendar()
    operators = [users["centre"], users["chief"], users["liaison"]]
    kinds = list(QUESTIONS)
    for n in range(COUNT):
        kind = rng.choices(kinds, weights=[50, 15, 6, 4, 12, 13])[0]
        units = rng.sample(sections, k=rng.choice([1, 1, 1, 2]))
        named = kind != CaseKind.INTEGRITY_REPORT or rng.random() < 0.3
        fields = {
            "kind": kind,
            "body": rng.choice(QUESTIONS[kind]),
            "name": f"{rng.choice(SURNAMES)}先生" if named and rng.random() < 0.6 else "",
            "phone": f"13{rng.randrange(100000000, 999999999)}"
            if named and rng.random() < 0.7
            else "",
            "units": units,
        }
        if rng.random() < 0.4:
            case = services.case_log_contact(
                user=rng.choice(operators),
                channel=rng.choice([Channel.HOTLINE, Channel.DESK]),
                **fields,
            )
            Case.objects.filter(pk=case.pk).update(idempotency_key=f"{DEMO_KEY}{n}")
        else:
            case = services.case_submit_public(
                channel=rng.choice([Channel.WEB, Channel.KIOSK, Channel.MAILBOX, Channel.LETTER]),
                idempotency_key=f"{DEMO_KEY}{n}",
                **fields,
            ).case
        # Spread the receipts over the last 120 days, deadlines counted in working days.
        received = today - datetime.timedelta(days=rng.randrange(0, 120))
        deadline = add_workdays(received, DeadlinePolicy.limit_for(kind), calendar)
        received_at = _at(received, rng)
        Case.objects.filter(pk=case.pk).update(
            received_on=received, received_at=received_at, deadline=deadline
        )
        CaseEvent.objects.filter(case=case).update(at=received_at)
        case.refresh_from_db()
        handler = users["supervision"] if case.level == "supervision" else users["centre"]
        fate = rng.random()
        old = received < today - datetime.timedelta(days=ANSWERED_AFTER_DAYS)
        if old and not gap_left and case.has_contact:
            gap_left = True  # the deliberate gap: received long ago, never answered
        elif fate < 0.45 or old:
            if _reply(case, handler, rng, may_wait=not old):
                services.case_close(case=case, user=handler)
                _backdate_answer(case, rng, calendar, today)
                if rng.random() < 0.5:
                    services.case_rate(
                        case=Case.objects.get(pk=case.pk),
                        rating=rng.choice([5, 5, 4, 4, 3, 2, 1]),
                    )
        elif fate < 0.55:
            services.case_pause(case=case, user=handler, reason="等待来件人补充材料")
        elif fate < 0.6 and case.level != "supervision":
            services.case_transfer(
                case=case, user=handler, unit=rng.choice(sections), reason="涉及其他科室职责"
            )
        elif fate < 0.68:
            heads = reply_approvers(case)
            if heads:
                services.case_extend(
                    case=case, user=heads[0], days=rng.choice([5, 10]), reason="需要现场核查"
                )
        report.count("Case", created=True)
    _merge_duplicates(users, rng, today)
    _assign_handlers(users)
    for _case in reminders.escalate_overdue(today):
        report.count("Case escalated", created=True)


def _merge_duplicates(users: dict[str, Any], rng: random.Random, today: datetime.date) -> None:
    """并单: a few open consultations asking the same thing of the same unit become one."""
    open_cases = Case.objects.open().filter(kind=CaseKind.CONSULTATION, merged_into__isnull=True)
    by_question: dict[tuple[int, str], list[Case]] = {}
    for case in open_cases.order_by("received_on", "pk"):
        by_question.setdefault((case.responsible_unit_id, case.body), []).append(case)
    groups = [cases for cases in by_question.values() if len(cases) > 1][:6]
    for primary, *duplicates in groups:
        services.case_merge(
            primary=primary,
            duplicates=duplicates,
            user=users["centre"],
            reason="同一问题的重复来件",
        )


def _assign_handlers(users: dict[str, Any]) -> None:
    """The liaison of 新港海关综合业务科 handles that section's open cases."""
    liaison = users["liaison"]
    unit = liaison.staff.unit
    for case in Case.objects.open().filter(responsible_unit=unit, merged_into__isnull=True):
        services.case_assign(case=case, user=users["chief"], handler=liaison, reason="")
