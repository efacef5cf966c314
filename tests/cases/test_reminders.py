"""Due-soon and overdue reminders and escalation (seed 四.五 限时答复, 二 三级负责; rules 4–6, 8).

Dates are passed explicitly and counted with the real 2026 calendar of the demo district:
National Day is 1–7 October, Saturday 10 October is worked.
"""

from __future__ import annotations

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from guanwu.cases.enums import CaseKind, Channel, Level, Status
from guanwu.cases.models import Case, CaseNotification
from guanwu.cases.reminders import (
    due_soon_cases,
    escalate_overdue,
    next_level_unit,
    send_case_reminders,
)
from guanwu.cases.selectors import workspace_cases
from guanwu.cases.services import case_close, case_extend, case_log_contact, case_pause
from guanwu.organization.enums import Role, UnitFunction
from guanwu.organization.models import Unit
from guanwu.organization.roles import user_has_role

pytestmark = pytest.mark.django_db

D = datetime.date
DEADLINE = D(2026, 10, 8)  # the first working day after the National Day holiday


@pytest.fixture
def section(demo):
    return Unit.objects.get(code="HH-XG-ZHYW")


def make_case(
    *,
    deadline: datetime.date = DEADLINE,
    units: list[Unit] | tuple[Unit, ...] = (),
    kind: str = CaseKind.CONSULTATION,
    user=None,
    **fields,
) -> Case:
    """A case logged on the hotline by ``user``, then dated with the ORM."""
    case = case_log_contact(
        user=user,
        kind=kind,
        channel=Channel.HOTLINE,
        body="来电咨询加工贸易手册核销。",
        units=list(units),
        **fields,
    )
    Case.objects.filter(pk=case.pk).update(
        received_on=deadline - datetime.timedelta(days=14), deadline=deadline
    )
    case.refresh_from_db()
    return case


def reminded(case: Case, kind: str) -> list[tuple[str, str]]:
    return sorted(
        CaseNotification.objects.filter(case=case, kind=kind).values_list(
            "recipient__username", "key"
        )
    )


def mails_about(case: Case) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if case.tracking_code in m.subject]


def test_due_soon_counts_working_days_across_the_national_day_holiday(section, demo_users):
    case = make_case(units=[section], user=demo_users["centre"])
    # Tue 29 Sep: one working day ahead is Wed 30 Sep, so 8 Oct is not yet due soon.
    assert case not in due_soon_cases(D(2026, 9, 29))
    # Wed 30 Sep: the next working day is Thu 8 Oct, a week of calendar days away.
    assert case in due_soon_cases(D(2026, 9, 30))
    assert case in due_soon_cases(D(2026, 10, 7))
    assert case in due_soon_cases(DEADLINE)
    assert case not in due_soon_cases(D(2026, 10, 9))


def test_due_soon_reminds_the_unit_heads_handlers_and_first_contact_once(
    section, demo_users, django_capture_on_commit_callbacks
):
    case = make_case(units=[section], user=demo_users["centre"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = send_case_reminders(D(2026, 9, 30))
    expected = [(name, "2026-10-08") for name in ("centre", "chief", "division", "liaison")]
    assert reminded(case, "due_soon") == expected
    assert first.due_soon_sent >= 4
    assert sorted(m.to[0] for m in mails_about(case)) == [
        f"{name}@demo.invalid" for name in ("centre", "chief", "division", "liaison")
    ]

    # Run again on the same day and on the (holiday) calendar day before: nothing new.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_case_reminders(D(2026, 9, 30))
        again = send_case_reminders(D(2026, 10, 7))
    assert reminded(case, "due_soon") == expected
    assert mails_about(case) == []
    assert again.due_soon_sent == 0


def test_an_assigned_handler_is_reminded_instead_of_the_unit(section, demo_users):
    case = make_case(units=[section], user=demo_users["centre"])
    Case.objects.filter(pk=case.pk).update(handler=demo_users["liaison"])
    send_case_reminders(D(2026, 9, 30))
    assert reminded(case, "due_soon") == [("centre", "2026-10-08"), ("liaison", "2026-10-08")]


def test_an_extension_gives_a_new_reminder(section, demo_users):
    case = make_case(units=[section], user=demo_users["centre"])
    send_case_reminders(D(2026, 9, 30))
    case_extend(case=case, user=demo_users["chief"], days=5, reason="需要与关税处会商")
    case.refresh_from_db()
    assert case.deadline == D(2026, 10, 14)  # Sat 10 Oct is worked
    send_case_reminders(D(2026, 10, 13))
    keys = [key for name, key in reminded(case, "due_soon") if name == "chief"]
    assert keys == ["2026-10-08", "2026-10-14"]


def test_overdue_cases_are_reminded_with_the_heads_above(section, demo_users):
    case = make_case(units=[section], user=demo_users["centre"])
    assert case not in due_soon_cases(D(2026, 10, 9))
    summary = send_case_reminders(D(2026, 10, 9))
    assert summary.overdue_sent >= 4
    names = {name for name, _key in reminded(case, "overdue")}
    # The division the case escalates to is headed by the demo division head.
    assert names == {"centre", "chief", "division", "liaison"}
    send_case_reminders(D(2026, 10, 12))
    assert len(reminded(case, "overdue")) == len(names)


def test_paused_and_merged_cases_are_skipped(section, demo_users):
    paused = make_case(units=[section], user=demo_users["centre"])
    case_pause(case=paused, user=demo_users["chief"], reason="等待企业补充合同")
    primary = make_case(units=[section], user=demo_users["centre"])
    merged = make_case(units=[section], user=demo_users["centre"])
    Case.objects.filter(pk=merged.pk).update(merged_into=primary)
    for today in (D(2026, 9, 30), D(2026, 10, 9)):
        send_case_reminders(today)
    for case in (paused, merged):
        case.refresh_from_db()
        assert not CaseNotification.objects.filter(case=case, kind__in=["due_soon", "overdue"])
        assert case.escalated_to is None
        assert not case.events.filter(action="escalate").exists()
    assert reminded(primary, "due_soon") and reminded(primary, "overdue")


def test_overdue_cases_escalate_section_division_centre_office_once_each(section, demo_users):
    case = make_case(units=[section], user=demo_users["centre"])
    steps = [
        (D(2026, 10, 9), "HH-XG"),  # section -> its division (新港海关)
        (D(2026, 10, 15), "HH-ZXZX"),  # division -> the centre
        (D(2026, 10, 22), "HH-BGS"),  # centre -> the office
    ]
    for today, code in steps:
        assert [c.pk for c in escalate_overdue(today)] == [case.pk]
        assert escalate_overdue(today) == []  # once per deadline
        case.refresh_from_db()
        assert case.escalated_to.code == code and case.escalated_at is not None
        assert case.responsible_unit == section  # escalation does not transfer the case
        case_extend(case=case, user=demo_users["chief"], days=5, reason="需要继续会商")
        case.refresh_from_db()
    # The office is the top: an overdue case there is reminded, not moved again.
    assert escalate_overdue(case.deadline + datetime.timedelta(days=1)) == []
    events = case.events.filter(action="escalate")
    assert [e.data["to"] for e in events] == ["HH-XG", "HH-ZXZX", "HH-BGS"]
    assert [e.data["level"] for e in events] == ["division", "centre", "office"]
    assert events[0].data["deadline"] == "2026-10-08"
    assert "升级至" in events[0].note


def test_next_level_of_division_and_centre_cases(section, demo_users):
    other_section = Unit.objects.get(code="HH-XG-CY")
    other_division = Unit.objects.get(code="HH-JC-ZHYW")
    division_case = make_case(units=[section, other_section], user=demo_users["centre"])
    centre_case = make_case(units=[section, other_division], user=demo_users["centre"])
    assert division_case.level == Level.DIVISION and centre_case.level == Level.CENTRE
    centre = Unit.objects.get(function=UnitFunction.CENTRE)
    office = Unit.objects.get(function=UnitFunction.OFFICE)
    assert next_level_unit(division_case) == centre
    assert next_level_unit(centre_case) == office
    escalated = escalate_overdue(D(2026, 10, 9))
    assert {c.pk for c in escalated} >= {division_case.pk, centre_case.pk}
    assert escalate_overdue(D(2026, 10, 9)) == []
    division_case.refresh_from_db()
    centre_case.refresh_from_db()
    assert (division_case.escalated_to, centre_case.escalated_to) == (centre, office)


def test_the_first_contact_owner_hears_of_the_escalation(section, demo_users):
    case = make_case(units=[section], user=demo_users["centre"])
    escalate_overdue(D(2026, 10, 9))
    progress = CaseNotification.objects.get(
        case=case, kind="progress", recipient=demo_users["centre"], subject__contains="超期升级"
    )
    assert progress.key == f"event:{case.events.get(action='escalate').pk}"


def test_rule_8_integrity_report_reminders_go_only_to_the_supervision_role(
    section, demo_users, django_capture_on_commit_callbacks
):
    case = make_case(
        kind=CaseKind.INTEGRITY_REPORT,
        units=[section],
        user=demo_users["centre"],  # first contact, without the supervision role
        name="举报人李某",
        phone="13912345678",
        email="reporter@example.com",
    )
    assert case.level == Level.SUPERVISION
    supervision_office = Unit.objects.get(function=UnitFunction.SUPERVISION)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_case_reminders(D(2026, 9, 30))
        send_case_reminders(D(2026, 10, 9))
    notes = CaseNotification.objects.filter(case=case, kind__in=["due_soon", "overdue"])
    assert {n.kind for n in notes} == {"due_soon", "overdue"}
    assert all(user_has_role(n.recipient, Role.SUPERVISION) for n in notes)
    assert demo_users["supervision"].pk in {n.recipient_id for n in notes}
    reminders = [m for m in mails_about(case) if "咨询投诉" in m.subject]
    assert reminders
    supervision_mail = {n.recipient.email for n in notes}
    for message in reminders:
        assert set(message.to) <= supervision_mail
        for secret in ("李某", "13912345678", "reporter@example.com"):
            assert secret not in message.subject and secret not in message.body
    for note in notes:
        assert "李某" not in note.subject and "139" not in note.subject
    # Not moved out of the supervision office: flagged as escalated to the office itself.
    case.refresh_from_db()
    assert case.responsible_unit == supervision_office
    assert case.escalated_to == supervision_office
    assert case.events.get(action="escalate").data["level"] == "supervision"


def test_messages_to_staff_never_carry_the_askers_contact(
    section, demo_users, django_capture_on_commit_callbacks
):
    case = make_case(units=[section], user=demo_users["centre"], name="王先生", phone="13800001111")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_case_reminders(D(2026, 9, 30))
    messages = mails_about(case)
    assert messages
    for message in messages:
        assert "王先生" not in message.body + message.subject
        assert "13800001111" not in message.body + message.subject
        assert case.tracking_code in message.body and "2026-10-08" in message.body


def test_the_command_prints_a_summary_and_dry_run_sends_nothing(
    section, demo_users, django_capture_on_commit_callbacks
):
    case = make_case(units=[section], user=demo_users["centre"])
    mail.outbox.clear()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("case_reminders", "--date", "2026-10-09", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "试运行" in text and "已超期：1 件" in text and "超期升级：1 件" in text
    assert case.tracking_code in text
    case.refresh_from_db()
    assert case.escalated_to is None
    assert not CaseNotification.objects.filter(case=case).exclude(kind="progress").exists()
    assert mail.outbox == []

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("case_reminders", "--date", "2026-10-09", stdout=out)
    text = out.getvalue()
    assert "咨询投诉时限提醒" in text and "超期升级：1 件" in text
    assert mails_about(case)
    case.refresh_from_db()
    assert case.escalated_to.code == "HH-XG"

    out = StringIO()
    call_command("case_reminders", "--date", "2026-10-09", stdout=out)
    assert "超期升级：0 件" in out.getvalue() and "新发提醒 0 人次" in out.getvalue()


def test_the_command_enqueues_the_task(section, demo_users, django_capture_on_commit_callbacks):
    case = make_case(units=[section], user=demo_users["centre"])
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("case_reminders", "--date", "2026-09-30", "--enqueue", stdout=out)
    # The default backend (ImmediateBackend) runs it at once.
    assert "已加入后台任务" in out.getvalue() and "即将到期：1 件" in out.getvalue()
    assert reminded(case, "due_soon")


def test_a_bad_date_is_refused(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("case_reminders", "--date", "30/09/2026")


def test_unit_heads_are_read_once_per_unit_not_per_case(section, demo_users):
    def queries(count: int) -> int:
        for _n in range(count):
            make_case(units=[section], user=demo_users["centre"])
        with CaptureQueriesContext(connection) as captured:
            send_case_reminders(D(2026, 9, 30), dry_run=True)
        return len(captured)

    assert queries(2) == queries(4)


def test_workspace_lists_escalated_open_cases(section, demo_users):
    escalated = make_case(units=[section], user=demo_users["centre"])
    answered = make_case(units=[section], user=demo_users["centre"])
    quiet = make_case(units=[section], user=demo_users["centre"], deadline=D(2026, 10, 20))
    escalate_overdue(D(2026, 10, 9))
    case_close(case=answered, user=demo_users["chief"])
    for name in ("office", "centre"):
        listed = set(
            workspace_cases(demo_users[name], filters={"escalated": "1"}).values_list(
                "pk", flat=True
            )
        )
        assert escalated.pk in listed
        assert answered.pk not in listed and quiet.pk not in listed
    # The division the case was escalated to sees it too.
    division = workspace_cases(demo_users["division"], filters={"escalated": "1"})
    assert escalated.pk in set(division.values_list("pk", flat=True))
    assert Case.objects.get(pk=answered.pk).status == Status.CLOSED
